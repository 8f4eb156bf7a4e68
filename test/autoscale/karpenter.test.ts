import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KARPENTER_DEFAULTS, Karpenter, type KarpenterOptions } from '../../src/autoscale/karpenter.js';
import { templateOf } from '../../src/autoscale/node-groups.js';
import { makeCluster, makePod } from '../helpers/cluster.js';
import { podEvent } from '../sim/helpers.js';
import { create, daemonSet, deployment, group, replayWith } from './helpers.js';

const karpenter = (groups: ReturnType<typeof group>[], o: Partial<KarpenterOptions> = {}) =>
  new Karpenter(groups, { ...KARPENTER_DEFAULTS, ...o });

// Offerings: m5.large $0.096 (1930m), c5.xlarge spot $0.068 (3920m, 6584Mi),
// m5.xlarge $0.192 (3920m, 14162Mi), m5.2xlarge $0.384.
const offerings = () => [
  group('m5-large', 'm5.large', 0.096),
  group('m5-2xlarge', 'm5.2xlarge', 0.384),
  group('m5-xlarge', 'm5.xlarge', 0.192),
  group('c5-xlarge-spot', 'c5.xlarge', 0.068, { capacityType: 'spot' }),
];

describe('karpenter policy', () => {
  it('launches the cheapest offering that holds the batch', () => {
    const policy = karpenter(offerings());
    const { report, summary } = replayWith(policy, [create(0, deployment('web', 3, { cpu: '1', memory: '1Gi' }))], 300);
    const up = report.events.filter((e) => e.kind === 'scale-up');
    // 3 cpu fit one c5.xlarge (3920m) or m5.xlarge; spot c5 is cheapest.
    assert.deepEqual(
      up.map((e) => [e.group, e.nodes]),
      [['c5-xlarge-spot', 1]],
    );
    assert.equal(summary.pods.runningAtEnd, 3);
  });

  it("honours the pods' requirements: on-demand only, memory too large for c5", () => {
    const policy = karpenter(offerings());
    const onDemand = deployment(
      'web',
      3,
      { cpu: '1', memory: '1Gi' },
      { nodeSelector: { 'karpenter.sh/capacity-type': 'on-demand' } },
    );
    const big = deployment('cache', 1, { cpu: '1', memory: '10Gi' });
    const { report } = replayWith(policy, [create(0, onDemand), create(0, big)], 300);
    const groups = report.events
      .filter((e) => e.kind === 'scale-up')
      .map((e) => e.group)
      .sort();
    // Largest first: cache (10Gi) fits neither c5.xlarge (6584Mi) nor m5.large, so its claim
    // allows m5.xlarge and m5.2xlarge; the on-demand web pods join it (the spot c5 is never a
    // choice for them) until 4 cpu leave only m5.2xlarge: one node, $0.384.
    assert.deepEqual(groups, ['m5-2xlarge']);
  });

  it('DaemonSet overhead counts: the pod goes where it still fits after the daemon pods', () => {
    const policy = karpenter([group('m5-large', 'm5.large', 0.096), group('m5-xlarge', 'm5.xlarge', 0.192)]);
    const { report } = replayWith(
      policy,
      [create(0, daemonSet('agent', { cpu: '1500m' })), create(0, deployment('web', 1, { cpu: '500m' }))],
      300,
    );
    assert.deepEqual(
      report.events.filter((e) => e.kind === 'scale-up').map((e) => e.group),
      ['m5-xlarge'],
    );
  });

  it('pods whose requirements cannot be intersected get separate claims', () => {
    const policy = karpenter([
      group('a-large', 'm5.large', 0.096, { zone: 'zone-a' }),
      group('b-large', 'm5.large', 0.096, { zone: 'zone-b' }),
      group('a-2xlarge', 'm5.2xlarge', 0.384, { zone: 'zone-a' }),
    ]);
    const templates = policy.groups.map((g) => templateOf(g, []));
    const inZone = (name: string, zone: string) =>
      makePod(name, {
        cpu: '500m',
        spec: {
          containers: [{ name: 'main', resources: { requests: { cpu: '500m' } } }],
          nodeSelector: { 'topology.kubernetes.io/zone': zone },
        },
      });
    const { claims, unfit } = policy.plan(
      [inZone('a1', 'zone-a'), inZone('b1', 'zone-b'), inZone('a2', 'zone-a')],
      templates,
    );
    assert.deepEqual(unfit, []);
    assert.deepEqual(
      claims.map((c) => [c.pods.map((p) => p.metadata.name), policy.cheapest(c.offerings).group.name]),
      [
        [['a1', 'a2'], 'a-large'],
        [['b1'], 'b-large'],
      ],
    );
  });

  it('a pod no offering can hold launches nothing and is reported', () => {
    const policy = karpenter(offerings());
    const { report } = replayWith(policy, [podEvent(0, makePod('giant', { cpu: '64' }))], 300);
    assert.equal(report.nodesAdded, 0);
    assert.deepEqual(report.podsNoGroupFitsListed, ['default/giant']);
  });

  it('consolidation deletes empty nodes no faster than the disruption budget allows', () => {
    const g = group('m5-large', 'm5.large', 0.096, { min: 20 });
    const policy = karpenter([g], { budget: '10%' });
    const nodes = policy.initialNodes();
    const { report } = replayWith(
      policy,
      [create(0, deployment('idle', 0, { cpu: '1' }))],
      600,
      makeCluster({ nodes }),
    );
    const downs = report.events.filter((e) => e.kind === 'scale-down');
    // 10% of 20 nodes = 2 at a time, then of 18 → 2, …, of 10 → 1, …: never more than the budget.
    let left = 20;
    const byTime = new Map<number, number>();
    for (const e of downs) byTime.set(e.t, (byTime.get(e.t) ?? 0) + e.nodes);
    for (const [, n] of [...byTime].sort(([a], [b]) => a - b)) {
      assert.ok(n <= Math.ceil(left / 10), `${n} nodes removed at once out of ${left}`);
      left -= n;
    }
    assert.equal(left, 0);
    assert.equal(byTime.get(0), 2);
  });

  it('consolidation replaces an under-used node with a cheaper one that holds its pods', () => {
    const big = group('m5-2xlarge', 'm5.2xlarge', 0.384, { min: 1 });
    const small = group('m5-large', 'm5.large', 0.096);
    const policy = karpenter([big, small], { consolidateAfter: 60 });
    const nodes = policy.initialNodes();
    const { report, summary } = replayWith(
      policy,
      [create(0, deployment('web', 1, { cpu: '1' }))],
      600,
      makeCluster({ nodes }),
    );
    const replace = report.events.filter((e) => e.kind === 'replace');
    assert.equal(replace.length, 1);
    assert.equal(replace[0].group, 'm5-large');
    assert.equal(report.series.nodesByGroup['m5-2xlarge'].at(-1), 0);
    assert.equal(report.series.nodesByGroup['m5-large'].at(-1), 1);
    assert.equal(summary.pods.runningAtEnd, 1);
    assert.equal(summary.pods.evictedByNodeRemoval, 1);
  });

  it('consolidation leaves a node whose pods a PodDisruptionBudget protects', () => {
    const big = group('m5-2xlarge', 'm5.2xlarge', 0.384, { min: 1 });
    const policy = karpenter([big, group('m5-large', 'm5.large', 0.096)], { consolidateAfter: 60 });
    const nodes = policy.initialNodes();
    const cluster = makeCluster({
      nodes,
      podDisruptionBudgets: [
        {
          metadata: { name: 'web', namespace: 'default' },
          spec: { maxUnavailable: 0, selector: { matchLabels: { app: 'web' } } },
        },
      ],
    });
    const { report } = replayWith(policy, [create(0, deployment('web', 1, { cpu: '1' }))], 600, cluster);
    assert.equal(report.nodesRemoved, 0);
    assert.equal(report.blocked['PodDisruptionBudget would be violated'], 1);
  });
});
