// NodeResourcesBalancedAllocation: with the pod, cpu and memory should be equally allocated.
// score = (1 − std dev of the requested fractions) × 100, fractions capped at 1; real requests, and
// pods requesting neither are not scored.
import { SKIP, SUCCESS } from '../../../src/framework/status.js';
import { type BaselinePlugin, type Cycle, MAX_NODE_SCORE } from '../framework.js';
import type { NodeInfo } from '../node-info.js';

const RESOURCES = ['cpu', 'memory'];

export const balancedAllocation: BaselinePlugin<undefined, undefined> = {
  name: 'NodeResourcesBalancedAllocation',
  preScore(cycle: Cycle) {
    const requests = cycle.pod.requests;
    return RESOURCES.every((r) => (requests.get(r) ?? 0) === 0) ? { code: SKIP } : { code: SUCCESS };
  },
  score(cycle: Cycle, _state: undefined, node: NodeInfo): number {
    const fractions: number[] = [];
    for (const r of RESOURCES) {
      const allocatable = node.allocatable.get(r) ?? 0;
      if (allocatable === 0) continue;
      const requested = (node.requested.get(r) ?? 0) + (cycle.pod.requests.get(r) ?? 0);
      fractions.push(Math.min(requested / allocatable, 1));
    }
    let std = 0;
    if (fractions.length === 2) {
      std = Math.abs((fractions[0] - fractions[1]) / 2);
    } else if (fractions.length > 2) {
      const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
      std = Math.sqrt(fractions.reduce((a, f) => a + (f - mean) ** 2, 0) / fractions.length);
    }
    return Math.trunc((1 - std) * MAX_NODE_SCORE);
  },
};
