import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { InputError } from '../../src/api/problem.js';
import { isSharedFrozen } from '../../src/api/shared-objects.js';
import type { Pod } from '../../src/api/types.js';
import { CSV_COLUMNS, CsvTraceReader } from '../../src/traces/csv.js';
import { CsvWorkerReader } from '../../src/traces/csv-worker-reader.js';
import type { TraceItem, TraceReader } from '../../src/traces/item.js';
import { openTrace, scanTrace, WORKER_MIN_BYTES } from '../../src/traces/reader.js';
import { tempDir, writeTrace } from '../sim/helpers.js';

function drain(r: TraceReader): TraceItem[] {
  const out: TraceItem[] = [];
  try {
    for (let item = r.next(); item; item = r.next()) out.push(item);
  } finally {
    r.close();
  }
  return out;
}

function podsOf(items: TraceItem[]): Pod[] {
  return items.flatMap((i) => ('event' in i && i.event.type === 'pod-create' ? [i.event.pod] : []));
}

/** For each pod, the index of the first pod sharing the same object at `pick` (-1 when absent). */
function sharing(pods: Pod[], pick: (p: Pod) => object | undefined): number[] {
  const first = new Map<object, number>();
  return pods.map((p, i) => {
    const o = pick(p);
    if (o === undefined) return -1;
    if (!first.has(o)) first.set(o, i);
    return first.get(o)!;
  });
}

/** Same items, same sharing of parts between rows, parts frozen and marked shared alike. */
function assertSameItems(worker: TraceItem[], main: TraceItem[]): void {
  assert.deepEqual(worker, main);
  const [a, b] = [podsOf(worker), podsOf(main)];
  for (const pick of [(p: Pod) => p.spec, (p: Pod) => p.metadata.labels, (p: Pod) => p.metadata.ownerReferences])
    assert.deepEqual(sharing(a, pick), sharing(b, pick));
  for (const [x, y] of a.map((p, i) => [p, b[i]]))
    assert.deepEqual(
      [isSharedFrozen(x.spec), x.metadata.labels ? isSharedFrozen(x.metadata.labels) : null],
      [isSharedFrozen(y.spec), y.metadata.labels ? isSharedFrozen(y.metadata.labels) : null],
    );
}

/** Values of each column: good ones, and bad ones picked for about one field in twelve. */
const SAMPLES: Record<string, { good: string[]; bad: string[] }> = {
  duration: { good: ['', '10', '0.5', '1e3'], bad: ['-1', 'ten'] },
  cpu: { good: ['', '500m', '1', '250m'], bad: ['1.5.0'] },
  memory: { good: ['', '1Gi', '512Mi'], bad: ['lots'] },
  extended: { good: ['', 'nvidia.com/gpu=1', 'example.com/fpga=2;ephemeral-storage=1Gi'], bad: ['gpu=1', 'x'] },
  priority: { good: ['', '0', '100', '-5'], bad: ['high', '99999999999'] },
  labels: { good: ['', 'app=a', 'app=b;tier=x', ' app = c '], bad: ['app', 'app=é'] },
  owner: { good: ['', 'Job/a', 'ReplicaSet/b'], bad: ['Pod/x', 'Job/'] },
  namespace: { good: ['', 'shop', 'batch'], bad: ['Bad_NS', 'a.b'] },
  name: { good: ['', 'a-1', 'b.2', 'c-3'], bad: ['Bad Name', 'quoted,name', 'say "hi"', 'ünï'] },
};

function sample(column: string, pick: number): string {
  const { good, bad } = SAMPLES[column];
  return pick % 12 === 0 ? bad[(pick >> 4) % bad.length] : good[(pick >> 4) % good.length];
}

/** A field written as CSV: quoted (quotes doubled) when asked or when it must be. */
function cell(value: string, quote: boolean): string {
  return quote || /[",]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

const rowArb = fc.record({
  kind: fc.oneof(
    { weight: 20, arbitrary: fc.constant('row') },
    { weight: 1, arbitrary: fc.constantFrom('blank', 'short', 'open-quote') },
  ),
  /** The submit time: a step forward from the last row's, or earlier than it (an order problem), or not a number. */
  time: fc.oneof(
    { weight: 20, arbitrary: fc.constantFrom('1', '0', '0.25') },
    { weight: 1, arbitrary: fc.constantFrom('earlier', 'x', '') },
  ),
  picks: fc.array(fc.nat(), { minLength: CSV_COLUMNS.length, maxLength: CSV_COLUMNS.length }),
  quotes: fc.array(fc.boolean(), { minLength: CSV_COLUMNS.length, maxLength: CSV_COLUMNS.length }),
});

const traceArb = fc.record({
  columns: fc.shuffledSubarray(
    CSV_COLUMNS.filter((c) => c !== 'submit_time'),
    { minLength: 0 },
  ),
  at: fc.nat(),
  rows: fc.array(rowArb, { maxLength: 80, size: 'max' }),
  crlf: fc.boolean(),
  chunkBytes: fc.integer({ min: 1, max: 300 }),
  batchRows: fc.integer({ min: 1, max: 9 }),
});

type Trace = typeof traceArb extends fc.Arbitrary<infer T> ? T : never;

/** The text of a generated trace. */
function traceText(t: Trace): string {
  const columns: string[] = [...t.columns];
  columns.splice(t.at % (columns.length + 1), 0, 'submit_time');
  const lines = [columns.join(',')];
  let time = 0;
  for (const r of t.rows) {
    if (r.kind === 'blank') {
      lines.push('');
      continue;
    }
    const step = Number(r.time);
    if (r.time !== '' && Number.isFinite(step)) time += step;
    const submit = r.time === 'earlier' ? String(time - 3) : r.time === 'x' || r.time === '' ? r.time : String(time);
    const fields = columns.map((c, i) => cell(c === 'submit_time' ? submit : sample(c, r.picks[i]), r.quotes[i]));
    if (r.kind === 'short') fields.pop();
    let text = fields.join(',');
    if (r.kind === 'open-quote') text += ',"open';
    lines.push(text);
  }
  return lines.join(t.crlf ? '\r\n' : '\n') + (t.rows.length % 2 === 0 ? '\n' : '');
}

describe('CSV traces read by a worker thread', () => {
  it('the worker reader yields exactly the in-thread reader’s items, whatever the rows, chunks and batches', () => {
    const dir = tempDir();
    let n = 0;
    const kinds = [0, 0];
    fc.assert(
      fc.property(traceArb, (t) => {
        const path = join(dir, `t${n++}.csv`);
        writeFileSync(path, traceText(t));
        let main: TraceItem[];
        try {
          main = drain(new CsvTraceReader(path));
        } catch (err) {
          // A header the in-thread reader refuses is refused alike before any worker starts.
          assert.ok(err instanceof InputError);
          assert.throws(() => new CsvWorkerReader(path), { message: err.message });
          return;
        }
        assertSameItems(drain(new CsvWorkerReader(path, t)), main);
        assertSameItems(drain(new CsvTraceReader(path, t.chunkBytes)), main);
        for (const item of main) kinds['event' in item ? 0 : 1]++;
      }),
      { numRuns: 40 },
    );
    assert.ok(kinds[0] > kinds[1], `mostly good rows, some bad: ${kinds}`);
    assert.ok(kinds[1] > 0);
  });

  it('parts past the tables’ bound and batches of every size give the in-thread reader’s items', () => {
    const rows = ['submit_time,cpu,memory,priority,labels,owner,name'];
    for (let i = 0; i < 10_050; i++) rows.push(`${i},100m,${(i % 10_007) + 1}Mi,0,app=a-${i % 10_003},Job/a,p-${i}`);
    rows.push('10050,100m,1Mi,0,app=a-0,Job/a,again', '10051,1.5.0,1Mi,0,,,bad');
    const path = writeTrace(rows, 'many-parts.csv');
    const main = drain(new CsvTraceReader(path));
    assert.equal(main.length, 10_052);
    assertSameItems(drain(new CsvWorkerReader(path)), main);
    assertSameItems(drain(new CsvWorkerReader(path, { batchRows: 1 })), main);
  });

  it('openTrace uses the worker for large CSV traces only, which yields the same rows and bad rows', () => {
    const small = writeTrace(['submit_time,cpu', '0,1', '1,x'], 'small.csv');
    assert.ok(openTrace(small) instanceof CsvTraceReader);
    const rows = ['submit_time,duration,cpu,memory,labels,owner,namespace,name'];
    let bytes = 0;
    for (let i = 0; bytes < WORKER_MIN_BYTES; i++) {
      const r =
        i % 40_000 === 7
          ? `${i},60,1.5.0,512Mi,,,shop,bad-${i}`
          : `${i},60,250m,512Mi,app=web-${i % 5000},ReplicaSet/web-${i % 5000},shop,web-${i}`;
      rows.push(r);
      bytes += r.length + 1;
    }
    const large = writeTrace(rows, 'large.csv');
    const reader = openTrace(large);
    assert.ok(reader instanceof CsvWorkerReader);
    const items = drain(reader);
    assertSameItems(items, drain(openTrace(large, { thread: 'main' })));
    const bad = items.filter((i) => 'problems' in i);
    assert.equal(bad.length, Math.ceil((rows.length - 1 - 7) / 40_000));
    assert.equal(bad[0].line, 9);
    assert.deepEqual(scanTrace(large, 1).problems, 'problems' in bad[0] ? bad[0].problems : []);
  });

  it('an unreadable file or a bad header is the same error as in-thread, thrown by openTrace', () => {
    const missing = join(tempDir(), 'missing.csv');
    for (const thread of ['worker', 'main'] as const)
      assert.throws(
        () => openTrace(missing, { thread }),
        (err: unknown) => {
          assert.ok(err instanceof InputError);
          assert.equal(err.message, `${missing}: cannot read: ENOENT`);
          return true;
        },
      );
    const bad = writeTrace(['submit_time,cpus', '0,1'], 'h.csv');
    assert.throws(() => openTrace(bad, { thread: 'worker' }), /h\.csv:1: unknown column "cpus"/);
  });

  it('a file removed once opened ends in its rows or a cannot-read error, never a hang', () => {
    const path = writeTrace(['submit_time,cpu', '0,1', '1,2'], 'gone.csv');
    const main = drain(new CsvTraceReader(path));
    const reader = new CsvWorkerReader(path);
    rmSync(path);
    try {
      assert.deepEqual(drain(reader), main);
    } catch (err) {
      assert.ok(err instanceof InputError);
      assert.equal(err.message, `${path}: cannot read: ENOENT`);
    }
  });

  it('a worker that dies mid-trace is an error from next(), not a wait forever', async () => {
    const rows = ['submit_time,cpu'];
    for (let i = 0; i < 200; i++) rows.push(`${i},1`);
    const reader = new CsvWorkerReader(writeTrace(rows, 'killed.csv'), { batchRows: 1, stallMs: 300 });
    assert.equal(reader.next()?.line, 2);
    await (reader as unknown as { worker: Worker }).worker.terminate();
    assert.throws(() => {
      for (let item = reader.next(); item; item = reader.next());
    }, /the CSV trace reader thread stopped: no rows from .*killed\.csv for 0\.3 s/);
    assert.throws(() => reader.next(), /thread stopped/, 'and again on the next call');
    reader.close();
  });

  it('closing mid-trace ends the worker, which was waiting for room', async () => {
    const rows = ['submit_time,cpu'];
    for (let i = 0; i < 200; i++) rows.push(`${i},1`);
    const reader = new CsvWorkerReader(writeTrace(rows, 'closed.csv'), { batchRows: 2 });
    assert.equal(reader.next()?.line, 2);
    const exited = once((reader as unknown as { worker: Worker }).worker, 'exit');
    reader.close();
    await exited;
    assert.equal(reader.next(), null);
  });

  it('a process that reads part of a trace in a worker exits by itself, closed or not, whatever its flags', () => {
    const path = writeTrace(['submit_time,cpu', ...Array.from({ length: 5000 }, (_, i) => `${i},1`)], 'exit.csv');
    const reader = fileURLToPath(new URL('../../src/traces/reader.js', import.meta.url));
    for (const close of ['r.close();', '']) {
      const script = `import { openTrace } from ${JSON.stringify(reader)};
        const r = openTrace(${JSON.stringify(path)}, { thread: 'worker' });
        process.stdout.write(String(r.next().line)); ${close}`;
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        timeout: 20_000,
      });
      assert.equal(child.signal, null, 'not killed by the timeout');
      assert.equal(child.status, 0, child.stderr);
      assert.equal(child.stdout, '2');
    }
  });
});
