// DefaultPreemption's victim selection on one node (upstream SelectVictimsOnNode): remove every pod
// of lower priority than the preemptor; if the preemptor still does not fit, the node is no
// candidate. Otherwise add pods back, most important first (PDB-violating ones before the others),
// keeping each one the preemptor still fits beside; the pods that could not come back are the
// victims. Fit is the profile's Filter plugins on that node, run through the engine.
import type { Pod, PodDisruptionBudget } from '../api/types.js';
import type { Scheduler } from '../engine/scheduler.js';
import type { PodInfo } from '../snapshot/pod-info.js';
import { type CompiledSelector, compileSelector, matchesPairs } from '../snapshot/selector.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import type { Deadline } from './errors.js';

export interface Victims {
  /** Most important first, as upstream orders them. */
  pods: PodInfo[];
  numPDBViolations: number;
}

/** A PodDisruptionBudget ready for matching, with how many more disruptions it allows. */
export interface Budget {
  namespace: string;
  selector: CompiledSelector;
  allowed: number;
}

interface BudgetStatus {
  disruptionsAllowed?: unknown;
}

/**
 * Resolves "x%" or an integer against `total`, rounding up (upstream GetScaledValueFromIntOrPercent
 * with roundUp, as the disruption controller calls it).
 */
function scaled(value: number | string, total: number): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value);
  return m ? Math.ceil((Number(m[1]) * total) / 100) : Number.NaN;
}

/**
 * The budgets of the cluster, compiled against `snapshot`. `status.disruptionsAllowed` is used when
 * the object carries it (a dump of a live cluster); otherwise it is computed as the disruption
 * controller would, counting every matching bound pod as healthy and expected.
 */
export function compileBudgets(pdbs: readonly PodDisruptionBudget[], snapshot: Snapshot): Budget[] {
  const out: Budget[] = [];
  for (const pdb of pdbs) {
    const selector = compileSelector(pdb.spec?.selector, snapshot.labelKeys, snapshot.labelValues);
    // A PDB with a nil or empty selector matches nothing.
    if (selector.matchesNothing || selector.requirements.length === 0) continue;
    const namespace = pdb.metadata.namespace ?? 'default';
    const status = (pdb as { status?: BudgetStatus }).status;
    let allowed: number;
    if (typeof status?.disruptionsAllowed === 'number') {
      allowed = status.disruptionsAllowed;
    } else {
      let healthy = 0;
      for (const p of snapshot.boundPods())
        if (p.namespace === namespace && matchesPairs(selector, p.labelPairs)) healthy++;
      const { minAvailable, maxUnavailable } = pdb.spec;
      let desired = 0;
      if (maxUnavailable !== undefined) desired = healthy - scaled(maxUnavailable, healthy);
      else if (minAvailable !== undefined) desired = scaled(minAvailable, healthy);
      allowed = Number.isNaN(desired) ? 0 : Math.max(0, healthy - desired);
    }
    out.push({ namespace, selector, allowed });
  }
  return out;
}

function startTime(pod: Pod): number {
  const t = (pod.status as { startTime?: unknown } | undefined)?.startTime;
  const ms = typeof t === 'string' ? Date.parse(t) : Number.NaN;
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
}

/** Upstream MoreImportantPod: higher priority, then the one running longer (earlier start). */
export function moreImportant(a: PodInfo, b: PodInfo): number {
  return b.priority - a.priority || startTime(a.pod) - startTime(b.pod);
}

/** Splits pods (order kept) into those whose eviction would overdraw a budget and the rest. */
function splitByBudget(pods: readonly PodInfo[], budgets: readonly Budget[]): [PodInfo[], PodInfo[]] {
  const left = budgets.map((b) => b.allowed);
  const violating: PodInfo[] = [];
  const others: PodInfo[] = [];
  for (const p of pods) {
    let violated = false;
    if (p.labelPairs.length > 0) {
      budgets.forEach((b, i) => {
        if (b.namespace !== p.namespace || !matchesPairs(b.selector, p.labelPairs)) return;
        left[i]--;
        if (left[i] < 0) violated = true;
      });
    }
    (violated ? violating : others).push(p);
  }
  return [violating, others];
}

/**
 * The fewest victims on `node` that let `pod` fit, or undefined when removing every lower-priority
 * pod is not enough (or there is none). The snapshot is the same afterwards as before.
 */
export function selectVictimsOnNode(
  scheduler: Scheduler,
  pod: PodInfo,
  node: number,
  budgets: readonly Budget[],
  deadline: Deadline,
): Victims | undefined {
  const snapshot = scheduler.snapshot;
  const only = Int32Array.of(node);
  const fits = (): boolean => scheduler.scheduleOne(pod, only).feasibleCount === 1;
  const potential = snapshot.podsOnNode[node].filter((p) => p.priority < pod.priority);
  if (potential.length === 0) return undefined;
  for (const p of potential) snapshot.unbind(p);
  const removed = new Set(potential);
  try {
    if (!fits()) return undefined;
    potential.sort(moreImportant);
    const [violating, others] = splitByBudget(potential, budgets);
    const victims: PodInfo[] = [];
    let numPDBViolations = 0;
    const reprieve = (p: PodInfo): boolean => {
      deadline.check('selecting preemption victims');
      snapshot.bind(p, node);
      removed.delete(p);
      if (fits()) return true;
      snapshot.unbind(p);
      removed.add(p);
      victims.push(p);
      return false;
    };
    for (const p of violating) if (!reprieve(p)) numPDBViolations++;
    for (const p of others) reprieve(p);
    if (violating.length > 0 && others.length > 0) victims.sort(moreImportant);
    return { pods: victims, numPDBViolations };
  } finally {
    for (const p of removed) snapshot.bind(p, node);
  }
}
