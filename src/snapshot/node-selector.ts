// Node selector terms and a pod's required node affinity, compiled to label-column lookups.
// Semantics follow k8s.io/component-helpers nodeaffinity: terms are ORed, requirements within a
// term ANDed, an empty term matches nothing; NotIn/DoesNotExist match a missing key; Gt/Lt parse
// both sides as integers and need the key; matchFields supports only metadata.name (In/NotIn).
import { isNodeSelectorTermParsable, NODE_NAME_FIELD } from '../api/node-selector.js';
import type { NodeSelectorTerm, Pod } from '../api/types.js';
import { ABSENT } from './interner.js';
import type { Snapshot } from './snapshot.js';

const IN = 0;
const NOT_IN = 1;
const EXISTS = 2;
const DOES_NOT_EXIST = 3;
const GT = 4;
const LT = 5;
const OPS: Record<string, number> = {
  In: IN,
  NotIn: NOT_IN,
  Exists: EXISTS,
  DoesNotExist: DOES_NOT_EXIST,
  Gt: GT,
  Lt: LT,
};

/** A node index that no node has (for names that are not in the snapshot). */
const NO_NODE = -2;
/** Stands for every node (a non-name field compared with ""). */
const ANY_NODE = -3;

interface LabelTest {
  key: number;
  op: number;
  values: Int32Array;
  /** The integer operand of Gt/Lt. */
  bound: number;
}

interface FieldTest {
  /** metadata.name In → the node must be this index; NotIn → must not be. */
  node: number;
  negate: boolean;
}

export interface CompiledTerm {
  labels: LabelTest[];
  fields: FieldTest[];
  /** A term that failed to parse (bad operator or values) or is empty never matches. */
  never: boolean;
}

/** Terms ORed; `null` means no constraint at all. */
export type CompiledNodeSelector = CompiledTerm[] | null;

export function compileTerm(term: NodeSelectorTerm, snap: Snapshot): CompiledTerm {
  const labels: LabelTest[] = [];
  const fields: FieldTest[] = [];
  // Upstream builds each requirement with labels.NewRequirement and drops the term on any error
  // (bad key, bad value, wrong value count, non-integer Gt/Lt): such a term never matches.
  const empty = (term.matchExpressions?.length ?? 0) === 0 && (term.matchFields?.length ?? 0) === 0;
  const never = empty || !isNodeSelectorTermParsable(term);
  if (never) return { labels, fields, never };
  for (const e of term.matchExpressions ?? []) {
    const op = OPS[e.operator];
    const values = e.values ?? [];
    labels.push({
      key: snap.labelKeys.id(e.key),
      op,
      values: Int32Array.from(values.map((v) => snap.labelValues.id(v))),
      bound: op === GT || op === LT ? Number(values[0]) : 0,
    });
  }
  for (const f of term.matchFields ?? []) {
    const value = (f.values ?? [])[0];
    // Only metadata.name is a node field; any other key reads as "" (so In [""] matches).
    const node = f.key === NODE_NAME_FIELD ? (snap.nodeIndex.get(value) ?? NO_NODE) : value === '' ? ANY_NODE : NO_NODE;
    fields.push({ node, negate: f.operator === 'NotIn' });
  }
  return { labels, fields, never };
}

function labelTestHolds(t: LabelTest, snap: Snapshot, node: number): boolean {
  const value = snap.nodeLabel(node, t.key);
  switch (t.op) {
    case IN:
      return value !== ABSENT && t.values.includes(value);
    case NOT_IN:
      return value === ABSENT || !t.values.includes(value);
    case EXISTS:
      return value !== ABSENT;
    case DOES_NOT_EXIST:
      return value === ABSENT;
    case GT:
    case LT: {
      if (value === ABSENT) return false;
      const n = snap.valueAsInt(value);
      if (Number.isNaN(n)) return false;
      return t.op === GT ? n > t.bound : n < t.bound;
    }
    default:
      return false;
  }
}

export function termMatches(term: CompiledTerm, snap: Snapshot, node: number): boolean {
  if (term.never) return false;
  for (let i = 0; i < term.labels.length; i++) if (!labelTestHolds(term.labels[i], snap, node)) return false;
  for (let i = 0; i < term.fields.length; i++) {
    const f = term.fields[i];
    if ((f.node === node || f.node === ANY_NODE) === f.negate) return false;
  }
  return true;
}

export function compileNodeSelector(
  terms: NodeSelectorTerm[] | undefined | null,
  snap: Snapshot,
): CompiledNodeSelector {
  if (!terms) return null;
  return terms.map((t) => compileTerm(t, snap));
}

export function nodeSelectorMatches(sel: CompiledNodeSelector, snap: Snapshot, node: number): boolean {
  if (sel === null) return true;
  for (let i = 0; i < sel.length; i++) if (termMatches(sel[i], snap, node)) return true;
  return false;
}

/** A pod's `nodeSelector` AND its required node affinity (RequiredNodeAffinity in upstream). */
export interface RequiredNodeAffinity {
  /** nodeSelector pairs as (key id, value id). */
  selectorPairs: Int32Array;
  terms: CompiledNodeSelector;
}

export function compileRequiredNodeAffinity(pod: Pod, snap: Snapshot): RequiredNodeAffinity {
  const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return {
    selectorPairs: snap.internLabels(pod.spec.nodeSelector),
    terms: required ? compileNodeSelector(required.nodeSelectorTerms ?? [], snap) : null,
  };
}

export function requiredNodeAffinityMatches(req: RequiredNodeAffinity, snap: Snapshot, node: number): boolean {
  const pairs = req.selectorPairs;
  for (let i = 0; i < pairs.length; i += 2) {
    if (snap.nodeLabel(node, pairs[i]) !== pairs[i + 1]) return false;
  }
  return nodeSelectorMatches(req.terms, snap, node);
}
