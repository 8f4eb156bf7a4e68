// TaintToleration: every NoSchedule/NoExecute taint must be tolerated (filter); fewer untolerated
// PreferNoSchedule taints score higher (reversed default normalisation).
import {
  countIntolerablePreferNoSchedule,
  findUntoleratedTaint,
  isNoScheduleOrNoExecute,
} from '../../../src/api/taints.js';
import { type Code, SUCCESS, UNSCHEDULABLE_AND_UNRESOLVABLE } from '../../../src/framework/status.js';
import { type BaselinePlugin, type Cycle, defaultNormalize } from '../framework.js';
import type { NodeInfo } from '../node-info.js';

export const taintToleration: BaselinePlugin<undefined, undefined> = {
  name: 'TaintToleration',
  filter(cycle: Cycle, _state: undefined, node: NodeInfo): Code {
    const taint = findUntoleratedTaint(node.taints, cycle.pod.pod.spec.tolerations, isNoScheduleOrNoExecute);
    return taint === undefined ? SUCCESS : UNSCHEDULABLE_AND_UNRESOLVABLE;
  },
  score: (cycle: Cycle, _state: undefined, node: NodeInfo) =>
    countIntolerablePreferNoSchedule(node.taints, cycle.pod.pod.spec.tolerations),
  normalize: (_cycle, _state, scores) => defaultNormalize(scores, true),
};
