// The worker pool decides exactly as the inline engine: same placements, totals, feasible sets,
// reasons and explanations, on random clusters and while the cluster changes between pods.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { builtinRegistry, DEFAULT_MULTI_POINT } from '../../plugins/index.js';
import type { ClusterSnapshot, KubeSchedulerConfiguration } from '../../src/api/types.js';
import { closePools, sharedPool, usesPool } from '../../src/engine/executor.js';
import { PoolScheduler } from '../../src/engine/pool/pool.js';
import type { PodResult } from '../../src/engine/result.js';
import { scheduleAll, scheduleAllWith } from '../../src/engine/schedule-all.js';
import { Scheduler, type TieBreak } from '../../src/engine/scheduler.js';
import { chooseProfile } from '../../src/framework/config-file.js';
import { buildProfiles } from '../../src/framework/profile.js';
import { Snapshot } from '../../src/snapshot/snapshot.js';
import { makeCluster, makeNode, makePod } from '../helpers/cluster.js';
import { clusterArb, nodeArb } from '../helpers/random-cluster.js';

after(closePools);

const every: KubeSchedulerConfiguration = {
  apiVersion: 'kubescheduler.config.k8s.io/v1',
  kind: 'KubeSchedulerConfiguration',
  percentageOfNodesToScore: 100,
};
const profile = buildProfiles(every, { registry: builtinRegistry(), defaults: DEFAULT_MULTI_POINT }).profiles[0];

/** A change made between two pods: unbind the k-th bound pod, cordon/uncordon a node, or add a node. */
type Change = { kind: 'unbind' | 'cordon' | 'add'; k: number };

interface RunOptions {
  seed: number;
  tieBreak: TieBreak;
  explain: boolean;
  changes?: Change[];
  extraNodes?: ClusterSnapshot['nodes'];
}

/** Schedules every pending pod in order (assumed before the next), applying `changes[i]` after pod i. */
async function run(cluster: ClusterSnapshot, o: RunOptions, workers: number | null): Promise<PodResult[]> {
  const snap = new Snapshot(cluster);
  const scheduler = new Scheduler(profile, snap, { tieBreak: o.tieBreak, seed: o.seed, explain: o.explain });
  const pool = workers ? new PoolScheduler(scheduler, await sharedPool(workers), { config: every, plugins: [] }) : null;
  const results: PodResult[] = [];
  let added = 0;
  for (const [i, pod] of cluster.pendingPods.entries()) {
    const info = snap.podInfo(pod);
    const r = pool ? await pool.scheduleOne(info) : scheduler.scheduleOne(info);
    results.push(r);
    if (r.chosenNode !== undefined) snap.bind(info, snap.nodeIndex.get(r.chosenNode)!);
    const change = o.changes?.[i];
    if (!change) continue;
    const bound = [...snap.boundPods()];
    if (change.kind === 'unbind' && bound.length > 0) snap.unbind(bound[change.k % bound.length]);
    if (change.kind === 'cordon') {
      const n = change.k % snap.nodeCount;
      snap.setUnschedulable(n, snap.unschedulable[n] === 0);
    }
    if (change.kind === 'add' && o.extraNodes && added < o.extraNodes.length) snap.addNode(o.extraNodes[added++]);
  }
  pool?.close();
  return results;
}

const changeArb: fc.Arbitrary<Change> = fc.record({
  kind: fc.constantFrom<Change['kind']>('unbind', 'cordon', 'add'),
  k: fc.nat(50),
});
const extraNodesArb = fc.tuple(...Array.from({ length: 3 }, (_, i) => nodeArb(100 + i)));

describe('worker pool', () => {
  test('pool and inline give identical placements, totals and reasons on random clusters (tie-break random)', async () => {
    await fc.assert(
      fc.asyncProperty(
        clusterArb,
        fc.nat(),
        fc.array(changeArb, { maxLength: 12 }),
        extraNodesArb,
        fc.constantFrom(2, 3),
        async (cluster, seed, changes, extraNodes, workers) => {
          const o: RunOptions = { seed, tieBreak: 'random', explain: false, changes, extraNodes };
          assert.deepEqual(await run(cluster, o, workers), await run(cluster, o, null));
        },
      ),
      { numRuns: 60 },
    );
  });

  test('pool and inline give identical explanations (per-node reasons and per-plugin scores) on random clusters', async () => {
    await fc.assert(
      fc.asyncProperty(clusterArb, fc.array(changeArb, { maxLength: 12 }), async (cluster, changes) => {
        const o: RunOptions = { seed: 1, tieBreak: 'first', explain: true, changes };
        assert.deepEqual(await run(cluster, o, 2), await run(cluster, o, null));
      }),
      { numRuns: 40 },
    );
  });

  test('identical decisions on 1,200 nodes, where each range spans several filter chunks', async () => {
    const zones = ['z1', 'z2', 'z3'];
    const nodes = Array.from({ length: 1200 }, (_, i) =>
      makeNode(`n-${i}`, {
        cpu: String(2 + (i % 5)),
        labels: { 'topology.kubernetes.io/zone': zones[i % 3] },
        taints: i % 7 === 0 ? [{ key: 'spot', value: 'a', effect: 'PreferNoSchedule' }] : undefined,
      }),
    );
    const pendingPods = Array.from({ length: 40 }, (_, i) =>
      makePod(`p-${i}`, {
        cpu: `${500 + (i % 4) * 250}m`,
        labels: { app: i % 2 ? 'web' : 'db' },
        spec: {
          topologySpreadConstraints:
            i % 3 === 0
              ? [
                  {
                    maxSkew: 1,
                    topologyKey: 'topology.kubernetes.io/zone',
                    whenUnsatisfiable: 'DoNotSchedule',
                    labelSelector: { matchLabels: { app: 'db' } },
                  },
                ]
              : undefined,
        },
      }),
    );
    const cluster = makeCluster({ nodes, pendingPods });
    const o: RunOptions = { seed: 7, tieBreak: 'random', explain: false };
    assert.deepEqual(await run(cluster, o, 2), await run(cluster, o, null));
  });

  test('columns that grow or appear after the workers attached reach them (added nodes, a new label key, taint and image pools)', async () => {
    const nodes = Array.from({ length: 16 }, (_, i) => makeNode(`n-${i}`, { cpu: '2' }));
    const pendingPods = Array.from({ length: 30 }, (_, i) =>
      makePod(`p-${i}`, { cpu: '500m', spec: i >= 10 ? { nodeSelector: { accelerator: `gpu-${i % 3}` } } : {} }),
    );
    const extraNodes = Array.from({ length: 30 }, (_, i) =>
      makeNode(`gpu-${i}`, {
        cpu: '8',
        labels: { accelerator: `gpu-${i % 3}` },
        taints: i % 4 === 0 ? [{ key: 'spot', value: 'a', effect: 'PreferNoSchedule' }] : undefined,
        images: i % 2 === 0 ? [{ names: ['app:1', `extra-${i}:1`], sizeBytes: 600_000_000 }] : undefined,
      }),
    );
    const cluster = makeCluster({ nodes, pendingPods });
    const changes: Change[] = Array.from({ length: 30 }, (_, k) => ({ kind: 'add', k }));
    const o: RunOptions = { seed: 3, tieBreak: 'random', explain: false, changes, extraNodes };
    const pooled = await run(cluster, o, 2);
    assert.deepEqual(pooled, await run(cluster, o, null));
    assert.ok(pooled.slice(10).every((r) => r.chosenNode?.startsWith('gpu-')));
  });

  test('a user plugin loaded with --plugin runs in the workers (by module path) and decides as inline', async () => {
    const path = fileURLToPath(new URL('../../plugins/examples/spot-guard.js', import.meta.url));
    const registry = builtinRegistry();
    await registry.loadModule(path);
    const config: KubeSchedulerConfiguration = {
      apiVersion: 'kubescheduler.config.k8s.io/v1',
      kind: 'KubeSchedulerConfiguration',
      profiles: [
        {
          plugins: { filter: { enabled: [{ name: 'SpotGuard' }] } },
          pluginConfig: [{ name: 'SpotGuard', args: { priorityClassNames: ['business-critical'] } }],
        },
      ],
    };
    const profileWithPlugin = chooseProfile({ config, registry });
    const cluster = makeCluster({
      nodes: [
        makeNode('spot-1', { labels: { 'karpenter.sh/capacity-type': 'spot' } }),
        makeNode('ondemand-1', { labels: { 'karpenter.sh/capacity-type': 'on-demand' } }),
      ],
      pendingPods: [makePod('payments', { spec: { priorityClassName: 'business-critical' } })],
    });
    const options = { tieBreak: 'first' as const, seed: 1, explain: true };
    const pooled = await scheduleAllWith(cluster, profileWithPlugin, { config, plugins: [path] }, options, {
      executor: 'pool',
      workers: 2,
    });
    assert.equal(pooled.results[0].filterFailures['spot-1'].plugin, 'SpotGuard');
    assert.deepEqual(pooled, scheduleAll(cluster, profileWithPlugin, options));
  });

  test('auto uses the pool only from the measured threshold, and never for one worker', () => {
    assert.equal(usesPool({ executor: 'auto', workers: 2 }, 100), false);
    assert.equal(usesPool({ executor: 'auto', workers: 2 }, 1_000_000), true);
    assert.equal(usesPool({ executor: 'auto', workers: 1 }, 1_000_000), false);
    assert.equal(usesPool({ executor: 'pool', workers: 2 }, 3), true);
    assert.equal(usesPool({ executor: 'single', workers: 4 }, 1_000_000), false);
  });
});
