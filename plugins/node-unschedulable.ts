// NodeUnschedulable: cordoned nodes (spec.unschedulable) take only pods that tolerate the
// node.kubernetes.io/unschedulable:NoSchedule taint.

import { type Cycle, definePlugin } from '../src/framework/plugin.js';
import { type Code, SUCCESS, UNSCHEDULABLE_AND_UNRESOLVABLE } from '../src/framework/status.js';
import { tolerationsKey } from '../src/snapshot/pod-keys.js';
import { EFFECT_NO_SCHEDULE } from '../src/snapshot/snapshot.js';
import { compileTolerations, tolerated } from '../src/snapshot/tolerations.js';

export const NAME = 'NodeUnschedulable';
export const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';

interface State {
  toleratesCordon: boolean;
}

export default definePlugin<undefined>({
  name: NAME,
  description: 'Keeps pods off cordoned nodes unless they tolerate node.kubernetes.io/unschedulable.',
  create: () => ({
    name: NAME,
    nodeLocalKeyBySpec: true,
    nodeLocalKey: (cycle: Cycle) => tolerationsKey(cycle.pod),
    preFilter(cycle: Cycle) {
      const snap = cycle.snapshot;
      const tolerations = compileTolerations(cycle.pod.pod.spec.tolerations, snap);
      const key = snap.labelKeys.id(UNSCHEDULABLE_TAINT);
      const empty = snap.labelValues.id('');
      return { code: SUCCESS, state: { toleratesCordon: tolerated(tolerations, key, empty, EFFECT_NO_SCHEDULE) } };
    },
    filter(cycle: Cycle, state: State, node: number): Code {
      if (!cycle.snapshot.unschedulable[node] || state.toleratesCordon) return SUCCESS;
      return UNSCHEDULABLE_AND_UNRESOLVABLE;
    },
    filterBatch(cycle: Cycle, state: State, nodes: Int32Array, count: number, codes: Uint8Array) {
      const cordoned = cycle.snapshot.unschedulable;
      const pass = state.toleratesCordon;
      for (let i = 0; i < count; i++) codes[i] = pass || !cordoned[nodes[i]] ? SUCCESS : UNSCHEDULABLE_AND_UNRESOLVABLE;
    },
    filterReasons: () => ['node(s) were unschedulable'],
  }),
});
