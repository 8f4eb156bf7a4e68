// NodeUnschedulable, NodeName, NodePorts and TaintToleration: small plugins, one table each.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import nodeName from '../../plugins/node-name.js';
import nodePorts, { portsConflict } from '../../plugins/node-ports.js';
import nodeUnschedulable from '../../plugins/node-unschedulable.js';
import taintToleration from '../../plugins/taint-toleration.js';
import type { ContainerPort, Taint, Toleration } from '../../src/api/types.js';
import { PROTOCOL_TCP, PROTOCOL_UDP } from '../../src/snapshot/pod-info.js';
import { makeCluster, makeNode, makePod } from '../helpers/cluster.js';
import { runPlugin } from '../helpers/plugin.js';

describe('NodeUnschedulable', () => {
  const nodes = [makeNode('open'), makeNode('cordoned', { unschedulable: true })];
  const cases: [string, Toleration[] | undefined, string][] = [
    ['no toleration', undefined, 'UnschedulableAndUnresolvable'],
    [
      'tolerates the unschedulable taint',
      [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }],
      'Success',
    ],
    ['tolerates everything', [{ operator: 'Exists' }], 'Success'],
    [
      'wrong effect',
      [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoExecute' }],
      'UnschedulableAndUnresolvable',
    ],
  ];
  for (const [name, tolerations, want] of cases) {
    test(name, () => {
      const run = runPlugin(nodeUnschedulable, makeCluster({ nodes }), makePod('p', { spec: { tolerations } }));
      assert.equal(run.filter.open, 'Success');
      assert.equal(run.filter.cordoned, want);
      if (want !== 'Success') assert.deepEqual(run.reasons.cordoned, ['node(s) were unschedulable']);
    });
  }
});

describe('NodeName', () => {
  test('a pod naming a node fits only there', () => {
    const run = runPlugin(
      nodeName,
      makeCluster({ nodes: [makeNode('a'), makeNode('b')] }),
      makePod('p', { spec: { nodeName: 'b' } }),
    );
    assert.deepEqual(run.filter, { a: 'UnschedulableAndUnresolvable', b: 'Success' });
    assert.deepEqual(run.reasons.a, ["node(s) didn't match the requested node name"]);
  });
  test('a pod naming an unknown node fits nowhere', () => {
    const run = runPlugin(
      nodeName,
      makeCluster({ nodes: [makeNode('a')] }),
      makePod('p', { spec: { nodeName: 'zz' } }),
    );
    assert.equal(run.filter.a, 'UnschedulableAndUnresolvable');
  });
  test('no nodeName: skipped', () => {
    const run = runPlugin(nodeName, makeCluster({ nodes: [makeNode('a')] }), makePod('p'));
    assert.equal(run.filter.a, 'Skip');
  });
});

describe('NodePorts', () => {
  const withPorts = (name: string, ports: ContainerPort[], node?: string) => {
    const pod = makePod(name, { node });
    pod.spec.containers[0].ports = ports;
    return pod;
  };
  const cases: [string, ContainerPort, ContainerPort, boolean][] = [
    ['same port, both wildcard', { containerPort: 80, hostPort: 8080 }, { containerPort: 80, hostPort: 8080 }, true],
    [
      'different protocol',
      { containerPort: 80, hostPort: 8080, protocol: 'UDP' },
      { containerPort: 80, hostPort: 8080 },
      false,
    ],
    ['different port', { containerPort: 80, hostPort: 8081 }, { containerPort: 80, hostPort: 8080 }, false],
    [
      'specific IP vs wildcard',
      { containerPort: 80, hostPort: 8080, hostIP: '10.0.0.1' },
      { containerPort: 80, hostPort: 8080 },
      true,
    ],
    [
      '0.0.0.0 vs a specific IP',
      { containerPort: 80, hostPort: 8080, hostIP: '0.0.0.0' },
      { containerPort: 80, hostPort: 8080, hostIP: '10.0.0.2' },
      true,
    ],
    [
      'two different IPs',
      { containerPort: 80, hostPort: 8080, hostIP: '10.0.0.1' },
      { containerPort: 80, hostPort: 8080, hostIP: '10.0.0.2' },
      false,
    ],
    [
      'same IP',
      { containerPort: 80, hostPort: 8080, hostIP: '10.0.0.1' },
      { containerPort: 80, hostPort: 8080, hostIP: '10.0.0.1' },
      true,
    ],
    [
      'containerPort only (no hostPort) never conflicts',
      { containerPort: 8080 },
      { containerPort: 80, hostPort: 8080 },
      false,
    ],
  ];
  for (const [name, wanted, used, conflict] of cases) {
    test(name, () => {
      const cluster = makeCluster({ nodes: [makeNode('a')], pods: [withPorts('bound', [used], 'a')] });
      const run = runPlugin(nodePorts, cluster, withPorts('p', [wanted]));
      const expected = wanted.hostPort ? (conflict ? 'Unschedulable' : 'Success') : 'Skip';
      assert.equal(run.filter.a, expected);
    });
  }
  test('portsConflict is symmetric on protocol and port', () => {
    assert.equal(
      portsConflict({ protocol: PROTOCOL_TCP, ip: '', port: 1 }, { protocol: PROTOCOL_UDP, ip: '', port: 1 }),
      false,
    );
  });
});

describe('TaintToleration', () => {
  const taint = (key: string, effect: Taint['effect'], value?: string): Taint => ({ key, effect, value });
  const nodes = [
    makeNode('clean'),
    makeNode('noschedule', { taints: [taint('dedicated', 'NoSchedule', 'gpu')] }),
    makeNode('noexecute', { taints: [taint('maintenance', 'NoExecute')] }),
    makeNode('prefer', { taints: [taint('spot', 'PreferNoSchedule'), taint('old', 'PreferNoSchedule')] }),
  ];
  const cases: [string, Toleration[], Record<string, string>][] = [
    [
      'no tolerations',
      [],
      {
        clean: 'Success',
        noschedule: 'UnschedulableAndUnresolvable',
        noexecute: 'UnschedulableAndUnresolvable',
        prefer: 'Success',
      },
    ],
    ['Equal with the right value', [{ key: 'dedicated', operator: 'Equal', value: 'gpu' }], { noschedule: 'Success' }],
    [
      'Equal with the wrong value',
      [{ key: 'dedicated', operator: 'Equal', value: 'cpu' }],
      { noschedule: 'UnschedulableAndUnresolvable' },
    ],
    ['Exists on the key, any effect', [{ key: 'dedicated', operator: 'Exists' }], { noschedule: 'Success' }],
    [
      'effect must match when given',
      [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }],
      { noschedule: 'UnschedulableAndUnresolvable' },
    ],
    [
      'empty key with Exists tolerates everything',
      [{ operator: 'Exists' }],
      { noschedule: 'Success', noexecute: 'Success' },
    ],
    [
      'a missing taint value equals an empty toleration value',
      [{ key: 'maintenance', operator: 'Equal', value: '' }],
      { noexecute: 'Success' },
    ],
  ];
  for (const [name, tolerations, want] of cases) {
    test(name, () => {
      const run = runPlugin(taintToleration, makeCluster({ nodes }), makePod('p', { spec: { tolerations } }));
      for (const [node, code] of Object.entries(want)) assert.equal(run.filter[node], code, node);
    });
  }
  test('score counts untolerated PreferNoSchedule taints, reversed', () => {
    const run = runPlugin(
      taintToleration,
      makeCluster({ nodes }),
      makePod('p', { spec: { tolerations: [{ key: 'spot', operator: 'Exists', effect: 'PreferNoSchedule' }] } }),
    );
    assert.deepEqual(run.raw, { clean: 0, noschedule: 0, noexecute: 0, prefer: 1 });
    assert.deepEqual(run.scores, { clean: 100, noschedule: 100, noexecute: 100, prefer: 0 });
  });
  test('tolerations with NoSchedule effect do not count for the score', () => {
    const run = runPlugin(
      taintToleration,
      makeCluster({ nodes }),
      makePod('p', { spec: { tolerations: [{ key: 'spot', operator: 'Exists', effect: 'NoSchedule' }] } }),
    );
    assert.equal(run.raw?.prefer, 2);
  });
});
