// A max tree over the nodes for one node-local cache entry: each leaf holds the node's Σ weight ×
// score of the plugins that need no normalisation, or −∞ when a filter rejects it; each inner node
// holds the top value below it and how many leaves share it. Kept current from the snapshot's node
// change log, it answers "how many nodes share the top total" and "which is the k-th of them in node
// order" in O(log nodes), so choosing a node costs no pass over the cluster.
//
// Layout, for the catch-up's walks from a leaf to the root, which are bound by cache misses: four
// children per inner node, each level an array of (top, count) pairs padded to a multiple of four,
// so a node's children are one 64-byte run and a walk touches half the levels of a binary tree in
// less than half its memory. The tree also keeps, per node, the raw scores of the plugins that
// normalise (by column), for the rare choice that needs them: the short cycle reads nothing else,
// and writes nothing of the cache entry's own arrays (the full cycle keeps those current by stamps).

const NONE = Number.NEGATIVE_INFINITY;

export class ChoiceTree {
  /** Per level (0: the leaves, last: the root), where its (top, count) pairs start in `t`. */
  private readonly base: Int32Array;
  private readonly levels: number;
  private readonly t: Float64Array;
  /** Per node, its raw score in each column (valid while it passes). */
  private readonly raws: Float64Array;
  /** Per node, a bit per column: 1 when the node passes and its raw score there is not 0. */
  private readonly flags: Uint8Array;
  private readonly flagBytes: number;
  /** Nodes that pass every cached filter. */
  passCount = 0;
  /** Per column: passing nodes whose raw score is not 0. */
  readonly nonZero: Int32Array;
  /** Position in the snapshot's NodeChangeLog up to which the leaves are current (−1: never built). */
  position = -1;

  constructor(
    readonly nodeCount: number,
    readonly columns: number,
  ) {
    const bases: number[] = [];
    let pairs = 0;
    let len = Math.max(nodeCount, 1);
    for (;;) {
      bases.push(2 * pairs);
      const padded = len === 1 ? 1 : (len + 3) & ~3;
      pairs += padded;
      if (len === 1) break;
      len = padded >> 2;
    }
    this.base = Int32Array.from(bases);
    this.levels = bases.length;
    // Every leaf and padding pair starts rejected; padding counts for nothing.
    const t = new Float64Array(2 * pairs).fill(NONE);
    for (let i = 1; i < t.length; i += 2) t[i] = 0;
    for (let node = 0; node < nodeCount; node++) t[2 * node + 1] = 1;
    this.t = t;
    this.rebuild();
    this.raws = new Float64Array(nodeCount * columns);
    this.flagBytes = (columns + 7) >> 3;
    this.flags = new Uint8Array(nodeCount * this.flagBytes);
    this.nonZero = new Int32Array(columns);
  }

  /**
   * Sets a node's leaf: `value` when it passes. With `pull` false the inner nodes are left stale
   * until rebuild() (for setting many leaves at once).
   */
  set(node: number, pass: boolean, value: number, pull = true): void {
    const t = this.t;
    const was = t[2 * node];
    const now = pass ? value : NONE;
    // An unchanged leaf leaves every node above it unchanged.
    if (was === now) return;
    if (was === NONE) this.passCount++;
    else if (now === NONE) this.passCount--;
    t[2 * node] = now;
    if (!pull) return;
    // An inner node that comes out unchanged leaves every node above it unchanged too.
    const base = this.base;
    let k = node;
    for (let level = 1; level < this.levels; level++) {
      k >>= 2;
      if (!this.pull(base[level - 1] + 8 * k, base[level] + 2 * k)) break;
    }
  }

  /**
   * Recomputes the pair at `at` from the four child pairs starting at `from`; false when it comes
   * out unchanged.
   */
  private pull(from: number, at: number): boolean {
    const t = this.t;
    let top = t[from];
    let count = t[from + 1];
    for (let c = from + 2; c < from + 8; c += 2) {
      const v = t[c];
      if (v > top) {
        top = v;
        count = t[c + 1];
      } else if (v === top) count += t[c + 1];
    }
    if (t[at] === top && t[at + 1] === count) return false;
    t[at] = top;
    t[at + 1] = count;
    return true;
  }

  /** Recomputes every inner node from the leaves. */
  rebuild(): void {
    const base = this.base;
    for (let level = 1; level < this.levels; level++) {
      // The level below holds a multiple of four pairs: a quarter as many have children.
      const parents = (base[level] - base[level - 1]) >> 3;
      for (let k = 0; k < parents; k++) this.pull(base[level - 1] + 8 * k, base[level] + 2 * k);
    }
  }

  /** A passing node's raw score in `column`. */
  setRaw(column: number, node: number, raw: number): void {
    this.raws[node * this.columns + column] = raw;
    this.flag(column, node, raw !== 0);
  }

  /** A node that does not pass: none of its raw scores counts. */
  clearRaws(node: number): void {
    for (let c = 0; c < this.columns; c++) this.flag(c, node, false);
  }

  raw(column: number, node: number): number {
    return this.raws[node * this.columns + column];
  }

  /** The node's leaf: its value, or −∞ when it does not pass. */
  leaf(node: number): number {
    return this.t[2 * node];
  }

  private flag(column: number, node: number, nonZero: boolean): void {
    const at = node * this.flagBytes + (column >> 3);
    const bit = 1 << (column & 7);
    const flags = this.flags;
    const was = (flags[at] & bit) !== 0;
    if (was === nonZero) return;
    if (nonZero) {
      flags[at] |= bit;
      this.nonZero[column]++;
    } else {
      flags[at] &= ~bit;
      this.nonZero[column]--;
    }
  }

  get max(): number {
    return this.t[this.base[this.levels - 1]];
  }

  /** How many nodes hold the top value. */
  get ties(): number {
    return this.t[this.base[this.levels - 1] + 1];
  }

  /** How many nodes below index `pos` hold the top value. */
  tiesBefore(pos: number): number {
    if (pos <= 0) return 0;
    if (pos >= this.nodeCount) return this.ties;
    const t = this.t;
    const m = this.max;
    let c = 0;
    // At each level, the siblings before pos's ancestor, under the ancestor one level up.
    for (let level = this.levels - 2; level >= 0; level--) {
      const shift = 2 * level;
      const here = pos >> shift;
      const base = this.base[level];
      for (let k = here & ~3; k < here; k++) if (t[base + 2 * k] === m) c += t[base + 2 * k + 1];
    }
    return c;
  }

  /** The node of the k-th (1-based) top-valued leaf in node order. */
  kthTie(k: number): number {
    const t = this.t;
    const m = this.max;
    let j = 0;
    for (let level = this.levels - 2; level >= 0; level--) {
      const base = this.base[level];
      let child = 4 * j;
      for (; child < 4 * j + 3; child++) {
        const at = base + 2 * child;
        if (t[at] !== m) continue;
        const count = t[at + 1];
        if (k <= count) break;
        k -= count;
      }
      j = child;
    }
    return j;
  }
}
