// Opening a trace: the format follows the file name (.csv is the pod table, anything else JSON
// Lines). Readers are pull-based and synchronous: `next()` reads just enough of the file for one
// event, so memory follows the live pods of the replay, not the trace's length. A large CSV trace
// is read by a worker thread ahead of the replay (the second core parses while the first
// schedules); small ones, and JSON Lines, on the calling thread, which costs no thread start-up.
import { statSync } from 'node:fs';
import { InputError, type Problem } from '../api/problem.js';
import { CsvTraceReader } from './csv.js';
import { CsvWorkerReader } from './csv-worker-reader.js';
import type { TraceReader } from './item.js';
import { JsonlTraceReader } from './jsonl.js';

export type { TraceItem, TraceReader } from './item.js';

export type TraceFormat = 'jsonl' | 'csv';

export function traceFormatOf(path: string): TraceFormat {
  return path.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl';
}

export interface OpenTraceOptions {
  /** Where a CSV trace is parsed: a worker thread, this thread, or (auto) by the file's size. */
  thread?: 'auto' | 'worker' | 'main';
  /** A worker making no progress this long while the replay waits is an error (default 30 s). */
  stallMs?: number;
}

/** CSV traces from this size on are parsed in a worker thread (about 90,000 rows). */
export const WORKER_MIN_BYTES = 8 << 20;

export function openTrace(path: string, opts: OpenTraceOptions = {}): TraceReader {
  try {
    if (traceFormatOf(path) === 'jsonl') return new JsonlTraceReader(path);
    const thread = opts.thread ?? 'auto';
    const worker = thread === 'worker' || (thread === 'auto' && statSync(path).size >= WORKER_MIN_BYTES);
    return worker ? new CsvWorkerReader(path, { stallMs: opts.stallMs }) : new CsvTraceReader(path);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError([
      { code: 'io', file: path, message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? err}` },
    ]);
  }
}

export interface ScanResult {
  rows: number;
  badRows: number;
  /** The first problems found (at most `keep`). */
  problems: Problem[];
  /** How many more problems there were. */
  more: number;
}

/**
 * Reads a whole trace once to find its bad rows, keeping at most `keep` problems. On this thread:
 * nothing overlaps a scan, and a worker would only add handing the rows over to parsing them.
 */
export function scanTrace(path: string, keep = 100): ScanResult {
  const reader = openTrace(path, { thread: 'main' });
  const out: ScanResult = { rows: 0, badRows: 0, problems: [], more: 0 };
  try {
    for (let item = reader.next(); item; item = reader.next()) {
      out.rows++;
      if (!('problems' in item)) continue;
      out.badRows++;
      for (const p of item.problems) {
        if (out.problems.length < keep) out.problems.push(p);
        else out.more++;
      }
    }
  } finally {
    reader.close();
  }
  return out;
}
