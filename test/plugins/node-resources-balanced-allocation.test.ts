// NodeResourcesBalancedAllocation edge cases, hand-computed: real requests only (no stand-ins), the
// pod's request added, PreScore Skip for pods requesting none of the resources, float64 arithmetic
// as Go does it, v1.35's absolute formula (not v1.36's change in balance), and the args rules.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import balanced, { parseArgs } from '../../plugins/node-resources-balanced-allocation.js';
import type { Container, Node, Pod } from '../../src/api/types.js';
import { makeCluster, makeNode, makePod } from '../helpers/cluster.js';
import { runPlugin } from '../helpers/plugin.js';

function pod(name: string, requests: Record<string, string>[], extra: Partial<Pod['spec']> = {}): Pod {
  const p = makePod(name);
  p.spec.containers = requests.map((r, i) => ({ name: `c${i}`, image: 'app:1', resources: { requests: r } }));
  Object.assign(p.spec, extra);
  return p;
}

function node(name: string, allocatable: Record<string, string>): Node {
  const n = makeNode(name);
  n.status!.allocatable = { pods: '110', ...allocatable };
  return n;
}

function scores(nodes: Node[], pods: Pod[], incoming: Pod, args?: unknown): Record<string, number> | undefined {
  return runPlugin(balanced, makeCluster({ nodes, pods }), incoming, args).scores;
}

describe('NodeResourcesBalancedAllocation scores', () => {
  const n = () => node('n', { cpu: '4', memory: '8Gi' });

  test('bound pods without requests add nothing (no 100m / 200Mi stand-ins)', () => {
    const pods = [pod('a', [{}], { nodeName: 'n' }), pod('b', [{}], { nodeName: 'n' })];
    // cpu 1/4 = .25, memory 1/8 = .125 → std .0625 → 93.75 → 93.
    assert.deepEqual(scores([n()], pods, pod('p', [{ cpu: '1', memory: '1Gi' }])), { n: 93 });
  });

  test('an explicit zero is a real 0, and one non-zero request is enough to be scored', () => {
    // cpu 0, memory .125 → std .0625 → 93.
    assert.deepEqual(scores([n()], [], pod('p', [{ cpu: '0', memory: '1Gi' }])), { n: 93 });
    // a missing cpu is 0 too (no stand-in): same.
    assert.deepEqual(scores([n()], [], pod('p', [{ memory: '1Gi' }])), { n: 93 });
  });

  test('PreScore skips pods that request none of the resources', () => {
    assert.equal(scores([n()], [], pod('p', [{ cpu: '0', memory: '0' }])), undefined);
    assert.equal(scores([n()], [], pod('p', [{ 'example.com/gpu': '1' }])), undefined);
    // …unless a requested resource is among the args' resources.
    const args = { resources: [{ name: 'cpu' }, { name: 'memory' }, { name: 'example.com/gpu' }] };
    const gpuNode = node('n', { cpu: '4', memory: '8Gi', 'example.com/gpu': '4' });
    assert.notEqual(scores([gpuNode], [], pod('p', [{ 'example.com/gpu': '1' }]), args), undefined);
  });

  test('sidecars, init containers and overhead count as in the filter', () => {
    const n2 = node('n', { cpu: '2', memory: '4Gi' });
    const p = pod('p', [{ cpu: '500m' }], {
      initContainers: [
        { name: 's', restartPolicy: 'Always', resources: { requests: { cpu: '500m', memory: '1Gi' } } },
      ] as Container[],
      overhead: { memory: '1Gi' },
    });
    // cpu 1000/2000 = .5, memory 2Gi/4Gi = .5 → 100.
    assert.deepEqual(scores([n2], [], p), { n: 100 });
  });

  test('a node lacking one of the resources scores on the others (one fraction: std 0)', () => {
    const cpuOnly = node('n', { cpu: '4' });
    assert.deepEqual(scores([cpuOnly], [], pod('p', [{ cpu: '1', memory: '1Gi' }])), { n: 100 });
  });

  test('a scalar resource the pod does not request is left out; ephemeral-storage is not', () => {
    const args = { resources: [{ name: 'cpu' }, { name: 'ephemeral-storage' }, { name: 'example.com/x' }] };
    const nd = node('n', { cpu: '4', memory: '8Gi', 'ephemeral-storage': '100Gi', 'example.com/x': '4' });
    const pods = [pod('b', [{ 'ephemeral-storage': '50Gi', 'example.com/x': '4' }], { nodeName: 'n' })];
    // cpu .25, storage .5 (the pod asks none), x left out → std .125 → 87.
    assert.deepEqual(scores([nd], pods, pod('p', [{ cpu: '1' }]), args), { n: 87 });
  });

  test('float64 as Go computes it: (1 − |0.1 − 0.8|/2)·100 = 64.99999999999999 → 64', () => {
    const nd = node('n', { cpu: '10', memory: '5Gi' });
    assert.deepEqual(scores([nd], [], pod('p', [{ cpu: '1', memory: '4Gi' }])), { n: 64 });
  });

  test('v1.35 scores the balance with the pod, not the change in balance (v1.36)', () => {
    // Node already at cpu 3/4, memory 0; the pod adds memory 6Gi/8Gi → .75 and .75 → 100.
    // (v1.36's 50 + (50 + withPod − withoutPod)/2 would give 50 + (50 + 100 − 62)/2 = 94.)
    const pods = [pod('b', [{ cpu: '3' }], { nodeName: 'n' })];
    assert.deepEqual(scores([n()], pods, pod('p', [{ memory: '6Gi' }])), { n: 100 });
  });

  test('three resources: population standard deviation', () => {
    const args = { resources: [{ name: 'cpu' }, { name: 'memory' }, { name: 'example.com/gpu' }] };
    const gpuNode = node('n', { cpu: '4', memory: '8Gi', 'example.com/gpu': '4' });
    // fractions 0, 0, .25: mean 1/12, Σ(f − mean)² = 2/144 + 4/144 = 1/24, /3 = 1/72, std .11785 → 88.
    assert.deepEqual(scores([gpuNode], [], pod('p', [{ 'example.com/gpu': '1' }]), args), { n: 88 });
  });
});

describe('NodeResourcesBalancedAllocation args', () => {
  test('defaults to cpu and memory; weight 0 or missing means 1', () => {
    assert.deepEqual(parseArgs(undefined, 'a'), {
      args: {
        resources: [
          { name: 'cpu', weight: 1 },
          { name: 'memory', weight: 1 },
        ],
      },
      problems: [],
    });
    assert.deepEqual(parseArgs({ resources: [] }, 'a').args.resources.length, 2);
    const { args, problems } = parseArgs({ resources: [{ name: 'cpu', weight: 0 }, { name: 'example.com/x' }] }, 'a');
    assert.deepEqual(problems, []);
    assert.deepEqual(args.resources, [
      { name: 'cpu', weight: 1 },
      { name: 'example.com/x', weight: 1 },
    ]);
  });

  test('any other weight and duplicate names are rejected', () => {
    const { problems } = parseArgs(
      {
        resources: [
          { name: 'cpu', weight: 2 },
          { name: 'memory', weight: 1 },
          { name: 'memory', weight: 1 },
        ],
      },
      'a',
    );
    assert.deepEqual(
      problems.map((p) => `${p.code} ${p.path}`),
      ['range a.resources[0].weight', 'duplicate a.resources[2].name'],
    );
  });
});
