import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { diurnalFactor, type GenerateOptions, generateTrace } from '../../src/traces/generate.js';
import { scanTrace } from '../../src/traces/reader.js';
import { BufferedWriter } from '../../src/traces/writer.js';
import { tempDir } from '../sim/helpers.js';

function generate(opts: Partial<GenerateOptions>, name: string): string {
  const path = join(tempDir(), name);
  const out = BufferedWriter.open(path);
  generateTrace(
    {
      pods: 500,
      seed: 1,
      hours: 24,
      gpuFraction: 0,
      workloads: false,
      format: name.endsWith('.csv') ? 'csv' : 'jsonl',
      ...opts,
    },
    out,
  );
  out.close();
  return path;
}

describe('trace generator', () => {
  it('same options and seed give the same bytes; another seed gives another trace', () => {
    const a = readFileSync(generate({ seed: 7, workloads: true, gpuFraction: 0.05 }, 'a.jsonl'), 'utf8');
    const b = readFileSync(generate({ seed: 7, workloads: true, gpuFraction: 0.05 }, 'b.jsonl'), 'utf8');
    const c = readFileSync(generate({ seed: 8, workloads: true, gpuFraction: 0.05 }, 'c.jsonl'), 'utf8');
    assert.equal(a, b);
    assert.notEqual(a, c);
  });

  it('writes exactly --pods pods, sorted by time, that both readers accept', () => {
    for (const name of ['t.jsonl', 't.csv']) {
      const path = generate({ pods: 2000, workloads: name.endsWith('.jsonl') }, name);
      const scan = scanTrace(path);
      assert.deepEqual(scan.problems, []);
      const lines = readFileSync(path, 'utf8').trim().split('\n');
      const pods = name.endsWith('.csv')
        ? lines.length - 1
        : lines.filter((l) => l.includes('"pod-create"') && !l.includes('gated-report')).length;
      assert.equal(pods, 2000);
    }
  });

  it('arrivals follow the day: more pods in the afternoon than around midnight', () => {
    assert.ok(diurnalFactor(12 * 3600) > 1.5 && diurnalFactor(0) < 0.5);
    const rows = readFileSync(generate({ pods: 4000 }, 'd.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    const hour = (r: string) => Math.floor(Number(r.split(',')[0]) / 3600) % 24;
    const noon = rows.filter((r) => hour(r) >= 10 && hour(r) < 14).length;
    const night = rows.filter((r) => hour(r) >= 22 || hour(r) < 2).length;
    assert.ok(noon > 2 * night, `noon ${noon}, night ${night}`);
  });

  it('durations are heavy-tailed: the longest is far above the median', () => {
    const rows = readFileSync(generate({ pods: 4000 }, 'e.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    const durations = rows.map((r) => Number(r.split(',')[1])).sort((x, y) => x - y);
    const median = durations[Math.floor(durations.length / 2)];
    assert.ok(durations[durations.length - 1] > 50 * median, `median ${median}, max ${durations.at(-1)}`);
  });
});
