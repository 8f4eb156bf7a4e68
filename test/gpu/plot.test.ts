// The gpu-sweep plot: a panel per trace, a `path.series` per policy in each, trace names escaped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allocationPlotSvg } from '../../src/gpu/plot.js';
import type { SweepRun } from '../../src/gpu/sweep.js';

function run(trace: string, policy: 'random' | 'fgd', seed: number): SweepRun {
  const allocation = Array.from({ length: 100 }, (_, i) => Math.min(0.95, (i + 1) / 100));
  return {
    job: { id: 0, trace, nodesFile: '', tasksFile: '', policy, seed, targetLoad: 1 },
    allocation,
    arrived: 0,
    failed: 0,
  };
}

test('allocationPlotSvg: one series path per trace and policy, from 60% arrived, names escaped', () => {
  const runs = ['a&b', 'c'].flatMap((t) => [run(t, 'random', 1), run(t, 'random', 2), run(t, 'fgd', 1)]);
  const svg = allocationPlotSvg(runs, ['random', 'fgd']);
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(svg.includes('>a&amp;b</text>'));
  const paths = [...svg.matchAll(/<path class="series"[^>]* d="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(paths.length, 4);
  for (const d of paths) assert.equal(d.split('L').length, 100 - 60 + 1, 'a point per arrived % from 60 to 100');
});
