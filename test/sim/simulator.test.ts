import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeCluster, makeNode, makePod } from '../helpers/cluster.js';
import { events, podEvent, simulate } from './helpers.js';

describe('simulator', () => {
  it('ends at the last trace event unless told when', () => {
    const cluster = makeCluster({ nodes: [makeNode('n1')] });
    const rows = [podEvent(0, makePod('a', { cpu: '1' }), 100), podEvent(10, makePod('b', { cpu: '1' }))];
    assert.equal(simulate(cluster, rows).summary.simulatedSeconds, 10);
    assert.equal(simulate(cluster, rows).summary.pods.runningAtEnd, 2);
    const later = simulate(cluster, rows, { until: 500 }).summary;
    assert.deepEqual([later.simulatedSeconds, later.pods.completed, later.pods.runningAtEnd], [500, 1, 1]);
  });

  it("frees a pod's resources when its duration ends, and the waiting pod gets them then", () => {
    const cluster = makeCluster({ nodes: [makeNode('n1', { cpu: '4' })] });
    const { log, summary } = simulate(
      cluster,
      [podEvent(0, makePod('a', { cpu: '3' }), 100), podEvent(10, makePod('b', { cpu: '3' }), 50)],
      {
        until: 150,
      },
    );
    assert.deepEqual(events(log, 'scheduled'), [
      [0, 'default/a', 'n1'],
      [100, 'default/b', 'n1'],
    ]);
    assert.equal(summary.pods.completed, 2);
    assert.equal(summary.pendingSeconds.max, 90);
    assert.equal(summary.simulatedSeconds, 150);
  });

  it('a deleted pod frees its node at once; deleting a pending pod removes it from the queue', () => {
    const cluster = makeCluster({ nodes: [makeNode('n1', { cpu: '4' })] });
    const { log, summary } = simulate(cluster, [
      podEvent(0, makePod('a', { cpu: '3' })),
      podEvent(1, makePod('b', { cpu: '3' })),
      podEvent(2, makePod('c', { cpu: '3' })),
      { t: 5, type: 'pod-delete', name: 'b' },
      { t: 20, type: 'pod-delete', name: 'a' },
    ]);
    assert.deepEqual(events(log, 'scheduled'), [
      [0, 'default/a', 'n1'],
      [20, 'default/c', 'n1'],
    ]);
    assert.equal(summary.pods.neverScheduled, 1);
  });

  it('schedules higher priority first among pods waiting at the same time', () => {
    const cluster = makeCluster({ nodes: [makeNode('n1', { cpu: '4' })] });
    const low = makePod('low', { cpu: '3', spec: { priority: 0 } });
    const high = makePod('high', { cpu: '3', spec: { priority: 10 } });
    const { log } = simulate(
      cluster,
      [
        podEvent(0, makePod('first', { cpu: '3', spec: { priority: 100 } }), 30),
        podEvent(1, low, 10),
        podEvent(2, high, 10),
      ],
      {
        until: 100,
      },
    );
    assert.deepEqual(
      events(log, 'scheduled').map((e) => e.slice(0, 2)),
      [
        [0, 'default/first'],
        [30, 'default/high'],
        [40, 'default/low'],
      ],
    );
  });

  it('preempts the minimal set of lower-priority pods on the node and records the victims', () => {
    const cluster = makeCluster({ nodes: [makeNode('n1', { cpu: '4' })] });
    const { log, summary } = simulate(cluster, [
      podEvent(0, makePod('big', { cpu: '2', spec: { priority: 0 } })),
      podEvent(1, makePod('small', { cpu: '1', spec: { priority: 0 } })),
      podEvent(2, makePod('vip', { cpu: '2', spec: { priority: 100 } })),
    ]);
    assert.deepEqual(events(log, 'preempted'), [[2, 'default/small', 'n1']]);
    assert.deepEqual(events(log, 'scheduled').at(-1), [2, 'default/vip', 'n1']);
    assert.equal(summary.pods.preempted, 1);
  });

  it('never preempts for a pod with preemptionPolicy Never, nor pods of equal priority', () => {
    const cluster = makeCluster({ nodes: [makeNode('n1', { cpu: '4' })] });
    const { summary } = simulate(cluster, [
      podEvent(0, makePod('a', { cpu: '3', spec: { priority: 0 } })),
      podEvent(1, makePod('polite', { cpu: '3', spec: { priority: 100, preemptionPolicy: 'Never' } })),
      podEvent(2, makePod('peer', { cpu: '3', spec: { priority: 0 } })),
    ]);
    assert.equal(summary.pods.preempted, 0);
    assert.equal(summary.pods.pendingAtEnd, 2);
  });

  it('keeps gated pods out of scheduling until their gates are removed', () => {
    const cluster = makeCluster({ nodes: [makeNode('n1')] });
    const gated = makePod('g', { cpu: '1', spec: { schedulingGates: [{ name: 'example.com/wait' }] } });
    const { log } = simulate(cluster, [
      podEvent(0, gated),
      podEvent(5, makePod('x', { cpu: '1' })),
      { t: 50, type: 'pod-ungate', name: 'g' },
    ]);
    assert.deepEqual(
      events(log, 'scheduled').map((e) => e.slice(0, 2)),
      [
        [5, 'default/x'],
        [50, 'default/g'],
      ],
    );
    const stillGated = simulate(cluster, [podEvent(0, gated)]);
    assert.equal(stillGated.summary.pods.gatedAtEnd, 1);
    assert.deepEqual(stillGated.summary.pendingReasons, [{ message: 'waiting for scheduling gates', pods: 1 }]);
  });

  it('retries unschedulable pods when a node is added or uncordoned', () => {
    const cluster = makeCluster({ nodes: [makeNode('n1', { cpu: '1', unschedulable: true })] });
    const { log } = simulate(cluster, [
      podEvent(0, makePod('a', { cpu: '1' })),
      podEvent(0, makePod('b', { cpu: '2' })),
      { t: 7, type: 'node-uncordon', name: 'n1' },
      { t: 9, type: 'node-add', node: makeNode('n2', { cpu: '2' }) },
    ]);
    assert.deepEqual(events(log, 'scheduled'), [
      [7, 'default/a', 'n1'],
      [9, 'default/b', 'n2'],
    ]);
  });

  it('without cluster changes, retries an unschedulable pod after 5 minutes (on the 30 s flush)', () => {
    const cluster = makeCluster({ nodes: [makeNode('n1', { cpu: '4' })] });
    const sizes: number[] = [];
    simulate(cluster, [podEvent(0, makePod('a', { cpu: '8' })), podEvent(1000, makePod('end', { cpu: '1' }))], {
      onInstant: (sim) => sizes.push(sim.now),
    });
    assert.ok(sizes.includes(300), `instants ${sizes.join(',')}`);
    assert.ok(sizes.includes(600));
  });

  it('drains a removed node: owned pods are recreated elsewhere, bare pods are gone', () => {
    const cluster = makeCluster({ nodes: [makeNode('n1', { cpu: '8' })] });
    const owned = makePod('owned', { cpu: '3' });
    owned.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', controller: true }];
    const { log, summary } = simulate(
      cluster,
      [
        podEvent(0, owned, 100),
        podEvent(0, makePod('bare', { cpu: '3' })),
        { t: 5, type: 'node-add', node: makeNode('n2', { cpu: '8' }) },
        { t: 10, type: 'node-remove', name: 'n1' },
      ],
      { until: 100 },
    );
    assert.deepEqual(
      events(log, 'evicted').map((e) => e[1]),
      ['default/owned', 'default/bare'],
    );
    assert.deepEqual(events(log, 'scheduled').at(-1), [10, 'default/owned', 'n2']);
    assert.equal(summary.pods.evictedByNodeRemoval, 2);
    assert.equal(summary.pods.completed, 1, 'the replacement runs for what was left of its duration');
  });

  it('a failed node loses its pods at once; owned pods are replaced after the 300 s eviction delay', () => {
    const cluster = makeCluster({ nodes: [makeNode('n1'), makeNode('n2', { cpu: '1' })] });
    const owned = makePod('owned', { cpu: '3' });
    owned.metadata.ownerReferences = [{ apiVersion: 'batch/v1', kind: 'Job', name: 'j', controller: true }];
    const { log, summary } = simulate(
      cluster,
      [
        podEvent(0, owned, 1000),
        { t: 100, type: 'node-fail', name: 'n1' },
        { t: 200, type: 'node-add', node: makeNode('n3') },
      ],
      { until: 1300 },
    );
    assert.equal(summary.pods.lostWithFailedNodes, 1);
    assert.deepEqual(events(log, 'scheduled').at(-1), [400, 'default/owned', 'n3']);
    assert.equal(summary.pods.completed, 1, 'the replacement runs the 900 s its predecessor had left');
  });

  it('reports a row naming a missing node as file:line, or skips it with skipBadRows', () => {
    const cluster = makeCluster({ nodes: [makeNode('n1')] });
    assert.throws(
      () => simulate(cluster, [{ t: 0, type: 'node-cordon', name: 'nope' }]),
      /trace\.jsonl:1 name: no node named nope/,
    );
    const { summary } = simulate(cluster, [{ t: 0, type: 'node-cordon', name: 'nope' }], { skipBadRows: true });
    assert.equal(summary.badRows.count, 1);
    assert.match(summary.badRows.listed[0], /trace\.jsonl:1 name: no node named nope/);
  });
});
