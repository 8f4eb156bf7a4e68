// The replay's short cycle (cachedChoice, SchedulerOptions.choiceOnly) against the full cycle.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { builtinRegistry, DEFAULT_MULTI_POINT } from '../../plugins/index.js';
import type { Node, Pod, Taint } from '../../src/api/types.js';
import { Rng } from '../../src/engine/rng.js';
import { Scheduler, type TieBreak } from '../../src/engine/scheduler.js';
import { buildProfiles } from '../../src/framework/profile.js';
import { Snapshot } from '../../src/snapshot/snapshot.js';
import { makeCluster } from '../helpers/cluster.js';

const profile = buildProfiles(undefined, { registry: builtinRegistry(), defaults: DEFAULT_MULTI_POINT }).profiles[0];

const taintArb: fc.Arbitrary<Taint> = fc.record({
  key: fc.constantFrom('dedicated', 'spot'),
  value: fc.constantFrom('a', 'b'),
  effect: fc.constantFrom('NoSchedule', 'PreferNoSchedule'),
});

const nodesArb: fc.Arbitrary<Node[]> = fc
  .array(
    fc.record({
      cpu: fc.integer({ min: 1, max: 8 }),
      memGi: fc.integer({ min: 1, max: 16 }),
      taints: fc.array(taintArb, { maxLength: 1 }),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((list) =>
    list.map((n, i) => ({
      metadata: { name: `node-${i}`, labels: { 'kubernetes.io/hostname': `node-${i}` } },
      spec: { taints: n.taints },
      status: { allocatable: { cpu: String(n.cpu), memory: `${n.memGi}Gi`, pods: '10' } },
    })),
  );

const podsArb: fc.Arbitrary<Pod[]> = fc
  .array(
    fc.record({
      cpuMilli: fc.constantFrom(0, 100, 500, 1000, 3000),
      memMi: fc.constantFrom(0, 256, 1024, 4096),
      tolerate: fc.boolean(),
      remove: fc.boolean(),
    }),
    { minLength: 1, maxLength: 40 },
  )
  .map((list) =>
    list.map((p, i) => ({
      metadata: {
        name: `pod-${i}`,
        namespace: 'default',
        annotations: (p.remove ? { remove: 'yes' } : {}) as Record<string, string>,
      },
      spec: {
        containers: [{ name: 'c', resources: { requests: { cpu: `${p.cpuMilli}m`, memory: `${p.memMi}Mi` } } }],
        tolerations: p.tolerate ? [{ key: 'spot', operator: 'Exists' as const }] : [],
      },
    })),
  );

/** Schedules the pods in order, binding each chosen one and unbinding every pod marked `remove`. */
function decisions(nodes: Node[], pods: Pod[], choiceOnly: boolean, tieBreak: TieBreak, seed: number): string[] {
  const snap = new Snapshot(makeCluster({ nodes }));
  const s = new Scheduler(profile, snap, { tieBreak, seed, explain: false, choiceOnly });
  const out: string[] = [];
  let previous: ReturnType<Snapshot['podInfo']> | null = null;
  for (const pod of pods) {
    const info = snap.podInfo(pod);
    const r = s.scheduleOne(info);
    out.push(`${r.chosenNode ?? '-'} ${r.maxTotal ?? ''} ${r.feasibleCount}`);
    if (r.chosenNode === undefined) continue;
    snap.bind(info, snap.nodeIndex.get(r.chosenNode)!);
    if (previous && pod.metadata.annotations?.remove) snap.unbind(previous);
    previous = info;
  }
  return out;
}

describe('cachedChoice', () => {
  test('choiceOnly picks the same node, top total and feasible count as the full cycle, in both tie-break modes', () => {
    fc.assert(
      fc.property(
        nodesArb,
        podsArb,
        fc.nat(),
        fc.constantFrom<TieBreak>('random', 'first'),
        (nodes, pods, seed, tb) => {
          assert.deepEqual(decisions(nodes, pods, true, tb, seed), decisions(nodes, pods, false, tb, seed));
        },
      ),
      { numRuns: 200 },
    );
  });

  test('Rng.reservoirPick gives the same pick and leaves the same state as k reservoir draws', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 3000 }), (seed, k) => {
        const a = new Rng(seed);
        let pick = 0;
        for (let j = 1; j <= k; j++) if (a.int(j) === 0) pick = j;
        const b = new Rng(seed);
        assert.equal(b.reservoirPick(k), pick);
        assert.equal(b.next(), a.next());
      }),
      { numRuns: 300 },
    );
  });
});
