// DaemonSet: one pod on every node that should run it (src/api/daemonset.ts decides, as the
// upstream controller does), pinned to its node by a `metadata.name` matchFields node affinity and
// carrying the default DaemonSet tolerations; the scheduler still places it through the profile.
// New nodes get their pods; pods on nodes that stop qualifying are deleted; a daemon pod that ends
// (preempted, say) is recreated while its node qualifies. A template update applies to pods
// created afterwards.
import { daemonPodFor, nodeShouldRunDaemonPod } from '../../api/daemonset.js';
import type { DaemonSet } from '../../api/types.js';
import type { SimPod } from '../sim-pod.js';
import { type Controller, type ControllerHost, type GoneReason, suffix, workloadKey } from './controller.js';

export class DaemonSetController implements Controller {
  readonly kind = 'DaemonSet' as const;
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly parent = null;
  /** Node name → its daemon pod. */
  readonly pods = new Map<string, SimPod>();
  private created = 0;

  constructor(public ds: DaemonSet) {
    this.namespace = ds.metadata.namespace ?? 'default';
    this.name = ds.metadata.name;
    this.key = workloadKey('DaemonSet', this.namespace, this.name);
  }

  /** Takes over a pod that already runs on `node` (from the cluster file). */
  adopt(pod: SimPod, node: string): void {
    this.pods.set(node, pod);
  }

  reconcile(host: ControllerHost): void {
    const present = new Set<string>();
    for (const node of host.nodes()) {
      const name = node.metadata.name;
      present.add(name);
      const should = nodeShouldRunDaemonPod(this.ds, node);
      const pod = this.pods.get(name);
      if (should && !pod) {
        const created = host.createPod(daemonPodFor(this.ds, name, `${this.name}-${suffix(this.created++)}`), {
          owner: this,
          daemon: true,
        });
        if (created) this.pods.set(name, created);
      } else if (!should && pod) {
        this.pods.delete(name);
        host.deletePod(pod);
      }
    }
    for (const [name, pod] of [...this.pods]) {
      if (present.has(name)) continue;
      this.pods.delete(name);
      host.deletePod(pod);
    }
  }

  podBound(): void {}

  podGone(pod: SimPod, _reason: GoneReason): void {
    for (const [name, p] of this.pods) {
      if (p === pod) {
        this.pods.delete(name);
        return;
      }
    }
  }

  remove(host: ControllerHost): void {
    for (const pod of this.pods.values()) host.deletePod(pod);
    this.pods.clear();
  }
}
