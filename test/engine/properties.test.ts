// Invariants of the scheduling cycle on random clusters (fast-check).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { builtinRegistry, DEFAULT_MULTI_POINT } from '../../plugins/index.js';
import type { ClusterSnapshot, Node, Pod, Taint, Toleration } from '../../src/api/types.js';
import { Scheduler } from '../../src/engine/scheduler.js';
import { buildProfiles } from '../../src/framework/profile.js';
import { SKIP, SUCCESS } from '../../src/framework/status.js';
import { RESOURCE_CPU, RESOURCE_MEMORY, Snapshot } from '../../src/snapshot/snapshot.js';
import { makeCluster } from '../helpers/cluster.js';

const profile = buildProfiles(undefined, { registry: builtinRegistry(), defaults: DEFAULT_MULTI_POINT }).profiles[0];

const zones = ['z1', 'z2', 'z3'];
const apps = ['web', 'db', 'cache'];

const taintArb: fc.Arbitrary<Taint> = fc.record({
  key: fc.constantFrom('dedicated', 'spot'),
  value: fc.constantFrom('a', 'b'),
  effect: fc.constantFrom('NoSchedule', 'PreferNoSchedule', 'NoExecute'),
});

const tolerationArb: fc.Arbitrary<Toleration> = fc
  .record({
    key: fc.constantFrom('dedicated', 'spot'),
    operator: fc.constantFrom('Equal', 'Exists'),
    value: fc.constantFrom('a', 'b'),
    effect: fc.constantFrom('NoSchedule', 'PreferNoSchedule', 'NoExecute', ''),
  })
  .map((t) => (t.operator === 'Exists' ? { key: t.key, operator: t.operator, effect: t.effect } : t) as Toleration);

const nodeArb = (i: number): fc.Arbitrary<Node> =>
  fc
    .record({
      cpu: fc.integer({ min: 1, max: 16 }),
      memGi: fc.integer({ min: 1, max: 64 }),
      pods: fc.integer({ min: 1, max: 20 }),
      zone: fc.constantFrom(...zones),
      disk: fc.constantFrom('ssd', 'hdd'),
      taints: fc.array(taintArb, { maxLength: 2 }),
      unschedulable: fc.boolean().map((b) => b && i % 5 === 0),
    })
    .map((n) => ({
      metadata: {
        name: `node-${i}`,
        labels: { 'kubernetes.io/hostname': `node-${i}`, 'topology.kubernetes.io/zone': n.zone, disk: n.disk },
      },
      spec: { taints: n.taints, unschedulable: n.unschedulable },
      status: { allocatable: { cpu: String(n.cpu), memory: `${n.memGi}Gi`, pods: String(n.pods) } },
    }));

const podArb = (name: string): fc.Arbitrary<Pod> =>
  fc
    .record({
      cpuMilli: fc.integer({ min: 0, max: 4000 }),
      memMi: fc.integer({ min: 0, max: 8192 }),
      app: fc.constantFrom(...apps),
      priority: fc.integer({ min: 0, max: 3 }),
      tolerations: fc.array(tolerationArb, { maxLength: 2 }),
      selector: fc.option(fc.constantFrom('ssd', 'hdd'), { nil: undefined }),
      spread: fc.option(fc.constantFrom<'DoNotSchedule' | 'ScheduleAnyway'>('DoNotSchedule', 'ScheduleAnyway'), {
        nil: undefined,
      }),
      anti: fc.boolean(),
      preferZone: fc.option(fc.constantFrom(...zones), { nil: undefined }),
    })
    .map((p) => ({
      metadata: { name, namespace: 'default', uid: `default/${name}`, labels: { app: p.app } },
      spec: {
        priority: p.priority,
        containers: [
          { name: 'c', image: 'app:1', resources: { requests: { cpu: `${p.cpuMilli}m`, memory: `${p.memMi}Mi` } } },
        ],
        tolerations: p.tolerations,
        nodeSelector: p.selector ? { disk: p.selector } : undefined,
        topologySpreadConstraints: p.spread
          ? [
              {
                maxSkew: 1,
                topologyKey: 'topology.kubernetes.io/zone',
                whenUnsatisfiable: p.spread,
                labelSelector: { matchLabels: { app: p.app } },
              },
            ]
          : undefined,
        affinity: {
          ...(p.anti
            ? {
                podAntiAffinity: {
                  requiredDuringSchedulingIgnoredDuringExecution: [
                    { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: p.app } } },
                  ],
                },
              }
            : {}),
          ...(p.preferZone
            ? {
                nodeAffinity: {
                  preferredDuringSchedulingIgnoredDuringExecution: [
                    {
                      weight: 50,
                      preference: {
                        matchExpressions: [
                          { key: 'topology.kubernetes.io/zone', operator: 'In' as const, values: [p.preferZone] },
                        ],
                      },
                    },
                  ],
                },
              }
            : {}),
        },
      },
    }));

const clusterArb: fc.Arbitrary<ClusterSnapshot> = fc
  .integer({ min: 1, max: 10 })
  .chain((n) =>
    fc.record({
      nodes: fc.tuple(...Array.from({ length: n }, (_, i) => nodeArb(i))),
      pending: fc
        .integer({ min: 1, max: 12 })
        .chain((k) => fc.tuple(...Array.from({ length: k }, (_, i) => podArb(`p-${i}`)))),
    }),
  )
  .map(({ nodes, pending }) => makeCluster({ nodes, pendingPods: pending }));

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
