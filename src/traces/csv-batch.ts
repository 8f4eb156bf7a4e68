// How a worker thread hands a CSV trace's rows to the reader on the replay's thread: batches of
// rows as numbers in typed arrays (transferred, not copied), names as strings, and the shared
// parts once, by id, before the first row that uses them. The two threads synchronise on a few
// counters in a SharedArrayBuffer, so the reader can wait for a batch without an event loop.
import type { MessagePort } from 'node:worker_threads';
import type { Problem } from '../api/problem.js';
import type { CsvRowParser, PartDef } from './csv.js';

/** Slots of the shared Int32Array. */
export const POSTED = 0; // batches the worker has posted
export const TAKEN = 1; // batches the reader has taken off the port
export const CLOSED = 2; // 1 once the reader is closed: the worker stops
export const BEAT = 3; // the worker's progress (lines read / 256): a stopped worker shows none
export const SLOTS = 4;

/** Batches the worker may post ahead of the reader: read-ahead stays bounded whatever the trace's length. */
export const AHEAD = 8;
/** Rows in the first batch (the replay starts sooner) and at most (fewer messages). */
export const FIRST_ROWS = 256;
export const MAX_ROWS = 4096;

/** What the worker is given. */
export interface WorkerInput {
  file: string;
  /** Tests: bytes read at a time, and rows per batch (all batches). */
  chunkBytes?: number;
  batchRows?: number;
  state: SharedArrayBuffer;
  port: MessagePort;
}

/** Rows in order, valid and bad. */
export interface CsvBatch {
  rows: number;
  /** Per row: submit time and duration (NaN: none). */
  times: Float64Array;
  /** Per row: line, spec id (-1: a bad row, its problems next in `problems`), meta id, namespace id. */
  ids: Int32Array;
  /** Per row: the pod's name ('' for a bad row). */
  names: string[];
  problems: Problem[][];
  /** Spec and namespace parts for the rows from `defAt[i]` on, in the order they were defined. */
  defs: PartDef[];
  defAt: number[];
  /**
   * Meta parts (labels and owner; a trace may have one per few rows), flat, cheaper to hand over
   * than objects: per part the row it is for, its id, its number of labels, each label's key and
   * value, then its owner's kind and name ('' and '' when none).
   */
  metas: (number | string)[];
  /** Bytes of the file read when the batch was posted (progress). */
  bytesRead: number;
  /** The trace's last batch. */
  last: boolean;
}

/** The worker could not read on: what an InputError said, a system error's code, or another error's message. */
export interface WorkerFailure {
  failed: true;
  problems?: Problem[];
  code?: string;
  message?: string;
}

export type WorkerMessage = CsvBatch | WorkerFailure;

/** Collects rows into batches of growing size (worker side). */
export class BatchBuilder {
  private capacity: number;
  private rows = 0;
  private times: Float64Array;
  private ids: Int32Array;
  private names: string[] = [];
  private problems: Problem[][] = [];
  private defs: PartDef[] = [];
  private defAt: number[] = [];
  private metas: (number | string)[] = [];

  /** `rowsEach`: every batch's size, instead of FIRST_ROWS growing to MAX_ROWS. */
  constructor(private readonly rowsEach?: number) {
    this.capacity = rowsEach ?? FIRST_ROWS;
    this.times = new Float64Array(this.capacity * 2);
    this.ids = new Int32Array(this.capacity * 4);
  }

  get full(): boolean {
    return this.rows === this.capacity;
  }

  define(def: PartDef): void {
    if (def.table !== 'meta') {
      this.defs.push(def);
      this.defAt.push(this.rows);
      return;
    }
    const { labels, ownerReferences } = def.part;
    const entries = labels ? Object.entries(labels) : [];
    this.metas.push(this.rows, def.id, entries.length);
    for (const [key, value] of entries) this.metas.push(key, value);
    const owner = ownerReferences?.[0];
    this.metas.push(owner?.kind ?? '', owner?.name ?? '');
  }

  /** The parser's last ROW. */
  row(p: CsvRowParser): void {
    const r = this.rows++;
    this.times[2 * r] = p.t;
    this.times[2 * r + 1] = p.duration;
    const k = 4 * r;
    this.ids[k] = p.line;
    this.ids[k + 1] = p.spec;
    this.ids[k + 2] = p.meta;
    this.ids[k + 3] = p.namespace;
    this.names.push(p.name);
  }

  /** The parser's last BAD row. */
  bad(line: number, problems: Problem[]): void {
    const k = 4 * this.rows++;
    this.ids[k] = line;
    this.ids[k + 1] = -1;
    this.names.push('');
    this.problems.push(problems);
  }

  /** The batch so far; the builder starts a new one (twice as large, up to MAX_ROWS). */
  take(bytesRead: number, last: boolean): CsvBatch {
    const batch: CsvBatch = {
      rows: this.rows,
      times: this.times,
      ids: this.ids,
      names: this.names,
      problems: this.problems,
      defs: this.defs,
      defAt: this.defAt,
      metas: this.metas,
      bytesRead,
      last,
    };
    this.capacity = this.rowsEach ?? Math.min(MAX_ROWS, this.capacity * 2);
    this.rows = 0;
    this.times = new Float64Array(this.capacity * 2);
    this.ids = new Int32Array(this.capacity * 4);
    this.names = [];
    this.problems = [];
    this.defs = [];
    this.defAt = [];
    this.metas = [];
    return batch;
  }
}
