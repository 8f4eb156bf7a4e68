// The node-local cache must never change a decision: a scheduler that reuses per-node results
// (explain off) and one that recomputes everything (explain on) agree through binds, deletions
// and cordons, on random clusters whose pods repeat a few templates (so cache keys repeat).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { builtinRegistry, DEFAULT_MULTI_POINT } from '../../plugins/index.js';
import type { Pod } from '../../src/api/types.js';
import { Scheduler } from '../../src/engine/scheduler.js';
import { buildProfiles } from '../../src/framework/profile.js';
import type { PodInfo } from '../../src/snapshot/pod-info.js';
import { Snapshot } from '../../src/snapshot/snapshot.js';
import { makeCluster, makeNode, makePod } from '../helpers/cluster.js';

const profile = buildProfiles(undefined, { registry: builtinRegistry(), defaults: DEFAULT_MULTI_POINT }).profiles[0];

const templates: ((name: string) => Pod)[] = [
  (n) => makePod(n, { cpu: '500m', memory: '1Gi', labels: { app: 'web' } }),
  (n) =>
    makePod(n, {
      cpu: '1',
      memory: '2Gi',
      labels: { app: 'db' },
      spec: { tolerations: [{ key: 'dedicated', operator: 'Exists' }] },
    }),
  (n) => makePod(n, { labels: { app: 'besteffort' } }),
  (n) =>
    makePod(n, {
      cpu: '250m',
      labels: { app: 'zonal' },
      spec: {
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 10, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
            ],
          },
        },
      },
    }),
];

type Step =
  | { kind: 'pod'; template: number }
  | { kind: 'delete'; pick: number }
  | { kind: 'cordon'; node: number; on: boolean };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('pod' as const), template: fc.nat({ max: templates.length - 1 }) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('cordon' as const), node: fc.nat({ max: 5 }), on: fc.boolean() }),
  },
);

function run(steps: Step[], nodeCount: number, explain: boolean, seed: number): (string | undefined)[] {
  const nodes = Array.from({ length: nodeCount }, (_, i) =>
    makeNode(`n${i}`, {
      cpu: String(2 + (i % 3)),
      memory: `${4 + 2 * (i % 2)}Gi`,
      pods: '6',
      labels: { zone: i % 2 ? 'a' : 'b' },
      taints: i % 4 === 3 ? [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] : undefined,
    }),
  );
  const snap = new Snapshot(makeCluster({ nodes }));
  const s = new Scheduler(profile, snap, { tieBreak: 'random', seed, explain });
  const bound: PodInfo[] = [];
  const out: (string | undefined)[] = [];
  steps.forEach((step, i) => {
    if (step.kind === 'pod') {
      const info = snap.podInfo(templates[step.template](`p${i}`));
      const r = s.scheduleOne(info);
      out.push(r.chosenNode ?? r.message);
      if (r.chosenNode) {
        snap.bind(info, snap.nodeIndex.get(r.chosenNode)!);
        bound.push(info);
      }
    } else if (step.kind === 'delete' && bound.length > 0) {
      snap.unbind(bound.splice(step.pick % bound.length, 1)[0]);
    } else if (step.kind === 'cordon' && step.node < nodeCount) {
      snap.setUnschedulable(step.node, step.on);
    }
  });
  return out;
}

describe('node-local cache', () => {
  test('reusing per-node results never changes a placement or a failure message', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 6 }),
        fc.nat(),
        (steps, n, seed) => {
          assert.deepEqual(run(steps, n, false, seed), run(steps, n, true, seed));
        },
      ),
      { numRuns: 300 },
    );
  });
});
