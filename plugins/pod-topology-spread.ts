// PodTopologySpread: DoNotSchedule constraints keep the skew of matching pods between topology
// domains within maxSkew (filter); ScheduleAnyway constraints, or the profile's default constraints
// for a pod that has none, prefer domains with fewer matching pods (score).
//
// Upstream semantics kept here (kube-scheduler v1.35, plugins/podtopologyspread):
// - Only pods in the incoming pod's namespace and without a deletionTimestamp are counted. A
//   constraint whose selector has no requirements (`labelSelector: {}`) counts nothing, yet the pod
//   still matches it itself; a null selector matches nothing at all.
// - matchLabelKeys add `key = pod's value` for each key the pod has (not when the selector is null).
// - Filter: a node counts only if it has every DoNotSchedule topology key; then each constraint
//   applies its own inclusion policies (nodeAffinityPolicy, default Honor; nodeTaintsPolicy, default
//   Ignore). A domain is a topology value of such a node, even with zero matching pods. The global
//   minimum is 0 when there are fewer domains than minDomains.
// - Score: domains come from the feasible nodes; pods are counted over all nodes that pass the
//   inclusion policies. The hostname key is special-cased: the count is the node's own pods, and the
//   weight uses the number of scored nodes. Per node, Σ (count·ln(domains + 2) + maxSkew − 1) is
//   summed as a float and rounded once. With the system defaults, nodes that lack a key are still
//   scored (a missing label is the domain "") instead of being ignored.
//
// Counts are incremental across cycles on one snapshot (src/snapshot/match-counts.ts): matching
// pods per node per (namespace, selector), and their sums per domain over the nodes a constraint
// admits, updated from the pods bound or removed since the previous cycle. PreFilter and PreScore
// then cost O(nodes) array reads, not a walk over every bound pod.
import { labelKeyErrors } from '../src/api/labels.js';
import type { Problem } from '../src/api/problem.js';
import type { LabelSelector, Labels, OwnerReference, Pod, TopologySpreadConstraint } from '../src/api/types.js';
import { type Cycle, definePlugin, MAX_NODE_SCORE, SKIPPED } from '../src/framework/plugin.js';
import { type Code, SUCCESS, UNSCHEDULABLE, UNSCHEDULABLE_AND_UNRESOLVABLE } from '../src/framework/status.js';
import { ABSENT } from '../src/snapshot/interner.js';
import {
  CountIndex,
  type LabelTest,
  labelMatcher,
  type MaskFactory,
  type NodeCounts,
  type PodWeight,
  selectorKey,
} from '../src/snapshot/match-counts.js';
import { compileRequiredNodeAffinity, requiredNodeAffinityMatches } from '../src/snapshot/node-selector.js';
import type { PodInfo } from '../src/snapshot/pod-info.js';
import { nodeAffinityKey, tolerationsKey } from '../src/snapshot/pod-keys.js';
import {
  type CompiledRequirement,
  type CompiledSelector,
  compileSelector,
  matchesPairs,
  OP_IN,
} from '../src/snapshot/selector.js';
import type { Snapshot } from '../src/snapshot/snapshot.js';
import { compileTolerations, untoleratedHardTaint } from '../src/snapshot/tolerations.js';

export const NAME = 'PodTopologySpread';

export const REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const REASON_NODE_LABEL_NOT_MATCH = `${REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;

export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const LABEL_ZONE = 'topology.kubernetes.io/zone';

export type DefaultingType = 'System' | 'List';

export interface PodTopologySpreadArgs {
  defaultingType: DefaultingType;
  /** Only with defaultingType List; they carry no selector (it is deduced per pod). */
  defaultConstraints: TopologySpreadConstraint[];
}

/** Used when defaultingType is System (the default). */
export const SYSTEM_DEFAULT_CONSTRAINTS: readonly TopologySpreadConstraint[] = [
  { topologyKey: LABEL_HOSTNAME, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: LABEL_ZONE, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
];

type Action = TopologySpreadConstraint['whenUnsatisfiable'];

/** Upstream's initial critical-path count (math.MaxInt32). */
const MAX_INT32 = 2147483647;

/** A constraint with its selector compiled against the snapshot. */
export interface Constraint {
  maxSkew: number;
  key: number;
  hostname: boolean;
  selector: CompiledSelector;
  /** The selector as a test of a pod's label pairs. */
  matches: LabelTest;
  /** Null or requirement-free selectors never count existing pods. */
  countsNothing: boolean;
  minDomains: number;
  honorAffinity: boolean;
  honorTaints: boolean;
}

// ---- selectors ------------------------------------------------------------------------------

function selectorCountsNothing(sel: CompiledSelector): boolean {
  return sel.matchesNothing || sel.requirements.length === 0;
}

function equalsRequirement(snap: Snapshot, key: string, value: string): CompiledRequirement {
  return { key: snap.labelKeys.id(key), op: OP_IN, values: Int32Array.of(snap.labelValues.id(value)) };
}

/** The constraint's selector with `key = value` added for each matchLabelKey the pod carries. */
function constraintSelector(c: TopologySpreadConstraint, podLabels: Labels, snap: Snapshot): CompiledSelector {
  const base = compileSelector(c.labelSelector, snap.labelKeys, snap.labelValues);
  const keys = c.matchLabelKeys ?? [];
  if (keys.length === 0 || base.matchesNothing) return base;
  const added: CompiledRequirement[] = [];
  for (const k of new Set(keys)) {
    const v = podLabels[k];
    if (v !== undefined) added.push(equalsRequirement(snap, k, v));
  }
  if (added.length === 0) return base;
  return { matchesNothing: false, requirements: [...added, ...base.requirements] };
}

function labelsMatch(selector: Labels, labels: Labels): boolean {
  for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
  return true;
}

/** A selector without requirements, shared (frozen): most pods' default selector. */
const SELECTS_EVERYTHING: CompiledSelector = Object.freeze({
  matchesNothing: false,
  requirements: Object.freeze([]) as unknown as CompiledRequirement[],
});

/** The owner reference that is the pod's controller (a plain loop: shared references are frozen arrays). */
function controllerOf(pod: Pod): OwnerReference | undefined {
  // Objects read from files may hold null where the types say a list or nothing.
  const refs = pod.metadata.ownerReferences;
  if (!refs) return undefined;
  for (let i = 0; i < refs.length; i++) if (refs[i].controller === true) return refs[i];
  return undefined;
}

/**
 * helper.DefaultSelector: the selectors of the Services in the pod's namespace that select it,
 * merged, plus the selector of the ReplicationController, ReplicaSet or StatefulSet that controls it.
 */
export function defaultSelector(pod: Pod, snap: Snapshot): CompiledSelector {
  const cluster = snap.cluster;
  const namespace = pod.metadata.namespace ?? 'default';
  const podLabels = pod.metadata.labels ?? {};
  // Null while no Service selects the pod (most pods): nothing to compile.
  let merged: Labels | null = null;
  for (const svc of cluster.services ?? []) {
    const sel = svc.spec?.selector;
    if ((svc.metadata.namespace ?? 'default') !== namespace || sel === undefined || sel === null) continue;
    if (labelsMatch(sel, podLabels)) merged = { ...(merged ?? {}), ...sel };
  }
  let requirements = merged
    ? compileSelector({ matchLabels: merged }, snap.labelKeys, snap.labelValues).requirements
    : [];

  const owner = controllerOf(pod);
  if (owner) {
    // Group "" version v1 is apiVersion "v1"; group apps version v1 is "apps/v1".
    const apiVersion = owner.apiVersion ?? '';
    const inNamespace = (o: { metadata: { name: string; namespace?: string } }) =>
      o.metadata.name === owner.name && (o.metadata.namespace ?? 'default') === namespace;
    let controllerSelector: LabelSelector | null | undefined;
    if (apiVersion === 'v1' && owner.kind === 'ReplicationController') {
      const rc = (cluster.replicationControllers ?? []).find(inNamespace);
      if (rc) {
        // The API server defaults an empty selector to the template's labels.
        const rcSel = rc.spec.selector && Object.keys(rc.spec.selector).length > 0 ? rc.spec.selector : undefined;
        merged = { ...(merged ?? {}), ...(rcSel ?? rc.spec.template?.metadata?.labels ?? {}) };
        requirements = compileSelector({ matchLabels: merged }, snap.labelKeys, snap.labelValues).requirements;
      }
    } else if (apiVersion === 'apps/v1' && owner.kind === 'ReplicaSet') {
      controllerSelector = (cluster.replicaSets ?? []).find(inNamespace)?.spec.selector;
    } else if (apiVersion === 'apps/v1' && owner.kind === 'StatefulSet') {
      controllerSelector = (cluster.statefulSets ?? []).find(inNamespace)?.spec.selector;
    }
    if (controllerSelector) {
      const other = compileSelector(controllerSelector, snap.labelKeys, snap.labelValues);
      if (!other.matchesNothing) requirements = [...requirements, ...other.requirements];
    }
  }
  return requirements.length === 0 ? SELECTS_EVERYTHING : { matchesNothing: false, requirements };
}

// ---- constraints ----------------------------------------------------------------------------

function compileConstraint(c: TopologySpreadConstraint, selector: CompiledSelector, snap: Snapshot): Constraint {
  return {
    maxSkew: c.maxSkew,
    key: snap.labelKeys.id(c.topologyKey),
    hostname: c.topologyKey === LABEL_HOSTNAME,
    selector,
    matches: labelMatcher(selector),
    countsNothing: selectorCountsNothing(selector),
    minDomains: c.minDomains ?? 1,
    honorAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
    honorTaints: (c.nodeTaintsPolicy ?? 'Ignore') === 'Honor',
  };
}

/**
 * The pod's constraints with `action`, or, when the pod has none at all, the default constraints
 * with `action` and the selector deduced from its Services and controller (none if that is empty).
 */
const NO_CONSTRAINTS: Constraint[] = Object.freeze([]) as unknown as Constraint[];

export function podConstraints(
  pod: Pod,
  action: Action,
  defaults: readonly TopologySpreadConstraint[],
  snap: Snapshot,
): Constraint[] {
  const own = pod.spec.topologySpreadConstraints;
  if (own && own.length > 0) {
    const labels = pod.metadata.labels ?? {};
    return own
      .filter((c) => c.whenUnsatisfiable === action)
      .map((c) => compileConstraint(c, constraintSelector(c, labels, snap), snap));
  }
  // Most pods have no constraints of their own and no default selector: nothing allocated for them.
  let anyWanted = false;
  for (let i = 0; i < defaults.length; i++) if (defaults[i].whenUnsatisfiable === action) anyWanted = true;
  if (!anyWanted) return NO_CONSTRAINTS;
  const selector = defaultSelector(pod, snap);
  if (selectorCountsNothing(selector)) return NO_CONSTRAINTS;
  return defaults.filter((c) => c.whenUnsatisfiable === action).map((c) => compileConstraint(c, selector, snap));
}

// ---- counts ---------------------------------------------------------------------------------
//
// Matching pods per node come from a NodeCounts kept per (namespace, selector) on the snapshot and
// updated from the pods bound or removed since the previous cycle; per-domain counts are DomainSums
// of those over the nodes a constraint admits (its keys and inclusion policies), kept the same way.
// A cycle then costs O(nodes) reads, however many pods are bound.

/** Matching pods on a node count for a constraint: same namespace, not terminating, selected. */
function constraintWeight(c: Constraint, namespace: string): PodWeight {
  if (c.countsNothing) return () => 0;
  const matches = c.matches;
  return (p) => (!p.terminating && matches(p.labelPairs) && p.namespace === namespace ? 1 : 0);
}

function nodeCounts(snap: Snapshot, c: Constraint, namespace: string): NodeCounts {
  const key = c.countsNothing ? 'pts:none' : `pts:${namespace}:${selectorKey(c.selector)}`;
  return CountIndex.of(snap).nodeCounts(key, () => constraintWeight(c, namespace));
}

/** Does the pod's nodeSelector / required node affinity restrict nodes at all? */
function hasRequiredNodeAffinity(pod: Pod): boolean {
  const selector = pod.spec.nodeSelector;
  if (selector && Object.keys(selector).length > 0) return true;
  const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return required !== undefined && required !== null;
}

/**
 * The nodes whose pods count for `c`: they have every key of `required` and pass the constraint's
 * inclusion policies (nodeAffinityPolicy, nodeTaintsPolicy). Null mask when every node counts.
 */
function inclusionMask(
  pod: PodInfo,
  c: Constraint,
  required: readonly Constraint[],
): { key: string; mask: MaskFactory | null } {
  const keys = Int32Array.from(required, (r) => r.key);
  const affinity = c.honorAffinity && hasRequiredNodeAffinity(pod.pod);
  const taints = c.honorTaints;
  if (keys.length === 0 && !affinity && !taints) return { key: '', mask: null };
  const key = `${keys.join(',')}|${affinity ? nodeAffinityKey(pod) : '-'}|${taints ? tolerationsKey(pod) : '-'}`;
  const mask: MaskFactory = (snap) => {
    const req = affinity ? compileRequiredNodeAffinity(pod.pod, snap) : null;
    const tolerations = taints ? compileTolerations(pod.pod.spec.tolerations, snap) : null;
    return (node) => {
      for (let i = 0; i < keys.length; i++) if (snap.nodeLabel(node, keys[i]) === ABSENT) return false;
      if (req !== null && !requiredNodeAffinityMatches(req, snap, node)) return false;
      return tolerations === null || untoleratedHardTaint(snap, node, tolerations) === ABSENT;
    };
  };
  return { key, mask };
}

// ---- filter ---------------------------------------------------------------------------------

interface FilterState {
  constraints: Constraint[];
  maxSkew: Int32Array;
  /** Per constraint: each node's domain of its key (−1 without the key), and the counts per domain. */
  domainOf: Int32Array[];
  sums: Float64Array[];
  /** Per constraint: the global minimum, after minDomains. */
  minMatch: Float64Array;
  /** Per constraint: 1 when the incoming pod matches its own selector. */
  selfMatch: Int32Array;
}

function preFilterState(cycle: Cycle, constraints: Constraint[]): FilterState {
  const snap = cycle.snapshot;
  const pod = cycle.pod;
  const index = CountIndex.of(snap);
  const count = constraints.length;
  const domainOf: Int32Array[] = new Array(count);
  const sums: Float64Array[] = new Array(count);
  const minMatch = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const c = constraints[i];
    const domains = index.domains(c.key, ABSENT);
    const { key, mask } = inclusionMask(pod, c, constraints);
    const s = nodeCounts(snap, c, pod.namespace).domainSums(domains, key, mask);
    domainOf[i] = domains.nodeDomain;
    sums[i] = s.sums;
    // Fewer domains than minDomains: the global minimum is 0.
    if (s.present < c.minDomains) minMatch[i] = 0;
    else minMatch[i] = s.present === 0 ? MAX_INT32 : s.minimum();
  }
  return {
    constraints,
    maxSkew: Int32Array.from(constraints, (c) => c.maxSkew),
    domainOf,
    sums,
    minMatch,
    selfMatch: Int32Array.from(constraints, (c) => (matchesPairs(c.selector, pod.labelPairs) ? 1 : 0)),
  };
}

function filterNode(s: FilterState, node: number): Code {
  for (let i = 0; i < s.maxSkew.length; i++) {
    const d = s.domainOf[i][node];
    if (d < 0) return UNSCHEDULABLE_AND_UNRESOLVABLE;
    if (s.sums[i][d] + s.selfMatch[i] - s.minMatch[i] > s.maxSkew[i]) return UNSCHEDULABLE;
  }
  return SUCCESS;
}

function filterBatch(s: FilterState, nodes: Int32Array, count: number, codes: Uint8Array): void {
  if (s.maxSkew.length === 1) {
    // The common single-constraint case, without the inner loop.
    const domainOf = s.domainOf[0];
    const sums = s.sums[0];
    const limit = s.maxSkew[0] + s.minMatch[0] - s.selfMatch[0];
    for (let k = 0; k < count; k++) {
      const d = domainOf[nodes[k]];
      codes[k] = d < 0 ? UNSCHEDULABLE_AND_UNRESOLVABLE : sums[d] > limit ? UNSCHEDULABLE : SUCCESS;
    }
    return;
  }
  for (let k = 0; k < count; k++) codes[k] = filterNode(s, nodes[k]);
}

// ---- score ----------------------------------------------------------------------------------

interface ScoreState {
  constraints: Constraint[];
  /** Some feasible node lacks a key while all are required: it is ignored (score 0, left out of normalisation). */
  anyIgnored: boolean;
  /** Per constraint: the key's label column (undefined when no node has it). */
  columns: (Int32Array | undefined)[];
  hostname: Uint8Array;
  /** Per hostname constraint: matching pods per node. */
  nodeCounts: Int32Array[];
  /** Per other constraint: each node's domain (nodes without the key in "" unless requireAll), counts per domain. */
  domainOf: Int32Array[];
  sums: Float64Array[];
  /** Per constraint: ln(domains + 2). */
  weight: Float64Array;
  /** Per constraint: maxSkew − 1. */
  skew: Float64Array;
}

/** Which of `nodes` lack one of the columns' keys (at[i] = 1), and how many. */
function keysMissing(
  columns: readonly (Int32Array | undefined)[],
  nodes: Int32Array,
): { at: Uint8Array; count: number } {
  const at = new Uint8Array(nodes.length);
  for (const col of columns) {
    if (col === undefined) {
      at.fill(1);
      break;
    }
    for (let f = 0; f < nodes.length; f++) if (col[nodes[f]] === ABSENT) at[f] = 1;
  }
  let count = 0;
  for (let f = 0; f < nodes.length; f++) count += at[f];
  return { at, count };
}

const NO_INTS = new Int32Array(0);
const NO_FLOATS = new Float64Array(0);

/** Scratch marks for counting distinct domains among the scored nodes. */
let marks = new Uint32Array(64);
let markEpoch = 0;

function preScoreState(cycle: Cycle, feasible: Int32Array, constraints: Constraint[], requireAll: boolean): ScoreState {
  const snap = cycle.snapshot;
  const pod = cycle.pod;
  const index = CountIndex.of(snap);
  const count = constraints.length;
  const columns = constraints.map((c) => snap.labelColumn(c.key));
  // With every key required, a feasible node lacking one is ignored: not scored, no domain.
  const ignored =
    requireAll && constraints.some((c) => index.domains(c.key, ABSENT).missing > 0)
      ? keysMissing(columns, feasible)
      : null;
  const scored = ignored === null ? feasible.length : feasible.length - ignored.count;
  // A node without the key belongs to the domain "" when keys are not all required (system defaults).
  const absentAs = requireAll ? ABSENT : snap.labelValues.id('');
  const hostname = Uint8Array.from(constraints, (c) => (c.hostname ? 1 : 0));
  const nodeCountsOf: Int32Array[] = new Array(count).fill(NO_INTS);
  const domainOf: Int32Array[] = new Array(count).fill(NO_INTS);
  const sums: Float64Array[] = new Array(count).fill(NO_FLOATS);
  const weight = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const c = constraints[i];
    const counts = nodeCounts(snap, c, pod.namespace);
    if (c.hostname) {
      nodeCountsOf[i] = counts.counts;
      weight[i] = Math.log(scored + 2);
      continue;
    }
    const domains = index.domains(c.key, absentAs);
    const { key, mask } = inclusionMask(pod, c, requireAll ? constraints : []);
    const s = counts.domainSums(domains, key, mask);
    domainOf[i] = domains.nodeDomain;
    sums[i] = s.sums;
    // Domains come from the scored feasible nodes.
    if (marks.length < domains.count) marks = new Uint32Array(Math.max(domains.count, marks.length * 2));
    if (++markEpoch === 0xffffffff) {
      marks.fill(0);
      markEpoch = 1;
    }
    const nodeDomain = domains.nodeDomain;
    let distinct = 0;
    for (let f = 0; f < feasible.length; f++) {
      if (ignored !== null && ignored.count > 0 && ignored.at[f] === 1) continue;
      const d = nodeDomain[feasible[f]];
      if (d >= 0 && marks[d] !== markEpoch) {
        marks[d] = markEpoch;
        distinct++;
      }
    }
    weight[i] = Math.log(distinct + 2);
  }
  return {
    constraints,
    anyIgnored: ignored !== null && ignored.count > 0,
    columns,
    hostname,
    nodeCounts: nodeCountsOf,
    domainOf,
    sums,
    weight,
    skew: Float64Array.from(constraints, (c) => c.maxSkew - 1),
  };
}

/** Go's math.Round: half away from zero. */
function goRound(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

function isIgnored(s: ScoreState, node: number): boolean {
  if (!s.anyIgnored) return false;
  for (let i = 0; i < s.columns.length; i++) {
    const col = s.columns[i];
    if (col === undefined || col[node] === ABSENT) return true;
  }
  return false;
}

function scoreNode(s: ScoreState, node: number): number {
  if (isIgnored(s, node)) return 0;
  let score = 0;
  for (let i = 0; i < s.columns.length; i++) {
    const col = s.columns[i];
    if (col === undefined || col[node] === ABSENT) continue;
    const count = s.hostname[i] === 1 ? s.nodeCounts[i][node] : s.sums[i][s.domainOf[i][node]];
    score += count * s.weight[i] + s.skew[i];
  }
  return goRound(score);
}

/** scoreNode over many nodes, a constraint at a time (each node's float sum keeps the constraint order). */
function scoreBatch(s: ScoreState, nodes: Int32Array, count: number, scores: Float64Array): void {
  if (s.anyIgnored) {
    for (let k = 0; k < count; k++) scores[k] = scoreNode(s, nodes[k]);
    return;
  }
  const only = s.columns.length === 1 ? s.columns[0] : undefined;
  if (only !== undefined) {
    // One constraint: its term, rounded, in a single pass.
    const w = s.weight[0];
    const skew = s.skew[0];
    const values = s.hostname[0] === 1 ? s.nodeCounts[0] : s.sums[0];
    const domainOf = s.hostname[0] === 1 ? null : s.domainOf[0];
    for (let k = 0; k < count; k++) {
      const n = nodes[k];
      if (only[n] === ABSENT) scores[k] = 0;
      else scores[k] = goRound(values[domainOf === null ? n : domainOf[n]] * w + skew);
    }
    return;
  }
  scores.fill(0, 0, count);
  for (let i = 0; i < s.columns.length; i++) {
    const col = s.columns[i];
    if (col === undefined) continue;
    const w = s.weight[i];
    const skew = s.skew[i];
    if (s.hostname[i] === 1) {
      const counts = s.nodeCounts[i];
      for (let k = 0; k < count; k++) {
        const n = nodes[k];
        if (col[n] !== ABSENT) scores[k] += counts[n] * w + skew;
      }
    } else {
      const domainOf = s.domainOf[i];
      const sums = s.sums[i];
      for (let k = 0; k < count; k++) {
        const n = nodes[k];
        if (col[n] !== ABSENT) scores[k] += sums[domainOf[n]] * w + skew;
      }
    }
  }
  for (let k = 0; k < count; k++) scores[k] = goRound(scores[k]);
}

function normalize(s: ScoreState, feasible: Int32Array, scores: Float64Array): void {
  let min = Number.MAX_SAFE_INTEGER;
  let max = 0;
  const anyIgnored = s.anyIgnored;
  for (let i = 0; i < feasible.length; i++) {
    if (anyIgnored && isIgnored(s, feasible[i])) continue;
    if (scores[i] < min) min = scores[i];
    if (scores[i] > max) max = scores[i];
  }
  for (let i = 0; i < feasible.length; i++) {
    if (anyIgnored && isIgnored(s, feasible[i])) scores[i] = 0;
    else if (max === 0) scores[i] = MAX_NODE_SCORE;
    else scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - scores[i])) / max);
  }
}

// ---- args -----------------------------------------------------------------------------------

const ARG_FIELDS = new Set(['defaultConstraints', 'defaultingType', 'apiVersion', 'kind']);
const CONSTRAINT_FIELDS = new Set([
  'maxSkew',
  'topologyKey',
  'whenUnsatisfiable',
  'labelSelector',
  'minDomains',
  'nodeAffinityPolicy',
  'nodeTaintsPolicy',
  'matchLabelKeys',
]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseConstraint(raw: unknown, path: string, problems: Problem[]): TopologySpreadConstraint | null {
  if (!isObject(raw)) {
    problems.push({ code: 'type', path, message: 'expected a topology spread constraint object' });
    return null;
  }
  for (const k of Object.keys(raw)) {
    if (!CONSTRAINT_FIELDS.has(k)) problems.push({ code: 'unknown', path: `${path}.${k}`, message: 'unknown field' });
  }
  const { maxSkew, topologyKey, whenUnsatisfiable, minDomains, nodeAffinityPolicy, nodeTaintsPolicy, matchLabelKeys } =
    raw;
  const before = problems.length;
  if (maxSkew !== undefined && (typeof maxSkew !== 'number' || !Number.isInteger(maxSkew))) {
    problems.push({ code: 'type', path: `${path}.maxSkew`, message: 'expected an integer' });
  } else if (maxSkew === undefined || maxSkew <= 0) {
    problems.push({
      code: 'invalid',
      path: `${path}.maxSkew`,
      message: `${maxSkew ?? 0}: not in valid range (0, inf)`,
    });
  }
  if (topologyKey !== undefined && typeof topologyKey !== 'string') {
    problems.push({ code: 'type', path: `${path}.topologyKey`, message: 'expected a string' });
  } else if (!topologyKey) {
    problems.push({ code: 'required', path: `${path}.topologyKey`, message: 'can not be empty' });
  } else {
    const bad = labelKeyErrors(topologyKey);
    if (bad.length > 0) {
      problems.push({ code: 'invalid', path: `${path}.topologyKey`, message: `"${topologyKey}": ${bad.join('; ')}` });
    }
  }
  if (!whenUnsatisfiable) {
    problems.push({ code: 'required', path: `${path}.whenUnsatisfiable`, message: 'can not be empty' });
  } else if (whenUnsatisfiable !== 'DoNotSchedule' && whenUnsatisfiable !== 'ScheduleAnyway') {
    problems.push({
      code: 'unsupported',
      path: `${path}.whenUnsatisfiable`,
      message: `${JSON.stringify(whenUnsatisfiable)}: supported values: "DoNotSchedule", "ScheduleAnyway"`,
    });
  }
  if (raw.labelSelector !== undefined && raw.labelSelector !== null) {
    problems.push({
      code: 'forbidden',
      path: `${path}.labelSelector`,
      message: 'constraint must not define a selector, as they deduced for each pod',
    });
  }
  if (
    minDomains !== undefined &&
    (typeof minDomains !== 'number' || !Number.isInteger(minDomains) || minDomains <= 0)
  ) {
    problems.push({ code: 'invalid', path: `${path}.minDomains`, message: 'expected an integer greater than zero' });
  }
  for (const [field, v] of [
    ['nodeAffinityPolicy', nodeAffinityPolicy],
    ['nodeTaintsPolicy', nodeTaintsPolicy],
  ] as const) {
    if (v !== undefined && v !== 'Honor' && v !== 'Ignore') {
      problems.push({
        code: 'unsupported',
        path: `${path}.${field}`,
        message: `${JSON.stringify(v)}: supported values: "Honor", "Ignore"`,
      });
    }
  }
  if (
    matchLabelKeys !== undefined &&
    (!Array.isArray(matchLabelKeys) || matchLabelKeys.some((k) => typeof k !== 'string'))
  ) {
    problems.push({ code: 'type', path: `${path}.matchLabelKeys`, message: 'expected a list of strings' });
  }
  if (problems.length > before) return null;
  return raw as unknown as TopologySpreadConstraint;
}

/** PodTopologySpreadArgs: v1 defaulting (defaultingType System) and ValidatePodTopologySpreadArgs. */
export function parseArgs(raw: unknown, path: string): { args: PodTopologySpreadArgs; problems: Problem[] } {
  const problems: Problem[] = [];
  const fallback: PodTopologySpreadArgs = { defaultingType: 'System', defaultConstraints: [] };
  if (raw === undefined || raw === null) return { args: fallback, problems };
  if (!isObject(raw)) return { args: fallback, problems: [{ code: 'type', path, message: 'expected an object' }] };
  for (const k of Object.keys(raw)) {
    if (!ARG_FIELDS.has(k)) problems.push({ code: 'unknown', path: `${path}.${k}`, message: 'unknown field' });
  }
  const type = raw.defaultingType ?? 'System';
  if (type !== 'System' && type !== 'List') {
    problems.push({
      code: 'unsupported',
      path: `${path}.defaultingType`,
      message: `${JSON.stringify(type)}: supported values: "System", "List"`,
    });
  }
  const list = raw.defaultConstraints ?? [];
  if (!Array.isArray(list)) {
    problems.push({ code: 'type', path: `${path}.defaultConstraints`, message: 'expected a list' });
    return { args: fallback, problems };
  }
  if (type === 'System' && list.length > 0) {
    problems.push({
      code: 'invalid',
      path: `${path}.defaultingType`,
      message: '"System": when .defaultConstraints are not empty',
    });
  }
  const constraints: TopologySpreadConstraint[] = [];
  list.forEach((item, i) => {
    const p = `${path}.defaultConstraints[${i}]`;
    const c = parseConstraint(item, p, problems);
    if (!c) return;
    const dup = constraints.find((o) => o.topologyKey === c.topologyKey && o.whenUnsatisfiable === c.whenUnsatisfiable);
    if (dup) {
      problems.push({
        code: 'duplicate',
        path: p,
        message: `duplicate value: "{${c.topologyKey}, ${c.whenUnsatisfiable}}"`,
      });
    }
    constraints.push(c);
  });
  if (problems.length > 0) return { args: fallback, problems };
  return { args: { defaultingType: type as DefaultingType, defaultConstraints: constraints }, problems };
}

// ---- plugin ---------------------------------------------------------------------------------

export default definePlugin<PodTopologySpreadArgs>({
  name: NAME,
  description:
    'Spreads pods across topology domains: DoNotSchedule constraints filter by maxSkew, ScheduleAnyway and default constraints score.',
  parseArgs,
  create(args) {
    const systemDefaulted = args.defaultingType === 'System';
    const defaults = systemDefaulted ? SYSTEM_DEFAULT_CONSTRAINTS : args.defaultConstraints;
    return {
      name: NAME,
      preFilter(cycle: Cycle) {
        const constraints = podConstraints(cycle.pod.pod, 'DoNotSchedule', defaults, cycle.snapshot);
        if (constraints.length === 0) return SKIPPED;
        return { code: SUCCESS, state: preFilterState(cycle, constraints) };
      },
      filter: (_cycle: Cycle, state: FilterState, node: number): Code => filterNode(state, node),
      filterBatch: (_cycle: Cycle, state: FilterState, nodes: Int32Array, count: number, codes: Uint8Array) =>
        filterBatch(state, nodes, count, codes),
      filterReasons(_cycle: Cycle, state: FilterState, node: number) {
        const code = filterNode(state, node);
        return [code === UNSCHEDULABLE_AND_UNRESOLVABLE ? REASON_NODE_LABEL_NOT_MATCH : REASON_CONSTRAINTS_NOT_MATCH];
      },

      preScore(cycle: Cycle, feasible: Int32Array) {
        const snap = cycle.snapshot;
        if (snap.nodeCount === 0) return SKIPPED;
        const constraints = podConstraints(cycle.pod.pod, 'ScheduleAnyway', defaults, snap);
        if (constraints.length === 0) return SKIPPED;
        const requireAll = (cycle.pod.pod.spec.topologySpreadConstraints?.length ?? 0) > 0 || !systemDefaulted;
        return { code: SUCCESS, state: preScoreState(cycle, feasible, constraints, requireAll) };
      },
      score: (_cycle: Cycle, state: ScoreState, node: number): number => scoreNode(state, node),
      scoreBatch: (_cycle: Cycle, state: ScoreState, nodes: Int32Array, count: number, scores: Float64Array) =>
        scoreBatch(state, nodes, count, scores),
      normalizeScore: (_cycle: Cycle, state: ScoreState, feasible: Int32Array, scores: Float64Array) =>
        normalize(state, feasible, scores),
    };
  },
});
