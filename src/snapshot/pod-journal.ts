// What changed among a snapshot's bound pods since a reader last looked: a journal of
// (pod, node, +1 bound / −1 removed) entries, one per snapshot, filled lazily. On each sync after the
// snapshot's `version` moved: if only binds and added nodes happened (the version moved by exactly
// the new slots plus the new nodes), it reads the new slots of the append-only pod table; otherwise
// it compares the `nodeGeneration` of the nodes the snapshot's NodeChangeLog names since (or of
// every node, when the log no longer reaches back that far) with the one it last saw, and diffs
// only the changed nodes' pod lists against its own copy.
// Readers (incremental caches) remember a position and apply the entries past it; the journal keeps
// a bounded window, and a reader that fell behind it rebuilds from the snapshot instead.
import type { PodInfo } from './pod-info.js';
import type { Snapshot } from './snapshot.js';

/** Entries kept before the oldest half is dropped (readers behind that rebuild). */
const MAX_ENTRIES = 1 << 16;

const journals = new WeakMap<Snapshot, PodJournal>();

export class PodJournal {
  /** The journal of `snap`, created (empty, at the snapshot's current state) on first use. */
  static of(snap: Snapshot): PodJournal {
    let j = journals.get(snap);
    if (!j) {
      j = new PodJournal(snap);
      journals.set(snap, j);
    }
    return j;
  }

  readonly snapshot: Snapshot;
  /** Absolute position of the first kept entry; readers whose position is below it must rebuild. */
  base = 0;
  /** Kept entries: pod, node, sign (parallel; index = position − base). */
  readonly pods: PodInfo[] = [];
  nodes = new Int32Array(256);
  signs = new Int8Array(256);
  private seenVersion: number;
  /** Length of the snapshot's slot table when last synced (it only appends). */
  private seenSlots: number;
  private seenGeneration: Uint32Array;
  private seenNodes: number;
  /** Position in the snapshot's NodeChangeLog when last synced. */
  private seenChange: number;
  /** Per node: the pods it held when last synced. */
  private readonly onNode: PodInfo[][] = [];
  private readonly scratch = new Set<PodInfo>();

  private constructor(snap: Snapshot) {
    this.snapshot = snap;
    this.seenVersion = snap.version;
    this.seenSlots = snap.pods.length;
    this.seenNodes = snap.nodeCount;
    this.seenChange = snap.nodeChanges.end;
    this.seenGeneration = snap.nodeGeneration.slice(0, Math.max(16, snap.nodeCount));
    for (let n = 0; n < snap.nodeCount; n++) this.onNode.push(snap.podsOnNode[n].slice());
  }

  /** Position after the last entry (call sync first). */
  get end(): number {
    return this.base + this.pods.length;
  }

  /**
   * Records every change since the last sync. Free when the snapshot's version did not move; when
   * every change since was a bind or an added node (the version moved by exactly that many), only
   * the new slots are read; otherwise every node's generation is compared.
   */
  sync(): void {
    const snap = this.snapshot;
    if (snap.version === this.seenVersion) return;
    const count = snap.nodeCount;
    if (this.seenGeneration.length < count) {
      const grown = new Uint32Array(Math.max(count, this.seenGeneration.length * 2));
      grown.set(this.seenGeneration);
      this.seenGeneration = grown;
    }
    const gen = snap.nodeGeneration;
    const seen = this.seenGeneration;
    const slots = snap.pods.length;
    const binds = slots - this.seenSlots;
    const onlyBinds = snap.version - this.seenVersion === binds + (count - this.seenNodes);
    const firstNew = this.seenSlots;
    this.seenVersion = snap.version;
    this.seenSlots = slots;
    for (let n = this.seenNodes; n < count; n++) this.onNode.push([]);
    if (onlyBinds) {
      // Each new slot holds a pod appended to its node's list, in slot order.
      for (let slot = firstNew; slot < slots; slot++) {
        const pod = snap.pods[slot];
        if (pod === undefined) continue;
        this.onNode[pod.node].push(pod);
        seen[pod.node] = gen[pod.node];
        this.record(pod, pod.node, 1);
      }
    } else {
      const old = Math.min(this.seenNodes, count);
      const log = snap.nodeChanges;
      if (this.seenChange >= log.base) {
        // Only the nodes the change log names can differ.
        for (let at = this.seenChange; at < log.end; at++) {
          const n = log.at(at);
          if (n < old && gen[n] !== seen[n]) this.diff(n);
        }
      } else for (let n = 0; n < old; n++) if (gen[n] !== seen[n]) this.diff(n);
      for (let n = old; n < count; n++) this.diff(n);
    }
    this.seenChange = snap.nodeChanges.end;
    this.seenNodes = count;
    if (this.pods.length > MAX_ENTRIES) this.trim(this.pods.length >> 1);
  }

  private diff(node: number): void {
    const snap = this.snapshot;
    this.seenGeneration[node] = snap.nodeGeneration[node];
    const before = this.onNode[node];
    const now = snap.podsOnNode[node];
    // Pods are appended and spliced out, so the lists share a prefix; only the tails can differ.
    const shared = Math.min(before.length, now.length);
    let i = 0;
    while (i < shared && before[i] === now[i]) i++;
    if (i === before.length) {
      for (let k = i; k < now.length; k++) this.record(now[k], node, 1);
    } else if (i === now.length) {
      for (let k = i; k < before.length; k++) this.record(before[k], node, -1);
    } else if (oneRemoval(before, now, i)) {
      // The common case after an unbind (a pod spliced out, maybe pods appended since): the same
      // entries the general case below records, without a set.
      this.record(before[i], node, -1);
      for (let k = before.length - 1; k < now.length; k++) this.record(now[k], node, 1);
    } else {
      const set = this.scratch;
      for (let k = i; k < now.length; k++) set.add(now[k]);
      for (let k = i; k < before.length; k++) {
        if (set.has(before[k])) set.delete(before[k]);
        else this.record(before[k], node, -1);
      }
      // What is left was not there before.
      for (let k = i; k < now.length; k++) if (set.has(now[k])) this.record(now[k], node, 1);
      set.clear();
    }
    before.length = i;
    for (let k = i; k < now.length; k++) before.push(now[k]);
  }

  private record(pod: PodInfo, node: number, sign: 1 | -1): void {
    const at = this.pods.length;
    if (at === this.nodes.length) {
      const nodes = new Int32Array(at * 2);
      nodes.set(this.nodes);
      this.nodes = nodes;
      const signs = new Int8Array(at * 2);
      signs.set(this.signs);
      this.signs = signs;
    }
    this.pods.push(pod);
    this.nodes[at] = node;
    this.signs[at] = sign;
  }

  private trim(drop: number): void {
    this.pods.splice(0, drop);
    this.nodes.copyWithin(0, drop, drop + this.pods.length);
    this.signs.copyWithin(0, drop, drop + this.pods.length);
    this.base += drop;
  }
}

/** Whether `now` is `before` without its entry `i` (the first difference), plus other pods appended. */
function oneRemoval(before: readonly PodInfo[], now: readonly PodInfo[], i: number): boolean {
  const kept = before.length - 1;
  if (now.length < kept) return false;
  for (let k = i; k < kept; k++) if (before[k + 1] !== now[k]) return false;
  // The removed pod bound again to the same node counts as unchanged in the general case.
  for (let k = kept; k < now.length; k++) if (now[k] === before[i]) return false;
  return true;
}
