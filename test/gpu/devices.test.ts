// The device-level GPU model (GpuDevices, a snapshot extension) and the GpuShare filter, on small
// clusters whose device states are worked out by hand.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GpuDevices, MAX_DEVICES } from '../../plugins/gpu/devices.js';
import gpuShare from '../../plugins/gpu/gpu-share.js';
import { Snapshot } from '../../src/snapshot/snapshot.js';
import { makeCluster } from '../helpers/cluster.js';
import { runPlugin } from '../helpers/plugin.js';
import { gpuNode, gpuPod } from './helpers.js';

function freeOf(devices: GpuDevices, node: number): number[] {
  return Array.from(devices.free.subarray(node * MAX_DEVICES, node * MAX_DEVICES + devices.count[node]));
}

describe('GpuDevices', () => {
  test('shared pods take milli on the fullest device that fits; whole-GPU pods take free devices', () => {
    const snap = new Snapshot(makeCluster({ nodes: [gpuNode('a', 2)] }));
    const devices = GpuDevices.of(snap);
    assert.deepEqual(freeOf(devices, 0), [1000, 1000]);
    const p300 = snap.podInfo(gpuPod('p300', 300));
    snap.bind(p300, 0);
    assert.deepEqual(freeOf(devices, 0), [700, 1000]);
    const p600 = snap.podInfo(gpuPod('p600', 600));
    snap.bind(p600, 0);
    assert.deepEqual(freeOf(devices, 0), [100, 1000]);
    const whole = snap.podInfo(gpuPod('whole', 1000));
    snap.bind(whole, 0);
    assert.deepEqual(freeOf(devices, 0), [100, 0]);
    assert.equal(devices.freeTotal[0], 100);
    assert.equal(devices.allocatedMilli, 1900);
    snap.unbind(p600);
    assert.deepEqual(freeOf(devices, 0), [700, 0]);
    assert.deepEqual(devices.assigned(p300), [0]);
    assert.deepEqual(devices.assigned(whole), [1]);
    assert.equal(devices.allocatedMilli, 1300);
  });

  test('a whole-GPU pod needs fully free devices: 2 GPUs do not fit beside a shared pod', () => {
    const snap = new Snapshot(makeCluster({ nodes: [gpuNode('a', 2)], pods: [gpuPod('s', 100, { node: 'a' })] }));
    const devices = GpuDevices.of(snap);
    assert.equal(devices.fits(0, devices.request(snap.podInfo(gpuPod('two', 2000)))), false);
    assert.equal(devices.fits(0, devices.request(snap.podInfo(gpuPod('one', 1000)))), true);
    assert.equal(devices.fits(0, devices.request(snap.podInfo(gpuPod('big', 900)))), true);
  });

  test('built after pods were bound, it counts them; later nodes are added', () => {
    const snap = new Snapshot(
      makeCluster({ nodes: [gpuNode('a', 4), gpuNode('cpu', 0)], pods: [gpuPod('x', 2000, { node: 'a' })] }),
    );
    const devices = GpuDevices.of(snap);
    assert.deepEqual(freeOf(devices, 0), [0, 0, 1000, 1000]);
    assert.equal(devices.capacityMilli, 4000);
    assert.equal(devices.model[1], -1);
    const n = snap.addNode(gpuNode('b', 8, { model: 'T4' }));
    assert.equal(devices.count[n], 8);
    assert.equal(devices.models.str(devices.model[n]), 'T4');
    assert.equal(devices.capacityMilli, 12000);
    assert.equal(devices.maxGpuMilli, 8000);
  });

  test('the gpu-spec annotation limits the models a pod accepts', () => {
    const snap = new Snapshot(
      makeCluster({ nodes: [gpuNode('g2', 1, { model: 'G2' }), gpuNode('t4', 1, { model: 'T4' })] }),
    );
    const devices = GpuDevices.of(snap);
    const req = devices.request(snap.podInfo(gpuPod('p', 500, { spec: 'V100M16|T4' })));
    assert.equal(devices.accessible(0, req), false);
    assert.equal(devices.accessible(1, req), true);
    assert.deepEqual({ milli: req.milli, count: req.count, total: req.total }, { milli: 500, count: 1, total: 500 });
  });

  test('binding a pod its node cannot hold is a bug and throws', () => {
    const snap = new Snapshot(makeCluster({ nodes: [gpuNode('a', 1)] }));
    GpuDevices.of(snap);
    assert.throws(() => snap.bind(snap.podInfo(gpuPod('two', 2000)), 0), /without GPU devices/);
  });
});

describe('GpuShare filter', () => {
  test('passes nodes with room on one device and an accepted model, and says why others fail', () => {
    const cluster = makeCluster({
      nodes: [gpuNode('used', 1), gpuNode('free', 1), gpuNode('t4', 1, { model: 'T4' }), gpuNode('cpu', 0)],
      pods: [gpuPod('old', 600, { node: 'used' })],
    });
    const run = runPlugin(gpuShare, cluster, gpuPod('p', 500, { spec: 'G2' }));
    assert.deepEqual(run.filter, { used: 'Unschedulable', free: 'Success', t4: 'Unschedulable', cpu: 'Unschedulable' });
    assert.deepEqual(run.reasons, {
      used: ['Insufficient GPU memory on any one device'],
      t4: ["node(s) didn't have a requested GPU model"],
      cpu: ['node(s) had no GPU'],
    });
  });

  test('skips pods without GPUs', () => {
    const run = runPlugin(gpuShare, makeCluster({ nodes: [gpuNode('a', 1)] }), gpuPod('cpu-only', 0));
    assert.deepEqual(run.filter, { a: 'Skip' });
  });
});
