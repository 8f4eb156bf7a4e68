import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import spotGuard from '../../plugins/examples/spot-guard.js';
import { builtinRegistry } from '../../plugins/index.js';
import { scheduleAll } from '../../src/engine/schedule-all.js';
import { chooseProfile } from '../../src/framework/config-file.js';
import { makeCluster, makeNode, makePod } from '../helpers/cluster.js';
import { runPlugin } from '../helpers/plugin.js';

const nodes = [
  makeNode('spot-1', { labels: { 'karpenter.sh/capacity-type': 'spot' } }),
  makeNode('ondemand-1', { labels: { 'karpenter.sh/capacity-type': 'on-demand' } }),
  makeNode('gke-spot', { labels: { 'cloud.google.com/gke-spot': 'true' } }),
];

describe('SpotGuard example plugin', () => {
  test('a pod of a protected priority class fits only on-demand nodes', () => {
    const pod = makePod('payments', { spec: { priorityClassName: 'business-critical' } });
    const run = runPlugin(spotGuard, makeCluster({ nodes }), pod, { priorityClassNames: ['business-critical'] });
    assert.deepEqual(run.filter, {
      'spot-1': 'UnschedulableAndUnresolvable',
      'ondemand-1': 'Success',
      'gke-spot': 'UnschedulableAndUnresolvable',
    });
  });

  test('minPriority protects by priority value', () => {
    const pod = makePod('p', { spec: { priority: 2000 } });
    const run = runPlugin(spotGuard, makeCluster({ nodes }), pod, { minPriority: 1000 });
    assert.equal(run.filter['spot-1'], 'UnschedulableAndUnresolvable');
  });

  test('other pods are not affected (PreFilter skips)', () => {
    const run = runPlugin(spotGuard, makeCluster({ nodes }), makePod('batch'), {
      priorityClassNames: ['business-critical'],
    });
    assert.deepEqual(Object.values(run.filter), ['Skip', 'Skip', 'Skip']);
  });

  test('bad args are reported with their field path', () => {
    const { problems } = spotGuard.parseArgs!({ minPriority: 'high', colour: 1 }, 'pluginConfig[0].args');
    assert.deepEqual(
      problems.map((p) => `${p.path}: ${p.message}`),
      [
        'pluginConfig[0].args.minPriority: expected an integer priority',
        'pluginConfig[0].args.colour: unknown field (expected priorityClassNames, minPriority, spotLabels)',
      ],
    );
  });

  test('loaded as a module by path and enabled by name in a profile, it changes the placement', async () => {
    const registry = builtinRegistry();
    const names = await registry.loadModule(
      fileURLToPath(new URL('../../plugins/examples/spot-guard.js', import.meta.url)),
    );
    assert.deepEqual(names, ['SpotGuard']);
    const config = {
      apiVersion: 'kubescheduler.config.k8s.io/v1' as const,
      kind: 'KubeSchedulerConfiguration' as const,
      profiles: [
        {
          plugins: { filter: { enabled: [{ name: 'SpotGuard' }] } },
          pluginConfig: [{ name: 'SpotGuard', args: { priorityClassNames: ['business-critical'] } }],
        },
      ],
    };
    const profile = chooseProfile({ config, registry });
    const cluster = makeCluster({
      nodes,
      pendingPods: [makePod('payments', { spec: { priorityClassName: 'business-critical' } })],
    });
    const out = scheduleAll(cluster, profile, { tieBreak: 'first', seed: 1, explain: true });
    assert.equal(out.results[0].chosenNode, 'ondemand-1');
    assert.equal(out.results[0].filterFailures['spot-1'].plugin, 'SpotGuard');
  });
});
