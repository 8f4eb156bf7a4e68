// NodeResourcesFit: the node must have room for the pod's requests (filter), and nodes are scored
// by how allocated they would be (LeastAllocated, MostAllocated or RequestedToCapacityRatio over
// weighted resources). Scoring uses the non-zero view of cpu and memory (100m / 200Mi stand-ins
// for containers that name none), so empty pods still spread.
import type { Problem } from '../src/api/problem.js';
import { mulDiv } from '../src/framework/arith.js';
import { type Cycle, definePlugin, MAX_NODE_SCORE } from '../src/framework/plugin.js';
import { type Code, SUCCESS, UNSCHEDULABLE, UNSCHEDULABLE_AND_UNRESOLVABLE } from '../src/framework/status.js';
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

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringList(v: unknown, path: string, problems: Problem[]): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
    problems.push({ code: 'type', path, message: 'expected a list of resource names' });
    return [];
  }
  return v;
}

export function parseResourceSpecs(v: unknown, path: string, problems: Problem[]): ResourceSpec[] {
  if (v === undefined || v === null) return DEFAULT_RESOURCES;
  if (!Array.isArray(v)) {
    problems.push({ code: 'type', path, message: 'expected a list of {name, weight}' });
    return DEFAULT_RESOURCES;
  }
  if (v.length === 0) return DEFAULT_RESOURCES;
  const out: ResourceSpec[] = [];
  v.forEach((r, i) => {
    const at = `${path}[${i}]`;
    if (!isRecord(r) || typeof r.name !== 'string' || r.name === '') {
      problems.push({ code: 'type', path: `${at}.name`, message: 'expected a resource name' });
      return;
    }
    const weight = r.weight ?? 1;
    if (!Number.isInteger(weight) || (weight as number) < 1 || (weight as number) > 100) {
      problems.push({
        code: 'range',
        path: `${at}.weight`,
        message: `resource weight of ${r.name} must be an integer from 1 to 100, got ${JSON.stringify(r.weight)}`,
      });
      return;
    }
    out.push({ name: r.name, weight: weight as number });
  });
  return out;
}

function parseShape(v: unknown, path: string, problems: Problem[]): ShapePoint[] {
  if (!Array.isArray(v) || v.length === 0) {
    problems.push({ code: 'required', path, message: 'RequestedToCapacityRatio needs at least one shape point' });
    return [];
  }
  const out: ShapePoint[] = [];
  v.forEach((p, i) => {
    const at = `${path}[${i}]`;
    if (!isRecord(p)) {
      problems.push({ code: 'type', path: at, message: 'expected {utilization, score}' });
      return;
    }
    const u = p.utilization ?? 0;
    const s = p.score ?? 0;
    if (!Number.isInteger(u) || (u as number) < 0 || (u as number) > MAX_UTILIZATION) {
      problems.push({
        code: 'range',
        path: `${at}.utilization`,
        message: `must be an integer from 0 to 100, got ${JSON.stringify(p.utilization)}`,
      });
      return;
    }
    if (!Number.isInteger(s) || (s as number) < 0 || (s as number) > MAX_CUSTOM_PRIORITY_SCORE) {
      problems.push({
        code: 'range',
        path: `${at}.score`,
        message: `must be an integer from 0 to 10, got ${JSON.stringify(p.score)}`,
      });
      return;
    }
    if (out.length > 0 && (u as number) <= out[out.length - 1].utilization) {
      problems.push({ code: 'order', path: `${at}.utilization`, message: 'shape utilizations must increase strictly' });
      return;
    }
    out.push({ utilization: u as number, score: s as number });
  });
  return out;
}

export function parseArgs(raw: unknown, path: string): { args: NodeResourcesFitArgs; problems: Problem[] } {
  const problems: Problem[] = [];
  const args: NodeResourcesFitArgs = {
    ignoredResources: [],
    ignoredResourceGroups: [],
    scoringStrategy: { type: 'LeastAllocated', resources: DEFAULT_RESOURCES, shape: [] },
  };
  if (raw === undefined || raw === null) return { args, problems };
  if (!isRecord(raw)) return { args, problems: [{ code: 'type', path, message: 'expected an object' }] };
  args.ignoredResources = stringList(raw.ignoredResources, `${path}.ignoredResources`, problems);
  args.ignoredResourceGroups = stringList(raw.ignoredResourceGroups, `${path}.ignoredResourceGroups`, problems);
  for (const g of args.ignoredResourceGroups) {
    if (g.includes('/'))
      problems.push({
        code: 'value',
        path: `${path}.ignoredResourceGroups`,
        message: `${JSON.stringify(g)} is a resource name, not a group (the part before "/")`,
      });
  }
  const ss = raw.scoringStrategy;
  if (ss !== undefined && ss !== null) {
    if (!isRecord(ss)) {
      problems.push({ code: 'type', path: `${path}.scoringStrategy`, message: 'expected an object' });
    } else {
      const type = ss.type ?? 'LeastAllocated';
      if (type !== 'LeastAllocated' && type !== 'MostAllocated' && type !== 'RequestedToCapacityRatio') {
        problems.push({
          code: 'value',
          path: `${path}.scoringStrategy.type`,
          message: `expected LeastAllocated, MostAllocated or RequestedToCapacityRatio, got ${JSON.stringify(ss.type)}`,
        });
      } else {
        args.scoringStrategy.type = type;
      }
      args.scoringStrategy.resources = parseResourceSpecs(ss.resources, `${path}.scoringStrategy.resources`, problems);
      if (type === 'RequestedToCapacityRatio') {
        const rtcr = isRecord(ss.requestedToCapacityRatio) ? ss.requestedToCapacityRatio : {};
        args.scoringStrategy.shape = parseShape(
          rtcr.shape,
          `${path}.scoringStrategy.requestedToCapacityRatio.shape`,
          problems,
        );
      }
    }
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
      podRequest = pod.nonZeroMilliCpu;
      requested = snap.nonZeroMilliCpu;
    } else if (!useRequested && id === RESOURCE_MEMORY) {
      podRequest = pod.nonZeroMemory;
      requested = snap.nonZeroMemory;
    }
    if (podRequest === 0 && isScalarResourceName(spec.name)) continue;
    out.push({ id, weight: spec.weight, podRequest, allocatable: snap.allocatable[id], requested });
  }
  return out;
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
    const ignored = new Set([...args.ignoredResources, ...handle.ignoredResources]);
    const ignoredGroups = new Set(args.ignoredResourceGroups);
    const type = TYPES[args.scoringStrategy.type];
    const shape = args.scoringStrategy.shape.map((p) => ({
      utilization: p.utilization,
      score: p.score * (MAX_NODE_SCORE / MAX_CUSTOM_PRIORITY_SCORE),
    }));
    return {
      name: NAME,
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
