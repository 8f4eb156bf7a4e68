// Which pods may move when a node goes (cluster-autoscaler's drain rules, Karpenter's blocking
// pods): DaemonSet pods are ignored (they go with the node); a pod without a controller, a pod with
// local storage (an emptyDir not backed by memory, or a hostPath), a kube-system pod and a pod whose
// eviction would break a PodDisruptionBudget keep the node. Where the other pods would go is
// checked against the free capacity, node selectors, affinity and taints of the nodes that stay.
import { matchesLabelSelector } from '../api/labels.js';
import type { Pod, PodDisruptionBudget } from '../api/types.js';
import type { LiveCluster } from '../sim/cluster.js';
import type { PodInfo } from '../snapshot/pod-info.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { admits } from './node-groups.js';
import { fitsIn, freeOnNode, podRequests, type Resources, subtract } from './resources.js';

export interface DrainRules {
  skipNodesWithLocalStorage: boolean;
  skipNodesWithSystemPods: boolean;
  /** Karpenter: pods annotated karpenter.sh/do-not-disrupt=true block. */
  doNotDisruptAnnotation: boolean;
}

export function isDaemonPod(pod: Pod): boolean {
  return (pod.metadata.ownerReferences ?? []).some((o) => o.kind === 'DaemonSet' && o.controller !== false);
}

function hasController(pod: Pod): boolean {
  return (pod.metadata.ownerReferences ?? []).some((o) => o.controller !== false);
}

function hasLocalStorage(pod: Pod): boolean {
  return (pod.spec.volumes ?? []).some((v) => (v.emptyDir && v.emptyDir.medium !== 'Memory') || v.hostPath);
}

/** Disruptions each PodDisruptionBudget still allows, over the running pods of the snapshot. */
export class DisruptionBudgets {
  private readonly allowed: number[];

  constructor(
    private readonly pdbs: readonly PodDisruptionBudget[],
    snap: Snapshot,
  ) {
    this.allowed = pdbs.map((pdb) => {
      const ns = pdb.metadata.namespace ?? 'default';
      let healthy = 0;
      for (let n = 0; n < snap.nodeCount; n++)
        for (const info of snap.podsOnNode[n])
          if (info.namespace === ns && pdb.spec.selector && matchesLabelSelector(pdb.spec.selector, info.labels))
            healthy++;
      const { minAvailable, maxUnavailable } = pdb.spec;
      if (minAvailable !== undefined) return healthy - scaled(minAvailable, healthy);
      if (maxUnavailable !== undefined) return scaled(maxUnavailable, healthy);
      return Number.POSITIVE_INFINITY;
    });
  }

  private covering(pod: Pod): number[] {
    const ns = pod.metadata.namespace ?? 'default';
    const out: number[] = [];
    this.pdbs.forEach((pdb, i) => {
      if ((pdb.metadata.namespace ?? 'default') === ns && pdb.spec.selector)
        if (matchesLabelSelector(pdb.spec.selector, pod.metadata.labels)) out.push(i);
    });
    return out;
  }

  private needs(pods: readonly Pod[]): Map<number, number> {
    const need = new Map<number, number>();
    for (const pod of pods) for (const i of this.covering(pod)) need.set(i, (need.get(i) ?? 0) + 1);
    return need;
  }

  /** Whether all of `pods` may be evicted together. */
  allows(pods: readonly Pod[]): boolean {
    for (const [i, n] of this.needs(pods)) if (this.allowed[i] < n) return false;
    return true;
  }

  /** Takes `pods` off the budgets (after `allows`). */
  take(pods: readonly Pod[]): void {
    for (const [i, n] of this.needs(pods)) this.allowed[i] -= n;
  }
}

/** An int or a percentage of `total`, rounded up (intstr.GetScaledValueFromIntOrPercent). */
function scaled(v: number | string, total: number): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  return m ? Math.ceil((Number(m[1]) * total) / 100) : Number(v);
}

/** Why a pod keeps its node, or undefined when it may move. */
export function blockingReason(pod: Pod, rules: DrainRules): string | undefined {
  if (isDaemonPod(pod)) return undefined;
  if (rules.doNotDisruptAnnotation && pod.metadata.annotations?.['karpenter.sh/do-not-disrupt'] === 'true')
    return 'do-not-disrupt annotation';
  if (!hasController(pod)) return 'pod without a controller';
  if (rules.skipNodesWithLocalStorage && hasLocalStorage(pod)) return 'pod with local storage';
  if (rules.skipNodesWithSystemPods && (pod.metadata.namespace ?? 'default') === 'kube-system')
    return 'kube-system pod';
  return undefined;
}

/** The pods that would have to move if node `n` went (DaemonSet pods excluded). */
export function movablePods(snap: Snapshot, n: number): Pod[] {
  return snap.podsOnNode[n].map((i) => i.pod).filter((p) => !isDaemonPod(p));
}

/**
 * Whether every pod fits on the nodes in `targets` (first fit, largest first), reserving what it
 * takes in `free` (free capacity per node, updated in place so several drains can be planned).
 */
export function placeElsewhere(
  pods: readonly Pod[],
  snap: Snapshot,
  targets: readonly number[],
  free: Map<number, Resources>,
): boolean {
  const trial = new Map<number, Resources>();
  const freeOf = (n: number) => trial.get(n) ?? free.get(n) ?? freeOnNode(snap, n);
  const sized = pods.map((p) => ({ p, r: podRequests(p) }));
  sized.sort(
    (a, b) => (b.r.get('cpu') ?? 0) - (a.r.get('cpu') ?? 0) || (b.r.get('memory') ?? 0) - (a.r.get('memory') ?? 0),
  );
  for (const { p, r } of sized) {
    const n = targets.find((t) => !snap.unschedulable[t] && fitsIn(r, freeOf(t)) && admits(p, snap.nodes[t]));
    if (n === undefined) return false;
    trial.set(n, subtract(freeOf(n), r));
  }
  for (const [n, r] of trial) free.set(n, r);
  return true;
}

/**
 * Whether the scheduler itself would place every pod of node `n` (DaemonSet pods aside) on the
 * other nodes, `n` and `alsoGoing` cordoned: the pods are unbound, scheduled one by one in queue
 * order (priority, then age) with the full profile and assumed where they land, then everything is
 * put back as it was. This is the drain check cluster-autoscaler runs with the scheduler's filters;
 * with scoring too, the evicted pods land where the plan put them.
 */
export function drainFits(cluster: LiveCluster, n: number, alsoGoing: readonly number[] = []): boolean {
  const snap = cluster.snapshot;
  const moving = snap.podsOnNode[n].filter((i) => !isDaemonPod(i.pod));
  if (moving.length === 0) return true;
  const cordon = [n, ...alsoGoing].filter((x) => !snap.unschedulable[x]);
  for (const x of cordon) snap.setUnschedulable(x, true);
  for (const info of moving) snap.unbind(info);
  const order = [...moving].sort(
    (a, b) => b.priority - a.priority || (cluster.boundPod(a.key)?.id ?? 0) - (cluster.boundPod(b.key)?.id ?? 0),
  );
  const placed: PodInfo[] = [];
  let fits = true;
  for (const info of order) {
    const chosen = cluster.scheduler.scheduleOne(info).chosenNode;
    if (chosen === undefined) {
      fits = false;
      break;
    }
    snap.bind(info, snap.nodeIndex.get(chosen)!);
    placed.push(info);
  }
  for (const info of placed) snap.unbind(info);
  for (const info of moving) snap.bind(info, n);
  for (const x of cordon) snap.setUnschedulable(x, false);
  return fits;
}
