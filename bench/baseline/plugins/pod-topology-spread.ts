// PodTopologySpread: DoNotSchedule constraints keep the skew of matching pods between topology
// domains within maxSkew (filter); ScheduleAnyway constraints, or the system defaults (hostname
// maxSkew 3, zone maxSkew 5, selector from the pod's Services and controller) for a pod that has
// none, prefer domains with fewer matching pods (score). Domains are (key, value) strings in maps;
// pods are counted by walking each NodeInfo's pod list, as upstream's PreFilter and PreScore do.
import { matchesLabelSelector } from '../../../src/api/labels.js';
import { findUntoleratedTaint, isNoScheduleOrNoExecute } from '../../../src/api/taints.js';
import type { LabelSelector, Labels, Pod, TopologySpreadConstraint } from '../../../src/api/types.js';
import {
  type Code,
  SKIP,
  SUCCESS,
  UNSCHEDULABLE,
  UNSCHEDULABLE_AND_UNRESOLVABLE,
} from '../../../src/framework/status.js';
import { type BaselinePlugin, type Cycle, MAX_NODE_SCORE, type PreResult } from '../framework.js';
import type { BaselineCluster, NodeInfo } from '../node-info.js';
import type { PodRecord } from '../pod-record.js';
import { RequiredNodeAffinity } from '../required-node-affinity.js';

const HOSTNAME = 'kubernetes.io/hostname';
const SYSTEM_DEFAULTS: TopologySpreadConstraint[] = [
  { topologyKey: HOSTNAME, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
];

/** Selectors that must all match; `nothing` for a null selector. */
interface SpreadSelector {
  nothing: boolean;
  parts: LabelSelector[];
}

interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: SpreadSelector;
  minDomains: number;
  honorAffinity: boolean;
  honorTaints: boolean;
}

function isEmpty(s: LabelSelector): boolean {
  return Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0;
}

function countsNothing(s: SpreadSelector): boolean {
  return s.nothing || s.parts.every(isEmpty);
}

function selects(s: SpreadSelector, labels: Labels): boolean {
  return !s.nothing && s.parts.every((p) => matchesLabelSelector(p, labels));
}

/** helper.DefaultSelector: the matching Services' selectors merged, plus the controller's selector. */
function defaultSelector(pod: Pod, cluster: BaselineCluster): SpreadSelector {
  const all = cluster.cluster;
  const namespace = pod.metadata.namespace ?? 'default';
  const labels = pod.metadata.labels ?? {};
  const inNamespace = (o: { metadata: { namespace?: string } }) => (o.metadata.namespace ?? 'default') === namespace;
  let merged: Labels = {};
  for (const svc of all.services ?? []) {
    const sel = svc.spec?.selector;
    if (!inNamespace(svc) || sel == null) continue;
    if (Object.entries(sel).every(([k, v]) => labels[k] === v)) merged = { ...merged, ...sel };
  }
  let controller: LabelSelector | null | undefined;
  const owner = (pod.metadata.ownerReferences ?? []).find((o) => o.controller === true);
  if (owner) {
    const named = (o: { metadata: { name: string; namespace?: string } }) =>
      o.metadata.name === owner.name && inNamespace(o);
    if (owner.apiVersion === 'v1' && owner.kind === 'ReplicationController') {
      const rc = (all.replicationControllers ?? []).find(named);
      if (rc) {
        const rcSel = rc.spec.selector && Object.keys(rc.spec.selector).length > 0 ? rc.spec.selector : undefined;
        merged = { ...merged, ...(rcSel ?? rc.spec.template?.metadata?.labels ?? {}) };
      }
    } else if (owner.apiVersion === 'apps/v1' && owner.kind === 'ReplicaSet') {
      controller = (all.replicaSets ?? []).find(named)?.spec.selector;
    } else if (owner.apiVersion === 'apps/v1' && owner.kind === 'StatefulSet') {
      controller = (all.statefulSets ?? []).find(named)?.spec.selector;
    }
  }
  return { nothing: false, parts: controller ? [{ matchLabels: merged }, controller] : [{ matchLabels: merged }] };
}

/** The pod's own constraints for `action`, or the system defaults when it has none at all. */
function constraintsFor(pod: Pod, action: string, cluster: BaselineCluster): Constraint[] {
  const own = pod.spec.topologySpreadConstraints ?? [];
  const labels = pod.metadata.labels ?? {};
  const make = (c: TopologySpreadConstraint, selector: SpreadSelector): Constraint => ({
    maxSkew: c.maxSkew,
    topologyKey: c.topologyKey,
    selector,
    minDomains: c.minDomains ?? 1,
    honorAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
    honorTaints: (c.nodeTaintsPolicy ?? 'Ignore') === 'Honor',
  });
  if (own.length > 0) {
    return own
      .filter((c) => c.whenUnsatisfiable === action)
      .map((c) => {
        if (c.labelSelector == null) return make(c, { nothing: true, parts: [] });
        const parts = [c.labelSelector];
        for (const key of new Set(c.matchLabelKeys ?? [])) {
          if (labels[key] !== undefined) parts.push({ matchLabels: { [key]: labels[key] } });
        }
        return make(c, { nothing: false, parts });
      });
  }
  const wanted = SYSTEM_DEFAULTS.filter((c) => c.whenUnsatisfiable === action);
  if (wanted.length === 0) return [];
  const selector = defaultSelector(pod, cluster);
  return countsNothing(selector) ? [] : wanted.map((c) => make(c, selector));
}

function countMatching(node: NodeInfo, c: Constraint, namespace: string): number {
  if (countsNothing(c.selector)) return 0;
  let n = 0;
  for (const p of node.pods) {
    if (!p.terminating && p.namespace === namespace && selects(c.selector, p.labels)) n++;
  }
  return n;
}

/** upstream's critical-path minimum starts at math.MaxInt32. */
function minimum(values: Iterable<number>): number {
  let min = 2147483647;
  for (const v of values) min = Math.min(min, v);
  return min;
}

function hasAllKeys(node: NodeInfo, constraints: Constraint[]): boolean {
  return constraints.every((c) => Object.hasOwn(node.labels, c.topologyKey));
}

/** nodeAffinityPolicy / nodeTaintsPolicy. */
function included(c: Constraint, pod: PodRecord, affinity: RequiredNodeAffinity, node: NodeInfo): boolean {
  if (c.honorAffinity && !affinity.matches(node)) return false;
  if (c.honorTaints && findUntoleratedTaint(node.taints, pod.pod.spec.tolerations, isNoScheduleOrNoExecute)) {
    return false;
  }
  return true;
}

// ---- filter -------------------------------------------------------------------------------------

interface FilterState {
  constraints: Constraint[];
  /** Per constraint: topology value → matching pods. */
  counts: Map<string, number>[];
  minMatch: number[];
  selfMatch: number[];
}

function preFilter(cycle: Cycle): PreResult<FilterState> {
  const pod = cycle.pod;
  const constraints = constraintsFor(pod.pod, 'DoNotSchedule', cycle.cluster);
  if (constraints.length === 0) return { code: SKIP };
  const affinity = new RequiredNodeAffinity(pod.pod);
  const counts = constraints.map(() => new Map<string, number>());
  for (const node of cycle.cluster.nodes) {
    if (!hasAllKeys(node, constraints)) continue;
    constraints.forEach((c, i) => {
      if (!included(c, pod, affinity, node)) return;
      const value = node.labels[c.topologyKey];
      counts[i].set(value, (counts[i].get(value) ?? 0) + countMatching(node, c, pod.namespace));
    });
  }
  const minMatch = constraints.map((c, i) => (counts[i].size < c.minDomains ? 0 : minimum(counts[i].values())));
  const selfMatch = constraints.map((c) => (selects(c.selector, pod.labels) ? 1 : 0));
  return { code: SUCCESS, state: { constraints, counts, minMatch, selfMatch } };
}

function filter(_cycle: Cycle, s: FilterState, node: NodeInfo): Code {
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i];
    if (!Object.hasOwn(node.labels, c.topologyKey)) return UNSCHEDULABLE_AND_UNRESOLVABLE;
    const matching = s.counts[i].get(node.labels[c.topologyKey]) ?? 0;
    if (matching + s.selfMatch[i] - s.minMatch[i] > c.maxSkew) return UNSCHEDULABLE;
  }
  return SUCCESS;
}

// ---- score --------------------------------------------------------------------------------------

interface ScoreState {
  constraints: Constraint[];
  /** Per constraint (not hostname): topology value → matching pods. */
  counts: Map<string, number>[];
  weights: number[];
  ignored: Set<NodeInfo>;
}

function preScore(cycle: Cycle, feasible: NodeInfo[]): PreResult<ScoreState> {
  const pod = cycle.pod;
  const constraints = constraintsFor(pod.pod, 'ScheduleAnyway', cycle.cluster);
  if (constraints.length === 0 || cycle.cluster.nodes.length === 0) return { code: SKIP };
  // Pods with their own constraints need every key on a node; with the system defaults a missing key is the value "".
  const requireAll = (pod.pod.spec.topologySpreadConstraints ?? []).length > 0;
  const domainOf = (node: NodeInfo, key: string) => node.labels[key] ?? '';
  const ignored = new Set<NodeInfo>();
  const counts = constraints.map(() => new Map<string, number>());
  for (const node of feasible) {
    if (requireAll && !hasAllKeys(node, constraints)) {
      ignored.add(node);
      continue;
    }
    constraints.forEach((c, i) => {
      if (c.topologyKey !== HOSTNAME) counts[i].set(domainOf(node, c.topologyKey), 0);
    });
  }
  const scored = feasible.length - ignored.size;
  const weights = constraints.map((c, i) => Math.log((c.topologyKey === HOSTNAME ? scored : counts[i].size) + 2));
  if (constraints.some((c) => c.topologyKey !== HOSTNAME)) {
    const affinity = new RequiredNodeAffinity(pod.pod);
    for (const node of cycle.cluster.nodes) {
      if (requireAll && !hasAllKeys(node, constraints)) continue;
      constraints.forEach((c, i) => {
        if (c.topologyKey === HOSTNAME || !included(c, pod, affinity, node)) return;
        const value = domainOf(node, c.topologyKey);
        const sum = counts[i].get(value);
        if (sum !== undefined) counts[i].set(value, sum + countMatching(node, c, pod.namespace));
      });
    }
  }
  return { code: SUCCESS, state: { constraints, counts, weights, ignored } };
}

function score(cycle: Cycle, s: ScoreState, node: NodeInfo): number {
  if (s.ignored.has(node)) return 0;
  let total = 0;
  s.constraints.forEach((c, i) => {
    if (!Object.hasOwn(node.labels, c.topologyKey)) return;
    const count =
      c.topologyKey === HOSTNAME
        ? countMatching(node, c, cycle.pod.namespace)
        : (s.counts[i].get(node.labels[c.topologyKey]) ?? 0);
    total += count * s.weights[i] + (c.maxSkew - 1);
  });
  return Math.round(total);
}

function normalize(_cycle: Cycle, s: ScoreState, scores: number[], feasible: NodeInfo[]): void {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  scores.forEach((score, i) => {
    if (s.ignored.has(feasible[i])) return;
    min = Math.min(min, score);
    max = Math.max(max, score);
  });
  for (let i = 0; i < scores.length; i++) {
    if (s.ignored.has(feasible[i])) scores[i] = 0;
    else if (max === 0) scores[i] = MAX_NODE_SCORE;
    else scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - scores[i])) / max);
  }
}

export const podTopologySpread: BaselinePlugin<FilterState, ScoreState> = {
  name: 'PodTopologySpread',
  preFilter,
  filter,
  preScore,
  score,
  normalize,
};
