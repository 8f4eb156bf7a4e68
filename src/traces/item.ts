// What a trace reader yields, shared by both formats.
import type { Problem } from '../api/problem.js';
import type { TraceEvent } from './events.js';

/** One row of a trace: its event, or what is wrong with it. */
export type TraceItem = { line: number; event: TraceEvent } | { line: number; problems: Problem[] };

export interface TraceReader {
  /** The next row, or null at the end. */
  next(): TraceItem | null;
  /** Bytes read so far and the file's size (progress). */
  readonly bytesRead: number;
  readonly size: number;
  close(): void;
}

/** Rejects times that go backwards: a streamed trace must be sorted by time. */
export class TimeOrder {
  private last = 0;

  check(t: number, file: string, line: number, field: string): Problem | undefined {
    if (t < this.last) {
      return {
        code: 'order',
        file,
        line,
        path: field,
        message: `${t} is earlier than the previous row's ${this.last}: rows must be sorted by time`,
      };
    }
    this.last = t;
    return undefined;
  }
}
