import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readInstanceTypes } from '../../src/autoscale/instance-types.js';
import {
  fitsTemplate,
  inlineInstanceType,
  reservedCpuMilli,
  reservedMemoryMiB,
  templateOf,
} from '../../src/autoscale/node-groups.js';
import { Requirements } from '../../src/autoscale/requirements.js';
import { podRequests } from '../../src/autoscale/resources.js';
import { makePod } from '../helpers/cluster.js';
import { daemonSet, group } from './helpers.js';

describe('node groups', () => {
  it('the reservation formula gives the allocatable of the AWS table', () => {
    const table = readInstanceTypes();
    for (const [name, cores, mib, pods] of [
      ['m5.large', 2, 8192, 29],
      ['m5.xlarge', 4, 16384, 58],
      ['c5.2xlarge', 8, 16384, 58],
    ] as const) {
      const inline = inlineInstanceType(name, cores, mib, pods);
      assert.equal(inline.allocatable.cpu, table.get(name)?.allocatable.cpu, name);
      assert.equal(inline.allocatable.memory, table.get(name)?.allocatable.memory, name);
    }
    assert.equal(reservedCpuMilli(2), 70);
    assert.equal(reservedMemoryMiB(8192, 29), 1289);
  });

  it('the template carries the DaemonSet pods that would land on it', () => {
    const t = templateOf(group('large', 'm5.large', 0.096), [daemonSet('agent', { cpu: '1500m', memory: '1Gi' })]);
    assert.equal(t.daemonPods.length, 1);
    assert.equal(t.free.get('cpu'), 430);
    assert.equal(t.free.get('pods'), 28);
    const pod = makePod('p', { cpu: '500m' });
    assert.equal(fitsTemplate(pod, podRequests(pod), t), false);
    const small = makePod('q', { cpu: '400m' });
    assert.equal(fitsTemplate(small, podRequests(small), t), true);
  });

  it('labels and taints of the group decide which pods it admits', () => {
    const g = group('spot', 'm5.large', 0.04, { capacityType: 'spot', zone: 'us-east-1b' });
    g.taints = [{ key: 'spot', value: 'true', effect: 'NoSchedule' }];
    const t = templateOf(g, []);
    const plain = makePod('a', { cpu: '100m' });
    assert.equal(fitsTemplate(plain, podRequests(plain), t), false);
    const tolerant = makePod('b', {
      cpu: '100m',
      spec: {
        containers: [{ name: 'main', resources: { requests: { cpu: '100m' } } }],
        tolerations: [{ key: 'spot', operator: 'Exists' }],
        nodeSelector: { 'karpenter.sh/capacity-type': 'spot', 'topology.kubernetes.io/zone': 'us-east-1b' },
      },
    });
    assert.equal(fitsTemplate(tolerant, podRequests(tolerant), t), true);
  });
});

describe('requirement algebra', () => {
  const req = (
    ...terms: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt'; values?: string[] }[]
  ) => {
    const r = new Requirements();
    for (const t of terms) r.add(t);
    return r;
  };

  it('intersecting In sets keeps their common values; disjoint sets are unsatisfiable', () => {
    const a = req({ key: 'zone', operator: 'In', values: ['a', 'b'] });
    const b = req({ key: 'zone', operator: 'In', values: ['b', 'c'] });
    const both = a.intersect(b);
    assert.equal(both.satisfiable(), true);
    assert.equal(both.compatible({ zone: 'b' }), true);
    assert.equal(both.compatible({ zone: 'a' }), false);
    assert.equal(a.intersect(req({ key: 'zone', operator: 'In', values: ['c'] })).satisfiable(), false);
  });

  it('NotIn, Exists, DoesNotExist and Gt/Lt', () => {
    const r = req(
      { key: 'type', operator: 'NotIn', values: ['t3.micro'] },
      { key: 'cpu', operator: 'Gt', values: ['2'] },
      { key: 'cpu', operator: 'Lt', values: ['16'] },
      { key: 'gpu', operator: 'DoesNotExist' },
      { key: 'arch', operator: 'Exists' },
    );
    assert.equal(r.compatible({ type: 'm5.xlarge', cpu: '4', arch: 'amd64' }), true);
    assert.equal(r.compatible({ type: 't3.micro', cpu: '4', arch: 'amd64' }), false);
    assert.equal(r.compatible({ type: 'm5.large', cpu: '2', arch: 'amd64' }), false);
    assert.equal(r.compatible({ type: 'm5.xlarge', cpu: '4', arch: 'amd64', gpu: '1' }), false);
    assert.equal(r.compatible({ type: 'm5.xlarge', cpu: '4' }), false);
    // NotIn alone is met by a node without the label, as in Kubernetes.
    assert.equal(req({ key: 'type', operator: 'NotIn', values: ['x'] }).compatible({}), true);
  });

  it("a pod's requirements come from its node selector and required node affinity", () => {
    const pod = makePod('p', {
      spec: {
        containers: [{ name: 'main' }],
        nodeSelector: { 'karpenter.sh/capacity-type': 'on-demand' },
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                {
                  matchExpressions: [
                    { key: 'karpenter.k8s.aws/instance-family', operator: 'In', values: ['c5', 'm5'] },
                  ],
                },
              ],
            },
          },
        },
      },
    });
    const r = Requirements.ofPod(pod);
    assert.equal(
      r.compatible({ 'karpenter.sh/capacity-type': 'on-demand', 'karpenter.k8s.aws/instance-family': 'c5' }),
      true,
    );
    assert.equal(
      r.compatible({ 'karpenter.sh/capacity-type': 'spot', 'karpenter.k8s.aws/instance-family': 'c5' }),
      false,
    );
    assert.equal(
      r.compatible({ 'karpenter.sh/capacity-type': 'on-demand', 'karpenter.k8s.aws/instance-family': 'r5' }),
      false,
    );
  });
});
