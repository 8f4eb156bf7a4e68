import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { builtinRegistry, DEFAULT_MULTI_POINT } from '../../plugins/index.js';
import { scheduleAll } from '../../src/engine/schedule-all.js';
import { numFeasibleNodesToFind, Scheduler, summarize } from '../../src/engine/scheduler.js';
import { buildProfiles } from '../../src/framework/profile.js';
import { Snapshot } from '../../src/snapshot/snapshot.js';
import { makeCluster, makeNode, makePod } from '../helpers/cluster.js';

const profile = buildProfiles(undefined, { registry: builtinRegistry(), defaults: DEFAULT_MULTI_POINT }).profiles[0];

describe('numFeasibleNodesToFind', () => {
  const cases: [number, number, number][] = [
    // [percentage, nodes, expected]
    [0, 50, 50],
    [0, 99, 99],
    [0, 100, 100],
    [0, 1000, 420], // 50 - 1000/125 = 42 %
    [0, 5000, 500], // 50 - 40 = 10 %
    [0, 6000, 300], // 50 - 48 = 2 % → floor of 5 %
    [100, 5000, 5000],
    [1, 5000, 100], // at least 100
  ];
  for (const [pct, n, want] of cases) {
    test(`${pct}% of ${n} nodes → ${want}`, () => assert.equal(numFeasibleNodesToFind(pct, n), want));
  }
});

describe('sequential scheduling', () => {
  test('each pod is assumed before the next, so later pods see earlier ones', () => {
    const cluster = makeCluster({
      nodes: [makeNode('a', { cpu: '1' }), makeNode('b', { cpu: '1' })],
      pendingPods: [makePod('p1', { cpu: '600m' }), makePod('p2', { cpu: '600m' }), makePod('p3', { cpu: '600m' })],
    });
    const out = scheduleAll(cluster, profile, { tieBreak: 'first', seed: 1, explain: true });
    const chosen = out.results.map((r) => r.chosenNode);
    assert.deepEqual(chosen.slice(0, 2).sort(), ['a', 'b']);
    assert.equal(chosen[2], undefined);
    assert.match(out.results[2].message ?? '', /^0\/2 nodes are available: 2 Insufficient cpu\.$/);
  });

  test('higher priority pods are scheduled first; results stay in input order', () => {
    const cluster = makeCluster({
      nodes: [makeNode('a', { cpu: '1' })],
      pendingPods: [makePod('low', { cpu: '800m' }), makePod('high', { cpu: '800m', spec: { priority: 1000 } })],
    });
    const out = scheduleAll(cluster, profile, { tieBreak: 'first', seed: 1, explain: true });
    assert.deepEqual(
      out.results.map((r) => [r.pod, r.chosenNode]),
      [
        ['default/low', undefined],
        ['default/high', 'a'],
      ],
    );
  });

  test('gated pods are not attempted', () => {
    const cluster = makeCluster({
      nodes: [makeNode('a')],
      pendingPods: [makePod('gated', { spec: { schedulingGates: [{ name: 'example.com/wait' }] } })],
    });
    const out = scheduleAll(cluster, profile, { tieBreak: 'first', seed: 1, explain: false });
    assert.equal(out.results[0].gated, true);
    assert.equal(out.results[0].chosenNode, undefined);
  });

  test('tie-break first picks the first top node in input order', () => {
    const cluster = makeCluster({
      nodes: ['n3', 'n1', 'n2'].map((n) => makeNode(n)),
      pendingPods: [makePod('p', { cpu: '100m' })],
    });
    const out = scheduleAll(cluster, profile, { tieBreak: 'first', seed: 1, explain: true });
    assert.deepEqual(out.results[0].bestNodes, ['n3', 'n1', 'n2']);
    assert.equal(out.results[0].chosenNode, 'n3');
  });

  test('random tie-break: the same seed gives the same placements, and ties spread', () => {
    const nodes = Array.from({ length: 8 }, (_, i) => makeNode(`n${i}`, { cpu: '64', memory: '256Gi' }));
    const pods = Array.from({ length: 40 }, (_, i) => makePod(`p${i}`, { cpu: '1m', memory: '1Ki' }));
    const run = (seed: number) =>
      scheduleAll(makeCluster({ nodes, pendingPods: pods }), profile, {
        tieBreak: 'random',
        seed,
        explain: false,
      }).results.map((r) => r.chosenNode);
    assert.deepEqual(run(7), run(7));
    assert.ok(new Set(run(7)).size > 1);
  });
});

describe('filter explanations', () => {
  test('a node rejected by several plugins names the first in profile order', () => {
    const snap = new Snapshot(
      makeCluster({
        nodes: [makeNode('cordoned', { unschedulable: true, cpu: '100m' })],
      }),
    );
    const s = new Scheduler(profile, snap, { tieBreak: 'first', seed: 1, explain: true });
    const r = s.scheduleOne(snap.podInfo(makePod('p', { cpu: '1' })));
    assert.deepEqual(r.filterFailures.cordoned, {
      plugin: 'NodeUnschedulable',
      code: 'UnschedulableAndUnresolvable',
      reasons: ['node(s) were unschedulable'],
    });
  });

  test('summarize counts reasons like kube-scheduler, sorted', () => {
    const msg = summarize(6, {
      a: { plugin: 'NodeResourcesFit', code: 'Unschedulable', reasons: ['Insufficient cpu'] },
      b: { plugin: 'NodeResourcesFit', code: 'Unschedulable', reasons: ['Insufficient cpu', 'Insufficient memory'] },
      c: {
        plugin: 'TaintToleration',
        code: 'UnschedulableAndUnresolvable',
        reasons: ['node(s) had untolerated taint(s)'],
      },
    });
    assert.equal(
      msg,
      '0/6 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint(s), 2 Insufficient cpu.',
    );
  });

  test('sampling: with 1,000 nodes only 42% are filtered, and the start rotates', () => {
    const nodes = Array.from({ length: 1000 }, (_, i) => makeNode(`n${String(i).padStart(4, '0')}`));
    const snap = new Snapshot(makeCluster({ nodes }));
    const s = new Scheduler(profile, snap, { tieBreak: 'first', seed: 1, explain: true });
    const r1 = s.scheduleOne(snap.podInfo(makePod('p1', { cpu: '1m' })));
    const r2 = s.scheduleOne(snap.podInfo(makePod('p2', { cpu: '1m' })));
    assert.equal(r1.feasibleNodes.length, 420);
    assert.equal(r1.feasibleNodes[0], 'n0000');
    assert.equal(r2.feasibleNodes[0], 'n0420');
  });
});
