// The FGD study's experiment on tiny clusters: sampling to a target load, curves at every 1%.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { runExperiment, sampleTasks, taskShapes } from '../../src/gpu/experiment.js';
import { curvesCsv, finalMarkdown, finalTable, type SweepRun } from '../../src/gpu/sweep.js';
import type { GpuTask } from '../../src/traces/alibaba-gpu.js';
import { gpuNode } from './helpers.js';

function task(name: string, numGpu: number, gpuMilli: number, cpuMilli = 1000): GpuTask {
  return { name, line: 2, cpuMilli, memoryMib: 1024, numGpu, gpuMilli, gpuSpec: '' };
}

describe('sampleTasks', () => {
  const tasks = [task('a', 1, 300), task('b', 0, 0), task('c', 2, 1000)];

  test('the trace in order, then random draws until the GPU requests reach target × capacity; same seed, same draws', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0.1, max: 3, noNaN: true }), (seed, target) => {
        const order = Array.from(sampleTasks(tasks, 4000, target, seed));
        const milli = order.map((i) => tasks[i].numGpu * tasks[i].gpuMilli);
        const sum = milli.reduce((s, m) => s + m, 0);
        assert.ok(sum >= target * 4000);
        assert.ok(sum - milli[milli.length - 1] < target * 4000, 'stops at the first task reaching the target');
        const prefix = Math.min(order.length, tasks.length);
        assert.deepEqual(order.slice(0, prefix), [0, 1, 2].slice(0, prefix));
        assert.deepEqual(Array.from(sampleTasks(tasks, 4000, target, seed)), order);
      }),
    );
  });

  test('a trace that reaches the target alone is cut there', () => {
    assert.deepEqual(Array.from(sampleTasks(tasks, 1000, 1, 5)), [0, 1, 2]);
    assert.deepEqual(Array.from(sampleTasks(tasks, 1000, 0.2, 5)), [0]);
  });
});

describe('runExperiment', () => {
  test('whole-GPU tasks fill a 2-GPU node: 50% allocated at 50% arrived, 100% at 100%, then nothing fits', () => {
    const cluster = { nodes: [gpuNode('a', 2)], devices: [] };
    const r = runExperiment({ cluster, tasks: [task('w', 1, 1000)], policy: 'bestfit', targetLoad: 1.5, seed: 1 });
    assert.equal(r.allocation.length, 150);
    assert.equal(r.allocation[49], 0.5);
    assert.equal(r.allocation[99], 1);
    assert.equal(r.allocation[149], 1);
    assert.deepEqual([r.arrived, r.scheduled, r.failed, r.failedGpus], [3, 2, 1, 1]);
  });

  test('every policy packs four 500-milli tasks onto two GPUs', () => {
    const cluster = { nodes: [gpuNode('a', 1), gpuNode('b', 1)], devices: [] };
    for (const policy of ['random', 'dotprod', 'packing', 'clustering', 'bestfit', 'fgd'] as const) {
      const r = runExperiment({ cluster, tasks: [task('s', 1, 500)], policy, targetLoad: 1, seed: 3 });
      assert.equal(r.allocation[99], 1, policy);
    }
  });

  test('task shapes count the GPU tasks of the trace by (cpu, milli, GPUs, models)', () => {
    const shapes = taskShapes([task('a', 1, 500), task('b', 1, 500), task('c', 0, 0), task('d', 2, 1000)]);
    assert.deepEqual(
      shapes.map((s) => [s.gpuMilli, s.numGpu, s.weight]),
      [
        [500, 1, 2],
        [1000, 2, 1],
      ],
    );
  });
});

describe('sweep outputs', () => {
  const run = (trace: string, policy: 'fgd' | 'bestfit', seed: number, last: number): SweepRun => ({
    job: { id: 0, trace, nodesFile: '', tasksFile: '', policy, seed, targetLoad: 0.02 },
    allocation: [0.01, last],
    arrived: 5,
    failed: 1,
  });
  const runs = [run('default', 'fgd', 1, 0.9), run('default', 'fgd', 2, 0.8), run('default', 'bestfit', 1, 0.7)];

  test('one CSV row per run with the ratio at each percent', () => {
    assert.equal(
      curvesCsv(runs),
      'trace,policy,seed,tasks,failed,alloc_at_1pct,alloc_at_2pct\n' +
        'default,fgd,1,5,1,0.0100,0.9000\ndefault,fgd,2,5,1,0.0100,0.8000\ndefault,bestfit,1,5,1,0.0100,0.7000\n',
    );
  });

  test('the table is the final ratio averaged over seeds, the best in bold', () => {
    const final = finalTable(runs);
    assert.ok(Math.abs(final.get('default')!.get('fgd')! - 0.85) < 1e-12);
    assert.equal(
      finalMarkdown(final, ['bestfit', 'fgd']),
      '| trace | bestfit | fgd |\n|---|---:|---:|\n| default | 70.0% | **85.0%** |\n',
    );
  });
});
