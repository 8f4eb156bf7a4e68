// NodeName: a pod that names its node (spec.nodeName) fits only there.
import { type Cycle, definePlugin } from '../src/framework/plugin.js';
import { type Code, SKIP, SUCCESS, UNSCHEDULABLE_AND_UNRESOLVABLE } from '../src/framework/status.js';

export const NAME = 'NodeName';

interface State {
  /** Index of the named node, or -1 when the name is not in the snapshot. */
  node: number;
}

export default definePlugin<undefined>({
  name: NAME,
  description: 'Honours spec.nodeName: the pod fits only the node it names.',
  create: () => ({
    name: NAME,
    nodeLocalKeyBySpec: true,
    nodeLocalKey: (cycle: Cycle) => cycle.pod.pod.spec.nodeName ?? '',
    preFilter(cycle: Cycle) {
      const wanted = cycle.pod.pod.spec.nodeName;
      if (!wanted) return { code: SKIP };
      return { code: SUCCESS, state: { node: cycle.snapshot.nodeIndex.get(wanted) ?? -1 } };
    },
    filter(_cycle: Cycle, state: State, node: number): Code {
      return node === state.node ? SUCCESS : UNSCHEDULABLE_AND_UNRESOLVABLE;
    },
    filterReasons: () => ["node(s) didn't match the requested node name"],
  }),
});
