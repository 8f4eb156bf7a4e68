import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import daemonSetReservation, { REASON } from '../../plugins/daemonset-reservation.js';
import { builtinRegistry } from '../../plugins/index.js';
import type { DaemonSet, KubeSchedulerConfiguration } from '../../src/api/types.js';
import { scheduleAll } from '../../src/engine/schedule-all.js';
import { chooseProfile } from '../../src/framework/config-file.js';
import { makeCluster, makeNode, makePod } from '../helpers/cluster.js';
import { runPlugin } from '../helpers/plugin.js';

const agent: DaemonSet = {
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'agent', namespace: 'kube-system' },
  spec: {
    selector: { matchLabels: { app: 'agent' } },
    template: {
      metadata: { labels: { app: 'agent' } },
      spec: { containers: [{ name: 'a', resources: { requests: { cpu: '1' } } }], nodeSelector: { role: 'worker' } },
    },
  },
};

const agentPod = (node: string) => {
  const p = makePod(`agent-${node}`, { namespace: 'kube-system', cpu: '1', node });
  p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', controller: true }];
  return p;
};

const enabled: KubeSchedulerConfiguration = {
  apiVersion: 'kubescheduler.config.k8s.io/v1',
  kind: 'KubeSchedulerConfiguration',
  profiles: [{ plugins: { multiPoint: { enabled: [{ name: 'DaemonSetReservation' }] } } }],
};

describe('DaemonSetReservation', () => {
  const cluster = makeCluster({
    nodes: [
      makeNode('owed', { cpu: '4', labels: { role: 'worker' } }),
      makeNode('served', { cpu: '4', labels: { role: 'worker' } }),
      makeNode('other', { cpu: '4' }),
    ],
    pods: [agentPod('served')],
    daemonSets: [agent],
  });

  it('filter keeps room for a daemon pod a node is owed, and only there', () => {
    const run = runPlugin(daemonSetReservation, cluster, makePod('big', { cpu: '3500m' }));
    assert.deepEqual(run.filter, { owed: 'Unschedulable', served: 'Success', other: 'Success' });
    assert.deepEqual(run.reasons.owed, [REASON]);
    assert.equal(runPlugin(daemonSetReservation, cluster, makePod('small', { cpu: '3' })).filter.owed, 'Success');
    assert.equal(
      runPlugin(daemonSetReservation, cluster, agentPod('owed')).filter.owed,
      'Skip',
      'daemon pods are not held back',
    );
  });

  it('off by default; enabled by name in a profile, it changes where an ordinary pod goes', () => {
    const only = makeCluster({
      ...cluster,
      nodes: [cluster.nodes[0]],
      pods: [],
      pendingPods: [makePod('big', { cpu: '3500m' })],
    });
    const registry = builtinRegistry();
    const plain = scheduleAll(only, chooseProfile({ registry }), { tieBreak: 'first', seed: 1, explain: false });
    assert.equal(plain.results[0].chosenNode, 'owed');
    const reserving = scheduleAll(only, chooseProfile({ config: enabled, registry }), {
      tieBreak: 'first',
      seed: 1,
      explain: false,
    });
    assert.equal(reserving.results[0].chosenNode, undefined);
    assert.match(reserving.results[0].message ?? '', /must keep room for DaemonSet pods/);
  });
});
