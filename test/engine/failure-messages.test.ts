// SchedulerOptions.failureMessages: off, an unschedulable pod comes back without the per-node walk
// for its message; the decision is the same either way.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Scheduler } from '../../src/engine/scheduler.js';
import { gpuProfile } from '../../src/gpu/experiment.js';
import { Snapshot } from '../../src/snapshot/snapshot.js';
import { gpuNode, gpuPod } from '../gpu/helpers.js';
import { makeCluster } from '../helpers/cluster.js';

test('without failure messages an unschedulable pod has no message and the same (absent) choice', () => {
  for (const failureMessages of [true, false]) {
    const snap = new Snapshot(makeCluster({ nodes: [gpuNode('a', 1), gpuNode('b', 1)] }));
    const scheduler = new Scheduler(gpuProfile('bestfit', [], 1), snap, {
      tieBreak: 'first',
      seed: 1,
      explain: false,
      failureMessages,
    });
    const fits = scheduler.scheduleOne(snap.podInfo(gpuPod('one', 1000)));
    assert.equal(fits.chosenNode, 'a');
    const tooBig = scheduler.scheduleOne(snap.podInfo(gpuPod('two', 2000)));
    assert.equal(tooBig.chosenNode, undefined);
    assert.equal(tooBig.feasibleCount, 0);
    assert.equal(
      tooBig.message,
      failureMessages ? '0/2 nodes are available: 2 Insufficient alibaba.com/gpu-milli.' : undefined,
    );
  }
});
