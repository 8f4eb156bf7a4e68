// The worker thread of CsvWorkerReader: reads the CSV trace's lines and parses its rows (splitting,
// numbers, validation, part lookups) ahead of the replay, posting batches (src/traces/csv-batch.ts)
// while at most AHEAD are waiting to be taken. Every error becomes a message: the reader never
// waits for a worker that has given up.
import { workerData } from 'node:worker_threads';
import { InputError } from '../api/problem.js';
import { BAD, CsvRowParser, ROW, readCsvHeader } from './csv.js';
import { AHEAD, BatchBuilder, BEAT, CLOSED, POSTED, TAKEN, type WorkerInput, type WorkerMessage } from './csv-batch.js';
import { LineReader } from './lines.js';

const { file, state: shared, port, chunkBytes, batchRows } = workerData as WorkerInput;
const state = new Int32Array(shared);
let posted = 0;

/** Posts once the reader has room for it; false when the reader has closed. */
function post(message: WorkerMessage, transfer: ArrayBuffer[]): boolean {
  for (;;) {
    if (Atomics.load(state, CLOSED) !== 0) return false;
    const taken = Atomics.load(state, TAKEN);
    if (posted - taken < AHEAD) break;
    Atomics.wait(state, TAKEN, taken);
  }
  send(message, transfer);
  return true;
}

/** Posts now, and wakes the reader if it waits. */
function send(message: WorkerMessage, transfer: ArrayBuffer[]): void {
  port.postMessage(message, transfer);
  Atomics.store(state, POSTED, ++posted);
  Atomics.notify(state, POSTED);
}

function read(): void {
  const lines = new LineReader(file, chunkBytes);
  try {
    const batch = new BatchBuilder(batchRows);
    const parser = new CsvRowParser(file, readCsvHeader(file, lines), (def) => batch.define(def));
    for (let text = lines.read(); text !== null; text = lines.read()) {
      const line = lines.line;
      if ((line & 255) === 0) Atomics.add(state, BEAT, 1);
      const found = parser.parse(text, line);
      if (found === ROW) batch.row(parser);
      else if (found === BAD) batch.bad(line, parser.problems);
      if (batch.full) {
        const b = batch.take(lines.bytesRead, false);
        if (!post(b, [b.times.buffer as ArrayBuffer, b.ids.buffer as ArrayBuffer])) return;
      }
    }
    const b = batch.take(lines.bytesRead, true);
    post(b, [b.times.buffer as ArrayBuffer, b.ids.buffer as ArrayBuffer]);
  } finally {
    lines.close();
  }
}

try {
  read();
} catch (err) {
  const code = (err as NodeJS.ErrnoException)?.code;
  const failure: WorkerMessage =
    err instanceof InputError
      ? { failed: true, problems: err.problems }
      : typeof code === 'string'
        ? { failed: true, code }
        : { failed: true, message: (err as Error)?.message ?? String(err) };
  // Without waiting for room: the reader must hear of it.
  send(failure, []);
}
