// Opening a trace: the format follows the file name (.csv is the pod table, anything else JSON
// Lines). Readers are pull-based and synchronous: `next()` reads just enough of the file for one
// event, so memory follows the live pods of the replay, not the trace's length.
import { InputError, type Problem } from '../api/problem.js';
import { CsvTraceReader } from './csv.js';
import type { TraceReader } from './item.js';
import { JsonlTraceReader } from './jsonl.js';

export type { TraceItem, TraceReader } from './item.js';

export type TraceFormat = 'jsonl' | 'csv';

export function traceFormatOf(path: string): TraceFormat {
  return path.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl';
}

export function openTrace(path: string): TraceReader {
  try {
    return traceFormatOf(path) === 'csv' ? new CsvTraceReader(path) : new JsonlTraceReader(path);
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

/** Reads a whole trace once to find its bad rows, keeping at most `keep` problems. */
export function scanTrace(path: string, keep = 100): ScanResult {
  const reader = openTrace(path);
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
