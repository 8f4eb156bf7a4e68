// NodeResourcesFit: room for the pod's requests (filter: pod count, cpu, memory,
// ephemeral-storage, scalar resources), LeastAllocated score over cpu and memory (weights 1) using
// the non-zero requests.
import { mulDiv } from '../../../src/framework/arith.js';
import { type Code, SUCCESS, UNSCHEDULABLE, UNSCHEDULABLE_AND_UNRESOLVABLE } from '../../../src/framework/status.js';
import { isScalarResourceName } from '../../../src/snapshot/resource-names.js';
import { type BaselinePlugin, type Cycle, MAX_NODE_SCORE, type PreResult } from '../framework.js';
import type { NodeInfo } from '../node-info.js';

const CHECKED = ['cpu', 'memory', 'ephemeral-storage'];

/** The requests Filter compares, in upstream's order: cpu, memory, ephemeral-storage, then scalars. */
function checkedRequests(cycle: Cycle): [string, number][] {
  const requests = cycle.pod.requests;
  const out: [string, number][] = [];
  for (const name of CHECKED) {
    const amount = requests.get(name) ?? 0;
    if (amount > 0) out.push([name, amount]);
  }
  for (const [name, amount] of requests) {
    if (amount > 0 && !CHECKED.includes(name) && name !== 'pods' && isScalarResourceName(name))
      out.push([name, amount]);
  }
  return out;
}

function leastAllocated(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return mulDiv(capacity - requested, MAX_NODE_SCORE, capacity);
}

export const nodeResourcesFit: BaselinePlugin<[string, number][]> = {
  name: 'NodeResourcesFit',
  preFilter: (cycle: Cycle): PreResult<[string, number][]> => ({ code: SUCCESS, state: checkedRequests(cycle) }),
  filter(_cycle: Cycle, wanted: [string, number][], node: NodeInfo): Code {
    let code: Code = node.pods.length + 1 > (node.allocatable.get('pods') ?? 0) ? UNSCHEDULABLE : SUCCESS;
    for (const [name, amount] of wanted) {
      const allocatable = node.allocatable.get(name) ?? 0;
      if (amount > allocatable - (node.requested.get(name) ?? 0)) {
        if (amount > allocatable) return UNSCHEDULABLE_AND_UNRESOLVABLE;
        code = UNSCHEDULABLE;
      }
    }
    return code;
  },

  score(cycle: Cycle, _state: undefined, node: NodeInfo): number {
    const pod = cycle.pod;
    const resources = [
      {
        allocatable: node.allocatable.get('cpu') ?? 0,
        requested: node.nonZeroRequested.milliCpu + pod.nonZeroMilliCpu,
      },
      { allocatable: node.allocatable.get('memory') ?? 0, requested: node.nonZeroRequested.memory + pod.nonZeroMemory },
    ];
    let score = 0;
    let weights = 0;
    for (const r of resources) {
      if (r.allocatable === 0) continue;
      score += leastAllocated(r.requested, r.allocatable);
      weights += 1;
    }
    return weights === 0 ? 0 : Math.trunc(score / weights);
  },
};
