// NodeResourcesFit edge cases, hand-computed: what the filter checks and how it codes a failure,
// which request views scoring reads (non-zero stand-ins for cpu/memory, plain for the rest), the
// three strategies with the shapes the conformance configs use, and kube-scheduler's arg rules.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fit, { brokenLinear, parseArgs } from '../../plugins/node-resources-fit.js';
import type { Container, Node, Pod } from '../../src/api/types.js';
import type { Cycle, Handle } from '../../src/framework/plugin.js';
import { CODE_NAMES } from '../../src/framework/status.js';
import { Snapshot } from '../../src/snapshot/snapshot.js';
import { makeCluster, makeNode, makePod } from '../helpers/cluster.js';
import { runPlugin } from '../helpers/plugin.js';

/** A pod whose containers request exactly `requests` (an empty object: no requests at all). */
function pod(name: string, requests: Record<string, string>[], extra: Partial<Pod['spec']> = {}): Pod {
  const p = makePod(name);
  p.spec.containers = requests.map((r, i) => ({ name: `c${i}`, image: 'app:1', resources: { requests: r } }));
  Object.assign(p.spec, extra);
  return p;
}

function bound(name: string, node: string, requests: Record<string, string>[], extra: Partial<Pod['spec']> = {}): Pod {
  return pod(name, requests, { nodeName: node, ...extra });
}

function node(name: string, allocatable: Record<string, string>): Node {
  const n = makeNode(name);
  n.status!.allocatable = allocatable;
  return n;
}

function filterOne(nodes: Node[], pods: Pod[], incoming: Pod, args?: unknown): { code: string; reasons: string[] } {
  const run = runPlugin(fit, makeCluster({ nodes, pods }), incoming, args);
  const name = nodes[0].metadata.name;
  return { code: run.filter[name], reasons: run.reasons[name] ?? [] };
}

function scores(nodes: Node[], pods: Pod[], incoming: Pod, args?: unknown): Record<string, number> | undefined {
  return runPlugin(fit, makeCluster({ nodes, pods }), incoming, args).scores;
}

describe('NodeResourcesFit filter: what is checked and how failures are coded', () => {
  const cases: {
    name: string;
    alloc: Record<string, string>;
    pods?: Pod[];
    incoming: Pod;
    code: string;
    reasons: string[];
  }[] = [
    {
      name: 'a pod with no requests only needs a pod slot',
      alloc: { cpu: '0', memory: '0', pods: '1' },
      incoming: pod('p', [{}]),
      code: 'Success',
      reasons: [],
    },
    {
      name: 'explicit zero requests are not checked, even on a node without that resource',
      alloc: { cpu: '0', pods: '1' },
      incoming: pod('p', [{ cpu: '0', memory: '0', 'example.com/gpu': '0', 'hugepages-2Mi': '0' }]),
      code: 'Success',
      reasons: [],
    },
    {
      name: 'over-allocated node: any request fails, resolvable while it fits the whole node',
      alloc: { cpu: '1', memory: '1Gi', pods: '10' },
      pods: [bound('b', 'n', [{ cpu: '2' }])],
      incoming: pod('p', [{ cpu: '1m' }]),
      code: 'Unschedulable',
      reasons: ['Insufficient cpu'],
    },
    {
      name: 'over-allocated node: a pod asking for nothing still fits',
      alloc: { cpu: '1', memory: '1Gi', pods: '10' },
      pods: [bound('b', 'n', [{ cpu: '2' }])],
      incoming: pod('p', [{ memory: '0' }]),
      code: 'Success',
      reasons: [],
    },
    {
      name: 'Too many pods alone is Unschedulable',
      alloc: { cpu: '4', pods: '1' },
      pods: [bound('b', 'n', [{}])],
      incoming: pod('p', [{ cpu: '1' }]),
      code: 'Unschedulable',
      reasons: ['Too many pods'],
    },
    {
      name: 'Too many pods plus a request over the whole node: unresolvable wins',
      alloc: { cpu: '4', pods: '1' },
      pods: [bound('b', 'n', [{}])],
      incoming: pod('p', [{ cpu: '5' }]),
      code: 'UnschedulableAndUnresolvable',
      reasons: ['Too many pods', 'Insufficient cpu'],
    },
    {
      name: 'request equal to the free amount fits',
      alloc: { cpu: '1', memory: '1Gi', pods: '10' },
      pods: [bound('b', 'n', [{ cpu: '400m', memory: '512Mi' }])],
      incoming: pod('p', [{ cpu: '600m', memory: '512Mi' }]),
      code: 'Success',
      reasons: [],
    },
    {
      name: 'reasons in order: pods, cpu, memory, ephemeral-storage, then the pod’s own resource order',
      alloc: { cpu: '1', memory: '1Gi', 'ephemeral-storage': '1Gi', pods: '0' },
      incoming: pod('p', [
        {
          'example.com/b': '1',
          'hugepages-1Gi': '1Gi',
          'ephemeral-storage': '2Gi',
          memory: '2Gi',
          cpu: '2',
        },
        { 'example.com/a': '1' },
      ]),
      code: 'UnschedulableAndUnresolvable',
      reasons: [
        'Too many pods',
        'Insufficient cpu',
        'Insufficient memory',
        'Insufficient ephemeral-storage',
        'Insufficient example.com/b',
        'Insufficient hugepages-1Gi',
        'Insufficient example.com/a',
      ],
    },
    {
      name: 'prefixed native resources (kubernetes.io/…) are scalar and checked',
      alloc: { cpu: '1', pods: '10', 'kubernetes.io/batch-cpu': '2' },
      incoming: pod('p', [{ 'kubernetes.io/batch-cpu': '3' }]),
      code: 'UnschedulableAndUnresolvable',
      reasons: ['Insufficient kubernetes.io/batch-cpu'],
    },
    {
      name: 'a pods request is not a resource check (only the pod count is)',
      alloc: { cpu: '1', pods: '2' },
      incoming: pod('p', [{ pods: '5' }]),
      code: 'Success',
      reasons: [],
    },
    {
      name: 'init container after a sidecar needs its own request plus the sidecars: 900m of 800m',
      alloc: { cpu: '800m', pods: '10' },
      incoming: pod('p', [{ cpu: '200m' }], {
        initContainers: [
          { name: 's', restartPolicy: 'Always', resources: { requests: { cpu: '300m' } } },
          { name: 'i', resources: { requests: { cpu: '600m' } } },
        ] as Container[],
      }),
      code: 'UnschedulableAndUnresolvable',
      reasons: ['Insufficient cpu'],
    },
    {
      name: 'the same pod fits 900m exactly',
      alloc: { cpu: '900m', pods: '10' },
      incoming: pod('p', [{ cpu: '200m' }], {
        initContainers: [
          { name: 's', restartPolicy: 'Always', resources: { requests: { cpu: '300m' } } },
          { name: 'i', resources: { requests: { cpu: '600m' } } },
        ] as Container[],
      }),
      code: 'Success',
      reasons: [],
    },
    {
      name: 'overhead adds to the request: 500m + 250m > 1000m − 300m',
      alloc: { cpu: '1', pods: '10' },
      pods: [bound('b', 'n', [{ cpu: '300m' }])],
      incoming: pod('p', [{ cpu: '500m' }], { overhead: { cpu: '250m' } }),
      code: 'Unschedulable',
      reasons: ['Insufficient cpu'],
    },
    {
      name: 'hugepages are checked against the node’s hugepages and what bound pods hold',
      alloc: { cpu: '1', pods: '10', 'hugepages-2Mi': '8Mi' },
      pods: [bound('b', 'n', [{ 'hugepages-2Mi': '4Mi' }])],
      incoming: pod('p', [{ 'hugepages-2Mi': '6Mi' }]),
      code: 'Unschedulable',
      reasons: ['Insufficient hugepages-2Mi'],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const got = filterOne([node('n', c.alloc)], c.pods ?? [], c.incoming);
      assert.deepEqual(got, { code: c.code, reasons: c.reasons });
    });
  }

  test('ignoredResources apply to extended resources only, never to hugepages', () => {
    const got = filterOne([node('n', { cpu: '1', pods: '10' })], [], pod('p', [{ 'hugepages-2Mi': '2Mi' }]), {
      ignoredResources: ['hugepages-2Mi'],
    });
    assert.deepEqual(got.reasons, ['Insufficient hugepages-2Mi']);
  });

  test('ignoredResourceGroups match the whole domain before "/", not a suffix of it', () => {
    const got = filterOne(
      [node('n', { cpu: '1', pods: '10' })],
      [],
      pod('p', [{ 'example.com/x': '1', 'sub.example.com/x': '1' }]),
      { ignoredResourceGroups: ['example.com'] },
    );
    assert.deepEqual(got.reasons, ['Insufficient sub.example.com/x']);
  });

  test('extenders’ ignoredByScheduler resources replace the args’ ignoredResources', () => {
    const { args, problems } = parseArgs({ ignoredResources: ['example.com/b'] }, 'args');
    assert.deepEqual(problems, []);
    const handle: Handle = { schedulerName: 'default-scheduler', ignoredResources: new Set(['example.com/a']) };
    const plugin = fit.create(args, handle);
    const snapshot = new Snapshot(makeCluster({ nodes: [node('n', { cpu: '1', pods: '10' })] }));
    const cycle: Cycle = {
      pod: snapshot.podInfo(pod('p', [{ 'example.com/a': '1', 'example.com/b': '1' }])),
      snapshot,
    };
    const pre = plugin.preFilter!(cycle);
    const code = plugin.filter!(cycle, pre.state, 0);
    assert.equal(CODE_NAMES[code], 'UnschedulableAndUnresolvable');
    assert.deepEqual(plugin.filterReasons!(cycle, pre.state, 0), ['Insufficient example.com/b']);
  });

  test('filterBatch agrees with filter node for node', () => {
    const nodes = [
      node('a', { cpu: '1', pods: '1' }),
      node('b', { cpu: '2', pods: '10' }),
      node('c', { cpu: '500m', pods: '10' }),
      node('d', { cpu: '1', pods: '10' }),
    ];
    const pods = [bound('x', 'a', [{}]), bound('y', 'd', [{ cpu: '800m' }])];
    const plugin = fit.create(parseArgs(undefined, 'args').args, {
      schedulerName: 'default-scheduler',
      ignoredResources: new Set(),
    });
    const snapshot = new Snapshot(makeCluster({ nodes, pods }));
    const cycle: Cycle = { pod: snapshot.podInfo(pod('p', [{ cpu: '600m' }])), snapshot };
    const pre = plugin.preFilter!(cycle);
    const ids = Int32Array.from([0, 1, 2, 3]);
    const codes = new Uint8Array(4);
    plugin.filterBatch!(cycle, pre.state, ids, 4, codes);
    assert.deepEqual(
      [...codes].map((c) => CODE_NAMES[c]),
      ['Unschedulable', 'Success', 'UnschedulableAndUnresolvable', 'Unschedulable'],
    );
    for (let i = 0; i < 4; i++) assert.equal(plugin.filter!(cycle, pre.state, i), codes[i]);
  });
});

describe('NodeResourcesFit scoring: request views', () => {
  const n4 = () => node('n', { cpu: '4', memory: '8Gi', pods: '110' });

  test('missing requests score as 100m / 200Mi, explicit zeros as 0', () => {
    // missing: cpu (4000−100)·100/4000 = 97 (97.5), memory (8192−200)·100/8192 = 97 (97.56) → 97.
    assert.deepEqual(scores([n4()], [], pod('p', [{}])), { n: 97 });
    // explicit zero: 100 and 100 → 100.
    assert.deepEqual(scores([n4()], [], pod('p', [{ cpu: '0', memory: '0' }])), { n: 100 });
    // explicit zero cpu, missing memory: 100 and 97 → 98 (98.5).
    assert.deepEqual(scores([n4()], [], pod('p', [{ cpu: '0' }])), { n: 98 });
    // two containers without requests: 200m and 400Mi → cpu 95, memory (8192−400)·100/8192 = 95 (95.1).
    assert.deepEqual(scores([n4()], [], pod('p', [{}, {}])), { n: 95 });
  });

  test('bound pods without requests count 100m / 200Mi on the node side too', () => {
    const n = node('n', { cpu: '1', memory: '2000Mi', pods: '110' });
    const pods = [bound('a', 'n', [{}]), bound('b', 'n', [{}]), bound('c', 'n', [{}])];
    // node non-zero: 300m, 600Mi; pod 200m, 400Mi → cpu 500/1000, memory 1000/2000 → 50 and 50.
    const p = pod('p', [{ cpu: '200m', memory: '400Mi' }]);
    assert.deepEqual(scores([n], pods, p), { n: 50 });
    assert.deepEqual(scores([n], pods, p, { scoringStrategy: { type: 'MostAllocated' } }), { n: 50 });
  });

  test('sidecars and plain init containers get the stand-ins too; overhead adds', () => {
    const n = node('n', { cpu: '1', memory: '1000Mi', pods: '110' });
    // container {} → 100m/200Mi; sidecar {cpu 200m} → 200m/200Mi; sum 300m/400Mi.
    const withSidecar = pod('p', [{}], {
      initContainers: [{ name: 's', restartPolicy: 'Always', resources: { requests: { cpu: '200m' } } }] as Container[],
    });
    // cpu (1000−300)·100/1000 = 70, memory (1000−400)·100/1000 = 60 → 65.
    assert.deepEqual(scores([n], [], withSidecar), { n: 65 });
    // plain init {} needs 100m/200Mi + sidecars (200m/200Mi) = 300m/400Mi, no more than the 300m/400Mi sum.
    const withInit = pod('p', [{}], {
      initContainers: [
        { name: 's', restartPolicy: 'Always', resources: { requests: { cpu: '200m' } } },
        { name: 'i', resources: { requests: { memory: '700Mi' } } },
      ] as Container[],
    });
    // init i needs 100m + 200m = 300m and 700Mi + 200Mi = 900Mi → pod 300m / 900Mi → 70 and 10 → 40.
    assert.deepEqual(scores([n], [], withInit), { n: 40 });
    // overhead 100m/100Mi on top of {} → 200m/300Mi → 80 and 70 → 75.
    assert.deepEqual(scores([n], [], pod('p', [{}], { overhead: { cpu: '100m', memory: '100Mi' } })), { n: 75 });
  });

  test('pod-level requests: the incoming pod still gets per-container stand-ins for what the pod level omits', () => {
    const n = node('n', { cpu: '4', memory: '4Gi', pods: '110' });
    const podLevel = (name: string, nodeName?: string) =>
      pod(name, [{ memory: '1Gi' }, {}], { resources: { requests: { cpu: '1' } }, ...(nodeName ? { nodeName } : {}) });
    // incoming: cpu 1000 (pod level), memory 1Gi + 200Mi = 1224Mi.
    // cpu 75, memory (4096−1224)·100/4096 = 70 (70.1) → 72 (72.5).
    assert.deepEqual(scores([n], [], podLevel('p')), { n: 72 });
    // Bound, the same pod counts 1000m and only 1Gi (a container names memory, so no stand-in):
    // cpu 2000 → 50; memory 1024 + 1224 = 2248 → (4096−2248)·100/4096 = 45 (45.1) → 47 (47.5).
    assert.deepEqual(scores([n], [podLevel('b', 'n')], podLevel('p')), { n: 47 });
  });

  test('over-allocated node: LeastAllocated gives that resource 0, MostAllocated caps it at 100', () => {
    const n = node('n', { cpu: '1', memory: '4Gi', pods: '110' });
    const pods = [bound('b', 'n', [{ cpu: '2', memory: '1Gi' }])];
    const p = pod('p', [{ cpu: '100m', memory: '1Gi' }]);
    // cpu 2100 of 1000; memory 2Gi of 4Gi → least (0 + 50)/2 = 25, most (100 + 50)/2 = 75.
    assert.deepEqual(scores([n], pods, p), { n: 25 });
    assert.deepEqual(scores([n], pods, p, { scoringStrategy: { type: 'MostAllocated' } }), { n: 75 });
  });

  test('ephemeral-storage is scored from plain requests even when the pod asks for none; skipped at allocatable 0', () => {
    const args = {
      scoringStrategy: {
        type: 'LeastAllocated',
        resources: [
          { name: 'cpu', weight: 1 },
          { name: 'ephemeral-storage', weight: 1 },
        ],
      },
    };
    const a = node('a', { cpu: '4', memory: '8Gi', 'ephemeral-storage': '100Gi', pods: '110' });
    const b = node('b', { cpu: '4', memory: '8Gi', pods: '110' });
    const pods = [bound('x', 'a', [{ cpu: '0', 'ephemeral-storage': '50Gi' }])];
    // a: cpu (4000−100)·100/4000 = 97, storage 50 → 73 (73.5). b: storage skipped → 97.
    assert.deepEqual(scores([a, b], pods, pod('p', [{}]), args), { a: 73, b: 97 });
  });

  test('a scalar resource the pod does not request is not scored, whatever the node has', () => {
    const args = {
      scoringStrategy: {
        type: 'LeastAllocated',
        resources: [
          { name: 'cpu', weight: 1 },
          { name: 'example.com/gpu', weight: 3 },
        ],
      },
    };
    const n = node('n', { cpu: '4', memory: '8Gi', 'example.com/gpu': '4', pods: '110' });
    const pods = [bound('x', 'n', [{ cpu: '0', 'example.com/gpu': '2' }])];
    assert.deepEqual(scores([n], pods, pod('p', [{ cpu: '1' }]), args), { n: 75 });
    // Requesting one: cpu 75·1 + gpu (4−3)·100/4 = 25·3 → 150/4 = 37 (37.5).
    assert.deepEqual(scores([n], pods, pod('p', [{ cpu: '1', 'example.com/gpu': '1' }]), args), { n: 37 });
  });

  test('hugepages are scored from plain requests', () => {
    const args = { scoringStrategy: { type: 'MostAllocated', resources: [{ name: 'hugepages-2Mi', weight: 1 }] } };
    const n = node('n', { cpu: '4', memory: '8Gi', 'hugepages-2Mi': '8Mi', pods: '110' });
    assert.deepEqual(scores([n], [], pod('p', [{ 'hugepages-2Mi': '2Mi' }]), args), { n: 25 });
  });

  test('unknown names, pods, and resources no node has contribute nothing', () => {
    const args = {
      scoringStrategy: {
        type: 'LeastAllocated',
        resources: [
          { name: 'cpu', weight: 1 },
          { name: 'pods', weight: 5 },
          { name: 'example.com/none', weight: 5 },
        ],
      },
    };
    assert.deepEqual(scores([n4()], [], pod('p', [{ cpu: '1', 'example.com/none': '1' }]), args), { n: 75 });
  });

  test('no scorable resource at all scores 0', () => {
    const args = { scoringStrategy: { type: 'LeastAllocated', resources: [{ name: 'example.com/gpu', weight: 1 }] } };
    assert.deepEqual(scores([n4()], [], pod('p', [{ cpu: '1' }]), args), { n: 0 });
  });

  test('memory past 2^53/100 bytes stays exact', () => {
    // 2^50 + 1 bytes: (alloc − 3)·100 passes 2^53. Least: 100 − 300/alloc → 99; cpu 75 → 87 (87.5).
    const n = node('n', { cpu: '4', memory: `${2 ** 50 + 1}`, pods: '110' });
    assert.deepEqual(scores([n], [], pod('p', [{ cpu: '1', memory: '3' }])), { n: 87 });
    // Most: memory 1Pi of 64Pi → 1 (1.5625); cpu 25 → 13.
    const big = node('n', { cpu: '4', memory: '64Pi', pods: '110' });
    assert.deepEqual(
      scores([big], [], pod('p', [{ cpu: '1', memory: '1Pi' }]), { scoringStrategy: { type: 'MostAllocated' } }),
      {
        n: 13,
      },
    );
  });
});

describe('NodeResourcesFit scoring: RequestedToCapacityRatio with the conformance shapes', () => {
  const rtcr = (shape: [number, number][], weights: [number, number] = [3, 1]) => ({
    scoringStrategy: {
      type: 'RequestedToCapacityRatio',
      resources: [
        { name: 'cpu', weight: weights[0] },
        { name: 'memory', weight: weights[1] },
      ],
      requestedToCapacityRatio: { shape: shape.map(([utilization, score]) => ({ utilization, score })) },
    },
  });
  const n = () => node('n', { cpu: '4', memory: '8Gi', pods: '110' });

  test('0095 shape (0,10) (70,5) (100,0): a mean of exactly .5 rounds up', () => {
    // cpu 3000/4000 → 75 → 50 + (−50·5)/30 = 50 − 8 = 42; memory 1Gi/8Gi → 12 → 100 + (−50·12)/70 = 92.
    // (42·3 + 92·1)/4 = 54.5 → 55.
    assert.deepEqual(
      scores(
        [n()],
        [],
        pod('p', [{ cpu: '3', memory: '1Gi' }]),
        rtcr([
          [0, 10],
          [70, 5],
          [100, 0],
        ]),
      ),
      { n: 55 },
    );
  });

  test('0232 shape (0,0) (70,5) (100,0): zero-scoring resources leave the mean', () => {
    // cpu 25 → 50·25/70 = 17; memory 12 → 50·12/70 = 8 → (51 + 8)/4 = 14.75 → 15.
    const shape = rtcr([
      [0, 0],
      [70, 5],
      [100, 0],
    ]);
    assert.deepEqual(scores([n()], [], pod('p', [{ cpu: '1', memory: '1Gi' }]), shape), { n: 15 });
    // Over capacity scores the shape at 100 (here 0) and drops out: only memory 25 → 17 remains.
    const over = node('n', { cpu: '1', memory: '8Gi', pods: '110' });
    assert.deepEqual(
      scores([over], [bound('b', 'n', [{ cpu: '2', memory: '0' }])], pod('p', [{ cpu: '100m', memory: '2Gi' }]), shape),
      { n: 17 },
    );
    // Nothing requested: both utilizations 0 → both 0 → no weight → 0.
    assert.deepEqual(scores([n()], [], pod('p', [{ cpu: '0', memory: '0' }]), shape), { n: 0 });
  });

  test('0278 shape (0,0) (70,5) (100,10)', () => {
    // cpu 75 → 50 + 50·5/30 = 58; memory 50 → 50·50/70 = 35 → (174 + 35)/4 = 52.25 → 52.
    const shape = rtcr([
      [0, 0],
      [70, 5],
      [100, 10],
    ]);
    assert.deepEqual(scores([n()], [], pod('p', [{ cpu: '3', memory: '4Gi' }]), shape), { n: 52 });
  });

  test('0432 shape (0,0) (50,5) (100,10), equal weights', () => {
    // cpu 1300/4000 → 32 (32.5) → 32; memory 3Gi/8Gi → 37 (37.5) → 37 → 69/2 = 34.5 → 35.
    const shape = rtcr(
      [
        [0, 0],
        [50, 5],
        [100, 10],
      ],
      [1, 1],
    );
    assert.deepEqual(scores([n()], [], pod('p', [{ cpu: '1300m', memory: '3Gi' }]), shape), { n: 35 });
  });

  test('brokenLinear: before the first point its score, after the last point its score', () => {
    const shape = [
      { utilization: 10, score: 20 },
      { utilization: 90, score: 80 },
    ];
    assert.equal(brokenLinear(shape, 5), 20);
    assert.equal(brokenLinear(shape, 10), 20);
    assert.equal(brokenLinear(shape, 50), 50); // 20 + 60·40/80
    assert.equal(brokenLinear(shape, 95), 80);
  });
});

describe('NodeResourcesFit args', () => {
  const paths = (raw: unknown) => parseArgs(raw, 'a').problems.map((p) => `${p.code} ${p.path}`);

  test('defaults: LeastAllocated over cpu and memory, weight 1', () => {
    const { args, problems } = parseArgs(undefined, 'a');
    assert.deepEqual(problems, []);
    assert.deepEqual(args.scoringStrategy, {
      type: 'LeastAllocated',
      resources: [
        { name: 'cpu', weight: 1 },
        { name: 'memory', weight: 1 },
      ],
      shape: [],
    });
  });

  test('an empty resource list means cpu and memory; weight 0 or missing means 1', () => {
    assert.deepEqual(
      parseArgs({ scoringStrategy: { type: 'MostAllocated', resources: [] } }, 'a').args.scoringStrategy.resources,
      [
        { name: 'cpu', weight: 1 },
        { name: 'memory', weight: 1 },
      ],
    );
    const { args, problems } = parseArgs(
      { scoringStrategy: { type: 'MostAllocated', resources: [{ name: 'cpu', weight: 0 }, { name: 'memory' }] } },
      'a',
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(args.scoringStrategy.resources, [
      { name: 'cpu', weight: 1 },
      { name: 'memory', weight: 1 },
    ]);
  });

  test('weights outside 1..100 are rejected with their index', () => {
    assert.deepEqual(
      paths({
        scoringStrategy: {
          type: 'LeastAllocated',
          resources: [
            { name: 'cpu', weight: 101 },
            { name: 'memory', weight: 100 },
            { name: 'x.io/y', weight: -1 },
          ],
        },
      }),
      ['range a.scoringStrategy.resources[0].weight', 'range a.scoringStrategy.resources[2].weight'],
    );
  });

  test('a given scoringStrategy must name a known type', () => {
    assert.deepEqual(paths({ scoringStrategy: { resources: [] } }), ['required a.scoringStrategy.type']);
    assert.deepEqual(paths({ scoringStrategy: { type: 'Balanced' } }), ['value a.scoringStrategy.type']);
  });

  test('RequestedToCapacityRatio needs a valid shape', () => {
    assert.deepEqual(paths({ scoringStrategy: { type: 'RequestedToCapacityRatio' } }), [
      'required a.scoringStrategy.requestedToCapacityRatio',
    ]);
    assert.deepEqual(
      paths({ scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [] } } }),
      ['required a.scoringStrategy.requestedToCapacityRatio.shape'],
    );
    const shape = (points: unknown[]) => ({
      scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: points } },
    });
    assert.deepEqual(
      paths(
        shape([
          { utilization: 50, score: 5 },
          { utilization: 50, score: 6 },
        ]),
      ),
      ['order a.scoringStrategy.requestedToCapacityRatio.shape[1].utilization'],
    );
    assert.deepEqual(paths(shape([{ utilization: 101, score: 11 }])), [
      'range a.scoringStrategy.requestedToCapacityRatio.shape[0].utilization',
      'range a.scoringStrategy.requestedToCapacityRatio.shape[0].score',
    ]);
    assert.deepEqual(paths(shape([{ utilization: 0, score: 10 }])), []);
  });

  test('ignored resources are qualified names; groups have no "/"', () => {
    assert.deepEqual(
      paths({
        ignoredResources: ['example.com/gpu', 'bad name', 'a/b/c'],
        ignoredResourceGroups: ['example.com', 'example.com/gpu'],
      }),
      ['value a.ignoredResources[1]', 'value a.ignoredResources[2]', 'value a.ignoredResourceGroups[1]'],
    );
  });
});
