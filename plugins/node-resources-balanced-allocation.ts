// NodeResourcesBalancedAllocation: prefers nodes where, with the pod, the requested fractions of the
// resources (cpu and memory by default) are close to each other. Score = (1 − std dev) × 100, with
// fractions capped at 1. Uses real requests (no stand-ins); skips pods that request none of them.

import type { Problem } from '../src/api/problem.js';
import { type Cycle, definePlugin, MAX_NODE_SCORE } from '../src/framework/plugin.js';
import { SKIP, SUCCESS } from '../src/framework/status.js';
import { requestsKey } from '../src/snapshot/pod-keys.js';
import {
  DEFAULT_RESOURCES,
  parseResourceSpecs,
  type ResourceSpec,
  type ScoredResource,
  scoredResources,
  type WeightRule,
} from './node-resources-fit.js';

export const NAME = 'NodeResourcesBalancedAllocation';

export interface BalancedAllocationArgs {
  resources: ResourceSpec[];
}

interface ScoreState {
  resources: ScoredResource[];
  fractions: Float64Array;
}

export function balancedScore(s: ScoreState, node: number): number {
  let count = 0;
  let total = 0;
  for (let i = 0; i < s.resources.length; i++) {
    const r = s.resources[i];
    const alloc = r.allocatable[node];
    if (alloc === 0) continue;
    const f = Math.min((r.requested[node] + r.podRequest) / alloc, 1);
    s.fractions[count++] = f;
    total += f;
  }
  let std = 0;
  if (count === 2) {
    std = Math.abs((s.fractions[0] - s.fractions[1]) / 2);
  } else if (count > 2) {
    const mean = total / count;
    let sum = 0;
    for (let i = 0; i < count; i++) sum += (s.fractions[i] - mean) * (s.fractions[i] - mean);
    std = Math.sqrt(sum / count);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

/** BalancedAllocation weighs every resource alike: a weight, if given, must be 1 (0 means 1). */
const WEIGHT_ONE: WeightRule = { valid: (w) => w === 1, text: '1' };

/** kube-scheduler's defaulting and ValidateNodeResourcesBalancedAllocationArgs: weights 1, names unique. */
export function parseArgs(raw: unknown, path: string): { args: BalancedAllocationArgs; problems: Problem[] } {
  const problems: Problem[] = [];
  if (raw === undefined || raw === null) return { args: { resources: DEFAULT_RESOURCES }, problems };
  if (typeof raw !== 'object' || Array.isArray(raw))
    return {
      args: { resources: DEFAULT_RESOURCES },
      problems: [{ code: 'type', path, message: 'expected an object' }],
    };
  const at = `${path}.resources`;
  const resources = parseResourceSpecs((raw as { resources?: unknown }).resources, at, problems, WEIGHT_ONE);
  const list = (raw as { resources?: unknown }).resources;
  if (Array.isArray(list)) {
    const seen = new Set<string>();
    list.forEach((r, i) => {
      const name = (r as { name?: unknown } | null)?.name;
      if (typeof name !== 'string') return;
      if (seen.has(name))
        problems.push({
          code: 'duplicate',
          path: `${at}[${i}].name`,
          message: `duplicate resource ${JSON.stringify(name)}`,
        });
      seen.add(name);
    });
  }
  return { args: { resources }, problems };
}

export default definePlugin<BalancedAllocationArgs>({
  name: NAME,
  description: 'Prefers nodes whose cpu and memory would be equally allocated with the pod.',
  parseArgs,
  create(args) {
    return {
      name: NAME,
      nodeLocalKeyBySpec: true,
      nodeLocalKey: (cycle: Cycle) => requestsKey(cycle.pod),
      preScore(cycle: Cycle) {
        const resources = scoredResources(cycle, args.resources, true);
        // Best-effort pods (no request for any scored resource) are not scored (v1.34+).
        if (resources.every((r) => r.podRequest === 0)) return { code: SKIP };
        return { code: SUCCESS, state: { resources, fractions: new Float64Array(resources.length) } };
      },
      score: (_cycle: Cycle, state: ScoreState, node: number) => balancedScore(state, node),
      scoreBatch(_cycle: Cycle, state: ScoreState, nodes: Int32Array, count: number, scores: Float64Array) {
        for (let i = 0; i < count; i++) scores[i] = balancedScore(state, nodes[i]);
      },
    };
  },
});
