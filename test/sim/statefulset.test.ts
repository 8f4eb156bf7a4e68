import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeCluster, makeNode } from '../helpers/cluster.js';
import { simulate } from './helpers.js';

function statefulSet(replicas: number, podManagementPolicy?: string) {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db' },
    spec: {
      replicas,
      serviceName: 'db',
      ...(podManagementPolicy ? { podManagementPolicy } : {}),
      selector: { matchLabels: { app: 'db' } },
      template: {
        metadata: { labels: { app: 'db' } },
        spec: { containers: [{ name: 'main', image: 'db:1', resources: { requests: { cpu: '1' } } }] },
      },
    },
  };
}

describe('StatefulSet controller', () => {
  it('OrderedReady: creates ordinal i only once i−1 runs, so a pod that cannot fit holds back the rest', () => {
    const cluster = makeCluster({ nodes: [makeNode('a', { cpu: '2' })] });
    const { log, summary } = simulate(cluster, [
      { t: 0, type: 'workload-create', object: statefulSet(4) },
      { t: 30, type: 'node-add', node: makeNode('b', { cpu: '2' }) },
      { t: 40, type: 'pod-delete', name: 'nothing' },
    ]);
    assert.deepEqual(
      log.filter((r) => r.event === 'scheduled').map((r) => [r.t, r.pod]),
      [
        [0, 'default/db-0'],
        [0, 'default/db-1'],
        [30, 'default/db-2'],
        [30, 'default/db-3'],
      ],
    );
    assert.equal(summary.pods.created, 4);
  });

  it('Parallel: creates every ordinal at once; scaling down deletes the highest; a pod that ends comes back under its name', () => {
    const cluster = makeCluster({ nodes: [makeNode('a', { cpu: '2' })] });
    const { log, summary } = simulate(cluster, [
      { t: 0, type: 'workload-create', object: statefulSet(3, 'Parallel') },
      { t: 10, type: 'workload-scale', kind: 'StatefulSet', name: 'db', replicas: 1 },
      { t: 20, type: 'workload-scale', kind: 'StatefulSet', name: 'db', replicas: 2 },
      { t: 30, type: 'pod-delete', name: 'db-1' },
      { t: 40, type: 'pod-delete', name: 'nothing' },
    ]);
    assert.equal(summary.pods.created, 5);
    assert.deepEqual(
      log.filter((r) => r.event === 'scheduled').map((r) => [r.t, r.pod]),
      [
        [0, 'default/db-0'],
        [0, 'default/db-1'],
        [20, 'default/db-1'],
        [30, 'default/db-1'],
      ],
    );
  });
});
