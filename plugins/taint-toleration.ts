// TaintToleration: a node's NoSchedule/NoExecute taints must all be tolerated (filter); fewer
// untolerated PreferNoSchedule taints score higher (score, reversed default normalisation).
import type { Toleration } from '../src/api/types.js';
import { type Cycle, defaultNormalize, definePlugin } from '../src/framework/plugin.js';
import { type Code, SUCCESS, UNSCHEDULABLE_AND_UNRESOLVABLE } from '../src/framework/status.js';
import { ABSENT } from '../src/snapshot/interner.js';
import {
  EFFECT_NO_EXECUTE,
  EFFECT_NO_SCHEDULE,
  EFFECT_PREFER_NO_SCHEDULE,
  EFFECTS,
  type Snapshot,
} from '../src/snapshot/snapshot.js';

export const NAME = 'TaintToleration';

const ANY = -1;

/** Tolerations as flat (key id or ANY, exists 0/1, value id, effect or ANY) quadruples. */
export function compileTolerations(tolerations: readonly Toleration[] | undefined, snap: Snapshot): Int32Array {
  const list = tolerations ?? [];
  const out = new Int32Array(list.length * 4);
  list.forEach((t, i) => {
    out[4 * i] = t.key ? snap.labelKeys.id(t.key) : ANY;
    out[4 * i + 1] = t.operator === 'Exists' ? 1 : 0;
    out[4 * i + 2] = snap.labelValues.id(t.value ?? '');
    out[4 * i + 3] = t.effect ? EFFECTS[t.effect] : ANY;
  });
  return out;
}

/** v1.Toleration.ToleratesTaint on interned ids. */
export function tolerated(tolerations: Int32Array, key: number, value: number, effect: number): boolean {
  for (let i = 0; i < tolerations.length; i += 4) {
    const tEffect = tolerations[i + 3];
    if (tEffect !== ANY && tEffect !== effect) continue;
    const tKey = tolerations[i];
    if (tKey !== ANY && tKey !== key) continue;
    if (tolerations[i + 1] === 1 || tolerations[i + 2] === value) return true;
  }
  return false;
}

interface FilterState {
  tolerations: Int32Array;
}

interface ScoreState {
  /** Only tolerations whose effect is empty or PreferNoSchedule count for scoring. */
  preferTolerations: Int32Array;
}

export function untoleratedHardTaint(snap: Snapshot, node: number, tolerations: Int32Array): number {
  const taints = snap.nodeTaints[node];
  for (let i = 0; i < taints.length; i += 3) {
    const effect = taints[i + 2];
    if (effect !== EFFECT_NO_SCHEDULE && effect !== EFFECT_NO_EXECUTE) continue;
    if (!tolerated(tolerations, taints[i], taints[i + 1], effect)) return i;
  }
  return ABSENT;
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
