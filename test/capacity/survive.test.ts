import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { builtinRegistry } from '../../plugins/index.js';
import type { KubeSchedulerConfiguration, Pod } from '../../src/api/types.js';
import { survive } from '../../src/capacity/survive.js';
import { worstNodes } from '../../src/capacity/worst.js';
import { selectNodes } from '../../src/cli/capacity-survive.js';
import { chooseProfile } from '../../src/framework/config-file.js';
import { makeCluster, makeNode, makePod } from '../helpers/cluster.js';

const ZONE = 'topology.kubernetes.io/zone';

function owned(
  name: string,
  o: { cpu: string; node: string; priority?: number; labels?: Record<string, string> },
): Pod {
  const pod = makePod(name, { cpu: o.cpu, memory: '1Gi', node: o.node, labels: o.labels });
  pod.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'app', controller: true }];
  if (o.priority !== undefined) pod.spec.priority = o.priority;
  return pod;
}

function profile(strategy?: 'MostAllocated' | 'LeastAllocated') {
  const config: KubeSchedulerConfiguration | undefined = strategy
    ? {
        apiVersion: 'kubescheduler.config.k8s.io/v1',
        kind: 'KubeSchedulerConfiguration',
        profiles: [
          {
            schedulerName: 'default-scheduler',
            pluginConfig: [
              {
                name: 'NodeResourcesFit',
                args: { scoringStrategy: { type: strategy, resources: [{ name: 'cpu', weight: 1 }] } },
              },
            ],
          },
        ],
      }
    : undefined;
  return chooseProfile({ config, registry: builtinRegistry() });
}

/**
 * Zone a holds two small high-priority pods and one big low-priority pod; zone b has two empty
 * 4-cpu nodes. Spreading the small pods leaves 3 cpu on each node, too little for the big one;
 * packing them leaves a whole node for it.
 */
function zoneCluster() {
  return makeCluster({
    nodes: [
      makeNode('a1', { cpu: '8', labels: { [ZONE]: 'a' } }),
      makeNode('b1', { cpu: '4', labels: { [ZONE]: 'b' } }),
      makeNode('b2', { cpu: '4', labels: { [ZONE]: 'b' } }),
    ],
    pods: [
      owned('small-1', { cpu: '1', node: 'a1', priority: 10 }),
      owned('small-2', { cpu: '1', node: 'a1', priority: 10 }),
      owned('big', { cpu: '4', node: 'a1' }),
    ],
  });
}

describe('capacity survive', () => {
  it('losing a zone is survivable with MostAllocated (packing) and not with LeastAllocated (spreading)', () => {
    const cluster = zoneCluster();
    const zone = selectNodes(cluster, { zone: 'a' });
    assert.deepEqual(zone, { mode: 'zone', zone: 'a', nodes: ['a1'] });
    const removed = new Set(zone.mode === 'zone' ? zone.nodes : []);
    const packed = survive(cluster, removed, { profile: profile('MostAllocated'), tieBreak: 'first', seed: 1 });
    assert.equal(packed.survivable, true);
    assert.deepEqual(packed.rescheduled, [
      { pod: 'default/small-1', node: 'b1' },
      { pod: 'default/small-2', node: 'b1' },
      { pod: 'default/big', node: 'b2' },
    ]);
    const spread = survive(cluster, removed, { profile: profile('LeastAllocated'), tieBreak: 'first', seed: 1 });
    assert.equal(spread.survivable, false);
    assert.deepEqual(
      spread.stranded.map((s) => [s.pod, s.owner, s.cpuMillis]),
      [['default/big', 'ReplicaSet/app', 4000]],
    );
    assert.match(spread.stranded[0].reason, /Insufficient cpu/);
    assert.deepEqual(spread.byNamespace, { default: { pods: 1, cpuMillis: 4000, memoryBytes: 1024 ** 3 } });
    assert.deepEqual(Object.keys(spread.byOwner), ['default/ReplicaSet/app']);
  });

  it('higher-priority pods are placed first and preempt lower-priority ones, which are re-created and queued', () => {
    const cluster = makeCluster({
      nodes: [makeNode('a', { cpu: '4' }), makeNode('b', { cpu: '4' })],
      pods: [
        owned('vip', { cpu: '3', node: 'a', priority: 100 }),
        owned('filler', { cpu: '3', node: 'b', priority: 1 }),
      ],
    });
    const r = survive(cluster, new Set(['a']), { profile: profile(), tieBreak: 'first', seed: 1 });
    assert.deepEqual(r.preempted, [{ pod: 'default/filler', node: 'b', by: 'default/vip' }]);
    assert.deepEqual(r.rescheduled, [{ pod: 'default/vip', node: 'b' }]);
    assert.deepEqual(
      r.stranded.map((s) => s.pod),
      ['default/filler'],
    );
  });

  it('bare pods are lost (nothing re-creates them), DaemonSet pods are not displaced', () => {
    const daemon = makePod('agent', { cpu: '100m', node: 'a' });
    daemon.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', controller: true }];
    const cluster = makeCluster({
      nodes: [makeNode('a'), makeNode('b')],
      pods: [makePod('bare', { cpu: '1', node: 'a' }), daemon],
    });
    const r = survive(cluster, new Set(['a']), { profile: profile(), tieBreak: 'first', seed: 1 });
    assert.equal(r.displaced, 1);
    assert.deepEqual(
      r.stranded.map((s) => [s.pod, s.reason]),
      [['default/bare', 'no controller re-creates it']],
    );
  });

  it('reports the pods whose loss breaks a PodDisruptionBudget', () => {
    const labels = { app: 'web' };
    const cluster = makeCluster({
      nodes: [makeNode('a'), makeNode('b')],
      pods: [
        owned('web-1', { cpu: '1', node: 'a', labels }),
        owned('web-2', { cpu: '1', node: 'a', labels }),
        owned('web-3', { cpu: '1', node: 'b', labels }),
      ],
      podDisruptionBudgets: [
        {
          metadata: { name: 'web', namespace: 'default' },
          spec: { selector: { matchLabels: labels }, maxUnavailable: 1 },
        },
        {
          metadata: { name: 'loose', namespace: 'default' },
          spec: { selector: { matchLabels: labels }, minAvailable: '30%' },
        },
      ],
    });
    const r = survive(cluster, new Set(['a']), { profile: profile(), tieBreak: 'first', seed: 1 });
    assert.equal(r.survivable, true);
    assert.deepEqual(r.pdbViolations, [
      { pdb: 'default/web', allowed: 1, lost: 2, pods: ['default/web-1', 'default/web-2'] },
    ]);
  });

  it('--worst finds the node set that strands the most, exactly when the sets are few and greedily otherwise', () => {
    const cluster = zoneCluster();
    const o = { profile: profile('LeastAllocated'), tieBreak: 'first' as const, seed: 1 };
    const exact = worstNodes(cluster, 1, o);
    assert.equal(exact.method, 'exact');
    // a1 strands the big pod; b1 and b2 hold nothing, so they cannot beat it and are not rescheduled.
    assert.equal(exact.evaluated, 1);
    assert.deepEqual(exact.result.removedNodes, ['a1']);
    const nodes = Array.from({ length: 30 }, (_, i) => makeNode(`n${i}`, { cpu: '2' }));
    const many = makeCluster({
      nodes: [...nodes, makeNode('big', { cpu: '16' })],
      pods: [owned('huge', { cpu: '12', node: 'big' })],
    });
    const greedy = worstNodes(many, 3, o);
    assert.equal(greedy.method, 'greedy');
    assert.equal(greedy.candidates, 31);
    assert.ok(greedy.result.removedNodes.includes('big'));
    assert.equal(greedy.result.strandedTotals.cpuMillis, 12000);
  });

  it('node selection refuses unknown nodes, empty zones and more than one way of choosing', () => {
    const cluster = zoneCluster();
    assert.throws(() => selectNodes(cluster, { nodes: 'a1,zz' }), /no node named "zz"/);
    assert.throws(() => selectNodes(cluster, { zone: 'q' }), /zones: a, b/);
    assert.throws(() => selectNodes(cluster, { zone: 'a', worst: '1' }), /exactly one/);
    assert.throws(() => selectNodes(cluster, { worst: '9' }), /from 1 to 3/);
  });
});
