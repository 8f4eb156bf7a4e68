// A capacity question's working copy of a cluster: a Snapshot of the bound pods and the same
// Scheduler as `berth schedule` over it (first-node tie-breaks, so answers are reproducible).
// Each placement is assumed before the next, as kube-scheduler assumes its pods.
import type { ClusterSnapshot, Node, Pod } from '../api/types.js';
import type { PodResult } from '../engine/result.js';
import { Scheduler } from '../engine/scheduler.js';
import type { Profile } from '../framework/profile.js';
import { Snapshot } from '../snapshot/snapshot.js';

export class Placer {
  readonly snapshot: Snapshot;
  private scheduler: Scheduler;

  constructor(
    cluster: ClusterSnapshot,
    private readonly profile: Profile,
  ) {
    this.snapshot = new Snapshot({ ...cluster, pendingPods: [] });
    this.scheduler = this.newScheduler();
  }

  private newScheduler(): Scheduler {
    return new Scheduler(this.profile, this.snapshot, { tieBreak: 'first', seed: 1, explain: false });
  }

  /** Schedules the pod and, when a node is found, binds it there. */
  place(pod: Pod): PodResult {
    const info = this.snapshot.podInfo(pod);
    const result = this.scheduler.scheduleOne(info);
    if (result.chosenNode !== undefined) this.snapshot.bind(info, this.snapshot.nodeIndex.get(result.chosenNode)!);
    return result;
  }

  /** Binds a pod to a named node without scheduling it (DaemonSet pods of a new node). */
  bindTo(pod: Pod, node: string): void {
    this.snapshot.bind(this.snapshot.podInfo(pod), this.snapshot.nodeIndex.get(node)!);
  }

  addNode(node: Node): void {
    this.snapshot.addNode(node);
  }
}

/** A pod of a workload, named for the copy it is, without a node. */
export function podCopy(pod: Pod, name: string): Pod {
  const spec = { ...pod.spec };
  delete spec.nodeName;
  return { ...pod, metadata: { ...pod.metadata, name, uid: `${pod.metadata.namespace ?? 'default'}/${name}` }, spec };
}
