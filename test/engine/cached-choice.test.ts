// The replay's short cycle (cachedChoice, SchedulerOptions.choiceOnly) against the full cycle.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { builtinRegistry, DEFAULT_MULTI_POINT } from '../../plugins/index.js';
import type { Node, Pod, Taint } from '../../src/api/types.js';
import { ChoiceTree } from '../../src/engine/choice-tree.js';
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

/** Pods of the given cpu and memory requests, some tolerating the spot taint, some to be removed later. */
function plainPodsArb(cpuMilli: number[], memMi: number[], length: { minLength: number; maxLength: number }) {
  return fc
    .array(
      fc.record({
        cpuMilli: fc.constantFrom(...cpuMilli),
        memMi: fc.constantFrom(...memMi),
        tolerate: fc.boolean(),
        remove: fc.boolean(),
      }),
      length,
    )
    .map((list): Pod[] =>
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
}

const podsArb = plainPodsArb([0, 100, 500, 1000, 3000], [0, 256, 1024, 4096], { minLength: 1, maxLength: 40 });

/** Pods of few shapes, often too large for some or every node: the same shape fails again after nodes change. */
const largePodsArb = plainPodsArb([500, 3000, 6000], [256, 8192], { minLength: 10, maxLength: 60 });

/**
 * Pods of a few shapes the short cycle must hand back to the full cycle, or answer from one shape's
 * results: spread constraints and pod anti-affinity (plugins that are not node-local), a node-name
 * narrowing, preferred node affinity (normalised scores that are not all 0), and plain ones.
 */
const mixedPodsArb: fc.Arbitrary<Pod[]> = fc
  .array(fc.record({ kind: fc.nat(5), cpuMilli: fc.constantFrom(100, 500, 1000), remove: fc.boolean() }), {
    minLength: 1,
    maxLength: 40,
  })
  .map((list) =>
    list.map((p, i): Pod => {
      const spec: Pod['spec'] = {
        containers: [{ name: 'c', resources: { requests: { cpu: `${p.cpuMilli}m`, memory: '256Mi' } } }],
      };
      if (p.kind === 1) {
        spec.topologySpreadConstraints = [
          {
            maxSkew: 1,
            topologyKey: 'kubernetes.io/hostname',
            whenUnsatisfiable: 'DoNotSchedule',
            labelSelector: { matchLabels: { app: 'web' } },
          },
        ];
      } else if (p.kind === 2) {
        spec.affinity = {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 50,
                podAffinityTerm: {
                  topologyKey: 'kubernetes.io/hostname',
                  labelSelector: { matchLabels: { app: 'web' } },
                },
              },
            ],
          },
        };
      } else if (p.kind === 3) {
        spec.affinity = {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-0', 'node-1'] }] },
              ],
            },
          },
        };
      } else if (p.kind === 4) {
        spec.affinity = {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 5,
                preference: {
                  matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-2'] }],
                },
              },
            ],
          },
        };
      }
      return {
        metadata: {
          name: `pod-${i}`,
          namespace: 'default',
          labels: { app: p.kind % 2 === 0 ? 'web' : 'batch' },
          annotations: (p.remove ? { remove: 'yes' } : {}) as Record<string, string>,
        },
        spec,
      };
    }),
  );

/** Schedules the pods in order (cordoning a node now and then), binding each chosen one and unbinding every pod marked `remove`. */
function decisions(nodes: Node[], pods: Pod[], choiceOnly: boolean, tieBreak: TieBreak, seed: number): string[] {
  const snap = new Snapshot(makeCluster({ nodes }));
  const s = new Scheduler(profile, snap, { tieBreak, seed, explain: false, choiceOnly });
  const out: string[] = [];
  let previous: ReturnType<Snapshot['podInfo']> | null = null;
  for (const [i, pod] of pods.entries()) {
    const info = snap.podInfo(pod);
    // A cycle over a node list (as preemption runs) moves where the next walk starts.
    if (i % 3 === 0) s.scheduleOne(info, Int32Array.of(i % nodes.length));
    const r = s.scheduleOne(info);
    out.push(`${r.chosenNode ?? '-'} ${r.maxTotal ?? ''} ${r.feasibleCount}`);
    if (r.chosenNode === undefined) continue;
    snap.bind(info, snap.nodeIndex.get(r.chosenNode)!);
    if (previous && pod.metadata.annotations?.remove) snap.unbind(previous);
    if (i % 7 === 6) snap.setUnschedulable(i % nodes.length, i % 2 === 0);
    previous = info;
  }
  return out;
}

/**
 * As `decisions` (choiceOnly, random tie-break), switching to seed `seed2` before pod `split`: by
 * Scheduler.reseed when `reseed`, else by a new Scheduler over the same snapshot (a compaction's way).
 */
function decisionsSwitchingSeed(
  nodes: Node[],
  pods: Pod[],
  seed: number,
  seed2: number,
  split: number,
  reseed: boolean,
): string[] {
  const snap = new Snapshot(makeCluster({ nodes }));
  const options = { tieBreak: 'random' as const, seed, explain: false, choiceOnly: true };
  let s = new Scheduler(profile, snap, options);
  const out: string[] = [];
  for (const [i, pod] of pods.entries()) {
    if (i === split) {
      if (reseed) s.reseed(seed2);
      else s = new Scheduler(profile, snap, { ...options, seed: seed2 });
    }
    const info = snap.podInfo(pod);
    if (i % 3 === 0) s.scheduleOne(info, Int32Array.of(i % nodes.length));
    const r = s.scheduleOne(info);
    out.push(`${r.chosenNode ?? '-'} ${r.maxTotal ?? ''} ${r.feasibleCount}`);
    if (r.chosenNode !== undefined) snap.bind(info, snap.nodeIndex.get(r.chosenNode)!);
  }
  return out;
}

/**
 * For each pod no node takes: its message and every node's rejection code, from `s` (which keeps
 * rejections per cache entry, src/engine/rejections.ts) and from a walk over every node without any
 * cache (an explained cycle of a second Scheduler over the same snapshot). Pods placed are bound,
 * some unbound again and nodes cordoned as in `decisions`, so the rejections must follow the changes.
 */
function rejections(nodes: Node[], pods: Pod[], choiceOnly: boolean): { kept: string[]; walked: string[] } {
  const snap = new Snapshot(makeCluster({ nodes }));
  const s = new Scheduler(profile, snap, { tieBreak: 'first', seed: 1, explain: false, choiceOnly });
  const walk = new Scheduler(profile, snap, { tieBreak: 'first', seed: 1, explain: false });
  const codes = (sched: Scheduler) => Array.from({ length: nodes.length }, (_, n) => sched.lastRejection(n) ?? '-');
  const kept: string[] = [];
  const walked: string[] = [];
  let previous: ReturnType<Snapshot['podInfo']> | null = null;
  for (const [i, pod] of pods.entries()) {
    const info = snap.podInfo(pod);
    const r = s.scheduleOne(info);
    if (r.chosenNode === undefined) {
      kept.push(`${r.message} ${codes(s).join(',')}`);
      const reference = walk.scheduleOne(info, undefined, true);
      walked.push(`${reference.message} ${codes(walk).join(',')}`);
      continue;
    }
    snap.bind(info, snap.nodeIndex.get(r.chosenNode)!);
    if (previous && pod.metadata.annotations?.remove) snap.unbind(previous);
    if (i % 7 === 6) snap.setUnschedulable(i % nodes.length, i % 2 === 0);
    previous = info;
  }
  return { kept, walked };
}

describe('cachedChoice', () => {
  test('a reseeded Scheduler decides as a new one with that seed over the same snapshot (its caches kept)', () => {
    fc.assert(
      fc.property(nodesArb, podsArb, fc.nat(), fc.nat(), fc.nat(40), (nodes, pods, seed, seed2, split) => {
        assert.deepEqual(
          decisionsSwitchingSeed(nodes, pods, seed, seed2, split, true),
          decisionsSwitchingSeed(nodes, pods, seed, seed2, split, false),
        );
      }),
      { numRuns: 200 },
    );
  });

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

  test('choiceOnly decides as the full cycle for pods of mixed shapes, some of which only the full cycle can place', () => {
    fc.assert(
      fc.property(
        nodesArb,
        mixedPodsArb,
        fc.nat(),
        fc.constantFrom<TieBreak>('random', 'first'),
        (nodes, pods, seed, tb) => {
          assert.deepEqual(decisions(nodes, pods, true, tb, seed), decisions(nodes, pods, false, tb, seed));
        },
      ),
      { numRuns: 200 },
    );
  });

  test("an unschedulable pod's message and each node's rejection equal a walk over every node without caches, as nodes change", () => {
    fc.assert(
      fc.property(nodesArb, largePodsArb, fc.boolean(), (nodes, pods, choiceOnly) => {
        const { kept, walked } = rejections(nodes, pods, choiceOnly);
        assert.deepEqual(kept, walked);
      }),
      { numRuns: 300 },
    );
  });

  test('ChoiceTree: the top, its tie count, ties below a position and the k-th tie equal a scan of the leaves, whether set one by one or rebuilt', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ node: fc.nat(80), pass: fc.boolean(), value: fc.integer({ min: 0, max: 4 }) }), {
          maxLength: 160,
        }),
        fc.integer({ min: 1, max: 81 }),
        fc.nat(160),
        (updates, n, rebuiltAfter) => {
          const tree = new ChoiceTree(n, 0);
          const leaves: number[] = new Array(n).fill(Number.NEGATIVE_INFINITY);
          for (const [i, u] of updates.entries()) {
            const node = u.node % n;
            // The first updates as a full refresh does them: leaves only, then one rebuild.
            tree.set(node, u.pass, u.value, i >= rebuiltAfter);
            if (i + 1 === rebuiltAfter) tree.rebuild();
            leaves[node] = u.pass ? u.value : Number.NEGATIVE_INFINITY;
          }
          if (rebuiltAfter > updates.length) tree.rebuild();
          const max = Math.max(...leaves);
          assert.equal(tree.passCount, leaves.filter((v) => v !== Number.NEGATIVE_INFINITY).length);
          if (max === Number.NEGATIVE_INFINITY) return;
          const tops = leaves.flatMap((v, i) => (v === max ? [i] : []));
          assert.equal(tree.max, max);
          assert.equal(tree.ties, tops.length);
          for (let pos = 0; pos <= n; pos++) assert.equal(tree.tiesBefore(pos), tops.filter((i) => i < pos).length);
          for (const [k, node] of tops.entries()) assert.equal(tree.kthTie(k + 1), node);
        },
      ),
      { numRuns: 300 },
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
