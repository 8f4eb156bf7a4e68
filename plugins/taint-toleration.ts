import { type Cycle, defaultNormalize, definePlugin } from '../src/framework/plugin.js';
import { type Code, SUCCESS, UNSCHEDULABLE_AND_UNRESOLVABLE } from '../src/framework/status.js';
import { ABSENT } from '../src/snapshot/interner.js';
import { tolerationsKey } from '../src/snapshot/pod-keys.js';
import { EFFECT_PREFER_NO_SCHEDULE, type Snapshot } from '../src/snapshot/snapshot.js';
import { compileTolerations, tolerated, untoleratedHardTaint } from '../src/snapshot/tolerations.js';

export const NAME = 'TaintToleration';

interface FilterState {
  tolerations: Int32Array;
}

interface ScoreState {
  /** Only tolerations whose effect is empty or PreferNoSchedule count for scoring. */
  preferTolerations: Int32Array;
}

/** Untolerated PreferNoSchedule taints on the node (the raw score). */
function intolerablePreferred(snap: Snapshot, state: ScoreState, node: number): number {
  const taints = snap.nodeTaints[node];
  let count = 0;
  for (let i = 0; i < taints.length; i += 3) {
    if (taints[i + 2] !== EFFECT_PREFER_NO_SCHEDULE) continue;
    if (!tolerated(state.preferTolerations, taints[i], taints[i + 1], EFFECT_PREFER_NO_SCHEDULE)) count++;
  }
  return count;
}

export default definePlugin<undefined>({
  name: NAME,
  description:
    'Keeps pods off nodes whose NoSchedule/NoExecute taints they do not tolerate; prefers fewer PreferNoSchedule taints.',
  create: () => ({
    name: NAME,
    nodeLocalKeyBySpec: true,
    nodeLocalKey: (cycle: Cycle) => tolerationsKey(cycle.pod),
    preFilter: (cycle: Cycle) => ({
      code: SUCCESS,
      state: { tolerations: compileTolerations(cycle.pod.pod.spec.tolerations, cycle.snapshot) },
    }),
    filter(cycle: Cycle, state: FilterState, node: number): Code {
      return untoleratedHardTaint(cycle.snapshot, node, state.tolerations) === ABSENT
        ? SUCCESS
        : UNSCHEDULABLE_AND_UNRESOLVABLE;
    },
    filterBatch(cycle: Cycle, state: FilterState, nodes: Int32Array, count: number, codes: Uint8Array) {
      const snap = cycle.snapshot;
      for (let i = 0; i < count; i++) {
        const node = nodes[i];
        codes[i] =
          snap.nodeTaints[node].length === 0 || untoleratedHardTaint(snap, node, state.tolerations) === ABSENT
            ? SUCCESS
            : UNSCHEDULABLE_AND_UNRESOLVABLE;
      }
    },
    filterReasons: () => ['node(s) had untolerated taint(s)'],

    preScore(cycle: Cycle) {
      const all = cycle.pod.pod.spec.tolerations ?? [];
      const prefer = all.filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
      return { code: SUCCESS, state: { preferTolerations: compileTolerations(prefer, cycle.snapshot) } };
    },
    score: (cycle: Cycle, state: ScoreState, node: number) => intolerablePreferred(cycle.snapshot, state, node),
    scoreBatch(cycle: Cycle, state: ScoreState, nodes: Int32Array, count: number, scores: Float64Array) {
      const snap = cycle.snapshot;
      for (let i = 0; i < count; i++) scores[i] = intolerablePreferred(snap, state, nodes[i]);
    },
    normalizeScore: (_cycle, _state, _feasible, scores) => defaultNormalize(scores, true),
  }),
});
