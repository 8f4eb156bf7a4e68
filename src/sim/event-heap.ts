// The simulator's event heap: a binary min-heap on (t, seq) whose keys live in typed arrays beside
// the events, so sifting compares numbers in two flat arrays instead of reading each event object
// (with tens of thousands of pending completions, those reads were mostly cache misses). The order
// is the same strict (t, seq) order as before: pops never depend on insertion history.
// An entry may also be a bare payload with a number (a pod and its run, for completions), so the
// most common event needs no object of its own.

export interface TimedEvent {
  readonly t: number;
  /** Unique per event: breaks ties between events at the same time. */
  readonly seq: number;
}

export class EventHeap<T extends TimedEvent, P = never> {
  private items: (T | P | undefined)[] = [];
  private times = new Float64Array(1024);
  private seqs = new Float64Array(1024);
  /** Per entry: 1 for a payload pushed with pushPayload, and its number. */
  private payloads = new Uint8Array(1024);
  private auxes = new Float64Array(1024);
  private count = 0;
  /** Whether the last pop returned a payload, and its number. */
  poppedPayload = false;
  poppedAux = 0;

  get size(): number {
    return this.count;
  }

  peek(): T | P | undefined {
    return this.count > 0 ? this.items[0] : undefined;
  }

  /** The earliest event's time, or Infinity when there is none (reads no event object). */
  peekTime(): number {
    return this.count > 0 ? this.times[0] : Number.POSITIVE_INFINITY;
  }

  push(item: T): void {
    this.insert(item.t, item.seq, item, 0, 0);
  }

  /** A payload and a number at (t, seq); pop returns the payload and sets poppedPayload, poppedAux. */
  pushPayload(t: number, seq: number, payload: P, aux: number): void {
    this.insert(t, seq, payload, 1, aux);
  }

  private insert(t: number, seq: number, item: T | P, payload: number, aux: number): void {
    if (this.count === this.times.length) this.grow();
    const times = this.times;
    const seqs = this.seqs;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent];
      if (t > pt || (t === pt && seq > seqs[parent])) break;
      this.move(parent, i);
      i = parent;
    }
    this.place(i, t, seq, item, payload, aux);
  }

  /** Entry `from` copied to slot `to` (a sift step). */
  private move(from: number, to: number): void {
    this.times[to] = this.times[from];
    this.seqs[to] = this.seqs[from];
    this.items[to] = this.items[from];
    this.payloads[to] = this.payloads[from];
    this.auxes[to] = this.auxes[from];
  }

  private place(i: number, t: number, seq: number, item: T | P | undefined, payload: number, aux: number): void {
    this.times[i] = t;
    this.seqs[i] = seq;
    this.items[i] = item;
    this.payloads[i] = payload;
    this.auxes[i] = aux;
  }

  pop(): T | P | undefined {
    if (this.count === 0) return undefined;
    const times = this.times;
    const seqs = this.seqs;
    const items = this.items;
    const top = items[0];
    this.poppedPayload = this.payloads[0] === 1;
    this.poppedAux = this.auxes[0];
    const n = --this.count;
    const last = items[n];
    const lt = times[n];
    const ls = seqs[n];
    const lp = this.payloads[n];
    const la = this.auxes[n];
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
        this.move(c, i);
        i = c;
      }
      this.place(i, lt, ls, last, lp, la);
    }
    return top;
  }

  private grow(): void {
    const size = this.times.length * 2;
    const times = new Float64Array(size);
    times.set(this.times);
    this.times = times;
    const seqs = new Float64Array(size);
    seqs.set(this.seqs);
    this.seqs = seqs;
    const payloads = new Uint8Array(size);
    payloads.set(this.payloads);
    this.payloads = payloads;
    const auxes = new Float64Array(size);
    auxes.set(this.auxes);
    this.auxes = auxes;
  }
}
