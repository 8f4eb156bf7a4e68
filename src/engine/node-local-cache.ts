// Per-node results of node-local plugins (Plugin.nodeLocalKey), reused across pods with the same
// key until the node changes (Snapshot.nodeGeneration). Replicas of one workload share a key, so
// after the first of them only the node the previous replica landed on is evaluated again.
import type { Snapshot } from '../snapshot/snapshot.js';

export interface CacheEntry {
  /** Per node: nodeGeneration + 1 when `pass` was computed, 0 when never. */
  filterStamp: Uint32Array;
  /** Per node: 1 when every cached filter passes. */
  pass: Uint8Array;
  /** Per cached score plugin: per node stamp (as above) and raw score. */
  scoreStamp: Uint32Array[];
  raw: Float64Array[];
  /** Per node: stamp and Σ weight × score of the cached plugins that need no normalisation. */
  partialStamp: Uint32Array;
  partial: Float64Array;
  /** The cache's clock when the entry was last handed out: the least recently used go first. */
  used: number;
}

/** Bytes of cache entries kept before the least recently used ones are dropped. */
const MAX_BYTES = 64 * 1024 * 1024;

export class NodeLocalCache {
  private readonly entries = new Map<string, CacheEntry>();
  private bytes = 0;
  private nodeCount = -1;
  private clock = 0;
  /**
   * Bumped whenever entries are dropped: an entry handed out while the epoch was what it is now is
   * still the cache's own (callers that hold one use touch() instead of looking its key up again).
   */
  epoch = 0;

  constructor(private readonly snapshot: Snapshot) {}

  /** The entry for `key` (most recently used now), empty when new or when the node set changed. */
  entry(key: string, scorePlugins: number): CacheEntry {
    const n = this.snapshot.nodeCount;
    // Results may depend on the set of nodes (ImageLocality counts nodes with each image).
    if (n !== this.nodeCount) {
      this.entries.clear();
      this.bytes = 0;
      this.nodeCount = n;
      this.epoch++;
    }
    let e = this.entries.get(key);
    if (e) {
      e.used = ++this.clock;
      return e;
    }
    e = {
      filterStamp: new Uint32Array(n),
      pass: new Uint8Array(n),
      scoreStamp: Array.from({ length: scorePlugins }, () => new Uint32Array(n)),
      raw: Array.from({ length: scorePlugins }, () => new Float64Array(n)),
      partialStamp: new Uint32Array(n),
      partial: new Float64Array(n),
      used: ++this.clock,
    };
    this.bytes += n * (17 + 12 * scorePlugins);
    this.entries.set(key, e);
    while (this.bytes > MAX_BYTES && this.entries.size > 1) this.dropLeastRecent();
    return e;
  }

  /** Marks an entry handed out in the current epoch as used now. */
  touch(e: CacheEntry): void {
    e.used = ++this.clock;
  }

  private dropLeastRecent(): void {
    let oldest: string | undefined;
    let used = Number.POSITIVE_INFINITY;
    for (const [k, e] of this.entries) {
      if (e.used < used) {
        used = e.used;
        oldest = k;
      }
    }
    const e = this.entries.get(oldest!)!;
    this.entries.delete(oldest!);
    this.bytes -= this.nodeCount * (17 + 12 * e.raw.length);
    this.epoch++;
  }
}
