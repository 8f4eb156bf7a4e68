// NodeUnschedulable: a cordoned node takes only pods tolerating node.kubernetes.io/unschedulable:NoSchedule.
import { tolerationsTolerateTaint } from '../../../src/api/taints.js';
import { type Code, SUCCESS, UNSCHEDULABLE_AND_UNRESOLVABLE } from '../../../src/framework/status.js';
import type { BaselinePlugin, Cycle } from '../framework.js';
import type { NodeInfo } from '../node-info.js';

const CORDON = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' } as const;

export const nodeUnschedulable: BaselinePlugin<undefined> = {
  name: 'NodeUnschedulable',
  filter(cycle: Cycle, _state: undefined, node: NodeInfo): Code {
    if (!node.unschedulable) return SUCCESS;
    return tolerationsTolerateTaint(cycle.pod.pod.spec.tolerations, CORDON) ? SUCCESS : UNSCHEDULABLE_AND_UNRESOLVABLE;
  },
};
