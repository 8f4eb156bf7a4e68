// `berth capacity fit`: how many more replicas of a pod the cluster holds, as cluster-capacity
// answers it: copies of the pod are scheduled one by one with the full engine, each assumed before
// the next, until one fits nowhere (its kube-scheduler message says why) or the limit is reached.
// Pending pods of the snapshot are left out: only bound pods hold capacity.
import type { ClusterSnapshot, Pod } from '../api/types.js';
import type { Profile } from '../framework/profile.js';
import { Placer, podCopy } from './placer.js';

/** Without --max, a guard against pods that request nothing and fit forever. */
export const DEFAULT_FIT_LIMIT = 100_000;

export interface FitResult {
  pod: string;
  nodes: number;
  /** Copies placed. */
  replicas: number;
  /** Why placing stopped: the limit, or the next copy is unschedulable. */
  stoppedBy: 'limit' | 'unschedulable';
  /** kube-scheduler's message for the copy that did not fit ("0/N nodes are available: …"). */
  reason?: string;
  /** Copies per node, nodes in snapshot order, only nodes that got some. */
  perNode: { node: string; replicas: number }[];
}

export function capacityFit(cluster: ClusterSnapshot, pod: Pod, profile: Profile, max?: number): FitResult {
  const placer = new Placer(cluster, profile);
  const limit = max ?? DEFAULT_FIT_LIMIT;
  const counts = new Map<string, number>();
  const base = pod.metadata.name;
  let placed = 0;
  let reason: string | undefined;
  while (placed < limit) {
    const result = placer.place(podCopy(pod, `${base}-${placed + 1}`));
    if (result.chosenNode === undefined) {
      reason = result.message ?? 'no node fits';
      break;
    }
    counts.set(result.chosenNode, (counts.get(result.chosenNode) ?? 0) + 1);
    placed++;
  }
  return {
    pod: `${pod.metadata.namespace ?? 'default'}/${base}`,
    nodes: placer.snapshot.nodeCount,
    replicas: placed,
    stoppedBy: reason === undefined ? 'limit' : 'unschedulable',
    ...(reason !== undefined ? { reason } : {}),
    perNode: placer.snapshot.nodeNames
      .filter((n) => counts.has(n))
      .map((node) => ({ node, replicas: counts.get(node)! })),
  };
}
