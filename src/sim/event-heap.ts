// The simulator's event heap: a binary min-heap on (t, seq) whose entries are numbers only, so a
// sift step copies four numbers within one typed array and touches no event object. Each entry is
// (t, seq, ref, aux) in one 32-byte stride, indexed from 1 so that two siblings share a 64-byte
// cache line; ref names the event's stash slot, where the event object stays put from push to pop
// (moving object pointers in the sift cost a write barrier each, and a cache miss on a third
// array). The order is the same strict (t, seq) order as before: pops never depend on insertion
// history. An entry may also be a bare payload with a number (a pod and its run, for completions),
// so the most common event needs no object of its own.

export interface TimedEvent {
  readonly t: number;
  /** Unique per event: breaks ties between events at the same time. */
  readonly seq: number;
}

/** Numbers per heap entry: t, seq, stash slot, aux. */
const STRIDE = 4;

export class EventHeap<T extends TimedEvent, P = never> {
  /** Entry i (1 ≤ i ≤ count) at STRIDE × i: t, seq, stash slot, aux. Entry 0 is unused. */
  private entries = new Float64Array(STRIDE * 1024);
  private count = 0;
  /** Events and payloads by stash slot while in the heap; free slots are reused. */
  private readonly stash: (T | P | undefined)[] = [];
  /** Per stash slot: 1 for a payload pushed with pushPayload. */
  private stashPayload = new Uint8Array(1024);
  private readonly freeSlots: number[] = [];
  /** Whether the last pop returned a payload, and its number. */
  poppedPayload = false;
  poppedAux = 0;

  get size(): number {
    return this.count;
  }

  peek(): T | P | undefined {
    return this.count > 0 ? this.stash[this.entries[STRIDE + 2]] : undefined;
  }

  /** The earliest event's time, or Infinity when there is none (reads no event object). */
  peekTime(): number {
    return this.count > 0 ? this.entries[STRIDE] : Number.POSITIVE_INFINITY;
  }

  /** The earliest event's seq (only when there is one). */
  peekSeq(): number {
    return this.entries[STRIDE + 1];
  }

  push(item: T): void {
    this.insert(item.t, item.seq, item, 0, 0);
  }

  /** A payload and a number at (t, seq); pop returns the payload and sets poppedPayload, poppedAux. */
  pushPayload(t: number, seq: number, payload: P, aux: number): void {
    this.insert(t, seq, payload, 1, aux);
  }

  private insert(t: number, seq: number, item: T | P, payload: number, aux: number): void {
    const slot = this.freeSlots.length > 0 ? this.freeSlots.pop()! : this.stash.length;
    if (slot === this.stashPayload.length) {
      const grown = new Uint8Array(2 * slot);
      grown.set(this.stashPayload);
      this.stashPayload = grown;
    }
    this.stash[slot] = item;
    this.stashPayload[slot] = payload;
    if (STRIDE * (this.count + 2) > this.entries.length) this.grow();
    const e = this.entries;
    let i = ++this.count;
    while (i > 1) {
      const parent = i >> 1;
      const pt = e[STRIDE * parent];
      if (t > pt || (t === pt && seq > e[STRIDE * parent + 1])) break;
      copyEntry(e, parent, i);
      i = parent;
    }
    const at = STRIDE * i;
    e[at] = t;
    e[at + 1] = seq;
    e[at + 2] = slot;
    e[at + 3] = aux;
  }

  pop(): T | P | undefined {
    if (this.count === 0) return undefined;
    const e = this.entries;
    const slot = e[STRIDE + 2];
    const top = this.stash[slot];
    this.poppedPayload = this.stashPayload[slot] === 1;
    this.poppedAux = e[STRIDE + 3];
    this.stash[slot] = undefined;
    this.freeSlots.push(slot);
    const last = STRIDE * this.count;
    const lt = e[last];
    const ls = e[last + 1];
    const lslot = e[last + 2];
    const laux = e[last + 3];
    const n = --this.count;
    if (n > 0) {
      let i = 1;
      for (;;) {
        let c = 2 * i;
        if (c > n) break;
        if (c < n) {
          const a = STRIDE * c;
          const b = a + STRIDE;
          if (e[b] < e[a] || (e[b] === e[a] && e[b + 1] < e[a + 1])) c++;
        }
        const ct = e[STRIDE * c];
        if (ct > lt || (ct === lt && e[STRIDE * c + 1] > ls)) break;
        copyEntry(e, c, i);
        i = c;
      }
      const at = STRIDE * i;
      e[at] = lt;
      e[at + 1] = ls;
      e[at + 2] = lslot;
      e[at + 3] = laux;
    }
    return top;
  }

  private grow(): void {
    const entries = new Float64Array(this.entries.length * 2);
    entries.set(this.entries);
    this.entries = entries;
  }
}

/** Entry `from` copied to entry `to` (a sift step). */
function copyEntry(e: Float64Array, from: number, to: number): void {
  const f = STRIDE * from;
  const t = STRIDE * to;
  e[t] = e[f];
  e[t + 1] = e[f + 1];
  e[t + 2] = e[f + 2];
  e[t + 3] = e[f + 3];
}
