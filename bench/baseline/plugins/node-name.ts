// NodeName: a pod naming its node fits only there.
import { type Code, SUCCESS, UNSCHEDULABLE_AND_UNRESOLVABLE } from '../../../src/framework/status.js';
import type { BaselinePlugin, Cycle } from '../framework.js';
import type { NodeInfo } from '../node-info.js';

export const nodeName: BaselinePlugin<undefined> = {
  name: 'NodeName',
  filter(cycle: Cycle, _state: undefined, node: NodeInfo): Code {
    const wanted = cycle.pod.pod.spec.nodeName;
    return !wanted || wanted === node.name ? SUCCESS : UNSCHEDULABLE_AND_UNRESOLVABLE;
  },
};
