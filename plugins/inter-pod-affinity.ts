// InterPodAffinity (kube-scheduler v1.35 pkg/scheduler/framework/plugins/interpodaffinity).
//
// Filter, checked in this order on each node:
//  1. the pod's required affinity: every term needs the node to have its topology key, and a pod
//     matching ALL the terms in the node's domain for that key. Exception (first pod of a group):
//     when no pod anywhere matches all the terms and the pod matches all its own terms, any node
//     having every topology key passes. Fails UnschedulableAndUnresolvable.
//  2. the pod's required anti-affinity: no pod matching a term in the node's domain (a node
//     without the key passes that term). Fails Unschedulable.
//  3. symmetry: no existing pod whose required anti-affinity term matches the pod sits in the
//     node's domain for that term's key. Fails Unschedulable.
// PreFilter counts matches per (topology key, value) once; it says Skip when the pod has no
// required terms and no existing pod's required anti-affinity matches it.
//
// Score: per (topology key, value), + weight for each preferred affinity term of the pod matched by
// an existing pod there, − weight for preferred anti-affinity; + hardPodAffinityWeight for each
// existing pod's required affinity term the pod matches, ± weight for existing pods' preferred
// terms. A node scores the sum over the keys it has; normalised to 100·(s − min)/(max − min) in
// float64 then truncated, 0 when all equal. PreScore says Skip when no term touched any domain.
//
// Namespaces of a term: the listed ones, plus those namespaceSelector selects, or the owning pod's
// namespace when both are empty; `namespaceSelector: {}` selects every namespace. For the incoming
// pod's terms the selector is resolved against the known namespaces up front; an existing pod's
// term tests its selector against the incoming pod's namespace labels (none when the namespace is
// unknown). Terminating pods count, as upstream. matchLabelKeys/mismatchLabelKeys are merged into
// the selector at admission (API server), not here.
import type { Problem } from '../src/api/problem.js';
import type { PodAffinityTerm, WeightedPodAffinityTerm } from '../src/api/types.js';
import { type ArgsResult, type Cycle, definePlugin, MAX_NODE_SCORE } from '../src/framework/plugin.js';
import { type Code, SKIP, SUCCESS, UNSCHEDULABLE, UNSCHEDULABLE_AND_UNRESOLVABLE } from '../src/framework/status.js';
import { ABSENT, Interner } from '../src/snapshot/interner.js';
import type { PodInfo } from '../src/snapshot/pod-info.js';
import {
  type CompiledSelector,
  compileSelector,
  matchesPairs,
  OP_EXISTS,
  OP_IN,
  OP_NOT_IN,
} from '../src/snapshot/selector.js';
import type { Snapshot } from '../src/snapshot/snapshot.js';

export const NAME = 'InterPodAffinity';

export const REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

export interface InterPodAffinityArgs {
  /** Score weight of an existing pod's required affinity term that the incoming pod matches; 0..100. */
  hardPodAffinityWeight: number;
  /** Skip scoring for pods without preferred (anti-)affinity: existing pods' preferences are ignored. */
  ignorePreferredTermsOfExistingPods: boolean;
}

export const DEFAULT_ARGS: InterPodAffinityArgs = {
  hardPodAffinityWeight: 1,
  ignorePreferredTermsOfExistingPods: false,
};

// ---- compiled terms ----------------------------------------------------------------------------

/**
 * A PodAffinityTerm compiled against a snapshot (upstream fwk.AffinityTerm). Identical terms of
 * different pods (replicas, typically) are one object with one `id`, so a cycle tests each
 * distinct term against the incoming pod once.
 */
interface Term {
  readonly id: number;
  readonly selector: CompiledSelector;
  readonly namespaces: ReadonlySet<string>;
  /** Tested against the namespace labels of the pod being matched; MATCH_NOTHING when absent. */
  readonly namespaceSelector: CompiledSelector;
  readonly topologyKey: number;
}

interface WeightedTerm {
  readonly term: Term;
  readonly weight: number;
}

/** A pod's four term lists, compiled once per pod and kept in its pluginData. */
interface PodTerms {
  readonly requiredAffinity: readonly Term[];
  readonly requiredAntiAffinity: readonly Term[];
  readonly preferredAffinity: readonly WeightedTerm[];
  readonly preferredAntiAffinity: readonly WeightedTerm[];
  /** Any of the four lists is non-empty. */
  readonly any: boolean;
}

const NO_LABELS = new Int32Array(0);

/** What the plugin keeps per snapshot: interned terms and namespaces, and the index of bound pods. */
interface SnapshotData {
  readonly termIds: Map<string, Term>;
  readonly terms: Term[];
  /** Namespace names to small ids, for the pod table. */
  readonly namespaces: Interner;
  readonly index: PodIndex;
  /** Per term id, for the current cycle: 0 not tested yet, 1 no match, 2 match. */
  memo: Uint8Array;
}

const perSnapshot = new WeakMap<Snapshot, SnapshotData>();

function dataOf(snap: Snapshot): SnapshotData {
  let data = perSnapshot.get(snap);
  if (!data) {
    data = {
      termIds: new Map(),
      terms: [],
      namespaces: new Interner(),
      index: new PodIndex(),
      memo: new Uint8Array(64),
    };
    perSnapshot.set(snap, data);
  }
  return data;
}

function internTerm(term: PodAffinityTerm, ownNamespace: string, snap: Snapshot, data: SnapshotData): Term {
  const listed = term.namespaces ?? [];
  const namespaces = listed.length === 0 && !term.namespaceSelector ? [ownNamespace] : [...new Set(listed)].sort();
  const signature = JSON.stringify([
    term.labelSelector ?? null,
    namespaces,
    term.namespaceSelector ?? null,
    term.topologyKey,
  ]);
  let compiled = data.termIds.get(signature);
  if (!compiled) {
    compiled = {
      id: data.terms.length,
      selector: compileSelector(term.labelSelector, snap.labelKeys, snap.labelValues),
      namespaces: new Set(namespaces),
      namespaceSelector: compileSelector(term.namespaceSelector, snap.labelKeys, snap.labelValues),
      topologyKey: snap.labelKeys.id(term.topologyKey),
    };
    data.termIds.set(signature, compiled);
    data.terms.push(compiled);
  }
  return compiled;
}

/** The pod's compiled terms, computed on first use and cached in its pluginData (per snapshot). */
function podTerms(info: PodInfo, snap: Snapshot): PodTerms {
  const data = dataOf(snap);
  const cached = info.pluginData.get(NAME) as { owner: SnapshotData; terms: PodTerms } | undefined;
  if (cached?.owner === data) return cached.terms;
  const affinity = info.pod.spec.affinity;
  const ns = info.namespace;
  const required = (terms: PodAffinityTerm[] | undefined) => (terms ?? []).map((t) => internTerm(t, ns, snap, data));
  const weighted = (terms: WeightedPodAffinityTerm[] | undefined) =>
    (terms ?? []).map((w) => ({ term: internTerm(w.podAffinityTerm, ns, snap, data), weight: w.weight }));
  const requiredAffinity = required(affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution);
  const requiredAntiAffinity = required(affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution);
  const preferredAffinity = weighted(affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution);
  const preferredAntiAffinity = weighted(affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution);
  const compiled: PodTerms = {
    requiredAffinity,
    requiredAntiAffinity,
    preferredAffinity,
    preferredAntiAffinity,
    any:
      requiredAffinity.length > 0 ||
      requiredAntiAffinity.length > 0 ||
      preferredAffinity.length > 0 ||
      preferredAntiAffinity.length > 0,
  };
  info.pluginData.set(NAME, { owner: data, terms: compiled });
  return compiled;
}

/** AffinityTerm.Matches: namespace listed or selected by the namespace labels, then the label selector. */
function termMatches(term: Term, namespace: string, labelPairs: Int32Array, namespacePairs: Int32Array): boolean {
  if (term.namespaces.has(namespace) || matchesPairs(term.namespaceSelector, namespacePairs)) {
    return matchesPairs(term.selector, labelPairs);
  }
  return false;
}

function namespacePairs(snap: Snapshot, namespace: string): Int32Array {
  const labels = snap.namespaceLabels.get(namespace);
  return labels ? snap.internLabels(labels) : NO_LABELS;
}

/** A fresh per-cycle memo of which existing terms match the incoming pod. */
function freshMemo(data: SnapshotData): Uint8Array {
  if (data.memo.length < data.terms.length)
    data.memo = new Uint8Array(Math.max(data.terms.length, data.memo.length * 2));
  else data.memo.fill(0, 0, data.terms.length);
  return data.memo;
}

/** Does existing term `id` match the incoming pod? Tested once per cycle, then remembered. */
function matchesIncoming(data: SnapshotData, id: number, pod: PodInfo, nsPairs: Int32Array): boolean {
  let m = data.memo[id];
  if (m === 0) {
    m = termMatches(data.terms[id], pod.namespace, pod.labelPairs, nsPairs) ? 2 : 1;
    data.memo[id] = m;
  }
  return m === 2;
}

// ---- the incoming pod's terms ------------------------------------------------------------------

/** An incoming pod's term with its namespaces resolved to the index's namespace ids. */
interface IncomingTerm {
  readonly selector: CompiledSelector;
  readonly allNamespaces: boolean;
  /** Per namespace id: 1 when the term covers it. */
  readonly namespaceIds: Uint8Array;
  readonly topologyKey: number;
  readonly weight: number;
}

/**
 * mergeAffinityTermNamespacesIfNotEmpty, for the incoming pod's terms: a non-empty namespace
 * selector adds the known namespaces it selects; `{}` selects every namespace, even unknown ones.
 * v1.35 quirk, kept on purpose: upstream passes the term by value there (kubernetes#132457, fixed
 * after v1.35.4 by #141563), so the selector is not cleared and is tested again against *empty*
 * namespace labels when matching; a selector that matches no labels at all (only NotIn or
 * DoesNotExist requirements) therefore selects every namespace.
 */
function incomingTerm(term: Term, weight: number, snap: Snapshot, data: SnapshotData): IncomingTerm {
  const sel = term.namespaceSelector;
  const names = new Set(term.namespaces);
  const allNamespaces = !sel.matchesNothing && (sel.requirements.length === 0 || matchesPairs(sel, NO_LABELS));
  if (!allNamespaces && !sel.matchesNothing) {
    for (const [name, labels] of snap.namespaceLabels) {
      if (matchesPairs(sel, snap.internLabels(labels))) names.add(name);
    }
  }
  const ids = [...names].map((n) => data.namespaces.id(n));
  const namespaceIds = new Uint8Array(data.namespaces.size);
  for (const id of ids) namespaceIds[id] = 1;
  return { selector: term.selector, allNamespaces, namespaceIds, topologyKey: term.topologyKey, weight };
}

/** Does bound pod `i` of the index match the incoming pod's term? */
function indexedPodMatches(t: IncomingTerm, index: PodIndex, i: number): boolean {
  if (!t.allNamespaces && t.namespaceIds[index.namespace.data[i]] !== 1) return false;
  return selectorMatchesAt(t.selector, index.labels.data, index.labelStart.data[i], index.labelStart.data[i + 1]);
}

/**
 * matchesPairs over `flat[start..end)`, sorted (key id, value id) pairs: the index keeps every bound
 * pod's labels in one array, so a scan over all pods reads contiguous memory.
 */
function selectorMatchesAt(sel: CompiledSelector, flat: Int32Array, start: number, end: number): boolean {
  if (sel.matchesNothing) return false;
  const reqs = sel.requirements;
  for (let r = 0; r < reqs.length; r++) {
    const req = reqs[r];
    let value = ABSENT;
    for (let i = start; i < end; i += 2) {
      if (flat[i] === req.key) {
        value = flat[i + 1];
        break;
      }
      if (flat[i] > req.key) break;
    }
    switch (req.op) {
      case OP_IN:
        if (value === ABSENT || !req.values.includes(value)) return false;
        break;
      case OP_NOT_IN:
        if (value !== ABSENT && req.values.includes(value)) return false;
        break;
      case OP_EXISTS:
        if (value === ABSENT) return false;
        break;
      default:
        if (value !== ABSENT) return false;
    }
  }
  return true;
}

function ownMatchesAll(terms: readonly IncomingTerm[], pod: PodInfo, data: SnapshotData): boolean {
  if (terms.length === 0) return false;
  const ns = data.namespaces.find(pod.namespace);
  for (const t of terms) {
    if (!t.allNamespaces && (ns === ABSENT || t.namespaceIds[ns] !== 1)) return false;
    if (!matchesPairs(t.selector, pod.labelPairs)) return false;
  }
  return true;
}

// ---- bound pods, per snapshot ------------------------------------------------------------------

const PAIR_SHIFT = 2 ** 31;

class Column {
  data = new Int32Array(256);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
}

/** Term occurrences of bound pods: term id, node and weight, as parallel columns. */
class Occurrences {
  readonly term = new Column();
  readonly node = new Column();
  readonly weight = new Column();

  get length(): number {
    return this.term.length;
  }

  push(term: number, node: number, weight: number): void {
    this.term.push(term);
    this.node.push(node);
    this.weight.push(weight);
  }
}

/**
 * Every bound pod (node, namespace id) and the terms bound pods carry, kept incrementally: the
 * snapshot gives each bound pod a fresh slot at the end of `pods`, so only slots past `scanned` are
 * new; when fewer pods are bound than indexed (one left), the index is compacted, and when more
 * (a pod took an old slot), rebuilt.
 */
class PodIndex {
  constructor() {
    this.labelStart.push(0);
  }

  scanned = 0;
  infos: PodInfo[] = [];
  readonly slot = new Column();
  readonly node = new Column();
  readonly namespace = new Column();
  /** Every bound pod's label pairs, flat; pod i's are at labelStart[i]..labelStart[i + 1]. */
  readonly labels = new Column();
  readonly labelStart = new Column();
  /** Label pair (key id · 2³¹ + value id) → indices of the bound pods carrying it. */
  readonly postings = new Map<number, number[]>();
  /** Existing pods' required anti-affinity (symmetry). */
  readonly requiredAnti = new Occurrences();
  /** Existing pods' required affinity (scored with hardPodAffinityWeight). */
  readonly requiredAffinity = new Occurrences();
  /** Existing pods' preferred terms, with signed weights. */
  readonly preferred = new Occurrences();

  get size(): number {
    return this.infos.length;
  }

  private clear(): void {
    this.infos = [];
    for (const c of [this.slot, this.node, this.namespace, this.labels, this.labelStart]) c.length = 0;
    this.labelStart.push(0);
    this.postings.clear();
    for (const o of [this.requiredAnti, this.requiredAffinity, this.preferred]) {
      o.term.length = 0;
      o.node.length = 0;
      o.weight.length = 0;
    }
  }

  private add(info: PodInfo, snap: Snapshot, data: SnapshotData): void {
    const node = info.node;
    const pairs = info.labelPairs;
    for (let i = 0; i < pairs.length; i += 2) {
      const key = pairs[i] * PAIR_SHIFT + pairs[i + 1];
      const list = this.postings.get(key);
      if (list) list.push(this.infos.length);
      else this.postings.set(key, [this.infos.length]);
    }
    this.infos.push(info);
    this.slot.push(info.slot);
    this.node.push(node);
    this.namespace.push(data.namespaces.id(info.namespace));
    for (let i = 0; i < pairs.length; i++) this.labels.push(pairs[i]);
    this.labelStart.push(this.labels.length);
    const terms = podTerms(info, snap);
    if (!terms.any) return;
    for (const t of terms.requiredAntiAffinity) this.requiredAnti.push(t.id, node, 0);
    for (const t of terms.requiredAffinity) this.requiredAffinity.push(t.id, node, 0);
    for (const w of terms.preferredAffinity) this.preferred.push(w.term.id, node, w.weight);
    for (const w of terms.preferredAntiAffinity) this.preferred.push(w.term.id, node, -w.weight);
  }

  refresh(snap: Snapshot, data: SnapshotData): void {
    const pods = snap.pods;
    if (this.scanned > pods.length) this.rebuild(snap, data);
    for (let slot = this.scanned; slot < pods.length; slot++) {
      const info = pods[slot];
      if (info && info.slot === slot) this.add(info, snap, data);
    }
    this.scanned = pods.length;
    const bound = snap.podByKey.size;
    if (bound < this.size) {
      const kept = this.infos.filter((info, i) => pods[this.slot.data[i]] === info && info.slot === this.slot.data[i]);
      this.clear();
      for (const info of kept) this.add(info, snap, data);
    } else if (bound > this.size) {
      this.rebuild(snap, data);
    }
  }

  /**
   * Indices of the bound pods that may match `sel` (a superset: callers test each), or null for
   * "any pod": the postings of the In requirement naming the fewest pods (a pod has one value per
   * key, so the lists of one requirement are disjoint).
   */
  candidates(sel: CompiledSelector): number[][] | null {
    if (sel.matchesNothing) return [];
    let best: number[][] | null = null;
    let bestCount = Number.POSITIVE_INFINITY;
    for (const req of sel.requirements) {
      if (req.op !== OP_IN) continue;
      const lists: number[][] = [];
      let count = 0;
      for (const value of req.values) {
        const list = this.postings.get(req.key * PAIR_SHIFT + value);
        if (list) {
          lists.push(list);
          count += list.length;
        }
      }
      if (count < bestCount) {
        best = lists;
        bestCount = count;
      }
    }
    return best;
  }

  /** Calls `visit` with every bound pod index that may match `sel`. */
  forEachCandidate(sel: CompiledSelector, visit: (i: number) => void): void {
    const lists = this.candidates(sel);
    if (lists === null) {
      for (let i = 0; i < this.infos.length; i++) visit(i);
      return;
    }
    for (const list of lists) for (let k = 0; k < list.length; k++) visit(list[k]);
  }

  private rebuild(snap: Snapshot, data: SnapshotData): void {
    this.clear();
    const pods = snap.pods;
    for (let slot = 0; slot < pods.length; slot++) {
      const info = pods[slot];
      if (info && info.slot === slot) this.add(info, snap, data);
    }
    this.scanned = pods.length;
  }
}

// ---- counts per topology pair ------------------------------------------------------------------

/** (topology key id → (value id → count)); a pair is present only while its count is non-zero. */
class PairCounts {
  readonly byKey = new Map<number, Map<number, number>>();
  size = 0;

  /** Adds `amount` to the pair of `node` for `key`; false when the node lacks the key. */
  add(snap: Snapshot, key: number, node: number, amount: number): boolean {
    const value = snap.nodeLabel(node, key);
    if (value === ABSENT) return false;
    let values = this.byKey.get(key);
    if (!values) {
      values = new Map();
      this.byKey.set(key, values);
    }
    const before = values.get(value) ?? 0;
    const after = before + amount;
    if (after === 0) values.delete(value);
    else values.set(value, after);
    if (before === 0 && after !== 0) this.size++;
    else if (before !== 0 && after === 0) this.size--;
    return true;
  }

  counts(key: number): ReadonlyMap<number, number> {
    return this.byKey.get(key) ?? NO_COUNTS;
  }
}

const NO_COUNTS: ReadonlyMap<number, number> = new Map();

// ---- filter ------------------------------------------------------------------------------------

/** Per-pod filter state: each term's label column and the counts for its key, resolved once. */
interface FilterState {
  affinityColumns: (Int32Array | undefined)[];
  affinityCounts: ReadonlyMap<number, number>[];
  /** No pod anywhere matches all the affinity terms, and the pod matches them itself. */
  firstOfGroup: boolean;
  antiColumns: (Int32Array | undefined)[];
  antiCounts: ReadonlyMap<number, number>[];
  existingColumns: (Int32Array | undefined)[];
  existingCounts: ReadonlyMap<number, number>[];
}

function satisfiesAffinity(s: FilterState, node: number): boolean {
  let podsExist = true;
  for (let i = 0; i < s.affinityColumns.length; i++) {
    const col = s.affinityColumns[i];
    const value = col ? col[node] : ABSENT;
    if (value === ABSENT) return false;
    if (!((s.affinityCounts[i].get(value) ?? 0) > 0)) podsExist = false;
  }
  return podsExist || s.firstOfGroup;
}

function satisfiesPairs(
  columns: (Int32Array | undefined)[],
  counts: ReadonlyMap<number, number>[],
  node: number,
): boolean {
  for (let i = 0; i < columns.length; i++) {
    const col = columns[i];
    const value = col ? col[node] : ABSENT;
    if (value !== ABSENT && (counts[i].get(value) ?? 0) > 0) return false;
  }
  return true;
}

function firstFailure(s: FilterState, node: number): Code {
  if (!satisfiesAffinity(s, node)) return UNSCHEDULABLE_AND_UNRESOLVABLE;
  if (!satisfiesPairs(s.antiColumns, s.antiCounts, node)) return UNSCHEDULABLE;
  if (!satisfiesPairs(s.existingColumns, s.existingCounts, node)) return UNSCHEDULABLE;
  return SUCCESS;
}

function preFilterState(cycle: Cycle): { code: Code; state?: FilterState } {
  const snap = cycle.snapshot;
  const pod = cycle.pod;
  const data = dataOf(snap);
  const own = podTerms(pod, snap);
  const index = data.index;
  index.refresh(snap, data);
  const nsPairs = namespacePairs(snap, pod.namespace);

  // Symmetry: existing pods' required anti-affinity terms that match the incoming pod.
  freshMemo(data);
  const existing = new PairCounts();
  const anti = index.requiredAnti;
  for (let i = 0; i < anti.length; i++) {
    const id = anti.term.data[i];
    if (matchesIncoming(data, id, pod, nsPairs)) existing.add(snap, data.terms[id].topologyKey, anti.node.data[i], 1);
  }
  if (existing.size === 0 && own.requiredAffinity.length === 0 && own.requiredAntiAffinity.length === 0) {
    return { code: SKIP };
  }

  // The incoming pod's required terms against every bound pod.
  const affinity = own.requiredAffinity.map((t) => incomingTerm(t, 0, snap, data));
  const antiTerms = own.requiredAntiAffinity.map((t) => incomingTerm(t, 0, snap, data));
  const affinityCounts = new PairCounts();
  const antiCounts = new PairCounts();
  if (affinity.length > 0) {
    // A pod counts only when it matches every term: candidates from the most selective one.
    let narrowest = affinity[0];
    let narrowestCount = Number.POSITIVE_INFINITY;
    for (const t of affinity) {
      const lists = index.candidates(t.selector);
      const count = lists === null ? index.size : lists.reduce((n, l) => n + l.length, 0);
      if (count < narrowestCount) {
        narrowest = t;
        narrowestCount = count;
      }
    }
    index.forEachCandidate(narrowest.selector, (i) => {
      for (const t of affinity) if (!indexedPodMatches(t, index, i)) return;
      for (const t of affinity) affinityCounts.add(snap, t.topologyKey, index.node.data[i], 1);
    });
  }
  for (const t of antiTerms) {
    index.forEachCandidate(t.selector, (i) => {
      if (indexedPodMatches(t, index, i)) antiCounts.add(snap, t.topologyKey, index.node.data[i], 1);
    });
  }

  const existingKeys = [...existing.byKey.keys()];
  return {
    code: SUCCESS,
    state: {
      affinityColumns: affinity.map((t) => snap.labelColumn(t.topologyKey)),
      affinityCounts: affinity.map((t) => affinityCounts.counts(t.topologyKey)),
      firstOfGroup: affinityCounts.size === 0 && ownMatchesAll(affinity, pod, data),
      antiColumns: antiTerms.map((t) => snap.labelColumn(t.topologyKey)),
      antiCounts: antiTerms.map((t) => antiCounts.counts(t.topologyKey)),
      existingColumns: existingKeys.map((k) => snap.labelColumn(k)),
      existingCounts: existingKeys.map((k) => existing.counts(k)),
    },
  };
}

// ---- score -------------------------------------------------------------------------------------

interface ScoreState {
  columns: (Int32Array | undefined)[];
  sums: ReadonlyMap<number, number>[];
}

function preScoreState(cycle: Cycle, args: InterPodAffinityArgs): { code: Code; state?: ScoreState } {
  const snap = cycle.snapshot;
  const pod = cycle.pod;
  const own = podTerms(pod, snap);
  const hasPreferred = own.preferredAffinity.length > 0 || own.preferredAntiAffinity.length > 0;
  if (args.ignorePreferredTermsOfExistingPods && !hasPreferred) return { code: SKIP };

  const data = dataOf(snap);
  const index = data.index;
  index.refresh(snap, data);
  const sums = new PairCounts();
  let touched = false;

  // The incoming pod's preferred terms against every bound pod (only then do pods without terms matter).
  if (hasPreferred) {
    const terms = [
      ...own.preferredAffinity.map((w) => incomingTerm(w.term, w.weight, snap, data)),
      ...own.preferredAntiAffinity.map((w) => incomingTerm(w.term, -w.weight, snap, data)),
    ];
    for (const t of terms) {
      index.forEachCandidate(t.selector, (i) => {
        if (indexedPodMatches(t, index, i) && sums.add(snap, t.topologyKey, index.node.data[i], t.weight))
          touched = true;
      });
    }
  }

  // Existing pods' terms that match the incoming pod.
  freshMemo(data);
  const nsPairs = namespacePairs(snap, pod.namespace);
  const hard = args.hardPodAffinityWeight;
  if (hard > 0) {
    const req = index.requiredAffinity;
    for (let i = 0; i < req.length; i++) {
      const id = req.term.data[i];
      if (
        matchesIncoming(data, id, pod, nsPairs) &&
        sums.add(snap, data.terms[id].topologyKey, req.node.data[i], hard)
      ) {
        touched = true;
      }
    }
  }
  const pref = index.preferred;
  for (let i = 0; i < pref.length; i++) {
    const id = pref.term.data[i];
    if (
      matchesIncoming(data, id, pod, nsPairs) &&
      sums.add(snap, data.terms[id].topologyKey, pref.node.data[i], pref.weight.data[i])
    ) {
      touched = true;
    }
  }
  if (!touched) return { code: SKIP };

  const keys = [...sums.byKey.keys()];
  return {
    code: SUCCESS,
    state: { columns: keys.map((k) => snap.labelColumn(k)), sums: keys.map((k) => sums.counts(k)) },
  };
}

function scoreNode(s: ScoreState, node: number): number {
  let sum = 0;
  for (let i = 0; i < s.columns.length; i++) {
    const col = s.columns[i];
    const value = col ? col[node] : ABSENT;
    if (value !== ABSENT) sum += s.sums[i].get(value) ?? 0;
  }
  return sum;
}

/** Upstream NormalizeScore: 100·(s − min)/(max − min) in float64, truncated; all equal → 0. */
export function normalize(scores: Float64Array): void {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < scores.length; i++) {
    if (scores[i] > max) max = scores[i];
    if (scores[i] < min) min = scores[i];
  }
  const diff = max - min;
  for (let i = 0; i < scores.length; i++) {
    scores[i] = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((scores[i] - min) / diff)) : 0;
  }
}

// ---- args ----------------------------------------------------------------------------------------

export function parseArgs(raw: unknown, path: string): ArgsResult<InterPodAffinityArgs> {
  const args = { ...DEFAULT_ARGS };
  const problems: Problem[] = [];
  if (raw === undefined || raw === null) return { args, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { args, problems: [{ code: 'type', path, message: 'expected an object (InterPodAffinityArgs)' }] };
  }
  for (const [field, value] of Object.entries(raw)) {
    const at = `${path}.${field}`;
    if (field === 'hardPodAffinityWeight') {
      if (value === null) continue;
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        problems.push({ code: 'type', path: at, message: `expected an integer, got ${JSON.stringify(value)}` });
      } else if (value < 0 || value > 100) {
        problems.push({ code: 'range', path: at, message: `${value} is not in the valid range [0-100]` });
      } else {
        args.hardPodAffinityWeight = value;
      }
    } else if (field === 'ignorePreferredTermsOfExistingPods') {
      if (value === null) continue;
      if (typeof value !== 'boolean') {
        problems.push({ code: 'type', path: at, message: `expected true or false, got ${JSON.stringify(value)}` });
      } else {
        args.ignorePreferredTermsOfExistingPods = value;
      }
    } else if (field !== 'apiVersion' && field !== 'kind') {
      problems.push({
        code: 'unknown-field',
        path: at,
        message:
          'unknown field (InterPodAffinityArgs has hardPodAffinityWeight and ignorePreferredTermsOfExistingPods)',
      });
    }
  }
  return { args, problems };
}

// ---- definition ----------------------------------------------------------------------------------

export default definePlugin<InterPodAffinityArgs>({
  name: NAME,
  description: 'Required and preferred pod affinity and anti-affinity, including existing pods’ anti-affinity.',
  parseArgs,
  create(args) {
    const settings = { ...DEFAULT_ARGS, ...args };
    return {
      name: NAME,
      preFilter: (cycle: Cycle) => preFilterState(cycle),
      filter: (_cycle: Cycle, state: FilterState, node: number): Code => firstFailure(state, node),
      filterReasons(_cycle: Cycle, state: FilterState, node: number) {
        if (!satisfiesAffinity(state, node)) return [REASON_AFFINITY];
        if (!satisfiesPairs(state.antiColumns, state.antiCounts, node)) return [REASON_ANTI_AFFINITY];
        return [REASON_EXISTING_ANTI_AFFINITY];
      },
      preScore: (cycle: Cycle) => preScoreState(cycle, settings),
      score: (_cycle: Cycle, state: ScoreState, node: number) => scoreNode(state, node),
      normalizeScore: (_cycle, _state, _feasible, scores) => normalize(scores),
    };
  },
});
