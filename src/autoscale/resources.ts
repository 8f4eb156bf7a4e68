// Resource amounts as the autoscalers reason about them: name → integer (cpu in millicores, pods
// as a count, everything else in units), the same integers the scheduler uses. Autoscaling
// decisions run every few simulated seconds over tens of nodes, so plain maps are enough here.
import { parseQuantity } from '../api/quantity.js';
import type { Pod } from '../api/types.js';
import { computePodRequests } from '../snapshot/pod-requests.js';
import { RESOURCE_PODS, type Snapshot } from '../snapshot/snapshot.js';

export type Resources = Map<string, number>;

export function resourcesOf(list: Record<string, string>): Resources {
  const out: Resources = new Map();
  for (const [name, text] of Object.entries(list)) {
    const q = parseQuantity(text);
    out.set(name, name === 'cpu' ? q.milliValueNumber() : q.valueNumber());
  }
  return out;
}

/** A pod's requests, plus one pod slot. */
export function podRequests(pod: Pod): Resources {
  const out: Resources = new Map(computePodRequests(pod).amounts);
  out.set('pods', 1);
  return out;
}

export function addInto(into: Resources, r: Resources): void {
  for (const [k, v] of r) into.set(k, (into.get(k) ?? 0) + v);
}

export function subtract(a: Resources, b: Resources): Resources {
  const out: Resources = new Map(a);
  for (const [k, v] of b) out.set(k, (out.get(k) ?? 0) - v);
  return out;
}

/** Whether every requested amount is available (a resource the node lacks counts as zero). */
export function fitsIn(requests: Resources, free: Resources): boolean {
  for (const [k, v] of requests) if (v > 0 && v > (free.get(k) ?? 0)) return false;
  return true;
}

/** Free capacity of a live node: allocatable minus what its bound pods request. */
export function freeOnNode(snap: Snapshot, n: number): Resources {
  const out: Resources = new Map();
  for (let r = 0; r < snap.allocatable.length; r++) {
    const name = snap.resources.str(r);
    if (r === RESOURCE_PODS) out.set(name, snap.allocatable[r][n] - snap.podCount[n]);
    else out.set(name, snap.allocatable[r][n] - snap.requested[r][n]);
  }
  return out;
}

/** The larger of the cpu and memory shares requested on a live node (cluster-autoscaler's utilization). */
export function nodeUtilization(snap: Snapshot, n: number): number {
  let u = 0;
  for (const name of ['cpu', 'memory']) {
    const r = snap.resources.find(name);
    if (r < 0) continue;
    const a = snap.allocatable[r][n];
    if (a > 0) u = Math.max(u, snap.requested[r][n] / a);
  }
  return u;
}

/** First-fit-decreasing order key: cpu and memory as shares of a reference allocatable. */
export function sizeScore(requests: Resources, reference: Resources): number {
  const cpu = reference.get('cpu') ?? 0;
  const mem = reference.get('memory') ?? 0;
  return (cpu > 0 ? (requests.get('cpu') ?? 0) / cpu : 0) + (mem > 0 ? (requests.get('memory') ?? 0) / mem : 0);
}
