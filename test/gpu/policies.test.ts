// Each GPU policy's score on small clusters computed by hand (raw scores before normalisation).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import bestFit from '../../plugins/gpu/best-fit.js';
import clustering from '../../plugins/gpu/clustering.js';
import { GpuDevices } from '../../plugins/gpu/devices.js';
import dotProduct from '../../plugins/gpu/dot-product.js';
import fgd from '../../plugins/gpu/fgd.js';
import { distribution, expectedFragmentation } from '../../plugins/gpu/fragmentation.js';
import packing from '../../plugins/gpu/packing.js';
import random from '../../plugins/gpu/random.js';
import type { Cycle } from '../../src/framework/plugin.js';
import { Snapshot } from '../../src/snapshot/snapshot.js';
import { makeCluster } from '../helpers/cluster.js';
import { instantiate, runPlugin } from '../helpers/plugin.js';
import { gpuNode, gpuPod } from './helpers.js';

describe('GpuBestFit', () => {
  test('100 × (1 − ½ cpu left / 32 cores − ½ GPU milli left / 8000)', () => {
    const cluster = makeCluster({ nodes: [gpuNode('big', 8, { cpu: '32' }), gpuNode('small', 2, { cpu: '16' })] });
    const run = runPlugin(bestFit, cluster, gpuPod('p', 500, { cpu: '4' }));
    // big: 1 − ½·28000/32000 − ½·7500/8000 = 0.09375; small: 1 − ½·12000/32000 − ½·1500/8000 = 0.71875
    assert.deepEqual(run.raw, { big: 9.375, small: 71.875 });
  });
});

describe('GpuDotProduct', () => {
  test('100 × (1 − Σ free/capacity × request/capacity / 3)', () => {
    const cluster = makeCluster({
      nodes: [gpuNode('big', 8, { cpu: '32', memory: '64Gi' }), gpuNode('small', 2, { cpu: '16', memory: '32Gi' })],
    });
    const run = runPlugin(dotProduct, cluster, gpuPod('p', 1000, { cpu: '8', memory: '16Gi' }));
    // big: 0.25 + 0.25 + 0.125 = 0.625; small: 0.5 + 0.5 + 0.5 = 1.5
    assert.ok(Math.abs(run.raw!.big - 100 * (1 - 0.625 / 3)) < 1e-9);
    assert.equal(run.raw!.small, 50);
  });
});

describe('GpuPacking', () => {
  test('used device 50–100 > used node 34–49 > idle node 0–33', () => {
    const cluster = makeCluster({
      nodes: [gpuNode('idle', 8), gpuNode('shared', 2), gpuNode('whole', 4)],
      pods: [gpuPod('s', 600, { node: 'shared' }), gpuPod('w', 1000, { node: 'whole' })],
    });
    const run = runPlugin(packing, cluster, gpuPod('p', 300));
    // idle: 33 − 8; shared: device with 400 free, 100 left after: 100 − 50·100/1000; whole: 49 − 1
    assert.deepEqual(run.raw, { idle: 25, shared: 95, whole: 48 });
    const cpuOnly = runPlugin(packing, cluster, gpuPod('c', 0));
    assert.deepEqual(cpuOnly.raw, { idle: 0, shared: 0, whole: 0 });
  });
});

describe('GpuClustering', () => {
  test('same shape only 75–100 > mixed 50–75 > idle 25–50 > other shapes 0–25, by GPU milli in use', () => {
    const cluster = makeCluster({
      nodes: [gpuNode('idle', 8), gpuNode('same', 2), gpuNode('mixed', 4), gpuNode('other', 2)],
      pods: [
        gpuPod('a', 500, { node: 'same' }),
        gpuPod('b', 500, { node: 'mixed' }),
        gpuPod('c', 1000, { node: 'mixed' }),
        gpuPod('d', 1000, { node: 'other' }),
      ],
    });
    const run = runPlugin(clustering, cluster, gpuPod('p', 500));
    // in use / 8000: idle 0, same 6500, mixed 5500, other 7000
    assert.deepEqual(run.raw, {
      idle: 25,
      same: 75 + 25 * (6500 / 8000),
      mixed: 50 + 25 * (5500 / 8000),
      other: 25 * (7000 / 8000),
    });
  });

  test('the per-node shape counts follow unbinding', () => {
    const snap = new Snapshot(makeCluster({ nodes: [gpuNode('a', 2)], pods: [gpuPod('x', 500, { node: 'a' })] }));
    const plugin = instantiate(clustering);
    const cycle: Cycle = { pod: snap.podInfo(gpuPod('p', 1000)), snapshot: snap };
    const state = plugin.preScore!(cycle, Int32Array.of(0)).state;
    // the only node has 2000 milli: 500 in use of the largest 2000, other shape → 25 · 0.25
    assert.equal(plugin.score!(cycle, state, 0), 6.25);
    snap.unbind(snap.podByKey.get('default/x')!);
    assert.equal(plugin.score!(cycle, state, 0), 25);
  });
});

describe('GpuRandom', () => {
  test('integer scores 0..100 from its seed: the same seed gives the same scores', () => {
    const cluster = makeCluster({ nodes: Array.from({ length: 20 }, (_, i) => gpuNode(`n${i}`, 1)) });
    const a = runPlugin(random, cluster, gpuPod('p', 500), { seed: 7 });
    const b = runPlugin(random, cluster, gpuPod('p', 500), { seed: 7 });
    assert.deepEqual(a.raw, b.raw);
    const values = Object.values(a.raw!);
    assert.ok(values.every((v) => Number.isInteger(v) && v >= 0 && v <= 100));
    assert.ok(new Set(values).size > 1);
  });
});

describe('GpuFGD', () => {
  const shapes = {
    tasks: [
      { gpuMilli: 500, numGpu: 1 },
      { gpuMilli: 1000, numGpu: 1 },
    ],
  };

  test('expected fragmentation: free milli a shape cannot use, weighted by the shape’s share', () => {
    const dist = distribution([
      { cpu: 0, milli: 500, count: 1, mask: 0, weight: 1 },
      { cpu: 0, milli: 1000, count: 1, mask: 0, weight: 1 },
    ]);
    const f = (free: number[], cpuLeft = 1000) =>
      expectedFragmentation(dist, 0, cpuLeft, Int32Array.from(free), 0, free.length);
    assert.equal(f([1000, 1000]), 0);
    assert.equal(f([500, 1000]), 250); // the 1000-shape cannot use 500
    assert.equal(f([600, 1000]), 300);
    assert.equal(f([100, 1000]), 100); // both shapes leave 100
    assert.equal(f([600, 500]), 550); // ½·0 + ½·1100
    const needsCpu = distribution([{ cpu: 2000, milli: 500, count: 1, mask: 0, weight: 1 }]);
    assert.equal(expectedFragmentation(needsCpu, 0, 1000, Int32Array.of(1000, 1000), 0, 2), 2000); // no CPU: all of it
  });

  test('scores by the drop in expected fragmentation, over the best device', () => {
    const cluster = makeCluster({
      nodes: [gpuNode('fresh', 2), gpuNode('used', 2)],
      pods: [gpuPod('old', 400, { node: 'used' })],
    });
    const run = runPlugin(fgd, cluster, gpuPod('p', 500), shapes);
    // fresh: 0 → 250 (either device); used [600,1000]: 300 → 100 on device 0 (550 on device 1)
    assert.deepEqual(run.raw, { fresh: -250, used: 200 });
    assert.deepEqual(run.scores, { fresh: 0, used: 100 });
  });

  test('binding after its PreFilter puts a shared pod on the device FGD chose, not best fit', () => {
    const snap = new Snapshot(makeCluster({ nodes: [gpuNode('a', 2)], pods: [gpuPod('x', 400, { node: 'a' })] }));
    const devices = GpuDevices.of(snap);
    const free = () => Array.from(devices.free.subarray(0, 2));
    assert.deepEqual(free(), [600, 1000]);
    const plugin = instantiate(fgd, { tasks: [{ gpuMilli: 200, numGpu: 1 }] });
    const info = snap.podInfo(gpuPod('p', 500));
    plugin.preFilter!({ pod: info, snapshot: snap });
    snap.bind(info, 0);
    // Best fit would take device 0 and leave [100, 1000] (100 unusable by 200-milli tasks); FGD leaves [600, 500].
    assert.deepEqual(free(), [600, 500]);
  });

  test('rejects task shapes without a valid GPU share', () => {
    assert.throws(
      () => instantiate(fgd, { tasks: [{ gpuMilli: 1500 }] }),
      /tasks\[0\]\.gpuMilli: expected milli of one GPU/,
    );
  });
});
