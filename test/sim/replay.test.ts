import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../src/api/problem.js';
import { replay } from '../../src/sim/replay.js';
import { generateTrace } from '../../src/traces/generate.js';
import { BufferedWriter } from '../../src/traces/writer.js';
import { tempDir, writeTrace } from './helpers.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const DEMO_CLUSTER = join(ROOT, 'traces/clusters/demo.yaml');

function syntheticTrace(): string {
  const path = join(tempDir(), 'trace.jsonl');
  const out = BufferedWriter.open(path);
  generateTrace({ pods: 400, seed: 3, hours: 12, gpuFraction: 0.02, workloads: true, format: 'jsonl' }, out);
  out.close();
  return path;
}

describe('berth replay', () => {
  it('two runs with the same inputs and seed write identical bytes in every output file', async () => {
    const trace = syntheticTrace();
    const dir = tempDir();
    const outs = [join(dir, 'a'), join(dir, 'b')];
    for (const out of outs) await replay({ cluster: DEMO_CLUSTER, trace, seed: 42, out, placements: true });
    const files = readdirSync(outs[0]).sort();
    assert.deepEqual(files, ['placements.jsonl', 'report.html', 'summary.json', 'timeseries.csv']);
    assert.deepEqual(readdirSync(outs[1]).sort(), files);
    for (const f of files)
      assert.ok(readFileSync(join(outs[0], f)).equals(readFileSync(join(outs[1], f))), `${f} differs`);
    const summary = JSON.parse(readFileSync(join(outs[0], 'summary.json'), 'utf8'));
    assert.ok(summary.pods.scheduled > 300);
    const rows = readFileSync(join(outs[0], 'timeseries.csv'), 'utf8').trim().split('\n');
    assert.equal(rows.length - 1, Math.floor(summary.simulatedSeconds / 60) + 1, 'one row per simulated minute');
    const html = readFileSync(join(outs[0], 'report.html'), 'utf8');
    assert.match(html, /<svg /);
    assert.doesNotMatch(html, /https?:\/\/|<script/);
  });

  it('stops on bad rows before writing anything, naming file:line; --skip-bad-rows counts and lists them', async () => {
    const trace = writeTrace([
      { t: 0, type: 'pod-create', pod: { metadata: { name: 'ok' }, spec: { containers: [{ name: 'c' }] } } },
      {
        t: 1,
        type: 'pod-create',
        pod: {
          metadata: { name: 'bad' },
          spec: { containers: [{ name: 'c', resources: { requests: { memory: '12GB' } } }] },
        },
      },
    ]);
    const out = join(tempDir(), 'out');
    await assert.rejects(
      replay({ cluster: DEMO_CLUSTER, trace, seed: 1, out }),
      (err: unknown) =>
        err instanceof InputError &&
        /trace\.jsonl:2 pod\.spec\.containers\[0\]\.resources\.requests\.memory: "12GB" is not a quantity/.test(
          err.message,
        ),
    );
    assert.equal(existsSync(out), false);
    assert.deepEqual(readdirSync(dirname(out)), [], 'no temporary directory left behind');
    const summary = await replay({ cluster: DEMO_CLUSTER, trace, seed: 1, out, skipBadRows: true });
    assert.equal(summary.badRows.count, 1);
    assert.match(summary.badRows.listed[0], /trace\.jsonl:2 /);
  });

  it('replaces an earlier output directory only once the new one is complete', async () => {
    const out = join(tempDir(), 'out');
    const good = writeTrace([{ t: 0, type: 'node-cordon', name: 'ip-10-0-1-10' }]);
    await replay({ cluster: DEMO_CLUSTER, trace: good, seed: 1, out });
    writeFileSync(join(out, 'marker'), 'old');
    const failing = writeTrace([{ t: 0, type: 'node-cordon', name: 'no-such-node' }]);
    await assert.rejects(replay({ cluster: DEMO_CLUSTER, trace: failing, seed: 1, out }), /no node named no-such-node/);
    assert.equal(readFileSync(join(out, 'marker'), 'utf8'), 'old', 'a failed run leaves the old results alone');
    await replay({ cluster: DEMO_CLUSTER, trace: good, seed: 1, out });
    assert.equal(existsSync(join(out, 'marker')), false);
  });
});
