// Label selectors compiled against a snapshot's interners: a requirement is a key id, an operator
// and a small sorted set of value ids, so matching a pod or a node is a few integer comparisons.
import type { LabelSelector, Labels } from '../api/types.js';
import { ABSENT, type Interner } from './interner.js';

export const OP_IN = 0;
export const OP_NOT_IN = 1;
export const OP_EXISTS = 2;
export const OP_DOES_NOT_EXIST = 3;

export interface CompiledRequirement {
  key: number;
  op: number;
  /** Value ids, for In and NotIn. */
  values: Int32Array;
}

export interface CompiledSelector {
  /** A null selector matches nothing; `{}` compiles to no requirements and matches everything. */
  matchesNothing: boolean;
  requirements: CompiledRequirement[];
}

export const MATCH_NOTHING: CompiledSelector = { matchesNothing: true, requirements: [] };
export const MATCH_EVERYTHING: CompiledSelector = { matchesNothing: false, requirements: [] };

const OPS: Record<string, number> = { In: OP_IN, NotIn: OP_NOT_IN, Exists: OP_EXISTS, DoesNotExist: OP_DOES_NOT_EXIST };

export function compileSelector(
  selector: LabelSelector | null | undefined,
  keys: Interner,
  values: Interner,
): CompiledSelector {
  if (!selector) return MATCH_NOTHING;
  const requirements: CompiledRequirement[] = [];
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    requirements.push({ key: keys.id(k), op: OP_IN, values: Int32Array.of(values.id(v)) });
  }
  for (const e of selector.matchExpressions ?? []) {
    const op = OPS[e.operator];
    if (op === undefined) return MATCH_NOTHING; // validated at load; a bad operator selects nothing
    const ids = (e.values ?? []).map((v) => values.id(v));
    requirements.push({ key: keys.id(e.key), op, values: Int32Array.from(ids) });
  }
  return { matchesNothing: false, requirements };
}

/** Value id of `key` in sorted (key, value) pairs, or ABSENT. */
export function lookupPair(pairs: Int32Array, key: number): number {
  for (let i = 0; i < pairs.length; i += 2) {
    if (pairs[i] === key) return pairs[i + 1];
    if (pairs[i] > key) break;
  }
  return ABSENT;
}

export function requirementHolds(r: CompiledRequirement, value: number): boolean {
  switch (r.op) {
    case OP_IN:
      return value !== ABSENT && r.values.includes(value);
    case OP_NOT_IN:
      return value === ABSENT || !r.values.includes(value);
    case OP_EXISTS:
      return value !== ABSENT;
    default:
      return value === ABSENT;
  }
}

/** Does the selector match a label set given as sorted (key id, value id) pairs? */
export function matchesPairs(sel: CompiledSelector, pairs: Int32Array): boolean {
  if (sel.matchesNothing) return false;
  const reqs = sel.requirements;
  for (let i = 0; i < reqs.length; i++) {
    if (!requirementHolds(reqs[i], lookupPair(pairs, reqs[i].key))) return false;
  }
  return true;
}

/** Does the selector match node `node`, reading the snapshot's label columns? */
export function matchesColumns(
  sel: CompiledSelector,
  column: (key: number) => Int32Array | undefined,
  node: number,
): boolean {
  if (sel.matchesNothing) return false;
  const reqs = sel.requirements;
  for (let i = 0; i < reqs.length; i++) {
    const col = column(reqs[i].key);
    if (!requirementHolds(reqs[i], col ? col[node] : ABSENT)) return false;
  }
  return true;
}

/** Labels as sorted (key id, value id) pairs. */
export function internLabels(labels: Labels | undefined, keys: Interner, values: Interner): Int32Array {
  const entries = Object.entries(labels ?? {}).map(([k, v]) => [keys.id(k), values.id(v)] as const);
  entries.sort((a, b) => a[0] - b[0]);
  const out = new Int32Array(entries.length * 2);
  entries.forEach(([k, v], i) => {
    out[2 * i] = k;
    out[2 * i + 1] = v;
  });
  return out;
}
