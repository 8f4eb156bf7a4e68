// The simulator's event heap: a binary min-heap on (t, seq) whose keys live in typed arrays beside
// the events, so sifting compares numbers in two flat arrays instead of reading each event object
// (with tens of thousands of pending completions, those reads were mostly cache misses). The order
// is the same strict (t, seq) order as before: pops never depend on insertion history.

export interface TimedEvent {
  readonly t: number;
  /** Unique per event: breaks ties between events at the same time. */
  readonly seq: number;
}

export class EventHeap<T extends TimedEvent> {
  private items: (T | undefined)[] = [];
  private times = new Float64Array(1024);
  private seqs = new Float64Array(1024);
  private count = 0;

  get size(): number {
    return this.count;
  }

  peek(): T | undefined {
    return this.count > 0 ? this.items[0] : undefined;
  }

  /** The earliest event's time, or Infinity when there is none (reads no event object). */
  peekTime(): number {
    return this.count > 0 ? this.times[0] : Number.POSITIVE_INFINITY;
  }

  push(item: T): void {
    if (this.count === this.times.length) this.grow();
    const times = this.times;
    const seqs = this.seqs;
    const items = this.items;
    const t = item.t;
    const seq = item.seq;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent];
      if (t > pt || (t === pt && seq > seqs[parent])) break;
      times[i] = pt;
      seqs[i] = seqs[parent];
      items[i] = items[parent];
      i = parent;
    }
    times[i] = t;
    seqs[i] = seq;
    items[i] = item;
  }

  pop(): T | undefined {
    if (this.count === 0) return undefined;
    const times = this.times;
    const seqs = this.seqs;
    const items = this.items;
    const top = items[0];
    const n = --this.count;
    const last = items[n];
    const lt = times[n];
    const ls = seqs[n];
    items[n] = undefined;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let c = l;
        if (r < n && (times[r] < times[l] || (times[r] === times[l] && seqs[r] < seqs[l]))) c = r;
        const ct = times[c];
        if (ct > lt || (ct === lt && seqs[c] > ls)) break;
        times[i] = ct;
        seqs[i] = seqs[c];
        items[i] = items[c];
        i = c;
      }
      times[i] = lt;
      seqs[i] = ls;
      items[i] = last;
    }
    return top;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    this.times = times;
    const seqs = new Float64Array(this.seqs.length * 2);
    seqs.set(this.seqs);
    this.seqs = seqs;
  }
}
