import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { builtinRegistry } from '../../plugins/index.js';
import type { DaemonSet, Pod, PodDisruptionBudget } from '../../src/api/types.js';
import { capacityDrain } from '../../src/capacity/drain.js';
import { capacityFit } from '../../src/capacity/fit.js';
import { instanceTypeNode } from '../../src/capacity/node-type.js';
import { capacityPlan } from '../../src/capacity/plan.js';
import { chooseProfile } from '../../src/framework/config-file.js';
import { makeCluster, makeNode, makePod } from '../helpers/cluster.js';
import { webWorkload } from '../sim/helpers.js';

const profile = chooseProfile({ registry: builtinRegistry() });

function owned(pod: Pod, kind = 'ReplicaSet', name = 'web-x'): Pod {
  pod.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind, name, controller: true }];
  return pod;
}

function daemonSet(cpu: string): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'kube-system' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: {
        metadata: { labels: { app: 'agent' } },
        spec: { containers: [{ name: 'c', image: 'agent:1', resources: { requests: { cpu } } }] },
      },
    },
  };
}

describe('capacity fit', () => {
  // a: 4 cpu with 1.5 used → 2 more of 1 cpu; b: 2 cpu with 1 used → 1 more; c: cordoned.
  const cluster = () =>
    makeCluster({
      nodes: [
        makeNode('a', { cpu: '4' }),
        makeNode('b', { cpu: '2' }),
        makeNode('c', { cpu: '8', unschedulable: true }),
      ],
      pods: [
        makePod('web-1', { cpu: '1', node: 'a' }),
        makePod('bare', { cpu: '500m', node: 'a' }),
        makePod('web-2', { cpu: '1', node: 'b' }),
      ],
    });

  it("counts the replicas that fit one by one and gives kube-scheduler's reason for the next", () => {
    const r = capacityFit(cluster(), makePod('job', { cpu: '1' }), profile);
    assert.equal(r.replicas, 3);
    assert.equal(r.stoppedBy, 'unschedulable');
    assert.equal(r.reason, '0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu.');
    assert.deepEqual(
      r.perNode.reduce((s, n) => s + n.replicas, 0),
      3,
    );
    assert.equal(r.perNode.find((n) => n.node === 'a')?.replicas, 2);
  });

  it('stops at --max', () => {
    const r = capacityFit(cluster(), makePod('job', { cpu: '1' }), profile, 2);
    assert.equal(r.replicas, 2);
    assert.equal(r.stoppedBy, 'limit');
    assert.equal(r.reason, undefined);
  });

  it('sees its own replicas: required anti-affinity on hostname allows one per schedulable node', () => {
    const pod = makePod('solo', {
      cpu: '100m',
      labels: { app: 'solo' },
      spec: {
        affinity: {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [
              { labelSelector: { matchLabels: { app: 'solo' } }, topologyKey: 'kubernetes.io/hostname' },
            ],
          },
        },
      },
    });
    const r = capacityFit(cluster(), pod, profile);
    assert.equal(r.replicas, 2);
    assert.match(r.reason ?? '', /^0\/3 nodes are available: .*didn't match pod anti-affinity rules/);
  });
});

describe('capacity drain', () => {
  const pdb = (minAvailable: number): PodDisruptionBudget => ({
    metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'web' } }, minAvailable },
  });
  const cluster = (pdbs: PodDisruptionBudget[] = []) =>
    makeCluster({
      nodes: [makeNode('a', { cpu: '4' }), makeNode('b', { cpu: '4' })],
      pods: [
        owned(makePod('web-1', { cpu: '1', node: 'a', labels: { app: 'web' } })),
        owned(makePod('web-2', { cpu: '1', node: 'b', labels: { app: 'web' } })),
        owned(makePod('agent-a', { cpu: '100m', node: 'a', namespace: 'kube-system' }), 'DaemonSet', 'agent'),
      ],
      podDisruptionBudgets: pdbs,
    });

  it('moves every pod and ignores DaemonSet pods', () => {
    const r = capacityDrain(cluster(), 'a', profile);
    assert.equal(r.removable, true);
    assert.deepEqual(r.pods, [
      { pod: 'default/web-1', outcome: 'moves', to: 'b' },
      { pod: 'kube-system/agent-a', outcome: 'ignored', reason: 'DaemonSet pod' },
    ]);
  });

  it('is blocked by a PodDisruptionBudget that allows no disruption', () => {
    const r = capacityDrain(cluster([pdb(2)]), 'a', profile);
    assert.equal(r.removable, false);
    assert.equal(r.pods[0].outcome, 'blocked');
    assert.equal(r.pods[0].reason, 'PodDisruptionBudget default/web allows no more disruptions');
    assert.equal(capacityDrain(cluster([pdb(1)]), 'a', profile).removable, true);
  });

  it('is blocked by a pod without a controller and by local storage; safe-to-evict "true" lifts both', () => {
    const c = cluster();
    c.pods.push(makePod('bare', { cpu: '100m', node: 'a' }));
    const scratch = owned(
      makePod('scratch', { cpu: '100m', node: 'a', spec: { volumes: [{ name: 'tmp', emptyDir: {} }] } }),
    );
    c.pods.push(scratch);
    const r = capacityDrain(c, 'a', profile);
    assert.equal(r.removable, false);
    assert.deepEqual(
      r.pods.filter((p) => p.outcome === 'blocked').map((p) => [p.pod, p.reason]),
      [
        ['default/bare', 'not managed by a controller (it would not come back)'],
        ['default/scratch', 'uses local storage (emptyDir volume tmp)'],
      ],
    );
    for (const p of c.pods) p.metadata.annotations = { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true' };
    assert.equal(capacityDrain(c, 'a', profile).removable, true);
  });

  it("is not removable when a pod fits nowhere else, with kube-scheduler's reason", () => {
    const c = cluster();
    c.pods.push(owned(makePod('big', { cpu: '3500m', node: 'a' })));
    const r = capacityDrain(c, 'a', profile);
    assert.equal(r.removable, false);
    const big = r.pods.find((p) => p.pod === 'default/big');
    assert.deepEqual(big, {
      pod: 'default/big',
      outcome: 'stuck',
      reason: '0/1 nodes are available: 1 Insufficient cpu.',
    });
  });
});

describe('capacity plan', () => {
  const workload = (replicas: number, cpu: string, ds?: DaemonSet) =>
    makeCluster({ deployments: [webWorkload('Deployment', replicas, { cpu })], daemonSets: ds ? [ds] : [] });

  it('counts DaemonSet pods against every node: 10 × 1 cpu on 4-cpu nodes with a 500m agent needs 4 nodes', () => {
    const r = capacityPlan(workload(10, '1', daemonSet('500m')), makeNode('small', { cpu: '4' }), profile);
    assert.equal(r.nodes, 4);
    assert.equal(r.podsPlaced, 10);
    assert.equal(r.daemonSetPodsPerNode, 1);
    assert.deepEqual(r.daemonSetOverhead, { cpu: '500m' });
    assert.deepEqual(
      r.perNode.map((n) => n.pods),
      [4, 4, 4, 2],
    );
    // Without the agent, 4 pods fit a node: 3 nodes.
    assert.equal(capacityPlan(workload(10, '1'), makeNode('small', { cpu: '4' }), profile).nodes, 3);
  });

  it('a node type the DaemonSet overhead makes useless adds no node and says why', () => {
    const r = capacityPlan(workload(3, '600m', daemonSet('500m')), makeNode('tiny', { cpu: '1' }), profile);
    assert.equal(r.nodes, 0);
    assert.deepEqual(r.unplaceable, [
      { workload: 'Deployment/web', replicas: 3, reason: '0/1 nodes are available: 1 Insufficient cpu.' },
    ]);
  });

  it('reads an instance type from the bundled table', () => {
    const node = instanceTypeNode('m5.xlarge');
    assert.ok(node, 'm5.xlarge is in ../shared/data/aws-instance-types/instance_types.csv');
    assert.equal(node.metadata.labels?.['node.kubernetes.io/instance-type'], 'm5.xlarge');
    assert.equal(node.status?.allocatable?.pods, '58');
    assert.equal(capacityPlan(workload(6, '1'), node, profile).nodes, 2);
  });
});
