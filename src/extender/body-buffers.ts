// Full-mode request bodies are megabytes, one after the other. A fresh buffer for each is megabytes
// of new memory per request: page faults as it is first written, and external memory that makes
// V8 collect garbage far more often (measured: a scavenge or a mark-compact every few requests).
// Large bodies are read into buffers kept from earlier requests instead. A body is given back only
// once its reply is written (the filter reply is views of the body), and nothing else keeps one:
// the item scanner copies what it remembers, the args reader keeps parsed objects and copies.
// Memory is only ever allocated for bytes that arrived (a body is joined from its chunks as
// before), never for a length a client merely declares; that buffer is then kept for the next one.

/** Bodies smaller than this are ordinary buffers: reuse would gain nothing. */
const REUSE_FROM = 256 * 1024;
/** Buffers kept for reuse at most (one per request in flight at once is enough). */
const KEEP = 2;

export class BodyBuffers {
  private readonly free: ArrayBuffer[] = [];

  /** A kept buffer of exactly `size` bytes (contents undefined), or undefined when none fits. */
  reuse(size: number): Buffer | undefined {
    if (size < REUSE_FROM) return undefined;
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const length = this.free[i].byteLength;
      if (length >= size && (best < 0 || length < this.free[best].byteLength)) best = i;
    }
    if (best < 0) return undefined;
    const [store] = this.free.splice(best, 1);
    return Buffer.from(store, 0, size);
  }

  /** The chunks of a body in one buffer; a large one with room to spare, for the bodies after it. */
  join(chunks: readonly Buffer[], size: number): Buffer {
    if (size < REUSE_FROM) return Buffer.concat(chunks, size);
    const body = Buffer.from(new ArrayBuffer(size + (size >> 4)), 0, size);
    let at = 0;
    for (const chunk of chunks) {
      body.set(chunk, at);
      at += chunk.length;
    }
    return body;
  }

  /** Gives `body` (from reuse or join) back once nothing reads it any more. */
  give(body: Buffer): void {
    if (body.length < REUSE_FROM || body.byteOffset !== 0) return;
    const store = body.buffer as ArrayBuffer;
    if (this.free.includes(store)) return;
    if (this.free.length >= KEEP) {
      // Keep the largest ones.
      let smallest = 0;
      for (let i = 1; i < this.free.length; i++)
        if (this.free[i].byteLength < this.free[smallest].byteLength) smallest = i;
      if (this.free[smallest].byteLength >= store.byteLength) return;
      this.free.splice(smallest, 1);
    }
    this.free.push(store);
  }
}
