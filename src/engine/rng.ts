// A small seeded generator (mulberry32): same seed, same sequence, on every platform.

const STEP = 0x6d2b79f5;

/** mulberry32's output for a state, as an unsigned 32-bit integer. */
function mix(state: number): number {
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + STEP) >>> 0;
    return mix(this.state) / 4294967296;
  }

  /**
   * Reservoir sampling over k items without k calls: the same result and final state as
   * `for (j = 1..k) if (int(j) === 0) pick = j`. The state only ever grows by STEP, so draw j can be
   * computed directly, and the last draw that came out 0 is found by testing from j = k down
   * (draw j is 0 with probability 1/j: about k/2 tests on average instead of k; int(1) is always 0).
   */
  reservoirPick(k: number): number {
    const base = this.state;
    this.state = (base + k * STEP) >>> 0;
    for (let j = k; j > 1; j--) {
      // int(j) === 0 ⇔ floor(h / 2^32 · j) === 0 ⇔ h · j < 2^32 (exact: below 2^53).
      if (mix((base + j * STEP) >>> 0) * j < 4294967296) return j;
    }
    return 1;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}
