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
import { labelKeyErrors } from '../src/api/labels.js';
import type { Problem } from '../src/api/problem.js';
import type { LabelSelector, Labels, Pod, TopologySpreadConstraint } from '../src/api/types.js';
import { type Cycle, definePlugin, MAX_NODE_SCORE } from '../src/framework/plugin.js';
import { type Code, SKIP, SUCCESS, UNSCHEDULABLE, UNSCHEDULABLE_AND_UNRESOLVABLE } from '../src/framework/status.js';
import { ABSENT } from '../src/snapshot/interner.js';
import {
  compileRequiredNodeAffinity,
  type RequiredNodeAffinity,
  requiredNodeAffinityMatches,
} from '../src/snapshot/node-selector.js';
import type { PodInfo } from '../src/snapshot/pod-info.js';
import {
  type CompiledRequirement,
  type CompiledSelector,
  compileSelector,
  matchesPairs,
  OP_DOES_NOT_EXIST,
  OP_EXISTS,
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
  flat: FlatSelector;
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

function parseGroupVersion(apiVersion: string): { group: string; version: string } | null {
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: parts[0] };
  if (parts.length === 2) return { group: parts[0], version: parts[1] };
  return null;
}

function labelsMatch(selector: Labels, labels: Labels): boolean {
  for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
  return true;
}

/**
 * helper.DefaultSelector: the selectors of the Services in the pod's namespace that select it,
 * merged, plus the selector of the ReplicationController, ReplicaSet or StatefulSet that controls it.
 */
export function defaultSelector(pod: Pod, snap: Snapshot): CompiledSelector {
  const cluster = snap.cluster;
  const namespace = pod.metadata.namespace ?? 'default';
  const podLabels = pod.metadata.labels ?? {};
  let merged: Labels = {};
  for (const svc of cluster.services ?? []) {
    const sel = svc.spec?.selector;
    if ((svc.metadata.namespace ?? 'default') !== namespace || sel === undefined || sel === null) continue;
    if (labelsMatch(sel, podLabels)) merged = { ...merged, ...sel };
  }
  let requirements = compileSelector({ matchLabels: merged }, snap.labelKeys, snap.labelValues).requirements;

  const owner = (pod.metadata.ownerReferences ?? []).find((o) => o.controller === true);
  const gv = owner ? parseGroupVersion(owner.apiVersion ?? '') : null;
  if (owner && gv) {
    const inNamespace = (o: { metadata: { name: string; namespace?: string } }) =>
      o.metadata.name === owner.name && (o.metadata.namespace ?? 'default') === namespace;
    let controllerSelector: LabelSelector | null | undefined;
    if (gv.group === '' && gv.version === 'v1' && owner.kind === 'ReplicationController') {
      const rc = (cluster.replicationControllers ?? []).find(inNamespace);
      if (rc) {
        // The API server defaults an empty selector to the template's labels.
        const rcSel = rc.spec.selector && Object.keys(rc.spec.selector).length > 0 ? rc.spec.selector : undefined;
        merged = { ...merged, ...(rcSel ?? rc.spec.template?.metadata?.labels ?? {}) };
        requirements = compileSelector({ matchLabels: merged }, snap.labelKeys, snap.labelValues).requirements;
      }
    } else if (gv.group === 'apps' && gv.version === 'v1' && owner.kind === 'ReplicaSet') {
      controllerSelector = (cluster.replicaSets ?? []).find(inNamespace)?.spec.selector;
    } else if (gv.group === 'apps' && gv.version === 'v1' && owner.kind === 'StatefulSet') {
      controllerSelector = (cluster.statefulSets ?? []).find(inNamespace)?.spec.selector;
    }
    if (controllerSelector) {
      const other = compileSelector(controllerSelector, snap.labelKeys, snap.labelValues);
      if (!other.matchesNothing) requirements = [...requirements, ...other.requirements];
    }
  }
  return { matchesNothing: false, requirements };
}

// ---- constraints ----------------------------------------------------------------------------

function compileConstraint(c: TopologySpreadConstraint, selector: CompiledSelector, snap: Snapshot): Constraint {
  return {
    maxSkew: c.maxSkew,
    key: snap.labelKeys.id(c.topologyKey),
    hostname: c.topologyKey === LABEL_HOSTNAME,
    selector,
    flat: flatten(selector),
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
export function podConstraints(
  pod: Pod,
  action: Action,
  defaults: readonly TopologySpreadConstraint[],
  snap: Snapshot,
): Constraint[] {
  const own = pod.spec.topologySpreadConstraints ?? [];
  const labels = pod.metadata.labels ?? {};
  if (own.length > 0) {
    return own
      .filter((c) => c.whenUnsatisfiable === action)
      .map((c) => compileConstraint(c, constraintSelector(c, labels, snap), snap));
  }
  const wanted = defaults.filter((c) => c.whenUnsatisfiable === action);
  if (wanted.length === 0) return [];
  const selector = defaultSelector(pod, snap);
  if (selectorCountsNothing(selector)) return [];
  return wanted.map((c) => compileConstraint(c, selector, snap));
}

/** A selector's requirements as flat columns, for matching many pods without indirection. */
interface FlatSelector {
  keys: Int32Array;
  ops: Uint8Array;
  /** Requirement r's value ids are values[start[r] .. start[r + 1]). */
  start: Int32Array;
  values: Int32Array;
}

function flatten(sel: CompiledSelector): FlatSelector {
  const reqs = sel.requirements;
  const start = new Int32Array(reqs.length + 1);
  reqs.forEach((r, i) => {
    start[i + 1] = start[i] + r.values.length;
  });
  const values = new Int32Array(start[reqs.length]);
  for (let i = 0; i < reqs.length; i++) values.set(reqs[i].values, start[i]);
  return {
    keys: Int32Array.from(reqs, (r) => r.key),
    ops: Uint8Array.from(reqs, (r) => r.op),
    start,
    values,
  };
}

/** matchesPairs for a selector that matches something: every requirement holds on the sorted pairs. */
function flatMatches(f: FlatSelector, pairs: Int32Array): boolean {
  for (let r = 0; r < f.keys.length; r++) {
    const key = f.keys[r];
    let value = ABSENT;
    for (let i = 0; i < pairs.length; i += 2) {
      if (pairs[i] === key) {
        value = pairs[i + 1];
        break;
      }
      if (pairs[i] > key) break;
    }
    const op = f.ops[r];
    if (op === OP_EXISTS) {
      if (value === ABSENT) return false;
    } else if (op === OP_DOES_NOT_EXIST) {
      if (value !== ABSENT) return false;
    } else {
      let found = false;
      if (value !== ABSENT) {
        for (let v = f.start[r]; v < f.start[r + 1]; v++) {
          if (f.values[v] === value) {
            found = true;
            break;
          }
        }
      }
      if (found !== (op === OP_IN)) return false;
    }
  }
  return true;
}

/** Matching pods on `node`: same namespace, not terminating. */
function countOnNode(snap: Snapshot, node: number, c: Constraint, namespace: string): number {
  if (c.countsNothing) return 0;
  const pods = snap.podsOnNode[node];
  const flat = c.flat;
  let n = 0;
  for (let i = 0; i < pods.length; i++) {
    const p: PodInfo = pods[i];
    if (p.terminating || p.namespace !== namespace) continue;
    if (flatMatches(flat, p.labelPairs)) n++;
  }
  return n;
}

function hasAllKeys(snap: Snapshot, node: number, constraints: readonly Constraint[]): boolean {
  for (let i = 0; i < constraints.length; i++) if (snap.nodeLabel(node, constraints[i].key) === ABSENT) return false;
  return true;
}

/** nodeAffinityPolicy / nodeTaintsPolicy: compiled once per cycle, only for the policies some constraint honours. */
class InclusionPolicies {
  private readonly affinity: RequiredNodeAffinity | null;
  private readonly tolerations: Int32Array | null;

  constructor(pod: Pod, constraints: readonly Constraint[], snap: Snapshot) {
    this.affinity = constraints.some((c) => c.honorAffinity) ? compileRequiredNodeAffinity(pod, snap) : null;
    this.tolerations = constraints.some((c) => c.honorTaints) ? compileTolerations(pod.spec.tolerations, snap) : null;
  }

  /** Per node: bit 0 = passes the node affinity, bit 1 = tolerates the hard taints. */
  node(snap: Snapshot, node: number): number {
    let bits = 0;
    if (this.affinity === null || requiredNodeAffinityMatches(this.affinity, snap, node)) bits |= 1;
    if (this.tolerations === null || untoleratedHardTaint(snap, node, this.tolerations) === ABSENT) bits |= 2;
    return bits;
  }
}

function included(c: Constraint, bits: number): boolean {
  return (!c.honorAffinity || (bits & 1) !== 0) && (!c.honorTaints || (bits & 2) !== 0);
}

// ---- filter ---------------------------------------------------------------------------------

interface FilterState {
  constraints: Constraint[];
  /** Per constraint, per node: matching pods in that node's domain. */
  domainCount: Int32Array[];
  /** Per constraint: the global minimum, after minDomains. */
  minMatch: Int32Array;
  /** Per constraint: 1 when the incoming pod matches its own selector. */
  selfMatch: Int32Array;
}

function preFilterState(cycle: Cycle, constraints: Constraint[]): FilterState {
  const snap = cycle.snapshot;
  const pod = cycle.pod;
  const policies = new InclusionPolicies(pod.pod, constraints, snap);
  const domains = constraints.map(() => new Map<number, number>());
  for (let n = 0; n < snap.nodeCount; n++) {
    if (!hasAllKeys(snap, n, constraints)) continue;
    const bits = policies.node(snap, n);
    for (let i = 0; i < constraints.length; i++) {
      const c = constraints[i];
      if (!included(c, bits)) continue;
      const value = snap.nodeLabel(n, c.key);
      const count = countOnNode(snap, n, c, pod.namespace);
      domains[i].set(value, (domains[i].get(value) ?? 0) + count);
    }
  }
  const domainCount = constraints.map((c, i) => {
    const perNode = new Int32Array(snap.nodeCount);
    for (let n = 0; n < snap.nodeCount; n++) {
      const value = snap.nodeLabel(n, c.key);
      if (value !== ABSENT) perNode[n] = domains[i].get(value) ?? 0;
    }
    return perNode;
  });
  const minMatch = Int32Array.from(constraints, (c, i) => {
    if (domains[i].size < c.minDomains) return 0;
    let min = MAX_INT32;
    for (const v of domains[i].values()) if (v < min) min = v;
    return min;
  });
  const selfMatch = Int32Array.from(constraints, (c) => (matchesPairs(c.selector, pod.labelPairs) ? 1 : 0));
  return { constraints, domainCount, minMatch, selfMatch };
}

function filterNode(snap: Snapshot, s: FilterState, node: number): Code {
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i];
    if (snap.nodeLabel(node, c.key) === ABSENT) return UNSCHEDULABLE_AND_UNRESOLVABLE;
    if (s.domainCount[i][node] + s.selfMatch[i] - s.minMatch[i] > c.maxSkew) return UNSCHEDULABLE;
  }
  return SUCCESS;
}

// ---- score ----------------------------------------------------------------------------------

interface ScoreState {
  constraints: Constraint[];
  namespace: string;
  /** Per constraint: ln(domains + 2). */
  weight: Float64Array;
  /** Per constraint, per node (non-hostname keys): matching pods in that node's domain. */
  domainCount: Int32Array[];
  /** Per node: 1 when a feasible node lacks a key and is not scored. */
  ignored: Uint8Array;
}

function preScoreState(cycle: Cycle, feasible: Int32Array, constraints: Constraint[], requireAll: boolean): ScoreState {
  const snap = cycle.snapshot;
  const pod = cycle.pod;
  // A node without the key belongs to the domain "" when keys are not all required (system defaults).
  const emptyValue = snap.labelValues.id('');
  const domainValue = (node: number, key: number) => {
    const v = snap.nodeLabel(node, key);
    return v === ABSENT ? emptyValue : v;
  };
  const ignored = new Uint8Array(snap.nodeCount);
  const domains = constraints.map(() => new Map<number, number>());
  let scored = 0;
  for (let f = 0; f < feasible.length; f++) {
    const n = feasible[f];
    if (requireAll && !hasAllKeys(snap, n, constraints)) {
      ignored[n] = 1;
      continue;
    }
    scored++;
    for (let i = 0; i < constraints.length; i++) {
      if (!constraints[i].hostname) domains[i].set(domainValue(n, constraints[i].key), 0);
    }
  }
  const weight = Float64Array.from(constraints, (c, i) => Math.log((c.hostname ? scored : domains[i].size) + 2));

  if (constraints.some((c) => !c.hostname)) {
    const policies = new InclusionPolicies(pod.pod, constraints, snap);
    for (let n = 0; n < snap.nodeCount; n++) {
      if (requireAll && !hasAllKeys(snap, n, constraints)) continue;
      const bits = policies.node(snap, n);
      for (let i = 0; i < constraints.length; i++) {
        const c = constraints[i];
        if (c.hostname || !included(c, bits)) continue;
        const value = domainValue(n, c.key);
        const sum = domains[i].get(value);
        if (sum !== undefined) domains[i].set(value, sum + countOnNode(snap, n, c, pod.namespace));
      }
    }
  }
  const domainCount = constraints.map((c, i) => {
    const perNode = new Int32Array(snap.nodeCount);
    if (c.hostname) return perNode;
    for (let f = 0; f < feasible.length; f++) {
      const n = feasible[f];
      perNode[n] = domains[i].get(domainValue(n, c.key)) ?? 0;
    }
    return perNode;
  });
  return { constraints, namespace: pod.namespace, weight, domainCount, ignored };
}

/** Go's math.Round: half away from zero. */
function goRound(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

function scoreNode(snap: Snapshot, s: ScoreState, node: number): number {
  if (s.ignored[node] === 1) return 0;
  let score = 0;
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i];
    if (snap.nodeLabel(node, c.key) === ABSENT) continue;
    const count = c.hostname ? countOnNode(snap, node, c, s.namespace) : s.domainCount[i][node];
    score += count * s.weight[i] + (c.maxSkew - 1);
  }
  return goRound(score);
}

function normalize(s: ScoreState, feasible: Int32Array, scores: Float64Array): void {
  let min = Number.MAX_SAFE_INTEGER;
  let max = 0;
  for (let i = 0; i < feasible.length; i++) {
    if (s.ignored[feasible[i]] === 1) continue;
    if (scores[i] < min) min = scores[i];
    if (scores[i] > max) max = scores[i];
  }
  for (let i = 0; i < feasible.length; i++) {
    if (s.ignored[feasible[i]] === 1) scores[i] = 0;
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
        if (constraints.length === 0) return { code: SKIP };
        return { code: SUCCESS, state: preFilterState(cycle, constraints) };
      },
      filter: (cycle: Cycle, state: FilterState, node: number): Code => filterNode(cycle.snapshot, state, node),
      filterReasons(cycle: Cycle, state: FilterState, node: number) {
        const code = filterNode(cycle.snapshot, state, node);
        return [code === UNSCHEDULABLE_AND_UNRESOLVABLE ? REASON_NODE_LABEL_NOT_MATCH : REASON_CONSTRAINTS_NOT_MATCH];
      },

      preScore(cycle: Cycle, feasible: Int32Array) {
        const snap = cycle.snapshot;
        if (snap.nodeCount === 0) return { code: SKIP };
        const constraints = podConstraints(cycle.pod.pod, 'ScheduleAnyway', defaults, snap);
        if (constraints.length === 0) return { code: SKIP };
        const requireAll = (cycle.pod.pod.spec.topologySpreadConstraints?.length ?? 0) > 0 || !systemDefaulted;
        return { code: SUCCESS, state: preScoreState(cycle, feasible, constraints, requireAll) };
      },
      score: (cycle: Cycle, state: ScoreState, node: number): number => scoreNode(cycle.snapshot, state, node),
      normalizeScore: (_cycle: Cycle, state: ScoreState, feasible: Int32Array, scores: Float64Array) =>
        normalize(state, feasible, scores),
    };
  },
});
