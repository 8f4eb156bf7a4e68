import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { HorizontalPodAutoscaler, HPAScalingRules } from '../../src/api/types.js';
import { defaultScaleDown, defaultScaleUp } from '../../src/load/hpa.js';
import { HorizontalPodAutoscalerController, replicasForRatio } from '../../src/sim/controllers/hpa.js';
import { makeCluster, makeNode } from '../helpers/cluster.js';
import { simulate, webWorkload } from './helpers.js';

function hpa(
  o: {
    min?: number;
    max?: number;
    target?: string;
    behavior?: { scaleUp?: HPAScalingRules; scaleDown?: HPAScalingRules };
  } = {},
): HorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: o.min ?? 1,
      maxReplicas: o.max ?? 10,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'AverageValue', averageValue: o.target ?? '50m' } },
        },
      ],
      ...(o.behavior ? { behavior: o.behavior } : {}),
    },
  };
}

const CPU_REQUESTS = new Map([['cpu', 0.1]]);

/** Runs syncs every 15 s from t=15 with a fixed per-pod value, applying each decision; [t, from, to] changes. */
function run(c: HorizontalPodAutoscalerController, start: number, valueAt: (t: number) => number, until: number) {
  let replicas = start;
  const changes: [number, number, number][] = [];
  for (let t = 15; t <= until; t += 15) {
    const d = c.sync(t, { replicas, ready: replicas, unready: 0, requests: CPU_REQUESTS }, () => ({
      value: valueAt(t),
    }));
    if (d.replicas !== replicas) changes.push([t, replicas, d.replicas]);
    replicas = d.replicas;
  }
  return changes;
}

describe('HorizontalPodAutoscaler decisions', () => {
  it('scales 3 → 5 when the pods average 0.075 cpu against a 0.05 target (150%)', () => {
    const c = new HorizontalPodAutoscalerController(hpa());
    const d = c.sync(15, { replicas: 3, ready: 3, unready: 0, requests: CPU_REQUESTS }, () => ({ value: 0.075 }));
    assert.equal(d.replicas, 5);
  });

  it('reads a utilization target against the requests: 150% of a 50% target of 0.1 cpu is 5 of 3', () => {
    const h = hpa();
    h.spec.metrics = [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
    ];
    const c = new HorizontalPodAutoscalerController(h);
    const state = { replicas: 3, ready: 3, unready: 0, requests: CPU_REQUESTS };
    assert.equal(c.sync(15, state, () => ({ value: 0.075 })).replicas, 5);
    assert.equal(new HorizontalPodAutoscalerController(h).sync(15, state, () => ({ utilization: 75 })).replicas, 5);
    const noRequest = { ...state, requests: new Map<string, number>() };
    assert.equal(new HorizontalPodAutoscalerController(h).sync(15, noRequest, () => ({ value: 0.075 })).replicas, 3);
  });

  it('reads a Pods metric per pod, and takes the largest proposal over several metrics', () => {
    const h = hpa();
    h.spec.metrics = [
      {
        type: 'Pods',
        pods: { metric: { name: 'requests_per_second' }, target: { type: 'AverageValue', averageValue: '100' } },
      },
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'AverageValue', averageValue: '50m' } } },
      { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'Value', value: '1' } } },
    ];
    const state = { replicas: 4, ready: 4, unready: 0, requests: CPU_REQUESTS };
    const samples: Record<string, { value: number }> = { requests_per_second: { value: 250 }, cpu: { value: 0.06 } };
    // rps asks 4 × 2.5 = 10 (capped at max(2 × 4, 4) = 8), cpu 4 × 1.2 → 5; External is not modelled.
    assert.equal(new HorizontalPodAutoscalerController(h).sync(15, state, (m) => samples[m]).replicas, 8);
    samples.requests_per_second.value = 50;
    assert.equal(new HorizontalPodAutoscalerController(h).sync(15, state, (m) => samples[m]).replicas, 5);
    assert.equal(new HorizontalPodAutoscalerController(h).sync(15, state, () => undefined).replicas, 4);
  });

  it('keeps the count within the 10% tolerance, and moves just outside it', () => {
    assert.equal(replicasForRatio(1.09, 10, 10, 0), 10);
    assert.equal(replicasForRatio(0.91, 10, 10, 0), 10);
    assert.equal(replicasForRatio(1.05, 3, 3, 0), 3);
    assert.equal(replicasForRatio(1.11, 10, 10, 0), 12);
    assert.equal(replicasForRatio(0.89, 10, 10, 0), 9);
  });

  it('counts pods not yet running as using nothing when scaling up', () => {
    // 4 running at 150%, 2 pending: 6 pods at 100% → no change.
    assert.equal(replicasForRatio(1.5, 6, 4, 2), 6);
    // 4 running at 300%, 2 pending: 6 pods at 200% → 12.
    assert.equal(replicasForRatio(3, 6, 4, 2), 12);
  });

  it('without behavior, scale-down waits for the highest recommendation of the last 300 s', () => {
    const c = new HorizontalPodAutoscalerController(hpa());
    // 0.075 until t=100 (5 replicas recommended through t=90), then 0.02 (2 replicas).
    const changes = run(c, 3, (t) => (t < 20 ? 0.075 : t < 100 ? 0.05 : 0.02), 600);
    assert.deepEqual(changes, [
      [15, 3, 5],
      [405, 5, 2],
    ]);
  });

  it('without behavior, a scale-up goes at most to max(2 × current, 4), and never past maxReplicas', () => {
    const c = new HorizontalPodAutoscalerController(hpa({ max: 7 }));
    const state = { replicas: 1, ready: 1, unready: 0, requests: CPU_REQUESTS };
    assert.equal(c.sync(15, state, () => ({ value: 0.5 })).replicas, 4);
    assert.equal(c.sync(30, { ...state, replicas: 4, ready: 4 }, () => ({ value: 0.5 })).replicas, 7);
  });

  it('applies minReplicas and maxReplicas to a target outside them without reading metrics', () => {
    const c = new HorizontalPodAutoscalerController(hpa({ min: 2, max: 4 }));
    assert.equal(
      c.sync(15, { replicas: 9, ready: 9, unready: 0, requests: CPU_REQUESTS }, () => undefined).replicas,
      4,
    );
    assert.equal(
      c.sync(30, { replicas: 1, ready: 1, unready: 0, requests: CPU_REQUESTS }, () => undefined).replicas,
      2,
    );
  });

  it('behavior: a Pods policy of 1 per 60 s adds one replica a minute', () => {
    const c = new HorizontalPodAutoscalerController(
      hpa({
        behavior: {
          scaleUp: {
            stabilizationWindowSeconds: 0,
            selectPolicy: 'Max',
            policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }],
          },
          scaleDown: defaultScaleDown(),
        },
      }),
    );
    assert.deepEqual(
      run(c, 2, () => 0.15, 150),
      [
        [15, 2, 3],
        [75, 3, 4],
        [135, 4, 5],
      ],
    );
  });

  it('behavior: selectPolicy Max takes the larger policy, Min the smaller, Disabled none', () => {
    const policies = [
      { type: 'Pods' as const, value: 4, periodSeconds: 60 },
      { type: 'Percent' as const, value: 10, periodSeconds: 60 },
    ];
    const first = (selectPolicy: 'Max' | 'Min' | 'Disabled') => {
      const c = new HorizontalPodAutoscalerController(
        hpa({
          max: 100,
          behavior: {
            scaleUp: { stabilizationWindowSeconds: 0, selectPolicy, policies },
            scaleDown: defaultScaleDown(),
          },
        }),
      );
      return c.sync(15, { replicas: 10, ready: 10, unready: 0, requests: CPU_REQUESTS }, () => ({ value: 0.5 }))
        .replicas;
    };
    assert.equal(first('Max'), 14);
    assert.equal(first('Min'), 11);
    assert.equal(first('Disabled'), 10);
  });

  it('behavior: a scale-down window of 0 and a Percent policy halve the count per period', () => {
    const c = new HorizontalPodAutoscalerController(
      hpa({
        behavior: {
          scaleUp: defaultScaleUp(),
          scaleDown: {
            stabilizationWindowSeconds: 0,
            selectPolicy: 'Max',
            policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }],
          },
        },
      }),
    );
    assert.deepEqual(
      run(c, 8, () => 0.001, 150),
      [
        [15, 8, 4],
        [75, 4, 2],
        [135, 2, 1],
      ],
    );
  });

  it('behavior: a scale-up stabilization window takes the lowest recommendation within it', () => {
    const c = new HorizontalPodAutoscalerController(
      hpa({
        behavior: { scaleUp: { ...defaultScaleUp(), stabilizationWindowSeconds: 60 }, scaleDown: defaultScaleDown() },
      }),
    );
    // Recommends 3 (no change) at t=15, then 6 from t=30: the t=15 recommendation leaves the
    // window (strictly after now − 60) at t=75.
    assert.deepEqual(
      run(c, 3, (t) => (t < 30 ? 0.05 : 0.1), 120),
      [[75, 3, 6]],
    );
  });

  it('stays within [minReplicas, maxReplicas] whatever the metric (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.double({ min: 0, max: 2, noNaN: true }), { minLength: 1, maxLength: 30 }),
        fc.boolean(),
        (min, span, values, withBehavior) => {
          const max = min + span;
          const c = new HorizontalPodAutoscalerController(
            hpa({
              min,
              max,
              behavior: withBehavior ? { scaleUp: defaultScaleUp(), scaleDown: defaultScaleDown() } : undefined,
            }),
          );
          let replicas = min;
          values.forEach((v, i) => {
            replicas = c.sync(15 * (i + 1), { replicas, ready: replicas, unready: 0, requests: CPU_REQUESTS }, () => ({
              value: v,
            })).replicas;
            assert.ok(replicas >= min && replicas <= max, `${replicas} outside [${min}, ${max}]`);
          });
        },
      ),
    );
  });
});

describe('HorizontalPodAutoscaler in the replay', () => {
  const deployment = (replicas: number) => webWorkload('Deployment', replicas, { cpu: '1' });
  const sample = (t: number, value: number | string) => ({
    t,
    type: 'metric',
    kind: 'Deployment',
    name: 'web',
    metric: 'cpu',
    value,
  });

  it('scales a Deployment 3 → 5 at the first sync after 150% of target, and the new pods go pending when nothing fits', () => {
    const cluster = makeCluster({
      nodes: [makeNode('a', { cpu: '4' })],
      horizontalPodAutoscalers: [hpa({ target: '1' })],
    });
    const { summary, log } = simulate(cluster, [
      { t: 0, type: 'workload-create', object: deployment(3) },
      sample(1, 1.5),
      sample(20, '1'),
      { t: 60, type: 'node-add', node: makeNode('b', { cpu: '4' }) },
      { t: 100, type: 'pod-delete', name: 'nothing' },
    ]);
    const scales = log.filter((r) => r.event === 'hpa-scale').map((r) => [r.t, r.from, r.to]);
    assert.deepEqual(scales, [[15, 3, 5]]);
    const scheduled = log.filter((r) => r.event === 'scheduled').map((r) => r.t);
    // 3 at t=0; a 4th fits node a at t=15; the 5th waits for node b at t=60.
    assert.deepEqual(scheduled, [0, 0, 0, 15, 60]);
    assert.equal(summary.pods.runningAtEnd, 5);
    assert.deepEqual(summary.podAutoscalers?.[0], {
      hpa: 'default/web',
      target: 'Deployment/web',
      minReplicas: 1,
      maxReplicas: 10,
      replicasAtEnd: 5,
      highestReplicas: 5,
      scaleUps: 1,
      scaleDowns: 0,
    });
  });

  it('a total load is shared by the running pods, so the HPA settles where each pod meets the target', () => {
    const cluster = makeCluster({
      nodes: [makeNode('a', { cpu: '16' })],
      horizontalPodAutoscalers: [hpa({ target: '1' })],
    });
    const { log, summary } = simulate(cluster, [
      { t: 0, type: 'workload-create', object: deployment(1) },
      { t: 1, type: 'metric', kind: 'Deployment', name: 'web', metric: 'cpu', total: 6 },
      { t: 200, type: 'metric', kind: 'Deployment', name: 'web', metric: 'cpu', total: '2500m' },
      { t: 600, type: 'pod-delete', name: 'nothing' },
    ]);
    // 1 pod at 6 cores → 4 (at most max(2 × 1, 4)); 4 pods at 1.5 → 6; 6 at 1 → stays. From t=200,
    // 6 pods at 0.42 → 3, once the last recommendation of 6 (t=195) is older than 300 s (t=510).
    assert.deepEqual(
      log.filter((r) => r.event === 'hpa-scale').map((r) => [r.t, r.from, r.to]),
      [
        [15, 1, 4],
        [30, 4, 6],
        [510, 6, 3],
      ],
    );
    assert.equal(summary.pods.runningAtEnd, 3);
  });

  it('scales a StatefulSet created in the trace by an HPA created in the trace, highest ordinals first on the way down', () => {
    const ss = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: {
        ...deployment(2).spec,
        selector: { matchLabels: { app: 'db' } },
        template: { ...deployment(2).spec.template, metadata: { labels: { app: 'db' } } },
      },
    };
    const h = hpa({ target: '1' });
    h.spec.scaleTargetRef = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db' };
    h.spec.behavior = {
      scaleUp: defaultScaleUp(),
      scaleDown: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [{ type: 'Pods', value: 2, periodSeconds: 15 }],
      },
    };
    const cluster = makeCluster({ nodes: [makeNode('a', { cpu: '16' })] });
    const { log } = simulate(cluster, [
      { t: 0, type: 'workload-create', object: ss },
      { t: 0, type: 'workload-create', object: h },
      { t: 0, type: 'metric', kind: 'StatefulSet', name: 'db', metric: 'cpu', utilization: 200 },
      { t: 16, type: 'metric', kind: 'StatefulSet', name: 'db', metric: 'cpu', utilization: 100 },
      { t: 40, type: 'metric', kind: 'StatefulSet', name: 'db', metric: 'cpu', utilization: 10 },
      { t: 60, type: 'pod-delete', name: 'nothing' },
    ]);
    assert.deepEqual(
      log.filter((r) => r.event === 'hpa-scale').map((r) => [r.t, r.from, r.to]),
      [
        [15, 2, 4],
        [45, 4, 2],
        [60, 2, 1],
      ],
    );
    assert.deepEqual(
      log.filter((r) => r.event === 'scheduled').map((r) => r.pod),
      ['default/db-0', 'default/db-1', 'default/db-2', 'default/db-3'],
    );
  });
});
