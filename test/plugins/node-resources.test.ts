// NodeResourcesFit, NodeResourcesBalancedAllocation and ImageLocality: hand-computed tables.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import imageLocality from '../../plugins/image-locality.js';
import balanced from '../../plugins/node-resources-balanced-allocation.js';
import fit, { brokenLinear, leastRequestedScore, mostRequestedScore } from '../../plugins/node-resources-fit.js';
import type { Pod } from '../../src/api/types.js';
import { mulDiv } from '../../src/framework/arith.js';
import { makeCluster, makeNode, makePod } from '../helpers/cluster.js';
import { runPlugin } from '../helpers/plugin.js';

function podWith(name: string, requests: Record<string, string>[], extra: Partial<Pod['spec']> = {}): Pod {
  const pod = makePod(name);
  pod.spec.containers = requests.map((r, i) => ({ name: `c${i}`, image: 'app:1', resources: { requests: r } }));
  Object.assign(pod.spec, extra);
  return pod;
}

describe('NodeResourcesFit filter', () => {
  const node = makeNode('n', {
    cpu: '2',
    memory: '4Gi',
    pods: '3',
    allocatable: { 'example.com/gpu': '1', 'hugepages-2Mi': '8Mi' },
  });
  const bound = [
    makePod('b1', { node: 'n', cpu: '1', memory: '1Gi' }),
    makePod('b2', { node: 'n', cpu: '500m', memory: '1Gi' }),
  ];
  const cases: [string, Pod, string, string[]][] = [
    ['fits', podWith('p', [{ cpu: '500m', memory: '1Gi' }]), 'Success', []],
    [
      'insufficient cpu, resolvable by preemption',
      podWith('p', [{ cpu: '600m' }]),
      'Unschedulable',
      ['Insufficient cpu'],
    ],
    [
      'more cpu than the whole node: unresolvable',
      podWith('p', [{ cpu: '3' }]),
      'UnschedulableAndUnresolvable',
      ['Insufficient cpu'],
    ],
    [
      'all reasons listed',
      podWith('p', [{ cpu: '600m', memory: '3Gi' }]),
      'Unschedulable',
      ['Insufficient cpu', 'Insufficient memory'],
    ],
    [
      'an extended resource the node lacks',
      podWith('p', [{ 'example.com/fpga': '1' }]),
      'UnschedulableAndUnresolvable',
      ['Insufficient example.com/fpga'],
    ],
    ['an extended resource the node has', podWith('p', [{ 'example.com/gpu': '1' }]), 'Success', []],
    [
      'hugepages',
      podWith('p', [{ 'hugepages-2Mi': '10Mi' }]),
      'UnschedulableAndUnresolvable',
      ['Insufficient hugepages-2Mi'],
    ],
    ['an explicit zero is not checked', podWith('p', [{ cpu: '0', 'example.com/fpga': '0' }]), 'Success', []],
    [
      'init containers: the largest need counts',
      podWith('p', [{ cpu: '100m' }], { initContainers: [{ name: 'i', resources: { requests: { cpu: '700m' } } }] }),
      'Unschedulable',
      ['Insufficient cpu'],
    ],
    [
      'sidecars add to the running sum',
      podWith('p', [{ cpu: '300m' }], {
        initContainers: [{ name: 's', restartPolicy: 'Always', resources: { requests: { cpu: '300m' } } }],
      }),
      'Unschedulable',
      ['Insufficient cpu'],
    ],
    [
      'overhead counts',
      podWith('p', [{ cpu: '400m' }], { overhead: { cpu: '200m' } }),
      'Unschedulable',
      ['Insufficient cpu'],
    ],
  ];
  for (const [name, pod, code, reasons] of cases) {
    test(name, () => {
      const run = runPlugin(fit, makeCluster({ nodes: [node], pods: bound }), pod);
      assert.equal(run.filter.n, code);
      assert.deepEqual(run.reasons.n ?? [], reasons);
    });
  }

  test('Too many pods is Unschedulable (preemption can help)', () => {
    const full = [...bound, makePod('b3', { node: 'n' })];
    const run = runPlugin(fit, makeCluster({ nodes: [node], pods: full }), podWith('p', [{}]));
    assert.equal(run.filter.n, 'Unschedulable');
    assert.deepEqual(run.reasons.n, ['Too many pods']);
  });

  test('a node without pods in allocatable takes no pods', () => {
    const n = makeNode('n');
    delete n.status!.allocatable!.pods;
    const run = runPlugin(fit, makeCluster({ nodes: [n] }), podWith('p', [{ cpu: '1m' }]));
    assert.deepEqual(run.reasons.n, ['Too many pods']);
  });

  test('ignoredResources and ignoredResourceGroups skip extended resources', () => {
    const run1 = runPlugin(fit, makeCluster({ nodes: [node] }), podWith('p', [{ 'example.com/fpga': '1' }]), {
      ignoredResources: ['example.com/fpga'],
    });
    assert.equal(run1.filter.n, 'Success');
    const run2 = runPlugin(fit, makeCluster({ nodes: [node] }), podWith('p', [{ 'example.com/fpga': '1' }]), {
      ignoredResourceGroups: ['example.com'],
    });
    assert.equal(run2.filter.n, 'Success');
  });
});

describe('NodeResourcesFit scoring', () => {
  const nodes = [makeNode('small', { cpu: '2', memory: '4Gi' }), makeNode('big', { cpu: '8', memory: '16Gi' })];
  test('LeastAllocated: weighted mean of free fractions, with non-zero stand-ins for missing requests', () => {
    // The pod names no requests: 100m and 200Mi stand in.
    // small: cpu (2000-100)*100/2000 = 95, mem (4096-200)*100/4096 = 95 → 95. big: 98, 98 → 98.
    const run = runPlugin(fit, makeCluster({ nodes }), podWith('p', [{}]));
    assert.deepEqual(run.scores, { small: 95, big: 98 });
  });
  test('MostAllocated', () => {
    const run = runPlugin(fit, makeCluster({ nodes }), podWith('p', [{ cpu: '1', memory: '2Gi' }]), {
      scoringStrategy: { type: 'MostAllocated' },
    });
    assert.deepEqual(run.scores, { small: 50, big: 12 });
  });
  test('resource weights and an extended resource', () => {
    const gpuNodes = [
      makeNode('a', { cpu: '4', memory: '8Gi', allocatable: { 'nvidia.com/gpu': '4' } }),
      makeNode('b', { cpu: '4', memory: '8Gi' }),
    ];
    const args = {
      scoringStrategy: {
        type: 'LeastAllocated',
        resources: [
          { name: 'cpu', weight: 2 },
          { name: 'memory', weight: 1 },
          { name: 'nvidia.com/gpu', weight: 3 },
        ],
      },
    };
    const run = runPlugin(
      fit,
      makeCluster({ nodes: gpuNodes }),
      podWith('p', [{ cpu: '1', memory: '2Gi', 'nvidia.com/gpu': '1' }]),
      args,
    );
    // a: cpu 75×2 + mem 75×1 + gpu 75×3 = 450 / 6 = 75; b has no gpu: (150 + 75) / 3 = 75.
    assert.deepEqual(run.scores, { a: 75, b: 75 });
  });
  test('RequestedToCapacityRatio: broken-linear shape, scores above 0 only, rounded mean', () => {
    const args = {
      scoringStrategy: {
        type: 'RequestedToCapacityRatio',
        resources: [
          { name: 'cpu', weight: 3 },
          { name: 'memory', weight: 1 },
        ],
        requestedToCapacityRatio: {
          shape: [
            { utilization: 0, score: 0 },
            { utilization: 100, score: 10 },
          ],
        },
      },
    };
    const run = runPlugin(fit, makeCluster({ nodes }), podWith('p', [{ cpu: '1', memory: '1Gi' }]), args);
    // small: cpu 50% → 50, mem 25% → 25: (150 + 25) / 4 = 43.75 → 44. big: cpu 12 (12.5→12), mem 6: (36+6)/4 = 10.5 → 11.
    assert.deepEqual(run.scores, { small: 44, big: 11 });
  });
  test('brokenLinear interpolates with integer arithmetic', () => {
    const shape = [
      { utilization: 0, score: 100 },
      { utilization: 70, score: 50 },
      { utilization: 100, score: 0 },
    ];
    assert.equal(brokenLinear(shape, 0), 100);
    assert.equal(brokenLinear(shape, 35), 75);
    assert.equal(brokenLinear(shape, 71), 49); // 50 + (-50×1)/30 = 50 − 1.67 → trunc toward zero: 49
    assert.equal(brokenLinear(shape, 120), 0);
  });
  test('per-resource formulas', () => {
    assert.equal(leastRequestedScore(3, 10), 70);
    assert.equal(leastRequestedScore(11, 10), 0);
    assert.equal(mostRequestedScore(11, 10), 100);
    assert.equal(mostRequestedScore(1, 3), 33);
  });
  test('memory beyond 2^53/100 stays exact', () => {
    const huge = 2 ** 60;
    assert.equal(mulDiv(huge - 256, 100, huge), 99); // 2^60 − 256 is exact in a double; the product is not
    assert.equal(mulDiv(huge / 2, 100, huge), 50);
  });
  test('invalid args are reported with field paths', () => {
    const { problems } = fit.parseArgs!(
      { scoringStrategy: { type: 'Most', resources: [{ name: 'cpu', weight: 101 }] } },
      'pluginConfig[0].args',
    );
    assert.deepEqual(
      problems.map((p) => p.path),
      ['pluginConfig[0].args.scoringStrategy.type', 'pluginConfig[0].args.scoringStrategy.resources[0].weight'],
    );
  });
});

describe('NodeResourcesBalancedAllocation', () => {
  test('score = (1 − |f_cpu − f_mem| / 2) × 100 with the pod added, real requests only', () => {
    const nodes = [makeNode('n', { cpu: '4', memory: '8Gi' })];
    const run = runPlugin(
      balanced,
      makeCluster({ nodes, pods: [makePod('b', { node: 'n', cpu: '1', memory: '1Gi' })] }),
      podWith('p', [{ cpu: '1', memory: '1Gi' }]),
    );
    // cpu 2/4 = 0.5, mem 2/8 = 0.25 → std 0.125 → 87.5 → 87.
    assert.deepEqual(run.scores, { n: 87 });
  });
  test('fractions cap at 1', () => {
    const run = runPlugin(
      balanced,
      makeCluster({ nodes: [makeNode('n', { cpu: '1', memory: '8Gi' })] }),
      podWith('p', [{ cpu: '2', memory: '8Gi' }]),
    );
    assert.deepEqual(run.scores, { n: 100 });
  });
  test('a pod with no requests for the scored resources is not scored (PreScore Skip)', () => {
    const run = runPlugin(balanced, makeCluster({ nodes: [makeNode('n')] }), podWith('p', [{}]));
    assert.equal(run.scores, undefined);
  });
  test('three resources use the population standard deviation', () => {
    const nodes = [makeNode('n', { cpu: '4', memory: '4Gi', allocatable: { 'example.com/x': '4' } })];
    const args = {
      resources: [
        { name: 'cpu', weight: 1 },
        { name: 'memory', weight: 1 },
        { name: 'example.com/x', weight: 1 },
      ],
    };
    const run = runPlugin(
      balanced,
      makeCluster({ nodes }),
      podWith('p', [{ cpu: '1', memory: '2Gi', 'example.com/x': '3' }]),
      args,
    );
    // fractions .25 .5 .75: mean .5, variance (.0625+0+.0625)/3 = .041667, std .2041 → 79.
    assert.deepEqual(run.scores, { n: 79 });
  });
});

describe('ImageLocality', () => {
  const MB = 1024 * 1024;
  const nodes = [
    makeNode('a', {
      images: [
        { names: ['nginx:1.27'], sizeBytes: 500 * MB },
        { names: ['redis:7'], sizeBytes: 100 * MB },
      ],
    }),
    makeNode('b', { images: [{ names: ['nginx:1.27'], sizeBytes: 500 * MB }] }),
    makeNode('c'),
    makeNode('d', { images: [{ names: ['busybox'], sizeBytes: 900 * MB }] }),
  ];
  const withImages = (...images: string[]) => {
    const pod = makePod('p');
    pod.spec.containers = images.map((image, i) => ({ name: `c${i}`, image }));
    return pod;
  };
  test('size × share of nodes with the image, clamped and scaled', () => {
    const run = runPlugin(imageLocality, makeCluster({ nodes }), withImages('nginx:1.27'));
    // a, b: 500MB × 2/4 = 250MB → 100 × (250 − 23) / (1000 − 23) = 23.
    assert.deepEqual(run.scores, { a: 23, b: 23, c: 0, d: 0 });
  });
  test('an untagged image means :latest on the pod side only', () => {
    const run = runPlugin(imageLocality, makeCluster({ nodes }), withImages('busybox'));
    assert.equal(run.scores?.d, 0); // the node lists "busybox" without a tag; the pod asks for busybox:latest
  });
  test('several containers raise the ceiling', () => {
    const run = runPlugin(imageLocality, makeCluster({ nodes }), withImages('nginx:1.27', 'redis:7'));
    // a: 250MB + 100MB×1/4 = 275MB; ceiling 2000MB: 100 × (275 − 23) / (2000 − 23) = 12.
    assert.equal(run.scores?.a, 12);
  });
});
