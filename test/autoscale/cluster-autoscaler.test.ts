import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLUSTER_AUTOSCALER_DEFAULTS, ClusterAutoscaler } from '../../src/autoscale/cluster-autoscaler.js';
import { makeCluster, makePod } from '../helpers/cluster.js';
import { podEvent } from '../sim/helpers.js';
import { create, daemonSet, deployment, group, replayWith } from './helpers.js';

const ca = (groups: ReturnType<typeof group>[], o: Partial<typeof CLUSTER_AUTOSCALER_DEFAULTS> = {}) =>
  new ClusterAutoscaler(groups, { ...CLUSTER_AUTOSCALER_DEFAULTS, ...o }, 1);

describe('cluster-autoscaler policy', () => {
  it('scales up the group the expander picks, sized by bin packing, and the pods run once the nodes join', () => {
    // 5 pods of 1 cpu: m5.large (1930m) holds 1 each, m5.xlarge (3920m) holds 3 each.
    const policy = ca([group('large', 'm5.large', 0.096), group('xlarge', 'm5.xlarge', 0.192)], {
      expander: ['most-pods', 'least-waste'],
    });
    const { report, summary } = replayWith(policy, [create(0, deployment('web', 5, { cpu: '1' }))], 600);
    const up = report.events.filter((e) => e.kind === 'scale-up');
    assert.equal(up.length, 1);
    // Both options take all 5 pods (a tie for most-pods); least-waste: idle cpu share 5 large
    // (9650−5000)/9650 = 0.48 against 2 xlarge (7840−5000)/7840 = 0.36 (memory idle on both).
    assert.equal(up[0].group, 'xlarge');
    assert.equal(up[0].nodes, 2);
    assert.equal(summary.pods.runningAtEnd, 5);
    // The next scan (t=10) decides; provisioning takes 60 s.
    assert.equal(summary.pendingSeconds.max, 70);
  });

  it('DaemonSet overhead makes a smaller type useless: the pod goes to the larger one', () => {
    // m5.large has 1930m allocatable; a 1500m DaemonSet leaves 430m, under the 500m pod.
    const policy = ca([group('large', 'm5.large', 0.096), group('xlarge', 'm5.xlarge', 0.192)]);
    const { report, summary } = replayWith(
      policy,
      [create(0, daemonSet('agent', { cpu: '1500m' })), create(0, deployment('web', 1, { cpu: '500m' }))],
      300,
    );
    const up = report.events.filter((e) => e.kind === 'scale-up');
    assert.deepEqual(
      up.map((e) => [e.group, e.nodes]),
      [['xlarge', 1]],
    );
    assert.equal(summary.pods.pendingAtEnd, 0);
  });

  it('a pod larger than every node type never triggers a scale-up and is reported', () => {
    const policy = ca([group('large', 'm5.large', 0.096), group('xlarge', 'm5.xlarge', 0.192)]);
    const { report, summary } = replayWith(policy, [podEvent(0, makePod('giant', { cpu: '64' }))], 600);
    assert.equal(report.events.length, 0);
    assert.equal(report.nodesAdded, 0);
    assert.equal(report.podsNoGroupFits, 1);
    assert.deepEqual(report.podsNoGroupFitsListed, ['default/giant']);
    assert.equal(summary.pods.pendingAtEnd, 1);
    assert.equal(report.cost, 0);
  });

  it('respects max-nodes-total and the group max size', () => {
    const policy = ca([group('large', 'm5.large', 0.096, { max: 3 })], { 'max-nodes-total': 2 });
    const { report, summary } = replayWith(policy, [create(0, deployment('web', 6, { cpu: '1' }))], 900);
    assert.equal(report.nodesAdded, 2);
    assert.equal(summary.pods.runningAtEnd, 2);
  });

  it('removes an underused node after the unneeded time when its pods fit elsewhere', () => {
    const g = group('xlarge', 'm5.xlarge', 0.192, { min: 2 });
    const policy = ca([g]);
    const rows = [create(0, deployment('db', 2, { cpu: '500m' }))];
    const nodes = policy.initialNodes();
    g.minSize = 0;
    const cluster = makeCluster({ nodes });
    const { report, summary } = replayWith(policy, rows, 1800, cluster);
    const down = report.events.filter((e) => e.kind === 'scale-down');
    assert.equal(down.length, 1);
    // Unneeded from t=0 for 10 minutes.
    assert.equal(down[0].t, 600);
    assert.equal(summary.pods.runningAtEnd, 2);
  });

  it('keeps a node whose pod a PodDisruptionBudget protects', () => {
    const g = group('xlarge', 'm5.xlarge', 0.192, { min: 2 });
    const policy = ca([g]);
    const nodes = policy.initialNodes();
    g.minSize = 0;
    const antiAffinity = {
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' },
          ],
        },
      },
    };
    const cluster = makeCluster({
      nodes,
      podDisruptionBudgets: [
        {
          metadata: { name: 'db', namespace: 'default' },
          spec: { minAvailable: 2, selector: { matchLabels: { app: 'db' } } },
        },
      ],
    });
    const { report } = replayWith(
      policy,
      [create(0, deployment('db', 2, { cpu: '500m' }, antiAffinity))],
      1800,
      cluster,
    );
    assert.equal(report.events.filter((e) => e.kind === 'scale-down').length, 0);
    assert.equal(report.blocked['PodDisruptionBudget would be violated'], 2);
    assert.equal(report.nodesRemoved, 0);
  });

  it('keeps a node holding a pod without a controller', () => {
    const g = group('xlarge', 'm5.xlarge', 0.192, { min: 2 });
    const policy = ca([g]);
    const nodes = policy.initialNodes();
    g.minSize = 0;
    const { report } = replayWith(
      policy,
      [podEvent(0, makePod('bare-1', { cpu: '500m' })), podEvent(0, makePod('bare-2', { cpu: '500m' }))],
      1800,
      makeCluster({ nodes }),
    );
    assert.equal(report.nodesRemoved, 0);
    assert.ok((report.blocked['pod without a controller'] ?? 0) >= 1);
  });

  it('keeps a node holding a pod with local storage, unless told to skip that check', () => {
    const withEmptyDir = { volumes: [{ name: 'scratch', emptyDir: {} }] };
    const run = (skip: boolean) => {
      const g = group('xlarge', 'm5.xlarge', 0.192, { min: 2 });
      const policy = ca([g], { 'skip-nodes-with-local-storage': skip });
      const nodes = policy.initialNodes();
      g.minSize = 0;
      return replayWith(
        policy,
        [create(0, deployment('db', 2, { cpu: '500m' }, withEmptyDir))],
        1800,
        makeCluster({ nodes }),
      ).report;
    };
    const kept = run(true);
    assert.equal(kept.nodesRemoved, 0);
    assert.equal(kept.blocked['pod with local storage'], 2);
    assert.equal(run(false).nodesRemoved, 1);
  });

  it('new-pod-scale-up-delay: young pods do not trigger a scale-up yet', () => {
    const policy = ca([group('large', 'm5.large', 0.096)], { 'new-pod-scale-up-delay': 45 });
    const { report } = replayWith(policy, [create(0, deployment('web', 1, { cpu: '1' }))], 300);
    assert.deepEqual(
      report.events.map((e) => [e.t, e.kind]),
      [[50, 'scale-up']],
    );
  });

  it('removes empty nodes together, up to max-empty-bulk-delete, and not below min size', () => {
    const g = group('large', 'm5.large', 0.096, { min: 5 });
    const policy = ca([g], { 'max-empty-bulk-delete': 3 });
    const nodes = policy.initialNodes();
    g.minSize = 1;
    const { report } = replayWith(
      policy,
      [create(0, deployment('idle', 0, { cpu: '1' }))],
      1800,
      makeCluster({ nodes }),
    );
    const down = report.events.filter((e) => e.kind === 'scale-down');
    assert.deepEqual(
      down.map((e) => [e.t, e.nodes]),
      [
        [600, 3],
        [610, 1],
      ],
    );
    assert.equal(report.series.nodesByGroup.large.at(-1), 1);
  });
});
