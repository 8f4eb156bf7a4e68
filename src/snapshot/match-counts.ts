// Incremental counts of bound pods for plugins that look at other nodes' pods (PodTopologySpread,
// InterPodAffinity). Per snapshot:
//  - TopologyDomains: a topology key's values numbered densely per node (−1 for a node without the
//    key), so per-domain sums are typed arrays read as sums[nodeDomain[node]].
//  - NodeCounts: for one pod predicate (a compiled selector and namespaces, say), the weight of the
//    matching pods on every node. Built once by walking every bound pod (or only given candidates),
//    then kept current from the PodJournal: a cycle applies only the pods bound or removed since
//    the previous one.
//  - DomainSums: a NodeCounts summed per domain of a key, over the nodes an inclusion mask admits;
//    updated by the same deltas, with the number of domains, the total and the minimum at hand.
// NodeCounts are kept in an LRU per snapshot (keyed by the caller's canonical string for the
// predicate; at most MAX_COUNTS and MAX_BYTES of arrays), each with a few DomainSums, so memory
// stays bounded however many selectors come; an evicted predicate is rebuilt when asked again.
// Assumes what addNode gave a node (labels, taints, name) does not change afterwards.
import { ABSENT } from './interner.js';
import type { PodInfo } from './pod-info.js';
import { PodJournal } from './pod-journal.js';
import { type CompiledSelector, OP_DOES_NOT_EXIST, OP_EXISTS, OP_IN } from './selector.js';
import type { Snapshot } from './snapshot.js';

/** How much a bound pod counts for a predicate (0 when it does not match). */
export type PodWeight = (pod: PodInfo) => number;

/**
 * A predicate, and optionally the only bound pods it can match (each bound, `node` set), so that
 * building its counts need not walk every bound pod. The candidates must be current whenever the
 * counts are built or rebuilt (in practice: a structure synced from the same journal just before).
 */
export interface PodPredicate {
  weight: PodWeight;
  candidates?: () => Iterable<PodInfo>;
}

/** Builds a node test against the snapshot as it is now (so node names resolve to current indices). */
export type MaskFactory = (snap: Snapshot) => (node: number) => boolean;

/** NodeCounts kept per snapshot, least recently used dropped first... */
const MAX_COUNTS = 96;
/** ...and fewer when their arrays (with their DomainSums) outgrow this many bytes. */
const MAX_BYTES = 64 * 1024 * 1024;
/** DomainSums kept per NodeCounts. */
const MAX_SUMS = 8;

/** A canonical string for a compiled selector (same requirements in the same order → same key). */
export function selectorKey(sel: CompiledSelector): string {
  if (sel.matchesNothing) return '!';
  let out = '';
  for (const r of sel.requirements) out += `${r.key}.${r.op}.${r.values.join(',')};`;
  return out;
}

// ---- label tests ----------------------------------------------------------------------------

/** A compiled selector as a test of a pod's sorted (key id, value id) label pairs. */
export type LabelTest = (pairs: Int32Array) => boolean;

/** A selector's requirements as flat columns, for matching many pods without indirection. */
interface FlatSelector {
  keys: Int32Array;
  ops: Uint8Array;
  /** Requirement r's value ids are values[start[r] .. start[r + 1]). */
  start: Int32Array;
  values: Int32Array;
}

function flatten(sel: CompiledSelector): FlatSelector {
  const reqs = sel.requirements;
  const start = new Int32Array(reqs.length + 1);
  reqs.forEach((r, i) => {
    start[i + 1] = start[i] + r.values.length;
  });
  const values = new Int32Array(start[reqs.length]);
  for (let i = 0; i < reqs.length; i++) values.set(reqs[i].values, start[i]);
  return {
    keys: Int32Array.from(reqs, (r) => r.key),
    ops: Uint8Array.from(reqs, (r) => r.op),
    start,
    values,
  };
}

/** matchesPairs for a selector that matches something: every requirement holds on the sorted pairs. */
function flatMatches(f: FlatSelector, pairs: Int32Array): boolean {
  for (let r = 0; r < f.keys.length; r++) {
    const key = f.keys[r];
    let value = ABSENT;
    for (let i = 0; i < pairs.length; i += 2) {
      if (pairs[i] === key) {
        value = pairs[i + 1];
        break;
      }
      if (pairs[i] > key) break;
    }
    const op = f.ops[r];
    if (op === OP_EXISTS) {
      if (value === ABSENT) return false;
    } else if (op === OP_DOES_NOT_EXIST) {
      if (value !== ABSENT) return false;
    } else {
      let found = false;
      if (value !== ABSENT) {
        for (let v = f.start[r]; v < f.start[r + 1]; v++) {
          if (f.values[v] === value) {
            found = true;
            break;
          }
        }
      }
      if (found !== (op === OP_IN)) return false;
    }
  }
  return true;
}

/**
 * matchesPairs as a closure specialised for the selector: `app = web` (the usual matchLabels) is a
 * single scan of the pairs; anything else reads flat columns. Used when counting over every bound pod.
 */
export function labelMatcher(sel: CompiledSelector): LabelTest {
  if (sel.matchesNothing) return () => false;
  const reqs = sel.requirements;
  if (reqs.length === 0) return () => true;
  if (reqs.length === 1 && reqs[0].op === OP_IN && reqs[0].values.length === 1) {
    const key = reqs[0].key;
    const value = reqs[0].values[0];
    return (pairs) => {
      for (let i = 0; i < pairs.length; i += 2) {
        const k = pairs[i];
        if (k === key) return pairs[i + 1] === value;
        if (k > key) return false;
      }
      return false;
    };
  }
  const flat = flatten(sel);
  return (pairs) => flatMatches(flat, pairs);
}

/** A topology key's values as dense domain numbers per node. */
export class TopologyDomains {
  /** Per node: domain number, or −1 when the node lacks the key (and absent nodes are not mapped). */
  nodeDomain: Int32Array = new Int32Array(16).fill(-1);
  /** Number of domains so far. */
  count = 0;
  /** Nodes without the key (whatever `absentAs` maps them to). */
  missing = 0;
  private covered = 0;
  private readonly byValue = new Map<number, number>();

  constructor(
    private readonly snap: Snapshot,
    readonly key: number,
    /** The value id a node without the key belongs to, or ABSENT to leave such nodes out. */
    readonly absentAs: number,
  ) {}

  /** Numbers the nodes added since the last call. */
  sync(): void {
    const snap = this.snap;
    const count = snap.nodeCount;
    if (this.covered === count) return;
    if (this.nodeDomain.length < count) {
      const grown = new Int32Array(Math.max(count, this.nodeDomain.length * 2)).fill(-1);
      grown.set(this.nodeDomain);
      this.nodeDomain = grown;
    }
    const col = snap.labelColumn(this.key);
    for (let n = this.covered; n < count; n++) {
      let v = col ? col[n] : ABSENT;
      if (v === ABSENT) {
        this.missing++;
        v = this.absentAs;
      }
      if (v === ABSENT) continue;
      let d = this.byValue.get(v);
      if (d === undefined) {
        d = this.count++;
        this.byValue.set(v, d);
      }
      this.nodeDomain[n] = d;
    }
    this.covered = count;
  }
}

/** Sums of a NodeCounts per domain, over the nodes a mask admits. */
export class DomainSums {
  /** Per domain: Σ counts of its admitted nodes. */
  sums = new Float64Array(16);
  /** Per domain: how many admitted nodes it has (a domain exists when > 0). */
  nodesIn = new Int32Array(16);
  /** Domains with at least one admitted node. */
  present = 0;
  /** Σ counts over admitted nodes that have a domain. */
  total = 0;
  /** Per node (when masked): 1 when admitted. */
  private admitted = new Uint8Array(0);
  private covered = 0;
  private min = 0;
  /** Present domains whose sum equals `min`; 0 means the minimum must be recomputed. */
  private atMin = 0;

  constructor(
    private readonly snap: Snapshot,
    private readonly counts: NodeCounts,
    readonly domains: TopologyDomains,
    private readonly mask: MaskFactory | null,
  ) {}

  /** Takes in nodes added since the last call (their counts as they are now). */
  extend(): void {
    const count = this.snap.nodeCount;
    if (this.covered === count) return;
    const domains = this.domains;
    domains.sync();
    if (this.sums.length < domains.count) {
      const size = Math.max(domains.count, this.sums.length * 2);
      const sums = new Float64Array(size);
      sums.set(this.sums);
      this.sums = sums;
      const nodesIn = new Int32Array(size);
      nodesIn.set(this.nodesIn);
      this.nodesIn = nodesIn;
    }
    let test: ((node: number) => boolean) | null = null;
    if (this.mask) {
      test = this.mask(this.snap);
      if (this.admitted.length < count) {
        const grown = new Uint8Array(Math.max(count, this.admitted.length * 2));
        grown.set(this.admitted);
        this.admitted = grown;
      }
    }
    const nodeDomain = domains.nodeDomain;
    const counts = this.counts.counts;
    for (let n = this.covered; n < count; n++) {
      if (test) {
        if (!test(n)) continue;
        this.admitted[n] = 1;
      }
      const d = nodeDomain[n];
      if (d < 0) continue;
      if (this.nodesIn[d]++ === 0) this.present++;
      this.sums[d] += counts[n];
      this.total += counts[n];
    }
    this.covered = count;
    this.atMin = 0;
  }

  /** Bytes held in arrays. */
  bytes(): number {
    return this.sums.byteLength + this.nodesIn.byteLength + this.admitted.byteLength;
  }

  /** `node`'s count moved by `delta` (the NodeCounts calls this). */
  delta(node: number, delta: number): void {
    if (node >= this.covered || (this.mask && this.admitted[node] === 0)) return;
    const d = this.domains.nodeDomain[node];
    if (d < 0) return;
    const before = this.sums[d];
    const after = before + delta;
    this.sums[d] = after;
    this.total += delta;
    if (this.atMin === 0) return;
    if (after < this.min) {
      this.min = after;
      this.atMin = 1;
    } else if (before === this.min) {
      if (after !== this.min) this.atMin--;
    } else if (after === this.min) {
      this.atMin++;
    }
  }

  /** The smallest sum among present domains, or +Infinity when there is none. */
  minimum(): number {
    if (this.atMin === 0) {
      let min = Number.POSITIVE_INFINITY;
      let at = 0;
      const count = this.domains.count;
      for (let d = 0; d < count; d++) {
        if (this.nodesIn[d] === 0) continue;
        const s = this.sums[d];
        if (s < min) {
          min = s;
          at = 1;
        } else if (s === min) {
          at++;
        }
      }
      if (at === 0) return min;
      this.min = min;
      this.atMin = at;
    }
    return this.min;
  }
}

/** Per node, the weight of the bound pods a predicate matches; kept current from the journal. */
export class NodeCounts {
  counts: Int32Array = new Int32Array(16);
  private position = 0;
  private readonly journal: PodJournal;
  private readonly sums = new Map<string, DomainSums>();

  private readonly weight: PodWeight;
  private readonly candidates: (() => Iterable<PodInfo>) | undefined;

  constructor(
    private readonly snap: Snapshot,
    predicate: PodPredicate,
    private readonly owner: CountIndex,
  ) {
    this.weight = predicate.weight;
    this.candidates = predicate.candidates;
    this.journal = PodJournal.of(snap);
    this.journal.sync();
    this.rebuild();
  }

  private rebuild(): void {
    const snap = this.snap;
    const count = snap.nodeCount;
    this.counts = new Int32Array(Math.max(16, count));
    const weight = this.weight;
    if (this.candidates) {
      for (const pod of this.candidates()) this.counts[pod.node] += weight(pod);
    } else {
      for (let n = 0; n < count; n++) {
        const pods = snap.podsOnNode[n];
        let c = 0;
        for (let i = 0; i < pods.length; i++) c += weight(pods[i]);
        this.counts[n] = c;
      }
    }
    this.sums.clear();
    this.position = this.journal.end;
  }

  /** Applies the pods bound and removed since the last sync. */
  sync(): void {
    const j = this.journal;
    j.sync();
    if (this.position === j.end && this.counts.length >= this.snap.nodeCount) return;
    if (this.position < j.base) {
      this.rebuild();
      return;
    }
    const count = this.snap.nodeCount;
    if (this.counts.length < count) {
      const grown = new Int32Array(Math.max(count, this.counts.length * 2));
      grown.set(this.counts);
      this.counts = grown;
    }
    const weight = this.weight;
    const end = j.end;
    for (let p = this.position; p < end; p++) {
      const k = p - j.base;
      const w = weight(j.pods[k]);
      if (w === 0) continue;
      const node = j.nodes[k];
      const delta = j.signs[k] * w;
      this.counts[node] += delta;
      for (const s of this.sums.values()) s.delta(node, delta);
    }
    this.position = end;
  }

  /**
   * The per-domain sums over `domains`, restricted to the nodes `mask` admits (null: all). `maskKey`
   * names the mask; the same key must always mean the same mask.
   */
  domainSums(domains: TopologyDomains, maskKey: string, mask: MaskFactory | null): DomainSums {
    const key = `${domains.key}/${domains.absentAs}/${maskKey}`;
    let s = this.sums.get(key);
    if (s) {
      this.sums.delete(key);
      this.sums.set(key, s);
      s.extend();
    } else {
      s = new DomainSums(this.snap, this, domains, mask);
      if (this.sums.size >= MAX_SUMS) this.sums.delete(this.sums.keys().next().value as string);
      this.sums.set(key, s);
      s.extend();
      this.owner.keepWithinBudget(this);
    }
    return s;
  }

  /** Bytes held in arrays, with the DomainSums. */
  bytes(): number {
    let total = this.counts.byteLength;
    for (const s of this.sums.values()) total += s.bytes();
    return total;
  }
}

/** The incremental count structures of one snapshot. */
export class CountIndex {
  private static readonly bySnapshot = new WeakMap<Snapshot, CountIndex>();

  static of(snap: Snapshot): CountIndex {
    let index = CountIndex.bySnapshot.get(snap);
    if (!index) {
      index = new CountIndex(snap);
      CountIndex.bySnapshot.set(snap, index);
    }
    return index;
  }

  private readonly counts = new Map<string, NodeCounts>();
  private readonly topology = new Map<string, TopologyDomains>();

  private constructor(readonly snapshot: Snapshot) {}

  /**
   * The synced NodeCounts for the predicate named `key`; `predicate` builds it when it is not
   * cached (a bare PodWeight, or one with its candidate pods). The same key must always mean the
   * same predicate.
   */
  nodeCounts(key: string, predicate: () => PodWeight | PodPredicate): NodeCounts {
    let c = this.counts.get(key);
    if (c) {
      this.counts.delete(key);
      c.sync();
    } else {
      const built = predicate();
      c = new NodeCounts(this.snapshot, typeof built === 'function' ? { weight: built } : built, this);
      if (this.counts.size >= MAX_COUNTS) this.counts.delete(this.counts.keys().next().value as string);
      this.counts.set(key, c);
      this.keepWithinBudget(c);
      return c;
    }
    this.counts.set(key, c);
    return c;
  }

  /** Drops the least recently used NodeCounts (never `keep`) while the arrays exceed the budget. */
  keepWithinBudget(keep: NodeCounts): void {
    let total = 0;
    for (const c of this.counts.values()) total += c.bytes();
    for (const [key, c] of this.counts) {
      if (total <= MAX_BYTES) return;
      if (c === keep) continue;
      total -= c.bytes();
      this.counts.delete(key);
    }
  }

  /** Domain numbering of `key`; `absentAs` is the value id nodes without the key take, or ABSENT. */
  domains(key: number, absentAs: number): TopologyDomains {
    const id = `${key}/${absentAs}`;
    let d = this.topology.get(id);
    if (!d) {
      d = new TopologyDomains(this.snapshot, key, absentAs);
      this.topology.set(id, d);
    }
    d.sync();
    return d;
  }
}
