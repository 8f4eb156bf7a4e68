// NodeResourcesFit: the node must have room for the pod's requests (filter), and nodes are scored
// by how allocated they would be (LeastAllocated, MostAllocated or RequestedToCapacityRatio over
// weighted resources). Scoring uses the non-zero view of cpu and memory (100m / 200Mi stand-ins
// for containers that name none), so empty pods still spread.

import type { Problem } from '../src/api/problem.js';
import type { Container, Pod } from '../src/api/types.js';
import { mulDiv } from '../src/framework/arith.js';
import { type Cycle, definePlugin, MAX_NODE_SCORE } from '../src/framework/plugin.js';
import { type Code, SUCCESS, UNSCHEDULABLE, UNSCHEDULABLE_AND_UNRESOLVABLE } from '../src/framework/status.js';
import type { PodInfo } from '../src/snapshot/pod-info.js';
import { requestsKey } from '../src/snapshot/pod-keys.js';
import {
  CPU,
  computePodRequests,
  DEFAULT_MEMORY_REQUEST,
  DEFAULT_MILLI_CPU_REQUEST,
  MEMORY,
} from '../src/snapshot/pod-requests.js';
import { isExtendedResourceName, isScalarResourceName } from '../src/snapshot/resource-names.js';
import {
  RESOURCE_CPU,
  RESOURCE_EPHEMERAL_STORAGE,
  RESOURCE_MEMORY,
  RESOURCE_PODS,
  type Snapshot,
} from '../src/snapshot/snapshot.js';

export const NAME = 'NodeResourcesFit';

export type ScoringType = 'LeastAllocated' | 'MostAllocated' | 'RequestedToCapacityRatio';

export interface ResourceSpec {
  name: string;
  weight: number;
}

export interface ShapePoint {
  utilization: number;
  score: number;
}

export interface NodeResourcesFitArgs {
  ignoredResources: string[];
  ignoredResourceGroups: string[];
  scoringStrategy: { type: ScoringType; resources: ResourceSpec[]; shape: ShapePoint[] };
}

export const DEFAULT_RESOURCES: ResourceSpec[] = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

const MAX_UTILIZATION = 100;
/** RequestedToCapacityRatio shapes score 0..10; the framework scores 0..100. */
const MAX_CUSTOM_PRIORITY_SCORE = 10;

// ---- args -------------------------------------------------------------------------------------
// kube-scheduler's v1 defaulting then validation (SetDefaults_NodeResourcesFitArgs,
// ValidateNodeResourcesFitArgs): no scoringStrategy → LeastAllocated over cpu and memory; an empty
// resource list → cpu and memory; weight missing or 0 → 1, else 1..100; a given scoringStrategy
// must name its type; ignored resources and groups are qualified names, groups without '/'.

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `name` is not a qualified name (`[prefix/]name`, as label keys), or undefined when it is one. */
export function qualifiedNameError(name: string): string | undefined {
  const parts = name.split('/');
  if (parts.length > 2) return 'a qualified name has at most one "/"';
  const local = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix === '') return 'the prefix before "/" must not be empty';
    if (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))
      return `prefix ${JSON.stringify(prefix)} must be a DNS subdomain (lower case)`;
  }
  if (local === '') return 'the name part must not be empty';
  if (local.length > 63) return 'the name part must be at most 63 characters';
  if (!QUALIFIED_NAME.test(local))
    return 'the name part must be alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric';
  return undefined;
}

function nameList(v: unknown, path: string, problems: Problem[], group: boolean): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    problems.push({ code: 'type', path, message: 'expected a list of names' });
    return [];
  }
  const out: string[] = [];
  v.forEach((x, i) => {
    const at = `${path}[${i}]`;
    if (typeof x !== 'string') {
      problems.push({ code: 'type', path: at, message: `expected a string, got ${JSON.stringify(x)}` });
      return;
    }
    if (group && x.includes('/')) {
      problems.push({
        code: 'value',
        path: at,
        message: `resource group name can't contain '/' (got ${JSON.stringify(x)}; a group is the part before "/")`,
      });
      return;
    }
    const err = qualifiedNameError(x);
    if (err) {
      problems.push({ code: 'value', path: at, message: `${JSON.stringify(x)} is not a valid name: ${err}` });
      return;
    }
    out.push(x);
  });
  return out;
}

/** Rule for a resource weight: NodeResourcesFit takes 1..100, BalancedAllocation exactly 1. */
export interface WeightRule {
  valid(weight: number): boolean;
  text: string;
}

export const FIT_WEIGHT: WeightRule = { valid: (w) => w >= 1 && w <= 100, text: 'in the range 1..100' };

/** `[{name, weight}]` with kube-scheduler's defaults: missing or empty → cpu and memory; weight missing or 0 → 1. */
export function parseResourceSpecs(
  v: unknown,
  path: string,
  problems: Problem[],
  rule: WeightRule = FIT_WEIGHT,
): ResourceSpec[] {
  if (v === undefined || v === null) return DEFAULT_RESOURCES;
  if (!Array.isArray(v)) {
    problems.push({ code: 'type', path, message: 'expected a list of {name, weight}' });
    return DEFAULT_RESOURCES;
  }
  if (v.length === 0) return DEFAULT_RESOURCES;
  const out: ResourceSpec[] = [];
  v.forEach((r, i) => {
    const at = `${path}[${i}]`;
    if (!isRecord(r)) {
      problems.push({ code: 'type', path: at, message: 'expected {name, weight}' });
      return;
    }
    if (typeof r.name !== 'string') {
      problems.push({
        code: 'type',
        path: `${at}.name`,
        message: `expected a resource name, got ${JSON.stringify(r.name)}`,
      });
      return;
    }
    const raw = r.weight ?? 0;
    if (typeof raw !== 'number' || !Number.isInteger(raw)) {
      problems.push({
        code: 'type',
        path: `${at}.weight`,
        message: `expected an integer, got ${JSON.stringify(r.weight)}`,
      });
      return;
    }
    const weight = raw === 0 ? 1 : raw;
    if (!rule.valid(weight)) {
      problems.push({
        code: 'range',
        path: `${at}.weight`,
        message: `resource weight of ${r.name} must be ${rule.text}, got ${raw}`,
      });
      return;
    }
    out.push({ name: r.name, weight });
  });
  return out;
}

/** RequestedToCapacityRatio's shape: at least one point, utilization 0..100 strictly increasing, score 0..10. */
function parseShape(v: unknown, path: string, problems: Problem[]): ShapePoint[] {
  if (v !== undefined && v !== null && !Array.isArray(v)) {
    problems.push({ code: 'type', path, message: 'expected a list of {utilization, score}' });
    return [];
  }
  if (!v || v.length === 0) {
    problems.push({ code: 'required', path, message: 'at least one point must be specified' });
    return [];
  }
  const out: ShapePoint[] = [];
  let ok = true;
  v.forEach((p, i) => {
    const at = `${path}[${i}]`;
    if (!isRecord(p)) {
      problems.push({ code: 'type', path: at, message: 'expected {utilization, score}' });
      ok = false;
      return;
    }
    const u = p.utilization ?? 0;
    const s = p.score ?? 0;
    if (typeof u !== 'number' || !Number.isInteger(u) || u < 0 || u > MAX_UTILIZATION) {
      problems.push({
        code: 'range',
        path: `${at}.utilization`,
        message: `must be an integer in the range 0..100, got ${JSON.stringify(p.utilization)}`,
      });
      ok = false;
    }
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s > MAX_CUSTOM_PRIORITY_SCORE) {
      problems.push({
        code: 'range',
        path: `${at}.score`,
        message: `must be an integer in the range 0..10, got ${JSON.stringify(p.score)}`,
      });
      ok = false;
    }
    out.push({ utilization: u as number, score: s as number });
  });
  for (let i = 1; ok && i < out.length; i++) {
    if (out[i - 1].utilization >= out[i].utilization) {
      problems.push({
        code: 'order',
        path: `${path}[${i}].utilization`,
        message: `utilization values must be sorted in increasing order (${out[i - 1].utilization} then ${out[i].utilization})`,
      });
      break;
    }
  }
  return out;
}

const SCORING_TYPES: readonly ScoringType[] = ['LeastAllocated', 'MostAllocated', 'RequestedToCapacityRatio'];

export function parseArgs(raw: unknown, path: string): { args: NodeResourcesFitArgs; problems: Problem[] } {
  const problems: Problem[] = [];
  const args: NodeResourcesFitArgs = {
    ignoredResources: [],
    ignoredResourceGroups: [],
    scoringStrategy: { type: 'LeastAllocated', resources: DEFAULT_RESOURCES, shape: [] },
  };
  if (raw === undefined || raw === null) return { args, problems };
  if (!isRecord(raw)) return { args, problems: [{ code: 'type', path, message: 'expected an object' }] };
  args.ignoredResources = nameList(raw.ignoredResources, `${path}.ignoredResources`, problems, false);
  args.ignoredResourceGroups = nameList(raw.ignoredResourceGroups, `${path}.ignoredResourceGroups`, problems, true);
  const ss = raw.scoringStrategy;
  if (ss === undefined || ss === null) return { args, problems };
  const at = `${path}.scoringStrategy`;
  if (!isRecord(ss)) {
    problems.push({ code: 'type', path: at, message: 'expected an object' });
    return { args, problems };
  }
  // A given scoringStrategy has no default type (kube-scheduler rejects an empty one).
  if (typeof ss.type === 'string' && (SCORING_TYPES as readonly string[]).includes(ss.type)) {
    args.scoringStrategy.type = ss.type as ScoringType;
  } else {
    problems.push({
      code: ss.type === undefined ? 'required' : 'value',
      path: `${at}.type`,
      message: `expected one of ${SCORING_TYPES.join(', ')}, got ${ss.type === undefined ? 'none' : JSON.stringify(ss.type)}`,
    });
  }
  args.scoringStrategy.resources = parseResourceSpecs(ss.resources, `${at}.resources`, problems);
  const rtcr = ss.requestedToCapacityRatio;
  if (rtcr !== undefined && rtcr !== null) {
    if (!isRecord(rtcr))
      problems.push({ code: 'type', path: `${at}.requestedToCapacityRatio`, message: 'expected an object' });
    else args.scoringStrategy.shape = parseShape(rtcr.shape, `${at}.requestedToCapacityRatio.shape`, problems);
  } else if (args.scoringStrategy.type === 'RequestedToCapacityRatio' && ss.type !== undefined) {
    problems.push({
      code: 'required',
      path: `${at}.requestedToCapacityRatio`,
      message: 'RequestedToCapacityRatio needs requestedToCapacityRatio.shape',
    });
  }
  return { args, problems };
}

// ---- filter -----------------------------------------------------------------------------------

interface FilterState {
  /** Resource ids and amounts the filter checks: cpu, memory, ephemeral-storage, then scalars. */
  ids: Int32Array;
  amounts: Float64Array;
  /** Each checked resource's allocatable and requested columns (node-indexed). */
  allocatable: Float64Array[];
  requested: Float64Array[];
  /** Reason text per checked resource ("Insufficient cpu"). */
  reasons: string[];
}

function checkedRequests(cycle: Cycle, ignored: ReadonlySet<string>, ignoredGroups: ReadonlySet<string>): FilterState {
  const snap = cycle.snapshot;
  const pod = cycle.pod;
  const ids: number[] = [];
  const amounts: number[] = [];
  const byId = new Map<number, number>();
  for (let i = 0; i < pod.requestIds.length; i++) byId.set(pod.requestIds[i], pod.requestAmounts[i]);
  for (const r of [RESOURCE_CPU, RESOURCE_MEMORY, RESOURCE_EPHEMERAL_STORAGE]) {
    const amount = byId.get(r) ?? 0;
    if (amount > 0) {
      ids.push(r);
      amounts.push(amount);
    }
  }
  for (let i = 0; i < pod.requestIds.length; i++) {
    const id = pod.requestIds[i];
    const name = snap.resources.str(id);
    if (id <= RESOURCE_PODS || !isScalarResourceName(name) || pod.requestAmounts[i] === 0) continue;
    if (isExtendedResourceName(name) && (ignored.has(name) || ignoredGroups.has(name.split('/')[0]))) continue;
    ids.push(id);
    amounts.push(pod.requestAmounts[i]);
  }
  return {
    ids: Int32Array.from(ids),
    amounts: Float64Array.from(amounts),
    allocatable: ids.map((id) => snap.allocatable[id]),
    requested: ids.map((id) => snap.requested[id]),
    reasons: ids.map((id) => `Insufficient ${snap.resources.str(id)}`),
  };
}

function fitCode(snap: Snapshot, s: FilterState, node: number): Code {
  let code: Code = snap.podCount[node] + 1 > snap.allocatable[RESOURCE_PODS][node] ? UNSCHEDULABLE : SUCCESS;
  const amounts = s.amounts;
  for (let i = 0; i < amounts.length; i++) {
    const alloc = s.allocatable[i][node];
    if (amounts[i] > alloc - s.requested[i][node]) {
      if (amounts[i] > alloc) return UNSCHEDULABLE_AND_UNRESOLVABLE;
      code = UNSCHEDULABLE;
    }
  }
  return code;
}

function fitReasons(snap: Snapshot, s: FilterState, node: number): string[] {
  const reasons: string[] = [];
  if (snap.podCount[node] + 1 > snap.allocatable[RESOURCE_PODS][node]) reasons.push('Too many pods');
  for (let i = 0; i < s.amounts.length; i++) {
    if (s.amounts[i] > s.allocatable[i][node] - s.requested[i][node]) reasons.push(s.reasons[i]);
  }
  return reasons;
}

// ---- score ------------------------------------------------------------------------------------

/** One scored resource: the node columns to read and the pod's request. */
export interface ScoredResource {
  id: number;
  weight: number;
  podRequest: number;
  /** Each node's allocatable of this resource. */
  allocatable: Float64Array;
  /** Each node's requested amount: the non-zero view for cpu and memory when scoring fit. */
  requested: Float64Array;
}

interface ScoreState {
  resources: ScoredResource[];
}

/**
 * The scored resources the pod and nodes take part in: `useRequested` false (Fit) reads cpu and
 * memory with the 100m/200Mi stand-ins on both sides; true (BalancedAllocation) reads real requests.
 * A scalar resource the pod does not request is not scored; unknown and non-scalar names neither.
 */
export function scoredResources(cycle: Cycle, specs: readonly ResourceSpec[], useRequested: boolean): ScoredResource[] {
  const snap = cycle.snapshot;
  const pod = cycle.pod;
  const out: ScoredResource[] = [];
  for (const spec of specs) {
    const id = snap.resources.find(spec.name);
    if (id < 0 || id === RESOURCE_PODS || (id > RESOURCE_PODS && !isScalarResourceName(spec.name))) continue;
    let podRequest = 0;
    for (let i = 0; i < pod.requestIds.length; i++) if (pod.requestIds[i] === id) podRequest = pod.requestAmounts[i];
    let requested = snap.requested[id];
    if (!useRequested && id === RESOURCE_CPU) {
      podRequest = incomingNonZero(pod)[0];
      requested = snap.nonZeroMilliCpu;
    } else if (!useRequested && id === RESOURCE_MEMORY) {
      podRequest = incomingNonZero(pod)[1];
      requested = snap.nonZeroMemory;
    }
    if (podRequest === 0 && isScalarResourceName(spec.name)) continue;
    out.push({ id, weight: spec.weight, podRequest, allocatable: snap.allocatable[id], requested });
  }
  return out;
}

/**
 * The incoming pod's cpu and memory as Fit scores them: upstream's calculatePodResourceRequest
 * fills 100m / 200Mi into every container that lacks the key, always. The node totals (and
 * PodInfo's non-zero view) skip the stand-in for a resource some container names once pod-level
 * requests are set (getNonMissingContainerRequests), so only such pods need the second sum.
 */
function incomingNonZero(info: PodInfo): [milliCpu: number, memory: number] {
  const pod = info.pod;
  const podLevel = pod.spec.resources?.requests;
  if (!podLevel || Object.keys(podLevel).length === 0) return [info.nonZeroMilliCpu, info.nonZeroMemory];
  const fill = (c: Container): Container => {
    const requests = { ...c.resources?.requests };
    if (!(CPU in requests)) requests[CPU] = `${DEFAULT_MILLI_CPU_REQUEST}m`;
    if (!(MEMORY in requests)) requests[MEMORY] = `${DEFAULT_MEMORY_REQUEST}`;
    return { ...c, resources: { ...c.resources, requests } };
  };
  const filled: Pod = {
    ...pod,
    spec: {
      ...pod.spec,
      containers: pod.spec.containers.map(fill),
      initContainers: pod.spec.initContainers?.map(fill),
    },
  };
  const amounts = computePodRequests(filled).amounts;
  return [amounts.get(CPU) ?? 0, amounts.get(MEMORY) ?? 0];
}

export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return mulDiv(capacity - requested, MAX_NODE_SCORE, capacity);
}

export function mostRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  return mulDiv(Math.min(requested, capacity), MAX_NODE_SCORE, capacity);
}

/** upstream BuildBrokenLinearFunction over shape points already scaled to 0..100. */
export function brokenLinear(shape: readonly ShapePoint[], p: number): number {
  for (let i = 0; i < shape.length; i++) {
    if (p <= shape[i].utilization) {
      if (i === 0) return shape[0].score;
      const a = shape[i - 1];
      const b = shape[i];
      return a.score + Math.trunc(((b.score - a.score) * (p - a.utilization)) / (b.utilization - a.utilization));
    }
  }
  return shape[shape.length - 1].score;
}

const LEAST = 0;
const MOST = 1;
const RATIO = 2;
const TYPES: Record<ScoringType, number> = {
  LeastAllocated: LEAST,
  MostAllocated: MOST,
  RequestedToCapacityRatio: RATIO,
};

/** Weighted mean of per-resource scores; RequestedToCapacityRatio counts only resources above 0 and rounds. */
function fitScore(
  resources: readonly ScoredResource[],
  type: number,
  shape: readonly ShapePoint[],
  node: number,
): number {
  let score = 0;
  let weights = 0;
  for (let i = 0; i < resources.length; i++) {
    const r = resources[i];
    const alloc = r.allocatable[node];
    if (alloc === 0) continue;
    const req = r.requested[node] + r.podRequest;
    if (type === LEAST) {
      score += leastRequestedScore(req, alloc) * r.weight;
      weights += r.weight;
    } else if (type === MOST) {
      score += mostRequestedScore(req, alloc) * r.weight;
      weights += r.weight;
    } else {
      const rs =
        req > alloc ? brokenLinear(shape, MAX_UTILIZATION) : brokenLinear(shape, mulDiv(req, MAX_UTILIZATION, alloc));
      if (rs > 0) {
        score += rs * r.weight;
        weights += r.weight;
      }
    }
  }
  if (weights === 0) return 0;
  return type === RATIO ? Math.round(score / weights) : Math.trunc(score / weights);
}

export default definePlugin<NodeResourcesFitArgs>({
  name: NAME,
  description:
    'Checks the node has room for the pod’s requests; scores by allocation (least, most, or a custom shape).',
  parseArgs,
  create(args, handle) {
    // Extenders' ignoredByScheduler resources replace the args' list (kube-scheduler's buildExtenders
    // overwrites IgnoredResources); ignoredResourceGroups stay.
    const ignored = new Set(handle.ignoredResources.size > 0 ? handle.ignoredResources : args.ignoredResources);
    const ignoredGroups = new Set(args.ignoredResourceGroups);
    const type = TYPES[args.scoringStrategy.type];
    const shape = args.scoringStrategy.shape.map((p) => ({
      utilization: p.utilization,
      score: p.score * (MAX_NODE_SCORE / MAX_CUSTOM_PRIORITY_SCORE),
    }));
    return {
      name: NAME,
      nodeLocalKeyBySpec: true,
      nodeLocalKey: (cycle: Cycle) => requestsKey(cycle.pod),
      preFilter: (cycle: Cycle) => ({ code: SUCCESS, state: checkedRequests(cycle, ignored, ignoredGroups) }),
      filter: (cycle: Cycle, state: FilterState, node: number): Code => fitCode(cycle.snapshot, state, node),
      filterBatch(cycle: Cycle, state: FilterState, nodes: Int32Array, count: number, codes: Uint8Array) {
        const snap = cycle.snapshot;
        for (let i = 0; i < count; i++) codes[i] = fitCode(snap, state, nodes[i]);
      },
      filterReasons: (cycle: Cycle, state: FilterState, node: number) => fitReasons(cycle.snapshot, state, node),

      preScore: (cycle: Cycle) => ({
        code: SUCCESS,
        state: { resources: scoredResources(cycle, args.scoringStrategy.resources, false) },
      }),
      score: (_cycle: Cycle, state: ScoreState, node: number) => fitScore(state.resources, type, shape, node),
      scoreBatch(_cycle: Cycle, state: ScoreState, nodes: Int32Array, count: number, scores: Float64Array) {
        const resources = state.resources;
        for (let i = 0; i < count; i++) scores[i] = fitScore(resources, type, shape, nodes[i]);
      },
    };
  },
});
