// Invariants of the scheduling cycle on random clusters (fast-check).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { builtinRegistry, DEFAULT_MULTI_POINT } from '../../plugins/index.js';
import type { ClusterSnapshot } from '../../src/api/types.js';
import { Scheduler } from '../../src/engine/scheduler.js';
import { buildProfiles } from '../../src/framework/profile.js';
import { SKIP, SUCCESS } from '../../src/framework/status.js';
import { RESOURCE_CPU, RESOURCE_MEMORY, Snapshot } from '../../src/snapshot/snapshot.js';
import { clusterArb } from '../helpers/random-cluster.js';

const profile = buildProfiles(undefined, { registry: builtinRegistry(), defaults: DEFAULT_MULTI_POINT }).profiles[0];

/** Schedules every pending pod; calls `check` with each decision before it is assumed. */
function scheduleEach(
  cluster: ClusterSnapshot,
  seed: number,
  check?: (snap: Snapshot, pod: ReturnType<Snapshot['podInfo']>, node: number | undefined) => void,
): (string | undefined)[] {
  const snap = new Snapshot(cluster);
  const s = new Scheduler(profile, snap, { tieBreak: 'random', seed, explain: true });
  return cluster.pendingPods.map((p) => {
    const info = snap.podInfo(p);
    const r = s.scheduleOne(info);
    const node = r.chosenNode === undefined ? undefined : snap.nodeIndex.get(r.chosenNode);
    check?.(snap, info, node);
    if (node !== undefined) snap.bind(info, node);
    return r.chosenNode;
  });
}

describe('scheduling invariants on random clusters', () => {
  test('every chosen node passes every filter plugin, each run alone', () => {
    fc.assert(
      fc.property(clusterArb, fc.nat(), (cluster, seed) => {
        scheduleEach(cluster, seed, (snap, pod, node) => {
          if (node === undefined) return;
          for (const plugin of profile.filter) {
            const cycle = { pod, snapshot: snap };
            const pre = plugin.preFilter ? plugin.preFilter(cycle) : { code: SUCCESS, state: undefined };
            if (pre.code === SKIP) continue;
            assert.equal(pre.code, SUCCESS, `${plugin.name} PreFilter`);
            assert.equal(plugin.filter!(cycle, pre.state, node), SUCCESS, `${plugin.name} rejects the chosen node`);
          }
        });
      }),
      { numRuns: 150 },
    );
  });

  test("each node's total equals the sum of weight × normalized score, and the chosen node has the top total", () => {
    fc.assert(
      fc.property(clusterArb, (cluster) => {
        const snap = new Snapshot(cluster);
        const s = new Scheduler(profile, snap, { tieBreak: 'first', seed: 1, explain: true });
        for (const p of cluster.pendingPods) {
          const info = snap.podInfo(p);
          const r = s.scheduleOne(info);
          for (const [, score] of Object.entries(r.scores ?? {})) {
            const sum = Object.values(score.plugins).reduce((acc, x) => acc + x.weight * x.normalized, 0);
            assert.equal(score.total, sum);
            for (const x of Object.values(score.plugins)) assert.ok(x.normalized >= 0 && x.normalized <= 100);
          }
          if (r.scores && r.chosenNode) assert.equal(r.scores[r.chosenNode].total, r.maxTotal);
          if (r.chosenNode) snap.bind(info, snap.nodeIndex.get(r.chosenNode)!);
        }
      }),
      { numRuns: 150 },
    );
  });

  test('after sequential scheduling no node’s requests exceed its allocatable', () => {
    fc.assert(
      fc.property(clusterArb, fc.nat(), (cluster, seed) => {
        const snap = new Snapshot(cluster);
        const s = new Scheduler(profile, snap, { tieBreak: 'random', seed, explain: false });
        for (const p of cluster.pendingPods) {
          const info = snap.podInfo(p);
          const r = s.scheduleOne(info);
          if (r.chosenNode) snap.bind(info, snap.nodeIndex.get(r.chosenNode)!);
        }
        for (let n = 0; n < snap.nodeCount; n++) {
          for (const r of [RESOURCE_CPU, RESOURCE_MEMORY])
            assert.ok(snap.requested[r][n] <= snap.allocatable[r][n], `node ${n} resource ${r}`);
          assert.ok(snap.podCount[n] <= snap.allocatable[3][n]);
        }
      }),
      { numRuns: 200 },
    );
  });

  test('the same seed gives the same placements', () => {
    fc.assert(
      fc.property(clusterArb, fc.nat(), (cluster, seed) => {
        assert.deepEqual(scheduleEach(cluster, seed), scheduleEach(cluster, seed));
      }),
      { numRuns: 100 },
    );
  });
});
