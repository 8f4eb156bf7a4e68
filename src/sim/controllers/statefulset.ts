// StatefulSet: pods named NAME-0 … NAME-(replicas−1), each ordinal kept by one pod at a time.
// OrderedReady (the default) creates ordinal i only once every lower ordinal runs; Parallel creates
// them all at once. Scaling down deletes the highest ordinals first. A pod that ends is recreated
// under the same name. Pods count as ready once bound (the simulator starts pods instantly).
import type { Pod, StatefulSet } from '../../api/types.js';
import type { SimPod } from '../sim-pod.js';
import { type Controller, type ControllerHost, type GoneReason, workloadKey } from './controller.js';

export class StatefulSetController implements Controller {
  readonly kind = 'StatefulSet' as const;
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly parent = null;
  /** Ordinal → its pod. */
  readonly pods = new Map<number, SimPod>();

  constructor(
    public ss: StatefulSet,
    public duration: number | undefined,
  ) {
    this.namespace = ss.metadata.namespace ?? 'default';
    this.name = ss.metadata.name;
    this.key = workloadKey('StatefulSet', this.namespace, this.name);
  }

  get replicas(): number {
    return this.ss.spec.replicas ?? 1;
  }

  set replicas(n: number) {
    this.ss = { ...this.ss, spec: { ...this.ss.spec, replicas: n } };
  }

  /** Pods bound and running. */
  get available(): number {
    let n = 0;
    for (const p of this.pods.values()) if (p.state === 'running') n++;
    return n;
  }

  reconcile(host: ControllerHost): void {
    const want = this.replicas;
    const ordered = this.ss.spec.podManagementPolicy !== 'Parallel';
    for (let i = 0; i < want; i++) {
      let pod = this.pods.get(i);
      if (!pod) {
        const created = host.createPod(this.newPod(i), { owner: this, duration: this.duration });
        // Refused by admission: the controller waits until quota is released, as upstream retries.
        if (!created) break;
        pod = created;
        this.pods.set(i, pod);
      }
      if (ordered && pod.state !== 'running') break;
    }
    const extra = [...this.pods.keys()].filter((i) => i >= want).sort((a, b) => b - a);
    for (const i of extra) {
      const pod = this.pods.get(i)!;
      this.pods.delete(i);
      host.deletePod(pod);
    }
  }

  podBound(): void {}

  podGone(pod: SimPod, _reason: GoneReason): void {
    for (const [i, p] of this.pods) if (p === pod) this.pods.delete(i);
  }

  remove(host: ControllerHost): void {
    for (const i of [...this.pods.keys()].sort((a, b) => b - a)) host.deletePod(this.pods.get(i)!);
    this.pods.clear();
  }

  private newPod(ordinal: number): Pod {
    const template = this.ss.spec.template;
    const name = `${this.name}-${ordinal}`;
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: this.namespace,
        labels: {
          ...template.metadata?.labels,
          'statefulset.kubernetes.io/pod-name': name,
          'apps.kubernetes.io/pod-index': String(ordinal),
        },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'StatefulSet', name: this.name, uid: this.ss.metadata.uid, controller: true },
        ],
      },
      spec: template.spec,
    };
  }
}
