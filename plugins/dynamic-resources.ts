// DynamicResources (DRA): berth does not model resource claims yet. Pods without claims, which
// is all berth schedules today, pass every node and score 0, exactly as kube-scheduler does.
import { definePlugin } from '../src/framework/plugin.js';
import { SKIP, SUCCESS } from '../src/framework/status.js';

export const NAME = 'DynamicResources';

export default definePlugin<undefined>({
  name: NAME,
  description: 'Resource claims are not modelled: passes every node and scores 0.',
  create: () => ({
    name: NAME,
    nodeLocalKeyBySpec: true,
    nodeLocalKey: () => '',
    preFilter: () => ({ code: SKIP }),
    filter: () => SUCCESS,
    preScore: () => ({ code: SUCCESS }),
    score: () => 0,
    scoreBatch: (_cycle, _state, _nodes, count, scores) => scores.fill(0, 0, count),
  }),
});
