// The CSV pod table read by a worker thread (src/traces/csv-worker.ts) while the replay runs: the
// worker does the line splitting, field scanning, number parsing, validation and part lookups;
// this thread only builds each row's pod from the shared parts by id (CsvPods, as the in-thread
// reader does). `next()` stays synchronous: it takes batches with receiveMessageOnPort and, when
// none is there, sleeps in Atomics.wait until the worker posts one (no spinning, no event loop).
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { InputError } from '../api/problem.js';
import type { Labels } from '../api/types.js';
import { controllerOwner, readCsvHeader } from './csv.js';
import {
  BEAT,
  CLOSED,
  type CsvBatch,
  POSTED,
  SLOTS,
  TAKEN,
  type WorkerInput,
  type WorkerMessage,
} from './csv-batch.js';
import { CsvPods } from './csv-pods.js';
import type { TraceItem, TraceReader } from './item.js';
import { LineReader } from './lines.js';

export interface CsvWorkerOptions {
  /** A worker that makes no progress this long while the replay waits for rows is taken as stopped. */
  stallMs?: number;
  /** Tests: bytes the worker reads at a time, and rows per batch. */
  chunkBytes?: number;
  batchRows?: number;
}

const STALL_MS = 30_000;

export class CsvWorkerReader implements TraceReader {
  bytesRead = 0;
  readonly size: number;
  private readonly state: Int32Array;
  private readonly port: MessagePort;
  private readonly worker: Worker;
  private readonly stallMs: number;
  private readonly pods = new CsvPods();
  private batch: CsvBatch | null = null;
  /** The next row of `batch`, its next part definitions and its next bad row's problems. */
  private row = 0;
  private def = 0;
  private meta = 0;
  private bad = 0;
  private received = 0;
  private done = false;
  /** Why the worker stopped early (thrown again by every next()). */
  private failure: Error | null = null;

  constructor(
    private readonly file: string,
    opts: CsvWorkerOptions = {},
  ) {
    // The header is read here, so its problems (and an unreadable file) are thrown by the
    // constructor as with the in-thread reader; the worker reads it again and goes on.
    const lines = new LineReader(file);
    try {
      readCsvHeader(file, lines);
    } finally {
      lines.close();
    }
    this.size = lines.size;
    this.stallMs = opts.stallMs ?? STALL_MS;
    const shared = new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT);
    this.state = new Int32Array(shared);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const input: WorkerInput = {
      file,
      state: shared,
      port: port2,
      chunkBytes: opts.chunkBytes,
      batchRows: opts.batchRows,
    };
    this.worker = new Worker(new URL('./csv-worker.js', import.meta.url), {
      workerData: input,
      transferList: [port2],
      // The process's flags are not the worker's: some make a worker fail to start (--input-type
      // without --eval), and that failure would reach this thread only through its event loop.
      execArgv: [],
    });
    // Neither keeps the process alive; an error the worker could not post is kept for next().
    this.worker.unref();
    this.worker.on('error', (err) => {
      this.failure ??= new Error(`the CSV trace reader thread failed: ${err.message}`);
    });
  }

  next(): TraceItem | null {
    let b = this.batch;
    if (b === null || this.row === b.rows) {
      b = this.take();
      if (b === null) return null;
    }
    const r = this.row++;
    while (this.def < b.defAt.length && b.defAt[this.def] === r) this.pods.define(b.defs[this.def++]);
    while (this.meta < b.metas.length && b.metas[this.meta] === r) this.defineMeta(b.metas);
    const ids = b.ids;
    const k = 4 * r;
    const line = ids[k];
    const spec = ids[k + 1];
    if (spec < 0) return { line, problems: b.problems[this.bad++] };
    return this.pods.item(line, b.times[2 * r], b.times[2 * r + 1], spec, ids[k + 2], ids[k + 3], b.names[r]);
  }

  close(): void {
    if (this.done) return;
    this.done = true;
    this.batch = null;
    // Wakes a worker waiting for room, which then sees CLOSED and returns; terminate ends it anyway.
    Atomics.store(this.state, CLOSED, 1);
    Atomics.notify(this.state, TAKEN);
    this.port.close();
    this.worker.terminate().catch(() => {});
  }

  /** The next batch with rows, or null at the end of the trace (or once closed). */
  private take(): CsvBatch | null {
    for (;;) {
      if (this.failure) throw this.failure;
      if (this.done) return null;
      const got = receiveMessageOnPort(this.port);
      if (got === undefined) {
        this.wait();
        continue;
      }
      this.received++;
      Atomics.add(this.state, TAKEN, 1);
      Atomics.notify(this.state, TAKEN);
      const m = got.message as WorkerMessage;
      if ('failed' in m) {
        this.failure = m.problems
          ? new InputError(m.problems)
          : m.code
            ? new InputError([{ code: 'io', file: this.file, message: `cannot read: ${m.code}` }])
            : new Error(`the CSV trace reader thread failed: ${m.message}`);
        this.close();
        throw this.failure;
      }
      this.bytesRead = m.bytesRead;
      if (m.last) this.close();
      if (m.rows > 0) {
        this.batch = m;
        this.row = 0;
        this.def = 0;
        this.meta = 0;
        this.bad = 0;
        return m;
      }
    }
  }

  /** Decodes the meta part at `this.meta` in `metas` (see CsvBatch) and moves past it. */
  private defineMeta(metas: (number | string)[]): void {
    let i = this.meta + 1;
    const id = metas[i++] as number;
    const count = metas[i++] as number;
    let labels: Labels | undefined;
    if (count > 0) {
      labels = {};
      for (let end = i + 2 * count; i < end; i += 2) labels[metas[i] as string] = metas[i + 1] as string;
    }
    const kind = metas[i++] as string;
    const name = metas[i++] as string;
    const owner = kind === '' ? undefined : [controllerOwner(kind, name)];
    this.meta = i;
    this.pods.defineMeta(id, labels, owner);
  }

  /** Sleeps until the worker posts again; throws when it makes no progress for stallMs. */
  private wait(): void {
    const beat = Atomics.load(this.state, BEAT);
    const woke = Atomics.wait(this.state, POSTED, this.received, this.stallMs);
    if (woke === 'timed-out' && Atomics.load(this.state, BEAT) === beat) {
      this.failure ??= new Error(
        `the CSV trace reader thread stopped: no rows from ${this.file} for ${this.stallMs / 1000} s`,
      );
      this.close();
    }
  }
}
