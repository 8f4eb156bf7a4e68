// ReplicaSet: keeps `replicas` pods. Too few: create from the template. Too many: delete the least
// valuable first, as upstream ranks them (not yet scheduled, then lost, then the most recently
// started). A pod that ends (its duration ran out, it was preempted or its node went) is replaced.
import type { Pod, ReplicaSet } from '../../api/types.js';
import type { SimPod } from '../sim-pod.js';
import { type Controller, type ControllerHost, type GoneReason, suffix, workloadKey } from './controller.js';

export class ReplicaSetController implements Controller {
  readonly kind = 'ReplicaSet' as const;
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly pods = new Set<SimPod>();
  private created = 0;
  private published = false;

  constructor(
    readonly rs: ReplicaSet,
    public duration: number | undefined,
    readonly parent: Controller | null = null,
  ) {
    this.namespace = rs.metadata.namespace ?? 'default';
    this.name = rs.metadata.name;
    this.key = workloadKey('ReplicaSet', this.namespace, this.name);
  }

  get replicas(): number {
    return this.rs.spec.replicas ?? 1;
  }

  set replicas(n: number) {
    this.rs.spec = { ...this.rs.spec, replicas: n };
  }

  /** Pods bound and running (what a Deployment counts as available). */
  get available(): number {
    let n = 0;
    for (const p of this.pods) if (p.state === 'running') n++;
    return n;
  }

  reconcile(host: ControllerHost): void {
    if (!this.published) {
      host.publishReplicaSet(this.rs);
      this.published = true;
    }
    const want = this.replicas;
    for (let i = this.pods.size; i < want; i++) {
      const created = host.createPod(this.newPod(), { owner: this, duration: this.duration });
      if (!created) break;
      this.pods.add(created);
    }
    if (this.pods.size > want) {
      const ranked = [...this.pods].sort(deletionOrder);
      for (const pod of ranked.slice(0, this.pods.size - want)) {
        this.pods.delete(pod);
        host.deletePod(pod);
      }
    }
  }

  podBound(): void {}

  podGone(pod: SimPod, _reason: GoneReason): void {
    this.pods.delete(pod);
  }

  remove(host: ControllerHost): void {
    for (const pod of [...this.pods].sort((a, b) => a.id - b.id)) host.deletePod(pod);
    this.pods.clear();
    if (this.published) host.withdrawReplicaSet(this.rs);
    this.published = false;
  }

  private newPod(): Pod {
    const template = this.rs.spec.template;
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${this.name}-${suffix(this.created++)}`,
        namespace: this.namespace,
        labels: { ...template.metadata?.labels },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: this.name, uid: this.rs.metadata.uid, controller: true },
        ],
      },
      spec: template.spec,
    };
  }
}

const RANK: Record<string, number> = { gated: 0, active: 0, backoff: 0, unschedulable: 0, lost: 1, running: 2 };

/** upstream ActivePods ranking, simplified: unscheduled < lost < running; newer first; then id. */
function deletionOrder(a: SimPod, b: SimPod): number {
  const ra = RANK[a.state] ?? 0;
  const rb = RANK[b.state] ?? 0;
  if (ra !== rb) return ra - rb;
  if (a.boundAt !== b.boundAt) return b.boundAt - a.boundAt;
  return b.id - a.id;
}
