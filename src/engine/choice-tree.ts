// A max tree over the nodes for one node-local cache entry: each leaf holds the node's Σ weight ×
// score of the plugins that need no normalisation, or −∞ when a filter rejects it; each inner node
// holds the top value below it and how many leaves share it. Kept current from the snapshot's node
// change log, it answers "how many nodes share the top total" and "which is the k-th of them in node
// order" in O(log nodes), so choosing a node costs no pass over the cluster.

export class ChoiceTree {
  /** Leaves: a power of two at least the node count. */
  readonly size: number;
  private readonly top: Float64Array;
  private readonly count: Int32Array;
  private readonly leafPass: Uint8Array;
  /** Per score slot, per node: 1 when the node passes and its raw score is not 0. */
  private readonly leafNonZero: Uint8Array[];
  /** Nodes that pass every cached filter. */
  passCount = 0;
  /** Per score slot: passing nodes whose raw score is not 0. */
  readonly nonZero: Int32Array;
  /** Position in the snapshot's NodeChangeLog up to which the leaves are current (−1: never built). */
  position = -1;

  constructor(
    readonly nodeCount: number,
    slots: number,
  ) {
    let size = 1;
    while (size < nodeCount) size *= 2;
    this.size = size;
    this.top = new Float64Array(2 * size).fill(Number.NEGATIVE_INFINITY);
    this.count = new Int32Array(2 * size);
    for (let i = size; i < 2 * size; i++) this.count[i] = 1;
    for (let i = size - 1; i >= 1; i--) this.pull(i);
    this.leafPass = new Uint8Array(nodeCount);
    this.leafNonZero = Array.from({ length: slots }, () => new Uint8Array(nodeCount));
    this.nonZero = new Int32Array(slots);
  }

  /**
   * Sets a node's leaf: `value` when it passes. With `pull` false the inner nodes are left stale
   * until rebuild() (for setting many leaves at once).
   */
  set(node: number, pass: boolean, value: number, pull = true): void {
    const was = this.leafPass[node];
    const now = pass ? 1 : 0;
    this.passCount += now - was;
    this.leafPass[node] = now;
    let i = node + this.size;
    this.top[i] = pass ? value : Number.NEGATIVE_INFINITY;
    if (!pull) return;
    // An inner node that comes out unchanged leaves every node above it unchanged too.
    for (i >>= 1; i >= 1; i >>= 1) {
      const top = this.top[i];
      const count = this.count[i];
      this.pull(i);
      if (this.top[i] === top && this.count[i] === count) break;
    }
  }

  /** Recomputes every inner node from the leaves. */
  rebuild(): void {
    for (let i = this.size - 1; i >= 1; i--) this.pull(i);
  }

  /** Records whether a node's raw score in `slot` counts as not 0 (only passing nodes count). */
  setNonZero(slot: number, node: number, nonZero: boolean): void {
    const flags = this.leafNonZero[slot];
    const now = nonZero ? 1 : 0;
    this.nonZero[slot] += now - flags[node];
    flags[node] = now;
  }

  get max(): number {
    return this.top[1];
  }

  /** How many nodes hold the top value. */
  get ties(): number {
    return this.count[1];
  }

  /** How many nodes below index `pos` hold the top value. */
  tiesBefore(pos: number): number {
    if (pos <= 0) return 0;
    if (pos >= this.size) return this.count[1];
    const m = this.top[1];
    let c = 0;
    let i = 1;
    let lo = 0;
    let hi = this.size;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      const left = 2 * i;
      if (pos <= mid) {
        i = left;
        hi = mid;
      } else {
        if (this.top[left] === m) c += this.count[left];
        i = left + 1;
        lo = mid;
      }
      if (pos === hi) return this.top[i] === m ? c + this.count[i] : c;
    }
    return c;
  }

  /** The node of the k-th (1-based) top-valued leaf in node order. */
  kthTie(k: number): number {
    const m = this.top[1];
    let i = 1;
    while (i < this.size) {
      const left = 2 * i;
      const c = this.top[left] === m ? this.count[left] : 0;
      if (k <= c) i = left;
      else {
        k -= c;
        i = left + 1;
      }
    }
    return i - this.size;
  }

  private pull(i: number): void {
    const a = this.top[2 * i];
    const b = this.top[2 * i + 1];
    if (a > b) {
      this.top[i] = a;
      this.count[i] = this.count[2 * i];
    } else if (b > a) {
      this.top[i] = b;
      this.count[i] = this.count[2 * i + 1];
    } else {
      this.top[i] = a;
      this.count[i] = this.count[2 * i] + this.count[2 * i + 1];
    }
  }
}
