// Tolerations compiled to interned ids, and the taint checks several plugins share
// (TaintToleration, NodeUnschedulable, PodTopologySpread's nodeTaintsPolicy).
import type { Toleration } from '../api/types.js';
import { ABSENT } from './interner.js';
import { EFFECT_NO_EXECUTE, EFFECT_NO_SCHEDULE, EFFECTS, type Snapshot } from './snapshot.js';

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

/** Index of the first NoSchedule/NoExecute taint of `node` the tolerations do not tolerate, or ABSENT. */
export function untoleratedHardTaint(snap: Snapshot, node: number, tolerations: Int32Array): number {
  const taints = snap.nodeTaints[node];
  for (let i = 0; i < taints.length; i += 3) {
    const effect = taints[i + 2];
    if (effect !== EFFECT_NO_SCHEDULE && effect !== EFFECT_NO_EXECUTE) continue;
    if (!tolerated(tolerations, taints[i], taints[i + 1], effect)) return i;
  }
  return ABSENT;
}
