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
// PreFilter says Skip when the pod has no required terms and no existing pod's required
// anti-affinity matches it.
//
// Counting is incremental across cycles on one snapshot (src/snapshot/match-counts.ts): per
// distinct (namespaces, selector) of an incoming term, the matching bound pods per node; per
// distinct existing term, the pods carrying it per node; both summed per topology domain and kept
// current from the pods bound or removed since the last cycle. A cycle tests only the distinct
// terms bound pods carry against the incoming pod, and filter/score read domain sums by node.
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
import type { Labels, PodAffinityTerm, WeightedPodAffinityTerm } from '../src/api/types.js';
import { type ArgsResult, type Cycle, definePlugin, MAX_NODE_SCORE, SKIPPED } from '../src/framework/plugin.js';
import { type Code, SUCCESS, UNSCHEDULABLE, UNSCHEDULABLE_AND_UNRESOLVABLE } from '../src/framework/status.js';
import { ABSENT } from '../src/snapshot/interner.js';
import {
  CountIndex,
  type DomainSums,
  type LabelTest,
  labelMatcher,
  type NodeCounts,
  type PodPredicate,
  selectorKey,
} from '../src/snapshot/match-counts.js';
import type { PodInfo } from '../src/snapshot/pod-info.js';
import { PodJournal } from '../src/snapshot/pod-journal.js';
import { type CompiledSelector, compileSelector, matchesPairs } from '../src/snapshot/selector.js';
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
  readonly selectorKey: string;
  readonly namespaces: ReadonlySet<string>;
  /** Tested against the namespace labels of the pod being matched; MATCH_NOTHING when absent. */
  readonly namespaceSelector: CompiledSelector;
  readonly topologyKey: number;
  /** The term as an incoming pod's term (weight 0), when that does not depend on namespace labels. */
  incoming?: IncomingTerm;
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

const NO_TERMS: PodTerms = {
  requiredAffinity: [],
  requiredAntiAffinity: [],
  preferredAffinity: [],
  preferredAntiAffinity: [],
  any: false,
};

const NO_LABELS = new Int32Array(0);

/** What the plugin keeps per snapshot: interned terms, and where bound pods carry them. */
interface SnapshotData {
  readonly termIds: Map<string, Term>;
  readonly terms: Term[];
  /** Created on first use (it reads every bound pod's terms). */
  occurrences: TermOccurrences | null;
  /** Per term id, for the current cycle: 0 not tested yet, 1 no match, 2 match. */
  memo: Uint8Array;
  readonly namespacePairs: Map<string, { labels: Labels; pairs: Int32Array }>;
}

const perSnapshot = new WeakMap<Snapshot, SnapshotData>();

function dataOf(snap: Snapshot): SnapshotData {
  let data = perSnapshot.get(snap);
  if (!data) {
    data = { termIds: new Map(), terms: [], occurrences: null, memo: new Uint8Array(64), namespacePairs: new Map() };
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
    const selector = compileSelector(term.labelSelector, snap.labelKeys, snap.labelValues);
    compiled = {
      id: data.terms.length,
      selector,
      selectorKey: selectorKey(selector),
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
  const affinity = info.pod.spec.affinity;
  if (!affinity || (!affinity.podAffinity && !affinity.podAntiAffinity)) return NO_TERMS;
  const data = dataOf(snap);
  const cached = info.pluginData.get(NAME) as { owner: SnapshotData; terms: PodTerms } | undefined;
  if (cached?.owner === data) return cached.terms;
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

/** A namespace's labels as pairs, interned once per labels object. */
function namespacePairs(snap: Snapshot, data: SnapshotData, namespace: string): Int32Array {
  const labels = snap.namespaceLabels.get(namespace);
  if (!labels) return NO_LABELS;
  const cached = data.namespacePairs.get(namespace);
  if (cached?.labels === labels) return cached.pairs;
  const pairs = snap.internLabels(labels);
  data.namespacePairs.set(namespace, { labels, pairs });
  return pairs;
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

/** An incoming pod's term with its namespaces resolved. */
interface IncomingTerm {
  readonly selector: CompiledSelector;
  /** The selector as a test of label pairs. */
  readonly matches: LabelTest;
  readonly allNamespaces: boolean;
  readonly namespaces: ReadonlySet<string>;
  readonly topologyKey: number;
  readonly weight: number;
  /** Names the pods this term counts: its namespaces and selector. */
  readonly countsKey: string;
}

/**
 * mergeAffinityTermNamespacesIfNotEmpty, for the incoming pod's terms: a non-empty namespace
 * selector adds the known namespaces it selects; `{}` selects every namespace, even unknown ones.
 * v1.35 quirk, kept on purpose: upstream passes the term by value there (kubernetes#132457, fixed
 * after v1.35.4 by #141563), so the selector is not cleared and is tested again against *empty*
 * namespace labels when matching; a selector that matches no labels at all (only NotIn or
 * DoesNotExist requirements) therefore selects every namespace.
 */
function incomingTerm(term: Term, weight: number, snap: Snapshot): IncomingTerm {
  const cached = term.incoming;
  if (cached) return weight === 0 ? cached : { ...cached, weight };
  const sel = term.namespaceSelector;
  const names = new Set(term.namespaces);
  const allNamespaces = !sel.matchesNothing && (sel.requirements.length === 0 || matchesPairs(sel, NO_LABELS));
  if (!allNamespaces && !sel.matchesNothing) {
    for (const [name, labels] of snap.namespaceLabels) {
      if (matchesPairs(sel, snap.internLabels(labels))) names.add(name);
    }
  }
  const countsKey = `${allNamespaces ? '*' : [...names].sort().join('\u0001')}\u0002${term.selectorKey}`;
  const resolved: IncomingTerm = {
    selector: term.selector,
    matches: labelMatcher(term.selector),
    allNamespaces,
    namespaces: names,
    topologyKey: term.topologyKey,
    weight: 0,
    countsKey,
  };
  // Without a namespace selector to resolve (or with one selecting everything) this never changes.
  if (sel.matchesNothing || allNamespaces) term.incoming = resolved;
  return weight === 0 ? resolved : { ...resolved, weight };
}

/** Does a bound pod match the incoming pod's term? (Terminating pods count.) */
function incomingMatches(t: IncomingTerm, p: PodInfo): boolean {
  return t.matches(p.labelPairs) && (t.allNamespaces || t.namespaces.has(p.namespace));
}

function ownMatchesAll(terms: readonly IncomingTerm[], pod: PodInfo): boolean {
  if (terms.length === 0) return false;
  for (const t of terms) if (!incomingMatches(t, pod)) return false;
  return true;
}

/** Per node, the bound pods matching every one of `terms` (the incoming pod's required affinity, or one term). */
function matchingCounts(snap: Snapshot, terms: readonly IncomingTerm[]): NodeCounts {
  let key = 'ipa';
  for (const t of terms) key += `\u0003${t.countsKey}`;
  return CountIndex.of(snap).nodeCounts(key, () =>
    terms.length === 1
      ? (p) => (incomingMatches(terms[0], p) ? 1 : 0)
      : (p) => {
          for (let i = 0; i < terms.length; i++) if (!incomingMatches(terms[i], p)) return 0;
          return 1;
        },
  );
}

// ---- existing pods' terms ----------------------------------------------------------------------

const KIND_REQUIRED_ANTI = 0;
const KIND_REQUIRED_AFFINITY = 1;
const KIND_PREFERRED = 2;
const KIND_NAMES = ['anti', 'aff', 'pref'];

/**
 * Which terms bound pods carry, per kind (required anti-affinity, required affinity, preferred):
 * per term id, how many bound pods carry it on a node that has the term's topology key. Kept current
 * from the PodJournal, so a cycle tests only the distinct terms present against the incoming pod.
 */
class TermOccurrences {
  private position = 0;
  private readonly journal: PodJournal;
  private readonly counts: Int32Array[] = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];
  private readonly active: number[][] = [[], [], []];
  /** Bound pods carrying any term (value: additions minus removals seen, so a pod moved between nodes stays). */
  readonly carriers = new Map<PodInfo, number>();
  private readonly dirty = [false, false, false];
  /** Snapshot.podAffinityChanges when last synced: unchanged means every change since is a no-op here. */
  private seenAffinityChanges = -1;

  constructor(
    private readonly snap: Snapshot,
    private readonly data: SnapshotData,
  ) {
    this.journal = PodJournal.of(snap);
    this.journal.sync();
    this.rebuild();
  }

  private rebuild(): void {
    for (const c of this.counts) c.fill(0);
    this.carriers.clear();
    const snap = this.snap;
    for (let n = 0; n < snap.nodeCount; n++) {
      const pods = snap.podsOnNode[n];
      for (let i = 0; i < pods.length; i++) this.apply(pods[i], n, 1);
    }
    this.dirty.fill(true);
    this.position = this.journal.end;
    this.seenAffinityChanges = this.snap.podAffinityChanges;
  }

  sync(): void {
    // Pods without pod (anti-)affinity carry no terms: skip the journal until one comes or goes.
    // The journal diffs states, so a later sync still sees everything that changed meanwhile.
    if (this.snap.podAffinityChanges === this.seenAffinityChanges) return;
    this.seenAffinityChanges = this.snap.podAffinityChanges;
    const j = this.journal;
    j.sync();
    if (this.position === j.end) return;
    if (this.position < j.base) {
      this.rebuild();
      return;
    }
    for (let p = this.position; p < j.end; p++) {
      const k = p - j.base;
      this.apply(j.pods[k], j.nodes[k], j.signs[k]);
    }
    this.position = j.end;
  }

  private apply(pod: PodInfo, node: number, sign: number): void {
    const terms = podTerms(pod, this.snap);
    if (!terms.any) return;
    const carried = (this.carriers.get(pod) ?? 0) + sign;
    if (carried === 0) this.carriers.delete(pod);
    else this.carriers.set(pod, carried);
    for (const t of terms.requiredAntiAffinity) this.bump(KIND_REQUIRED_ANTI, t, node, sign);
    for (const t of terms.requiredAffinity) this.bump(KIND_REQUIRED_AFFINITY, t, node, sign);
    for (const w of terms.preferredAffinity) this.bump(KIND_PREFERRED, w.term, node, sign);
    for (const w of terms.preferredAntiAffinity) this.bump(KIND_PREFERRED, w.term, node, sign);
  }

  private bump(kind: number, term: Term, node: number, sign: number): void {
    if (this.snap.nodeLabel(node, term.topologyKey) === ABSENT) return;
    let counts = this.counts[kind];
    if (counts.length <= term.id) {
      const grown = new Int32Array(Math.max(term.id + 1, counts.length * 2));
      grown.set(counts);
      counts = grown;
      this.counts[kind] = grown;
    }
    const before = counts[term.id];
    counts[term.id] = before + sign;
    if (before === 0 || before + sign === 0) this.dirty[kind] = true;
  }

  /** Ids of the terms of `kind` some bound pod carries on a node with the term's key. */
  present(kind: number): readonly number[] {
    if (this.dirty[kind]) {
      const counts = this.counts[kind];
      const list: number[] = [];
      const n = Math.min(counts.length, this.data.terms.length);
      for (let id = 0; id < n; id++) if (counts[id] > 0) list.push(id);
      this.active[kind] = list;
      this.dirty[kind] = false;
    }
    return this.active[kind];
  }
}

function occurrencesOf(snap: Snapshot, data: SnapshotData): TermOccurrences {
  if (!data.occurrences) data.occurrences = new TermOccurrences(snap, data);
  data.occurrences.sync();
  return data.occurrences;
}

/**
 * Per node, the bound pods carrying existing term `id` as `kind` (preferred: their signed weights).
 * Counting per node ignores whether the node has the key; DomainSums leaves keyless nodes out.
 */
function carrierCounts(snap: Snapshot, occurrences: TermOccurrences, kind: number, id: number): NodeCounts {
  return CountIndex.of(snap).nodeCounts(`ipa-${KIND_NAMES[kind]}\u0003${id}`, (): PodPredicate => {
    // Only pods carrying some term can count: build from those, not from every bound pod.
    const candidates = () => occurrences.carriers.keys();
    if (kind === KIND_PREFERRED) {
      return {
        candidates,
        weight: (p) => {
          const terms = podTerms(p, snap);
          let w = 0;
          for (const x of terms.preferredAffinity) if (x.term.id === id) w += x.weight;
          for (const x of terms.preferredAntiAffinity) if (x.term.id === id) w -= x.weight;
          return w;
        },
      };
    }
    return {
      candidates,
      weight: (p) => {
        const terms = podTerms(p, snap);
        const list = kind === KIND_REQUIRED_ANTI ? terms.requiredAntiAffinity : terms.requiredAffinity;
        let n = 0;
        for (const t of list) if (t.id === id) n++;
        return n;
      },
    };
  });
}

/** Counts summed per domain of `key` (nodes without the key left out). */
function perDomain(snap: Snapshot, counts: NodeCounts, key: number): DomainSums {
  return counts.domainSums(CountIndex.of(snap).domains(key, ABSENT), '', null);
}

// ---- filter ------------------------------------------------------------------------------------

/** Per-pod filter state: per check, each node's domain of the check's key (−1 without it) and the counts per domain. */
interface FilterState {
  affinityDomains: Int32Array[];
  affinitySums: Float64Array[];
  /** No pod anywhere matches all the affinity terms, and the pod matches them itself. */
  firstOfGroup: boolean;
  antiDomains: Int32Array[];
  antiSums: Float64Array[];
  existingDomains: Int32Array[];
  existingSums: Float64Array[];
}

function satisfiesAffinity(s: FilterState, node: number): boolean {
  let podsExist = true;
  for (let i = 0; i < s.affinityDomains.length; i++) {
    const d = s.affinityDomains[i][node];
    if (d < 0) return false;
    if (!(s.affinitySums[i][d] > 0)) podsExist = false;
  }
  return podsExist || s.firstOfGroup;
}

function satisfiesPairs(domains: Int32Array[], sums: Float64Array[], node: number): boolean {
  for (let i = 0; i < domains.length; i++) {
    const d = domains[i][node];
    if (d >= 0 && sums[i][d] > 0) return false;
  }
  return true;
}

function firstFailure(s: FilterState, node: number): Code {
  if (!satisfiesAffinity(s, node)) return UNSCHEDULABLE_AND_UNRESOLVABLE;
  if (!satisfiesPairs(s.antiDomains, s.antiSums, node)) return UNSCHEDULABLE;
  if (!satisfiesPairs(s.existingDomains, s.existingSums, node)) return UNSCHEDULABLE;
  return SUCCESS;
}

/** firstFailure over many nodes, a check at a time (anti-affinity and symmetry both fail Unschedulable). */
function filterBatch(s: FilterState, nodes: Int32Array, count: number, codes: Uint8Array): void {
  if (s.affinityDomains.length > 0) {
    for (let k = 0; k < count; k++) {
      codes[k] = satisfiesAffinity(s, nodes[k]) ? SUCCESS : UNSCHEDULABLE_AND_UNRESOLVABLE;
    }
  } else {
    codes.fill(SUCCESS, 0, count);
  }
  rejectPairs(s.antiDomains, s.antiSums, nodes, count, codes);
  rejectPairs(s.existingDomains, s.existingSums, nodes, count, codes);
}

/** Marks Unschedulable the nodes still passing whose domain of some check has a count. */
function rejectPairs(
  domains: Int32Array[],
  sums: Float64Array[],
  nodes: Int32Array,
  count: number,
  codes: Uint8Array,
): void {
  for (let i = 0; i < domains.length; i++) {
    const domainOf = domains[i];
    const perDomain = sums[i];
    for (let k = 0; k < count; k++) {
      if (codes[k] !== SUCCESS) continue;
      const d = domainOf[nodes[k]];
      if (d >= 0 && perDomain[d] > 0) codes[k] = UNSCHEDULABLE;
    }
  }
}

function preFilterState(cycle: Cycle): { code: Code; state?: FilterState } {
  const snap = cycle.snapshot;
  const pod = cycle.pod;
  const data = dataOf(snap);
  const own = podTerms(pod, snap);
  const occurrences = occurrencesOf(snap, data);
  // No required terms of its own and none of bound pods' that could match it: the common case.
  const presentAnti = occurrences.present(KIND_REQUIRED_ANTI);
  if (presentAnti.length === 0 && own.requiredAffinity.length === 0 && own.requiredAntiAffinity.length === 0) {
    return SKIPPED;
  }
  const nsPairs = namespacePairs(snap, data, pod.namespace);

  // Symmetry: existing pods' required anti-affinity terms that match the incoming pod.
  freshMemo(data);
  const existing: number[] = [];
  for (const id of presentAnti) {
    if (matchesIncoming(data, id, pod, nsPairs)) existing.push(id);
  }
  if (existing.length === 0 && own.requiredAffinity.length === 0 && own.requiredAntiAffinity.length === 0) {
    return SKIPPED;
  }
  const existingSums = existing.map((id) =>
    perDomain(snap, carrierCounts(snap, occurrences, KIND_REQUIRED_ANTI, id), data.terms[id].topologyKey),
  );

  // The incoming pod's required terms against every bound pod; affinity counts pods matching all terms.
  const affinity = own.requiredAffinity.map((t) => incomingTerm(t, 0, snap));
  const antiTerms = own.requiredAntiAffinity.map((t) => incomingTerm(t, 0, snap));
  let affinitySums: DomainSums[] = [];
  if (affinity.length > 0) {
    const counts = matchingCounts(snap, affinity);
    affinitySums = affinity.map((t) => perDomain(snap, counts, t.topologyKey));
  }
  const antiSums = antiTerms.map((t) => perDomain(snap, matchingCounts(snap, [t]), t.topologyKey));

  return {
    code: SUCCESS,
    state: {
      affinityDomains: affinitySums.map((s) => s.domains.nodeDomain),
      affinitySums: affinitySums.map((s) => s.sums),
      firstOfGroup: affinitySums.every((s) => s.total === 0) && ownMatchesAll(affinity, pod),
      antiDomains: antiSums.map((s) => s.domains.nodeDomain),
      antiSums: antiSums.map((s) => s.sums),
      existingDomains: existingSums.map((s) => s.domains.nodeDomain),
      existingSums: existingSums.map((s) => s.sums),
    },
  };
}

// ---- score -------------------------------------------------------------------------------------

/** A node's raw score: Σ multiplier × sums[domain] over the contributions whose key the node has. */
interface ScoreState {
  domains: Int32Array[];
  sums: Float64Array[];
  multiplier: Float64Array;
}

function preScoreState(cycle: Cycle, args: InterPodAffinityArgs): { code: Code; state?: ScoreState } {
  const snap = cycle.snapshot;
  const pod = cycle.pod;
  const own = podTerms(pod, snap);
  const hasPreferred = own.preferredAffinity.length > 0 || own.preferredAntiAffinity.length > 0;
  if (args.ignorePreferredTermsOfExistingPods && !hasPreferred) return SKIPPED;

  const data = dataOf(snap);
  const occurrences = occurrencesOf(snap, data);
  const hard = args.hardPodAffinityWeight;
  // No preferred terms of its own and no bound pod's term that could touch it: the common case.
  if (
    !hasPreferred &&
    occurrences.present(KIND_PREFERRED).length === 0 &&
    (hard <= 0 || occurrences.present(KIND_REQUIRED_AFFINITY).length === 0)
  ) {
    return SKIPPED;
  }
  const parts: DomainSums[] = [];
  const multipliers: number[] = [];
  let touched = false;

  // The incoming pod's preferred terms against every bound pod (only then do pods without terms matter).
  if (hasPreferred) {
    const terms = [
      ...own.preferredAffinity.map((w) => incomingTerm(w.term, w.weight, snap)),
      ...own.preferredAntiAffinity.map((w) => incomingTerm(w.term, -w.weight, snap)),
    ];
    for (const t of terms) {
      const s = perDomain(snap, matchingCounts(snap, [t]), t.topologyKey);
      // A matching pod on a node with the key touches a domain.
      if (s.total > 0) touched = true;
      parts.push(s);
      multipliers.push(t.weight);
    }
  }

  // Existing pods' terms that match the incoming pod: each present one sits on a node with its key.
  freshMemo(data);
  const nsPairs = namespacePairs(snap, data, pod.namespace);
  const existing = (kind: number, multiplier: number) => {
    for (const id of occurrences.present(kind)) {
      if (!matchesIncoming(data, id, pod, nsPairs)) continue;
      touched = true;
      parts.push(perDomain(snap, carrierCounts(snap, occurrences, kind, id), data.terms[id].topologyKey));
      multipliers.push(multiplier);
    }
  };
  if (hard > 0) existing(KIND_REQUIRED_AFFINITY, hard);
  existing(KIND_PREFERRED, 1);
  if (!touched) return SKIPPED;

  return {
    code: SUCCESS,
    state: {
      domains: parts.map((s) => s.domains.nodeDomain),
      sums: parts.map((s) => s.sums),
      multiplier: Float64Array.from(multipliers),
    },
  };
}

function scoreNode(s: ScoreState, node: number): number {
  let sum = 0;
  for (let i = 0; i < s.domains.length; i++) {
    const d = s.domains[i][node];
    if (d >= 0) sum += s.multiplier[i] * s.sums[i][d];
  }
  return sum;
}

/** scoreNode over many nodes, a contribution at a time (integer sums: the order does not matter). */
function scoreBatch(s: ScoreState, nodes: Int32Array, count: number, scores: Float64Array): void {
  scores.fill(0, 0, count);
  for (let i = 0; i < s.domains.length; i++) {
    const domains = s.domains[i];
    const sums = s.sums[i];
    const m = s.multiplier[i];
    for (let k = 0; k < count; k++) {
      const d = domains[nodes[k]];
      if (d >= 0) scores[k] += m * sums[d];
    }
  }
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
      filterBatch: (_cycle: Cycle, state: FilterState, nodes: Int32Array, count: number, codes: Uint8Array) =>
        filterBatch(state, nodes, count, codes),
      filterReasons(_cycle: Cycle, state: FilterState, node: number) {
        if (!satisfiesAffinity(state, node)) return [REASON_AFFINITY];
        if (!satisfiesPairs(state.antiDomains, state.antiSums, node)) return [REASON_ANTI_AFFINITY];
        return [REASON_EXISTING_ANTI_AFFINITY];
      },
      preScore: (cycle: Cycle) => preScoreState(cycle, settings),
      score: (_cycle: Cycle, state: ScoreState, node: number) => scoreNode(state, node),
      scoreBatch: (_cycle: Cycle, state: ScoreState, nodes: Int32Array, count: number, scores: Float64Array) =>
        scoreBatch(state, nodes, count, scores),
      normalizeScore: (_cycle, _state, _feasible, scores) => normalize(scores),
    };
  },
});
