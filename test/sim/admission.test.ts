import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceQuota } from '../../src/api/types.js';
import { makeCluster, makeNode, makePod } from '../helpers/cluster.js';
import { events, podEvent, simulate, webWorkload } from './helpers.js';

const quota = (hard: Record<string, string>): ResourceQuota => ({
  metadata: { name: 'compute', namespace: 'default' },
  spec: { hard },
});

const replicaSet = (replicas: number) => webWorkload('ReplicaSet', replicas, { cpu: '1', memory: '1Gi' });

describe('admission in the replay', () => {
  it('a refused pod is never created: counted as refused per namespace and resource, not pending', () => {
    const cluster = makeCluster({
      nodes: [makeNode('a', { cpu: '8' })],
      resourceQuotas: [quota({ 'requests.cpu': '2', 'requests.memory': '10Gi' })],
    });
    const { summary, log } = simulate(cluster, [
      podEvent(0, makePod('p1', { cpu: '1', memory: '1Gi' })),
      podEvent(0, makePod('p2', { cpu: '1', memory: '1Gi' })),
      podEvent(0, makePod('p3', { cpu: '1', memory: '1Gi' })),
      podEvent(0, makePod('bare', { cpu: '500m' })),
    ]);
    assert.equal(summary.pods.created, 2);
    assert.equal(summary.pods.pendingAtEnd, 0);
    assert.equal(summary.refused.pods, 2);
    assert.deepEqual(summary.refused.byNamespace, {
      default: { pods: 2, resources: { 'requests.cpu': 1, 'requests.memory': 1 } },
    });
    assert.deepEqual(
      summary.refused.messages.map((m) => m.message).sort(),
      [
        'pods "bare" is forbidden: failed quota: compute: must specify requests.memory for: main',
        'pods "p3" is forbidden: exceeded quota: compute, requested: requests.cpu=1, used: requests.cpu=2, limited: requests.cpu=2',
      ].sort(),
    );
    assert.deepEqual(
      log.filter((r) => r.event === 'refused').map((r) => r.pod),
      ['default/p3', 'default/bare'],
    );
  });

  it('quota is released when pods end, and a refused controller creates its pod then', () => {
    const cluster = makeCluster({ nodes: [makeNode('a', { cpu: '8' })], resourceQuotas: [quota({ pods: '2' })] });
    const { summary, log } = simulate(cluster, [
      { t: 0, type: 'workload-create', object: replicaSet(2), duration: 100 },
      podEvent(10, makePod('extra', { cpu: '1' }), 50),
      { t: 200, type: 'workload-scale', kind: 'ReplicaSet', namespace: 'default', name: 'web', replicas: 0 },
    ]);
    // extra is refused at t=10 (two web pods hold the quota); web pods that end at 100 are
    // replaced while quota allows it.
    assert.equal(summary.refused.pods, 1);
    assert.deepEqual(summary.refused.byNamespace.default.resources, { pods: 1 });
    assert.deepEqual(
      events(log, 'scheduled').map(([t, pod]) => [t, pod]),
      [
        [0, 'default/web-00000'],
        [0, 'default/web-00001'],
        [100, 'default/web-00002'],
        [100, 'default/web-00003'],
      ],
    );
  });

  it('a controller refused for quota retries when quota is released in its namespace', () => {
    const cluster = makeCluster({ nodes: [makeNode('a', { cpu: '8' })], resourceQuotas: [quota({ pods: '2' })] });
    const { summary, log } = simulate(cluster, [
      podEvent(0, makePod('holder', { cpu: '1' }), 30),
      { t: 5, type: 'workload-create', object: replicaSet(2) },
      { t: 100, type: 'pod-delete', namespace: 'default', name: 'nothing' },
    ]);
    assert.equal(summary.refused.pods, 1);
    assert.deepEqual(
      events(log, 'scheduled').map(([t, pod]) => [t, pod]),
      [
        [0, 'default/holder'],
        [5, 'default/web-00000'],
        [30, 'default/web-00003'],
      ],
    );
    assert.equal(summary.pods.runningAtEnd, 2);
  });

  it('LimitRange defaults apply to pods the replay creates (their requests are what gets scheduled)', () => {
    const cluster = makeCluster({
      nodes: [makeNode('a', { cpu: '1' })],
      limitRanges: [
        {
          metadata: { name: 'defaults', namespace: 'default' },
          spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '600m' }, default: { cpu: '600m' } }] },
        },
      ],
    });
    const { summary } = simulate(cluster, [podEvent(0, makePod('x')), podEvent(0, makePod('y'))]);
    assert.equal(summary.pods.scheduled, 1);
    assert.equal(summary.pods.pendingAtEnd, 1);
    assert.equal(summary.refused.pods, 0);
  });
});
