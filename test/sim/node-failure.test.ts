import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NODE_FAIL_EVICTION_SECONDS } from '../../src/sim/simulator.js';
import { makeCluster, makeNode } from '../helpers/cluster.js';
import { events, simulate, webWorkload } from './helpers.js';

const replicaSet = (replicas: number) => webWorkload('ReplicaSet', replicas, { cpu: '3' });

describe('node failure in the replay', () => {
  it('re-creates the lost pods of a controller only after the eviction delay, on the nodes left', () => {
    const cluster = makeCluster({ nodes: [makeNode('a', { cpu: '16' })] });
    const { log, summary } = simulate(cluster, [
      { t: 0, type: 'workload-create', object: replicaSet(2) },
      { t: 20, type: 'node-add', node: makeNode('b', { cpu: '4' }) },
      { t: 20, type: 'node-add', node: makeNode('c', { cpu: '4' }) },
      { t: 50, type: 'node-fail', name: 'a' },
      { t: 1000, type: 'pod-delete', namespace: 'default', name: 'nothing' },
    ]);
    const scheduled = events(log, 'scheduled');
    assert.deepEqual(scheduled.map(([t, , node]) => [t, node]).sort(), [
      [0, 'a'],
      [0, 'a'],
      [50 + NODE_FAIL_EVICTION_SECONDS, 'b'],
      [50 + NODE_FAIL_EVICTION_SECONDS, 'c'],
    ]);
    assert.deepEqual(
      events(log, 'lost').map(([t, , node]) => [t, node]),
      [
        [50, 'a'],
        [50, 'a'],
      ],
    );
    assert.equal(summary.pods.lostWithFailedNodes, 2);
    assert.equal(summary.pods.runningAtEnd, 2);
  });

  it('a lost pod keeps its quota until it is deleted, so its replacement is admitted only then', () => {
    const cluster = makeCluster({
      nodes: [makeNode('a', { cpu: '16' })],
      resourceQuotas: [{ metadata: { name: 'pods', namespace: 'default' }, spec: { hard: { pods: '1' } } }],
    });
    const { log, summary } = simulate(cluster, [
      { t: 0, type: 'workload-create', object: replicaSet(1) },
      { t: 20, type: 'node-add', node: makeNode('b', { cpu: '4' }) },
      { t: 50, type: 'node-fail', name: 'a' },
      { t: 1000, type: 'pod-delete', namespace: 'default', name: 'nothing' },
    ]);
    assert.deepEqual(
      events(log, 'scheduled').map(([t, , node]) => [t, node]),
      [
        [0, 'a'],
        [50 + NODE_FAIL_EVICTION_SECONDS, 'b'],
      ],
    );
    assert.equal(summary.refused.pods, 0);
  });
});
