// DefaultPreemption (PostFilter) for the simulator, the simple correct version of upstream's
// pkg/scheduler/framework/preemption:
// - only a pod whose preemptionPolicy is not Never, on nodes whose filter failure was Unschedulable
//   (UnschedulableAndUnresolvable means removing pods cannot help there);
// - on each candidate node: remove every lower-priority pod; if the pod then fits (the profile's
//   own filters decide, through the engine), add victims back from the most important (higher
//   priority, then earlier start) and keep each one that still leaves room: the rest are the victims;
// - at most max(100, 10% of nodes) candidates, in node order; the node chosen has the lowest
//   highest-victim priority, then the lowest sum of victim priorities, then the fewest victims,
//   then comes first. PodDisruptionBudgets are not modelled.
// When the profile filters with NodeResourcesFit, nodes where even removing every lower-priority pod
// cannot free the pod's cpu, memory or pod slot are passed over without a dry run.

import type { Scheduler } from '../engine/scheduler.js';
import { UNSCHEDULABLE } from '../framework/status.js';
import type { PodInfo } from '../snapshot/pod-info.js';
import { RESOURCE_CPU, RESOURCE_MEMORY, RESOURCE_PODS, type Snapshot } from '../snapshot/snapshot.js';

export interface PreemptionPlan {
  node: number;
  victims: PodInfo[];
}

const MIN_CANDIDATES = 100;
const MIN_CANDIDATES_PERCENT = 10;
/** upstream adds MaxInt32+1 to each priority before summing, so negative priorities compare right. */
const PRIORITY_OFFSET = 2 ** 31;

/**
 * Whether removing every one of `lower` could leave room for the pod's cpu, memory and pod slot:
 * a cheap necessary condition that spares dry runs on nodes where NodeResourcesFit must fail.
 */
function roomAfterRemoving(snap: Snapshot, info: PodInfo, lower: PodInfo[], node: number): boolean {
  if (snap.podCount[node] - lower.length + 1 > snap.allocatable[RESOURCE_PODS][node]) return false;
  for (const r of [RESOURCE_CPU, RESOURCE_MEMORY]) {
    let want = 0;
    for (let i = 0; i < info.requestIds.length; i++) if (info.requestIds[i] === r) want = info.requestAmounts[i];
    if (want <= 0) continue;
    let freed = 0;
    for (const v of lower)
      for (let i = 0; i < v.requestIds.length; i++) if (v.requestIds[i] === r) freed += v.requestAmounts[i];
    if (want > snap.allocatable[r][node] - snap.requested[r][node] + freed) return false;
  }
  return true;
}

function fits(scheduler: Scheduler, info: PodInfo, node: number): boolean {
  return scheduler.scheduleOne(info, Int32Array.of(node)).chosenNode !== undefined;
}

/**
 * Victims for `info` right after its failed attempt on `scheduler`, or null when preemption cannot help.
 * `startTime` orders victims of equal priority (earlier started is more important). Leaves the
 * snapshot as it found it.
 */
export function findPreemption(
  scheduler: Scheduler,
  snap: Snapshot,
  info: PodInfo,
  startTime: (victim: PodInfo) => number,
): PreemptionPlan | null {
  if (info.pod.spec.preemptionPolicy === 'Never') return null;
  const maxCandidates = Math.max(MIN_CANDIDATES, Math.trunc((snap.nodeCount * MIN_CANDIDATES_PERCENT) / 100));
  const plans: PreemptionPlan[] = [];
  const precheck = scheduler.profile.filter.some((p) => p.name === 'NodeResourcesFit');
  // Nodes the failed attempt rejected as Unschedulable (preemption may help there), read before
  // the fit checks below run new cycles.
  const rejected: number[] = [];
  for (let n = 0; n < snap.nodeCount; n++) if (scheduler.lastRejection(n) === UNSCHEDULABLE) rejected.push(n);
  for (const n of rejected) {
    if (plans.length >= maxCandidates) break;
    const lower = snap.podsOnNode[n].filter((p) => p.priority < info.priority);
    if (lower.length === 0 || (precheck && !roomAfterRemoving(snap, info, lower, n))) continue;
    for (const v of lower) snap.unbind(v);
    if (!fits(scheduler, info, n)) {
      for (const v of lower) snap.bind(v, n);
      continue;
    }
    lower.sort((a, b) => b.priority - a.priority || startTime(a) - startTime(b));
    const victims: PodInfo[] = [];
    for (const v of lower) {
      snap.bind(v, n);
      if (!fits(scheduler, info, n)) {
        snap.unbind(v);
        victims.push(v);
      }
    }
    for (const v of victims) snap.bind(v, n);
    if (victims.length > 0) plans.push({ node: n, victims });
  }
  let best: PreemptionPlan | null = null;
  let bestKey: number[] = [];
  for (const plan of plans) {
    let highest = Number.NEGATIVE_INFINITY;
    let sum = 0;
    for (const v of plan.victims) {
      highest = Math.max(highest, v.priority);
      sum += v.priority + PRIORITY_OFFSET;
    }
    const key = [highest, sum, plan.victims.length];
    if (!best || lessKey(key, bestKey)) {
      best = plan;
      bestKey = key;
    }
  }
  return best;
}

function lessKey(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}
