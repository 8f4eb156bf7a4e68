// The simulator's live pods (queued, running or lost) by `namespace/name`, without building or
// hashing a key string per lookup. A Map keyed by `${namespace}/${name}` made every pod-create
// join a fresh string, flatten it and hash it, and its table rehashed the keys as pods churned:
// ~10 % of a replay. Here a pod's hash is computed over its namespace, '/', and name as they are,
// and kept beside the pod's slot in one typed array (a probe reads one cache line), so probing and
// rehashing read no string and no pod; a pod is compared by name only when its hash matches, and
// removed by its slot without hashing.
import type { SimPod } from './sim-pod.js';

const EMPTY = -1;
/** A removed entry: probing goes on past it; rehashing drops it. */
const REMOVED = -2;
const SLASH = 47;

/** FNV-1a over the characters of `s`, continuing from `h`. */
function hashChars(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/** Mixes the low bits (linear probing masks them) from all 32. */
function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** The hash of `namespace/name`. */
function hashOf(namespace: string, name: string): number {
  return finish(hashChars(Math.imul(hashChars(0x811c9dc5, namespace) ^ SLASH, 0x01000193), name));
}

function namespaceOf(sp: SimPod): string {
  return sp.pod.metadata.namespace ?? 'default';
}

/** A table of `size` EMPTY entries. */
function newTable(size: number): Int32Array {
  const table = new Int32Array(2 * size);
  for (let i = 1; i < table.length; i += 2) table[i] = EMPTY;
  return table;
}

export class LivePods {
  /** Open addressing with linear probing: entry i is (hash, pod slot or EMPTY or REMOVED) at 2i. */
  private table = newTable(1024);
  /** Entries in use, live or REMOVED: the table grows or is rebuilt before half is used. */
  private used = 0;
  private count = 0;
  /** Pods by slot (undefined when free), each pod's hash, and the free slots. */
  private readonly pods: (SimPod | undefined)[] = [];
  private podHash = new Int32Array(1024);
  private readonly free: number[] = [];

  get size(): number {
    return this.count;
  }

  /** The live pod `namespace/name`. */
  get(namespace: string, name: string): SimPod | undefined {
    const h = hashOf(namespace, name);
    const table = this.table;
    const mask = (table.length >> 1) - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const ref = table[2 * i + 1];
      if (ref === EMPTY) return undefined;
      if (ref === REMOVED || table[2 * i] !== h) continue;
      const sp = this.pods[ref]!;
      if (sp.pod.metadata.name === name && namespaceOf(sp) === namespace) return sp;
    }
  }

  /** The live pod whose key (`namespace/name`) is `key` (neither part can hold a '/'). */
  getKey(key: string): SimPod | undefined {
    const slash = key.indexOf('/');
    return this.get(key.slice(0, slash), key.slice(slash + 1));
  }

  /** Adds a pod whose key is not live (the caller checks). */
  add(sp: SimPod): void {
    if (4 * (this.used + 1) > this.table.length) this.rehash();
    const slot = this.free.length > 0 ? this.free.pop()! : this.pods.length;
    if (slot === this.podHash.length) {
      const grown = new Int32Array(2 * slot);
      grown.set(this.podHash);
      this.podHash = grown;
    }
    const h = hashOf(namespaceOf(sp), sp.pod.metadata.name);
    this.pods[slot] = sp;
    this.podHash[slot] = h;
    sp.liveSlot = slot;
    this.insert(h, slot);
    this.used++;
    this.count++;
  }

  /** Removes a live pod (found by its slot: no hashing of its name). */
  delete(sp: SimPod): void {
    const slot = sp.liveSlot;
    if (slot < 0 || this.pods[slot] !== sp) return;
    const table = this.table;
    const mask = (table.length >> 1) - 1;
    let i = this.podHash[slot] & mask;
    while (table[2 * i + 1] !== slot) i = (i + 1) & mask;
    table[2 * i + 1] = REMOVED;
    this.pods[slot] = undefined;
    this.free.push(slot);
    sp.liveSlot = -1;
    this.count--;
  }

  /** Every live pod, in creation order. */
  inCreationOrder(): SimPod[] {
    const out: SimPod[] = [];
    for (const sp of this.pods) if (sp !== undefined) out.push(sp);
    return out.sort((a, b) => a.id - b.id);
  }

  private insert(h: number, slot: number): void {
    const table = this.table;
    const mask = (table.length >> 1) - 1;
    let i = h & mask;
    while (table[2 * i + 1] >= 0) i = (i + 1) & mask;
    // A REMOVED entry is reused without lowering `used`: a later rehash clears it.
    table[2 * i] = h;
    table[2 * i + 1] = slot;
  }

  /** Rebuilds the table without its REMOVED entries, doubling it when the live pods need room. */
  private rehash(): void {
    let size = this.table.length >> 1;
    while (4 * (this.count + 1) > size) size *= 2;
    this.table = newTable(size);
    for (let slot = 0; slot < this.pods.length; slot++)
      if (this.pods[slot] !== undefined) this.insert(this.podHash[slot], slot);
    this.used = this.count;
  }
}
