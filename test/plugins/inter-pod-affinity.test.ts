import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import definition, {
  DEFAULT_ARGS,
  type InterPodAffinityArgs,
  normalize,
  parseArgs,
  REASON_AFFINITY,
  REASON_ANTI_AFFINITY,
  REASON_EXISTING_ANTI_AFFINITY,
} from '../../plugins/inter-pod-affinity.js';
import type {
  Affinity,
  ClusterSnapshot,
  LabelSelector,
  Labels,
  Node,
  Pod,
  PodAffinityTerm,
} from '../../src/api/types.js';
import type { Cycle, Plugin } from '../../src/framework/plugin.js';
import { type Code, codeName, SKIP } from '../../src/framework/status.js';
import { Snapshot } from '../../src/snapshot/snapshot.js';

// ---- fixtures -----------------------------------------------------------------------------------

const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';

function node(name: string, labels: Labels = {}): Node {
  return { metadata: { name, labels: { [HOST]: name, ...labels } } };
}

/** A node with no hostname label either: it lacks every topology key. */
function bareNode(name: string, labels: Labels = {}): Node {
  return { metadata: { name, labels } };
}

function pod(name: string, opts: { ns?: string; labels?: Labels; on?: string; affinity?: Affinity } = {}): Pod {
  return {
    metadata: { name, namespace: opts.ns ?? 'default', labels: opts.labels ?? {} },
    spec: { containers: [{ name: 'c' }], nodeName: opts.on, affinity: opts.affinity },
  };
}

function term(
  selector: LabelSelector | null,
  topologyKey: string,
  extra: Partial<PodAffinityTerm> = {},
): PodAffinityTerm {
  return { labelSelector: selector, topologyKey, ...extra };
}

const app = (value: string): LabelSelector => ({ matchLabels: { app: value } });

function cluster(nodes: Node[], pods: Pod[], namespaces: Record<string, Labels> = { default: {} }): ClusterSnapshot {
  return {
    nodes,
    pods,
    pendingPods: [],
    namespaces: Object.entries(namespaces).map(([name, labels]) => ({ metadata: { name, labels } })),
    services: [],
    replicaSets: [],
    replicationControllers: [],
    statefulSets: [],
    deployments: [],
    daemonSets: [],
    jobs: [],
    podDisruptionBudgets: [],
    priorityClasses: [],
    horizontalPodAutoscalers: [],
  };
}

interface Outcome {
  preFilter: string;
  /** Node name → status code name (only when PreFilter did not skip). */
  filter: Record<string, string>;
  reasons: Record<string, string[]>;
  preScore: string;
  raw: Record<string, number>;
  normalized: Record<string, number>;
}

function plugin(args: Partial<InterPodAffinityArgs> = {}): Plugin {
  return definition.create(
    { ...DEFAULT_ARGS, ...args },
    { schedulerName: 'default-scheduler', ignoredResources: new Set() },
  );
}

/** Runs the plugin's extension points for `pending` as the framework would; `feasible` defaults to all nodes. */
function evaluate(
  c: ClusterSnapshot,
  pending: Pod,
  args: Partial<InterPodAffinityArgs> = {},
  feasible?: string[],
): Outcome {
  const snap = new Snapshot(c);
  return evaluateOn(snap, pending, plugin(args), feasible);
}

function evaluateOn(snap: Snapshot, pending: Pod, p: Plugin, feasibleNames?: string[]): Outcome {
  const cycle: Cycle = { pod: snap.podInfo(pending), snapshot: snap };
  const out: Outcome = { preFilter: '', filter: {}, reasons: {}, preScore: '', raw: {}, normalized: {} };
  const pre = p.preFilter!(cycle);
  out.preFilter = codeName(pre.code);
  if (pre.code !== SKIP) {
    for (let n = 0; n < snap.nodeCount; n++) {
      const code: Code = p.filter!(cycle, pre.state, n);
      out.filter[snap.nodeNames[n]] = codeName(code);
      if (code !== 0) out.reasons[snap.nodeNames[n]] = p.filterReasons!(cycle, pre.state, n);
    }
  }
  const names = feasibleNames ?? snap.nodeNames;
  const feasible = Int32Array.from(names.map((n) => snap.nodeIndex.get(n)!));
  const ps = p.preScore!(cycle, feasible);
  out.preScore = codeName(ps.code);
  if (ps.code !== SKIP) {
    const scores = new Float64Array(feasible.length);
    feasible.forEach((n, i) => {
      scores[i] = p.score!(cycle, ps.state, n);
      out.raw[snap.nodeNames[n]] = scores[i];
    });
    p.normalizeScore!(cycle, ps.state, feasible, scores);
    feasible.forEach((n, i) => {
      out.normalized[snap.nodeNames[n]] = scores[i];
    });
  }
  return out;
}

const requiredAffinity = (...terms: PodAffinityTerm[]): Affinity => ({
  podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: terms },
});
const requiredAnti = (...terms: PodAffinityTerm[]): Affinity => ({
  podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: terms },
});

// ---- filter -------------------------------------------------------------------------------------

describe('InterPodAffinity filter', () => {
  const zoned = [node('a1', { [ZONE]: 'z1' }), node('a2', { [ZONE]: 'z1' }), node('b1', { [ZONE]: 'z2' }), node('x')];

  const cases: {
    name: string;
    nodes?: Node[];
    pods: Pod[];
    pending: Pod;
    namespaces?: Record<string, Labels>;
    preFilter?: string;
    want?: Record<string, string>;
    reasons?: Record<string, string[]>;
  }[] = [
    {
      name: 'skips a pod without required terms when no existing anti-affinity matches it',
      pods: [pod('db', { labels: { app: 'db' }, on: 'a1', affinity: requiredAnti(term(app('web'), HOST)) })],
      pending: pod('p', { labels: { app: 'cache' } }),
      preFilter: 'Skip',
    },
    {
      name: 'required affinity passes only in the zone of a matching pod; a node without the key is unresolvable',
      pods: [pod('db', { labels: { app: 'db' }, on: 'a2' })],
      pending: pod('p', { affinity: requiredAffinity(term(app('db'), ZONE)) }),
      want: {
        a1: 'Success',
        a2: 'Success',
        b1: 'UnschedulableAndUnresolvable',
        x: 'UnschedulableAndUnresolvable',
      },
      reasons: { b1: [REASON_AFFINITY], x: [REASON_AFFINITY] },
    },
    {
      name: 'first pod of a group goes to any node with every topology key when nothing matches yet',
      pods: [pod('other', { labels: { app: 'db' }, on: 'a1' })],
      pending: pod('p', { labels: { app: 'web' }, affinity: requiredAffinity(term(app('web'), ZONE)) }),
      want: { a1: 'Success', a2: 'Success', b1: 'Success', x: 'UnschedulableAndUnresolvable' },
    },
    {
      name: 'first-pod rule does not apply when the pod does not match its own terms',
      pods: [],
      pending: pod('p', { labels: { app: 'api' }, affinity: requiredAffinity(term(app('web'), ZONE)) }),
      want: {
        a1: 'UnschedulableAndUnresolvable',
        a2: 'UnschedulableAndUnresolvable',
        b1: 'UnschedulableAndUnresolvable',
        x: 'UnschedulableAndUnresolvable',
      },
    },
    {
      name: 'first-pod rule needs the pod to match all of its terms',
      pods: [],
      pending: pod('p', {
        labels: { app: 'web' },
        affinity: requiredAffinity(term(app('web'), ZONE), term({ matchLabels: { tier: 'x' } }, HOST)),
      }),
      want: {
        a1: 'UnschedulableAndUnresolvable',
        a2: 'UnschedulableAndUnresolvable',
        b1: 'UnschedulableAndUnresolvable',
        x: 'UnschedulableAndUnresolvable',
      },
    },
    {
      name: 'affinity terms need one pod matching all of them: two pods matching one each count as none',
      pods: [pod('w', { labels: { app: 'web' }, on: 'a1' }), pod('t', { labels: { tier: 'x' }, on: 'a1' })],
      pending: pod('p', {
        labels: { app: 'web', tier: 'x' },
        affinity: requiredAffinity(term(app('web'), ZONE), term({ matchLabels: { tier: 'x' } }, ZONE)),
      }),
      // Nothing matches both terms, and the pod matches both itself: the first-pod rule admits every zoned node.
      want: { a1: 'Success', a2: 'Success', b1: 'Success', x: 'UnschedulableAndUnresolvable' },
    },
    {
      name: 'first-pod rule is off once any pod matches: other zones stay closed',
      pods: [pod('w', { labels: { app: 'web' }, on: 'b1' })],
      pending: pod('p', { labels: { app: 'web' }, affinity: requiredAffinity(term(app('web'), ZONE)) }),
      want: {
        a1: 'UnschedulableAndUnresolvable',
        a2: 'UnschedulableAndUnresolvable',
        b1: 'Success',
        x: 'UnschedulableAndUnresolvable',
      },
    },
    {
      name: 'required anti-affinity blocks the domain of a matching pod; a node without the key passes',
      pods: [pod('w', { labels: { app: 'web' }, on: 'a1' })],
      pending: pod('p', { affinity: requiredAnti(term(app('web'), ZONE)) }),
      want: { a1: 'Unschedulable', a2: 'Unschedulable', b1: 'Success', x: 'Success' },
      reasons: { a1: [REASON_ANTI_AFFINITY], a2: [REASON_ANTI_AFFINITY] },
    },
    {
      name: "symmetry: an existing pod's required anti-affinity matching the pod blocks that pod's domain",
      pods: [pod('db', { labels: { app: 'db' }, on: 'b1', affinity: requiredAnti(term(app('web'), ZONE)) })],
      pending: pod('p', { labels: { app: 'web' } }),
      want: { a1: 'Success', a2: 'Success', b1: 'Unschedulable', x: 'Success' },
      reasons: { b1: [REASON_EXISTING_ANTI_AFFINITY] },
    },
    {
      name: "symmetry uses the existing pod's namespace by default: a pod elsewhere is not blocked",
      namespaces: { default: {}, other: {} },
      pods: [pod('db', { labels: { app: 'db' }, on: 'b1', affinity: requiredAnti(term(app('web'), ZONE)) })],
      pending: pod('p', { ns: 'other', labels: { app: 'web' } }),
      preFilter: 'Skip',
    },
    {
      name: 'checks run in order: affinity failure wins over anti-affinity and symmetry',
      pods: [
        pod('w', { labels: { app: 'web' }, on: 'a1', affinity: requiredAnti(term(app('api'), ZONE)) }),
        pod('d', { labels: { app: 'db' }, on: 'b1' }),
      ],
      pending: pod('p', {
        labels: { app: 'api' },
        affinity: { ...requiredAffinity(term(app('db'), ZONE)), ...requiredAnti(term(app('web'), HOST)) },
      }),
      want: {
        a1: 'UnschedulableAndUnresolvable',
        a2: 'UnschedulableAndUnresolvable',
        b1: 'Success',
        x: 'UnschedulableAndUnresolvable',
      },
    },
    {
      name: 'anti-affinity failure is reported before symmetry',
      pods: [pod('w', { labels: { app: 'web' }, on: 'a1', affinity: requiredAnti(term(app('api'), HOST)) })],
      pending: pod('p', { labels: { app: 'api' }, affinity: requiredAnti(term(app('web'), HOST)) }),
      want: { a1: 'Unschedulable', a2: 'Success', b1: 'Success', x: 'Success' },
      reasons: { a1: [REASON_ANTI_AFFINITY] },
    },
    {
      name: 'a namespaces list limits matching to those namespaces',
      namespaces: { default: {}, other: {} },
      pods: [
        pod('w1', { labels: { app: 'web' }, on: 'a1' }),
        pod('w2', { ns: 'other', labels: { app: 'web' }, on: 'b1' }),
      ],
      pending: pod('p', { affinity: requiredAnti(term(app('web'), ZONE, { namespaces: ['other'] })) }),
      want: { a1: 'Success', a2: 'Success', b1: 'Unschedulable', x: 'Success' },
    },
    {
      name: 'a namespaceSelector picks namespaces by label, united with the list',
      namespaces: { default: {}, blue: { team: 'a' }, green: { team: 'b' } },
      pods: [
        pod('w1', { ns: 'blue', labels: { app: 'web' }, on: 'a1' }),
        pod('w2', { ns: 'green', labels: { app: 'web' }, on: 'b1' }),
        pod('w3', { labels: { app: 'web' }, on: 'x' }),
      ],
      pending: pod('p', {
        affinity: requiredAnti(
          term(app('web'), HOST, { namespaces: ['default'], namespaceSelector: { matchLabels: { team: 'a' } } }),
        ),
      }),
      want: { a1: 'Unschedulable', a2: 'Success', b1: 'Success', x: 'Unschedulable' },
    },
    {
      name: 'an empty namespaceSelector selects every namespace, even unknown ones',
      namespaces: { default: {} },
      pods: [pod('w1', { ns: 'ghost', labels: { app: 'web' }, on: 'b1' })],
      pending: pod('p', { affinity: requiredAnti(term(app('web'), HOST, { namespaceSelector: {} })) }),
      want: { a1: 'Success', a2: 'Success', b1: 'Unschedulable', x: 'Success' },
    },
    {
      name: "an existing pod's namespaceSelector is tested against the incoming pod's namespace labels",
      namespaces: { default: {}, blue: { team: 'a' }, green: { team: 'b' } },
      pods: [
        pod('db', {
          labels: { app: 'db' },
          on: 'a1',
          affinity: requiredAnti(term(app('web'), ZONE, { namespaceSelector: { matchLabels: { team: 'a' } } })),
        }),
      ],
      pending: pod('p', { ns: 'blue', labels: { app: 'web' } }),
      want: { a1: 'Unschedulable', a2: 'Unschedulable', b1: 'Success', x: 'Success' },
    },
    {
      name: "an unknown namespace has no labels: an existing pod's DoesNotExist namespace selector matches it",
      namespaces: { default: {} },
      pods: [
        pod('db', {
          labels: { app: 'db' },
          on: 'b1',
          affinity: requiredAnti(
            term(app('web'), HOST, {
              namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] },
            }),
          ),
        }),
      ],
      pending: pod('p', { ns: 'ghost', labels: { app: 'web' } }),
      want: { a1: 'Success', a2: 'Success', b1: 'Unschedulable', x: 'Success' },
    },
    {
      name: "v1.35 quirk: the incoming pod's NotIn namespace selector selects every namespace (kubernetes#141526)",
      namespaces: { default: {}, blue: { team: 'a' }, green: { team: 'b' } },
      pods: [
        pod('w1', { ns: 'blue', labels: { app: 'web' }, on: 'a1' }),
        pod('w2', { ns: 'green', labels: { app: 'web' }, on: 'b1' }),
      ],
      pending: pod('p', {
        ns: 'green',
        affinity: requiredAnti(
          term(app('web'), HOST, {
            namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['a'] }] },
          }),
        ),
      }),
      want: { a1: 'Unschedulable', a2: 'Success', b1: 'Unschedulable', x: 'Success' },
    },
    {
      name: 'a null label selector matches no pod',
      pods: [pod('w1', { labels: { app: 'web' }, on: 'a1' })],
      pending: pod('p', { affinity: requiredAnti(term(null, HOST)) }),
      want: { a1: 'Success', a2: 'Success', b1: 'Success', x: 'Success' },
    },
    {
      name: 'an empty label selector matches every pod of the namespace',
      pods: [pod('w1', { labels: { app: 'web' }, on: 'a1' })],
      pending: pod('p', { affinity: requiredAnti(term({}, HOST)) }),
      want: { a1: 'Unschedulable', a2: 'Success', b1: 'Success', x: 'Success' },
    },
    {
      name: 'a pod matching every affinity term opens its domains; terms may use different keys',
      pods: [
        pod('w', { labels: { app: 'web' }, on: 'a1' }),
        pod('both', { labels: { app: 'web', tier: 'x' }, on: 'b1' }),
      ],
      pending: pod('p', {
        affinity: requiredAffinity(term(app('web'), ZONE), term({ matchLabels: { tier: 'x' } }, HOST)),
      }),
      want: {
        a1: 'UnschedulableAndUnresolvable',
        a2: 'UnschedulableAndUnresolvable',
        b1: 'Success',
        x: 'UnschedulableAndUnresolvable',
      },
    },
    {
      name: 'selector expressions: In with several values, NotIn and Exists',
      pods: [
        pod('w', { labels: { app: 'web' }, on: 'a1' }),
        pod('api', { labels: { app: 'api', canary: 'yes' }, on: 'b1' }),
        pod('db', { labels: { app: 'db' }, on: 'x' }),
      ],
      pending: pod('p', {
        affinity: requiredAnti(
          term({ matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'db'] }] }, HOST),
          term(
            {
              matchExpressions: [
                { key: 'app', operator: 'NotIn', values: ['web', 'db'] },
                { key: 'canary', operator: 'Exists' },
              ],
            },
            ZONE,
          ),
        ),
      }),
      want: { a1: 'Unschedulable', a2: 'Success', b1: 'Unschedulable', x: 'Unschedulable' },
    },
    {
      name: 'nodes lacking the topology key pass anti-affinity and symmetry but fail affinity',
      nodes: [node('a1', { [ZONE]: 'z1' }), bareNode('bare')],
      pods: [
        pod('w', { labels: { app: 'web' }, on: 'bare', affinity: requiredAnti(term(app('api'), ZONE)) }),
        pod('d', { labels: { app: 'db' }, on: 'a1' }),
      ],
      pending: pod('p', { labels: { app: 'api' }, affinity: requiredAnti(term(app('web'), ZONE)) }),
      want: { a1: 'Success', bare: 'Success' },
    },
  ];

  for (const c of cases) {
    test(c.name, () => {
      const out = evaluate(cluster(c.nodes ?? zoned, c.pods, c.namespaces), c.pending);
      assert.equal(out.preFilter, c.preFilter ?? 'Success');
      if (c.want) assert.deepEqual(out.filter, c.want);
      for (const [n, r] of Object.entries(c.reasons ?? {})) assert.deepEqual(out.reasons[n], r, n);
    });
  }

  test("a bound pod joins the incoming pod's anti-affinity counts, and leaves them when removed", () => {
    const snap = new Snapshot(cluster(zoned, [pod('w0', { labels: { app: 'web' }, on: 'x' })]));
    const p = plugin();
    const incoming = pod('p', { affinity: requiredAnti(term(app('web'), ZONE)) });
    assert.deepEqual(evaluateOn(snap, incoming, p).filter, {
      a1: 'Success',
      a2: 'Success',
      b1: 'Success',
      x: 'Success',
    });
    const web = snap.podInfo(pod('w1', { labels: { app: 'web' } }));
    snap.bind(web, snap.nodeIndex.get('a2')!);
    assert.deepEqual(evaluateOn(snap, incoming, p).filter, {
      a1: 'Unschedulable',
      a2: 'Unschedulable',
      b1: 'Success',
      x: 'Success',
    });
    snap.unbind(web);
    assert.deepEqual(evaluateOn(snap, incoming, p).filter, {
      a1: 'Success',
      a2: 'Success',
      b1: 'Success',
      x: 'Success',
    });
  });

  test('pods bound after a cycle are seen by the next one, and removed pods are forgotten', () => {
    const snap = new Snapshot(cluster(zoned, []));
    const p = plugin();
    const incoming = pod('p', { labels: { app: 'web' } });
    assert.equal(evaluateOn(snap, incoming, p).preFilter, 'Skip');
    const guard = snap.podInfo(pod('db', { labels: { app: 'db' }, affinity: requiredAnti(term(app('web'), HOST)) }));
    snap.bind(guard, snap.nodeIndex.get('b1')!);
    assert.deepEqual(evaluateOn(snap, incoming, p).filter, {
      a1: 'Success',
      a2: 'Success',
      b1: 'Unschedulable',
      x: 'Success',
    });
    snap.unbind(guard);
    assert.equal(evaluateOn(snap, incoming, p).preFilter, 'Skip');
    snap.bind(guard, snap.nodeIndex.get('a2')!);
    assert.deepEqual(evaluateOn(snap, incoming, p).filter, {
      a1: 'Success',
      a2: 'Unschedulable',
      b1: 'Success',
      x: 'Success',
    });
  });
});

// ---- score --------------------------------------------------------------------------------------

describe('InterPodAffinity score', () => {
  const preferred = (kind: 'podAffinity' | 'podAntiAffinity', weight: number, t: PodAffinityTerm): Affinity => ({
    [kind]: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight, podAffinityTerm: t }] },
  });

  test('preferred affinity and anti-affinity sum per domain; normalisation spans min..max, negatives included', () => {
    const nodes = [
      node('n1', { [ZONE]: 'z1' }),
      node('n2', { [ZONE]: 'z1' }),
      node('n3', { [ZONE]: 'z2' }),
      node('n4', { [ZONE]: 'z3' }),
      node('n5'),
    ];
    const pods = [
      pod('w1', { labels: { app: 'web' }, on: 'n1' }),
      pod('w3', { labels: { app: 'web' }, on: 'n3' }),
      pod('w5', { labels: { app: 'web' }, on: 'n5' }),
    ];
    const incoming = pod('p', {
      affinity: {
        ...preferred('podAffinity', 7, term(app('web'), ZONE)),
        ...preferred('podAntiAffinity', 3, term(app('web'), HOST)),
      },
    });
    const out = evaluate(cluster(nodes, pods), incoming);
    // zone z1 +7, z2 +7; hosts n1, n3, n5 −3 each.
    assert.deepEqual(out.raw, { n1: 4, n2: 7, n3: 4, n4: 0, n5: -3 });
    // min −3, max 7: 100·(s+3)/10.
    assert.deepEqual(out.normalized, { n1: 70, n2: 100, n3: 70, n4: 30, n5: 0 });
  });

  test('normalisation truncates the float64 quotient (2/3 → 66, not 67)', () => {
    const scores = Float64Array.of(0, 1, 2, 3);
    normalize(scores);
    assert.deepEqual([...scores], [0, 33, 66, 100]);
    const equal = Float64Array.of(-4, -4);
    normalize(equal);
    assert.deepEqual([...equal], [0, 0]);
  });

  test('only feasible nodes enter min and max', () => {
    const nodes = [node('n1', { [ZONE]: 'z1' }), node('n2', { [ZONE]: 'z2' }), node('n3', { [ZONE]: 'z3' })];
    const pods = [
      pod('w1', { labels: { app: 'web' }, on: 'n1' }),
      pod('w2', { labels: { app: 'web' }, on: 'n2' }),
      pod('w2b', { labels: { app: 'web' }, on: 'n2' }),
    ];
    const incoming = pod('p', { affinity: preferred('podAffinity', 10, term(app('web'), ZONE)) });
    const out = evaluate(cluster(nodes, pods), incoming, {}, ['n1', 'n2']);
    assert.deepEqual(out.raw, { n1: 10, n2: 20 });
    assert.deepEqual(out.normalized, { n1: 0, n2: 100 });
  });

  const hardCase = () => {
    const nodes = [node('n1', { [ZONE]: 'z1' }), node('n2', { [ZONE]: 'z2' }), node('n3', { [ZONE]: 'z2' })];
    const pods = [
      pod('db', { labels: { app: 'db' }, on: 'n1', affinity: requiredAffinity(term(app('web'), ZONE)) }),
      pod('db2', { labels: { app: 'db' }, on: 'n2', affinity: preferred('podAffinity', 3, term(app('web'), HOST)) }),
    ];
    return { c: cluster(nodes, pods), incoming: pod('p', { labels: { app: 'web' } }) };
  };

  test("an existing pod's required affinity matching the pod counts hardPodAffinityWeight (default 1)", () => {
    const { c, incoming } = hardCase();
    const out = evaluate(c, incoming);
    assert.deepEqual(out.raw, { n1: 1, n2: 3, n3: 0 });
    assert.deepEqual(out.normalized, { n1: 33, n2: 100, n3: 0 });
  });

  test('hardPodAffinityWeight 5 scales it', () => {
    const { c, incoming } = hardCase();
    const out = evaluate(c, incoming, { hardPodAffinityWeight: 5 });
    assert.deepEqual(out.raw, { n1: 5, n2: 3, n3: 0 });
    assert.deepEqual(out.normalized, { n1: 100, n2: 60, n3: 0 });
  });

  test('hardPodAffinityWeight 0 ignores required terms; with nothing else to count, PreScore skips', () => {
    const { c, incoming } = hardCase();
    assert.deepEqual(evaluate(c, incoming, { hardPodAffinityWeight: 0 }).raw, { n1: 0, n2: 3, n3: 0 });
    const onlyRequired = cluster(c.nodes, [c.pods[0]]);
    assert.equal(evaluate(onlyRequired, incoming, { hardPodAffinityWeight: 0 }).preScore, 'Skip');
    assert.equal(evaluate(onlyRequired, incoming).preScore, 'Success');
  });

  test("existing pods' preferred terms add and subtract, their namespaceSelector read against the pod's namespace", () => {
    const nodes = [node('n1', { [ZONE]: 'z1' }), node('n2', { [ZONE]: 'z2' }), node('n3', { [ZONE]: 'z3' })];
    const teamA = { namespaceSelector: { matchLabels: { team: 'a' } } };
    const pods = [
      pod('likes', {
        labels: { app: 'x' },
        on: 'n1',
        affinity: preferred('podAffinity', 8, term(app('web'), ZONE, teamA)),
      }),
      pod('hates', {
        labels: { app: 'y' },
        on: 'n2',
        affinity: preferred('podAntiAffinity', 6, term(app('web'), ZONE, teamA)),
      }),
      pod('elsewhere', {
        labels: { app: 'z' },
        on: 'n3',
        affinity: preferred('podAffinity', 50, term(app('web'), ZONE)),
      }),
    ];
    const ns = { default: {}, blue: { team: 'a' } };
    const out = evaluate(cluster(nodes, pods, ns), pod('p', { ns: 'blue', labels: { app: 'web' } }));
    // 'elsewhere' defaults to its own namespace (default): it does not see a pod in blue.
    assert.deepEqual(out.raw, { n1: 8, n2: -6, n3: 0 });
    assert.deepEqual(out.normalized, { n1: 100, n2: 0, n3: 42 });
  });

  test('ignorePreferredTermsOfExistingPods skips pods without preferred terms, and counts everything otherwise', () => {
    const { c, incoming } = hardCase();
    assert.equal(evaluate(c, incoming, { ignorePreferredTermsOfExistingPods: true }).preScore, 'Skip');
    const withOwn = pod('p', { labels: { app: 'web' }, affinity: preferred('podAffinity', 2, term(app('db'), HOST)) });
    const out = evaluate(c, withOwn, { ignorePreferredTermsOfExistingPods: true });
    assert.deepEqual(out.raw, { n1: 3, n2: 5, n3: 0 });
  });

  test('PreScore skips when no term touched a domain (existing pods with required anti-affinity only)', () => {
    const nodes = [node('n1'), node('n2')];
    const pods = [pod('db', { labels: { app: 'db' }, on: 'n1', affinity: requiredAnti(term(app('web'), HOST)) })];
    assert.equal(evaluate(cluster(nodes, pods), pod('p', { labels: { app: 'web' } })).preScore, 'Skip');
  });

  test('PreScore skips when matching pods sit on nodes without the topology key', () => {
    const nodes = [node('n1'), node('n2')];
    const pods = [pod('w', { labels: { app: 'web' }, on: 'n1' })];
    const incoming = pod('p', { affinity: preferred('podAffinity', 5, term(app('web'), ZONE)) });
    assert.equal(evaluate(cluster(nodes, pods), incoming).preScore, 'Skip');
  });

  test('terms that cancel out still score (all zero), they do not skip', () => {
    const nodes = [node('n1'), node('n2')];
    const pods = [pod('w', { labels: { app: 'web' }, on: 'n1' })];
    const incoming = pod('p', {
      affinity: {
        ...preferred('podAffinity', 4, term(app('web'), HOST)),
        ...preferred('podAntiAffinity', 4, term(app('web'), HOST)),
      },
    });
    const out = evaluate(cluster(nodes, pods), incoming);
    assert.equal(out.preScore, 'Success');
    assert.deepEqual(out.normalized, { n1: 0, n2: 0 });
  });
});

// ---- args ---------------------------------------------------------------------------------------

describe('InterPodAffinity args', () => {
  const path = 'profiles[0].pluginConfig[0].args';

  test('defaults: hardPodAffinityWeight 1, ignorePreferredTermsOfExistingPods false', () => {
    assert.deepEqual(parseArgs(undefined, path), { args: DEFAULT_ARGS, problems: [] });
    assert.deepEqual(parseArgs({}, path).args, DEFAULT_ARGS);
  });

  test('accepts 0 and 100 and the boolean', () => {
    assert.deepEqual(parseArgs({ hardPodAffinityWeight: 0, ignorePreferredTermsOfExistingPods: true }, path), {
      args: { hardPodAffinityWeight: 0, ignorePreferredTermsOfExistingPods: true },
      problems: [],
    });
    assert.equal(parseArgs({ hardPodAffinityWeight: 100 }, path).args.hardPodAffinityWeight, 100);
  });

  const bad: [string, unknown, string, string][] = [
    ['above range', { hardPodAffinityWeight: 101 }, 'range', `${path}.hardPodAffinityWeight`],
    ['below range', { hardPodAffinityWeight: -1 }, 'range', `${path}.hardPodAffinityWeight`],
    ['not an integer', { hardPodAffinityWeight: 1.5 }, 'type', `${path}.hardPodAffinityWeight`],
    ['a string weight', { hardPodAffinityWeight: '5' }, 'type', `${path}.hardPodAffinityWeight`],
    [
      'a non-boolean flag',
      { ignorePreferredTermsOfExistingPods: 'yes' },
      'type',
      `${path}.ignorePreferredTermsOfExistingPods`,
    ],
    ['an unknown field', { hardPodAfinityWeight: 2 }, 'unknown-field', `${path}.hardPodAfinityWeight`],
    ['not an object', [1], 'type', path],
  ];
  for (const [name, raw, code, at] of bad) {
    test(`rejects ${name}`, () => {
      const { problems } = parseArgs(raw, path);
      assert.equal(problems.length, 1);
      assert.equal(problems[0].code, code);
      assert.equal(problems[0].path, at);
    });
  }
});

// ---- property: the indexed plugin agrees with a direct transcription of upstream --------------

/** Upstream's algorithm over plain objects, term by term and pod by pod (no interning, no index). */
function reference(
  nodes: Node[],
  bound: { pod: Pod; node: string }[],
  namespaces: Record<string, Labels>,
  incoming: Pod,
  args: InterPodAffinityArgs,
) {
  const labelsOf = (n: string) => nodes.find((x) => x.metadata.name === n)?.metadata.labels ?? {};
  const selects = (sel: LabelSelector | null | undefined, labels: Labels): boolean => {
    if (!sel) return false;
    for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
    for (const e of sel.matchExpressions ?? []) {
      const has = Object.hasOwn(labels, e.key);
      const v = labels[e.key];
      if (e.operator === 'In' && !(has && (e.values ?? []).includes(v))) return false;
      if (e.operator === 'NotIn' && has && (e.values ?? []).includes(v)) return false;
      if (e.operator === 'Exists' && !has) return false;
      if (e.operator === 'DoesNotExist' && has) return false;
    }
    return true;
  };
  const nsOf = (p: Pod) => p.metadata.namespace ?? 'default';
  type T = { t: PodAffinityTerm; names: Set<string>; nsSel: LabelSelector | null | undefined; w: number };
  const make = (owner: Pod, t: PodAffinityTerm, w = 0): T => {
    const names = new Set(t.namespaces ?? []);
    if ((t.namespaces ?? []).length === 0 && !t.namespaceSelector) names.add(nsOf(owner));
    return { t, names, nsSel: t.namespaceSelector, w };
  };
  // The incoming pod's terms: selected namespaces merged in, the selector kept (v1.35 by-value quirk).
  const merge = (x: T): T => {
    const sel = x.nsSel;
    if (!sel || Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0) return x;
    const names = new Set(x.names);
    for (const [n, l] of Object.entries(namespaces)) if (selects(sel, l)) names.add(n);
    return { ...x, names };
  };
  const matches = (x: T, p: Pod, nsLabels: Labels) =>
    (x.names.has(nsOf(p)) || selects(x.nsSel ?? null, nsLabels)) && selects(x.t.labelSelector, p.metadata.labels ?? {});
  const terms = (p: Pod, kind: 'podAffinity' | 'podAntiAffinity', required: boolean): T[] => {
    const a = p.spec.affinity?.[kind];
    if (required) return (a?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => make(p, t));
    return (a?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => make(p, w.podAffinityTerm, w.weight));
  };
  const ownNs = namespaces[nsOf(incoming)] ?? {};
  const pair = (node: string, key: string) =>
    Object.hasOwn(labelsOf(node), key) ? `${key}=${labelsOf(node)[key]}` : null;
  const bump = (m: Map<string, number>, k: string | null, d: number) => {
    if (k !== null) m.set(k, (m.get(k) ?? 0) + d);
  };

  const existing = new Map<string, number>();
  for (const b of bound) {
    for (const x of terms(b.pod, 'podAntiAffinity', true))
      if (matches(x, incoming, ownNs)) bump(existing, pair(b.node, x.t.topologyKey), 1);
  }
  const aff = terms(incoming, 'podAffinity', true).map(merge);
  const anti = terms(incoming, 'podAntiAffinity', true).map(merge);
  const affCounts = new Map<string, number>();
  const antiCounts = new Map<string, number>();
  for (const b of bound) {
    if (aff.length > 0 && aff.every((x) => matches(x, b.pod, {})))
      for (const x of aff) bump(affCounts, pair(b.node, x.t.topologyKey), 1);
    for (const x of anti) if (matches(x, b.pod, {})) bump(antiCounts, pair(b.node, x.t.topologyKey), 1);
  }
  const filter: Record<string, string> | null =
    existing.size === 0 && aff.length === 0 && anti.length === 0 ? null : {};
  if (filter) {
    const first = affCounts.size === 0 && aff.length > 0 && aff.every((x) => matches(x, incoming, {}));
    for (const n of nodes) {
      const name = n.metadata.name;
      const labels = n.metadata.labels ?? {};
      let code = 'Success';
      let ok = true;
      let exist = true;
      for (const x of aff) {
        const p = pair(name, x.t.topologyKey);
        if (p === null) ok = false;
        else if (!((affCounts.get(p) ?? 0) > 0)) exist = false;
      }
      if (!ok || (!exist && !first)) code = 'UnschedulableAndUnresolvable';
      else if (anti.some((x) => (antiCounts.get(pair(name, x.t.topologyKey) ?? '') ?? 0) > 0)) code = 'Unschedulable';
      else if (Object.entries(labels).some(([k, v]) => (existing.get(`${k}=${v}`) ?? 0) > 0)) code = 'Unschedulable';
      filter[name] = code;
    }
  }

  const prefA = terms(incoming, 'podAffinity', false).map(merge);
  const prefAA = terms(incoming, 'podAntiAffinity', false).map(merge);
  const hasPreferred = prefA.length + prefAA.length > 0;
  let raw: Record<string, number> | null = null;
  if (!(args.ignorePreferredTermsOfExistingPods && !hasPreferred)) {
    const topo = new Map<string, number>();
    let touched = false;
    const credit = (x: T, p: Pod, nsl: Labels, node: string, w: number) => {
      const k = pair(node, x.t.topologyKey);
      if (matches(x, p, nsl) && k !== null) {
        bump(topo, k, w);
        touched = true;
      }
    };
    for (const b of bound) {
      for (const x of prefA) credit(x, b.pod, {}, b.node, x.w);
      for (const x of prefAA) credit(x, b.pod, {}, b.node, -x.w);
      if (args.hardPodAffinityWeight > 0) {
        for (const x of terms(b.pod, 'podAffinity', true))
          credit(x, incoming, ownNs, b.node, args.hardPodAffinityWeight);
      }
      for (const x of terms(b.pod, 'podAffinity', false)) credit(x, incoming, ownNs, b.node, x.w);
      for (const x of terms(b.pod, 'podAntiAffinity', false)) credit(x, incoming, ownNs, b.node, -x.w);
    }
    if (touched) {
      raw = {};
      for (const n of nodes) {
        let s = 0;
        for (const [k, v] of Object.entries(n.metadata.labels ?? {})) s += topo.get(`${k}=${v}`) ?? 0;
        raw[n.metadata.name] = s;
      }
    }
  }
  return { filter, raw };
}

describe('InterPodAffinity property', () => {
  const KEYS = [HOST, ZONE, 'rack'];
  const NAMESPACES: Record<string, Labels> = { default: {}, blue: { team: 'a' }, green: { team: 'b', env: 'prod' } };
  const label = (key: string, values: string[]) =>
    fc.option(fc.constantFrom(...values), { nil: undefined }).map((v) => (v === undefined ? {} : { [key]: v }));
  const podLabels = fc
    .tuple(label('app', ['web', 'db', 'api']), label('tier', ['x', 'y']))
    .map(([a, b]) => ({ ...a, ...b }));
  const selector: fc.Arbitrary<LabelSelector | null> = fc.oneof(
    fc.constant(null),
    fc.constant({}),
    fc.constantFrom('web', 'db', 'api').map((v) => ({ matchLabels: { app: v } })),
    fc.record({
      matchExpressions: fc.array(
        fc.oneof(
          fc.record({
            key: fc.constantFrom('app', 'tier'),
            operator: fc.constantFrom('In' as const, 'NotIn' as const),
            values: fc.subarray(['web', 'db', 'x'], { minLength: 1 }),
          }),
          fc.record({
            key: fc.constantFrom('app', 'tier'),
            operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const),
          }),
        ),
        { minLength: 1, maxLength: 2 },
      ),
    }),
  );
  const nsSelectors: (LabelSelector | undefined)[] = [
    undefined,
    {},
    { matchLabels: { team: 'a' } },
    { matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['a'] }] },
    { matchExpressions: [{ key: 'env', operator: 'Exists' }] },
  ];
  const nsSelector: fc.Arbitrary<LabelSelector | undefined> = fc.constantFrom(...nsSelectors);
  const affinityTerm: fc.Arbitrary<PodAffinityTerm> = fc.record({
    labelSelector: selector,
    topologyKey: fc.constantFrom(...KEYS),
    namespaces: fc.option(fc.subarray(['default', 'blue', 'ghost']), { nil: undefined }),
    namespaceSelector: nsSelector,
  });
  const weighted = fc.record({ weight: fc.integer({ min: 1, max: 100 }), podAffinityTerm: affinityTerm });
  const terms = <T>(a: fc.Arbitrary<T>) => fc.array(a, { maxLength: 2 });
  const affinity: fc.Arbitrary<Affinity | undefined> = fc.option(
    fc.record({
      podAffinity: fc.record({
        requiredDuringSchedulingIgnoredDuringExecution: terms(affinityTerm),
        preferredDuringSchedulingIgnoredDuringExecution: terms(weighted),
      }),
      podAntiAffinity: fc.record({
        requiredDuringSchedulingIgnoredDuringExecution: terms(affinityTerm),
        preferredDuringSchedulingIgnoredDuringExecution: terms(weighted),
      }),
    }),
    { nil: undefined, freq: 2 },
  );
  const podSpec = fc.record({ ns: fc.constantFrom('default', 'blue', 'green', 'ghost'), labels: podLabels, affinity });
  const nodeSpec = fc.record({
    host: fc.boolean(),
    zone: fc.option(fc.constantFrom('z1', 'z2'), { nil: undefined }),
    rack: fc.option(fc.constantFrom('r1', 'r2'), { nil: undefined }),
  });
  const scenario = fc.record({
    nodes: fc.array(nodeSpec, { minLength: 1, maxLength: 6 }),
    bound: fc.array(fc.tuple(podSpec, fc.nat()), { maxLength: 10 }),
    /** Pending pods, each bound after its evaluation to node (nat % count), or unbinding a random pod when negative. */
    steps: fc.array(fc.tuple(podSpec, fc.integer({ min: -3, max: 20 })), { minLength: 1, maxLength: 4 }),
    args: fc.record({
      hardPodAffinityWeight: fc.integer({ min: 0, max: 5 }),
      ignorePreferredTermsOfExistingPods: fc.boolean(),
    }),
  });

  test('filter codes, PreFilter/PreScore skips and raw scores equal upstream’s algorithm, across binds and unbinds', () => {
    fc.assert(
      fc.property(scenario, (sc) => {
        const nodes = sc.nodes.map((n, i) => {
          const labels: Labels = {};
          if (n.host) labels[HOST] = `n${i}`;
          if (n.zone) labels[ZONE] = n.zone;
          if (n.rack) labels.rack = n.rack;
          return bareNode(`n${i}`, labels);
        });
        const mk = (s: (typeof sc.bound)[number][0], name: string, on?: string) =>
          pod(name, { ns: s.ns, labels: s.labels, on, affinity: s.affinity });
        const bound = sc.bound.map(([s, n], i) => ({
          pod: mk(s, `b${i}`, nodes[n % nodes.length].metadata.name),
          node: nodes[n % nodes.length].metadata.name,
        }));
        const snap = new Snapshot(
          cluster(
            nodes,
            bound.map((b) => b.pod),
            NAMESPACES,
          ),
        );
        const p = plugin(sc.args);
        const infos = [...snap.boundPods()];
        sc.steps.forEach(([s, where], k) => {
          const incoming = mk(s, `p${k}`);
          const want = reference(nodes, bound, NAMESPACES, incoming, sc.args);
          const got = evaluateOn(snap, incoming, p);
          assert.equal(got.preFilter, want.filter === null ? 'Skip' : 'Success');
          if (want.filter) assert.deepEqual(got.filter, want.filter);
          assert.equal(got.preScore, want.raw === null ? 'Skip' : 'Success');
          if (want.raw) assert.deepEqual(got.raw, want.raw);
          if (where >= 0) {
            const info = snap.podInfo({ ...incoming, spec: { ...incoming.spec } });
            const node = where % nodes.length;
            snap.bind(info, node);
            infos.push(info);
            bound.push({ pod: incoming, node: nodes[node].metadata.name });
          } else if (infos.length > 0) {
            const victim = (-where * 7) % infos.length;
            snap.unbind(infos[victim]);
            infos.splice(victim, 1);
            bound.splice(victim, 1);
          }
        });
      }),
      { numRuns: 300 },
    );
  });
  /** filterBatch and scoreBatch agree with filter and score node for node. */
  function assertBatchAgrees(snap: Snapshot, pending: Pod, p: Plugin): void {
    const cycle: Cycle = { pod: snap.podInfo(pending), snapshot: snap };
    const all = Int32Array.from({ length: snap.nodeCount }, (_, n) => n);
    const pre = p.preFilter!(cycle);
    if (pre.code !== SKIP) {
      const codes = new Uint8Array(all.length);
      p.filterBatch!(cycle, pre.state, all, all.length, codes);
      assert.deepEqual(
        Array.from(codes),
        Array.from(all, (n) => p.filter!(cycle, pre.state, n)),
      );
    }
    const ps = p.preScore!(cycle, all);
    if (ps.code !== SKIP) {
      const scores = new Float64Array(all.length);
      p.scoreBatch!(cycle, ps.state, all, all.length, scores);
      assert.deepEqual(
        Array.from(scores),
        Array.from(all, (n) => p.score!(cycle, ps.state, n)),
      );
    }
  }

  /** op ≥ 0: bind the step's pod to node op % count; −1: unbind a bound pod (maybe rebinding it); −2: add a node. */
  const incrementalStep = fc.record({
    op: fc.integer({ min: -2, max: 20 }),
    pod: podSpec,
    pick: fc.nat(),
    node: nodeSpec,
    /** Which incoming pod template to evaluate (replicas share their terms). */
    template: fc.nat(),
    evaluate: fc.boolean(),
  });
  const incrementalScenario = fc.record({
    nodes: fc.array(nodeSpec, { minLength: 1, maxLength: 6 }),
    bound: fc.array(fc.tuple(podSpec, fc.nat()), { maxLength: 10 }),
    templates: fc.array(podSpec, { minLength: 1, maxLength: 3 }),
    steps: fc.array(incrementalStep, { minLength: 1, maxLength: 14 }),
    args: fc.record({
      hardPodAffinityWeight: fc.integer({ min: 0, max: 5 }),
      ignorePreferredTermsOfExistingPods: fc.boolean(),
    }),
  });

  test("a plugin's decisions on a snapshot after random binds, unbinds and added nodes equal those on a snapshot freshly built from the same pods", () => {
    fc.assert(
      fc.property(incrementalScenario, (sc) => {
        const makeNode = (n: (typeof sc.nodes)[number], i: number) => {
          const labels: Labels = {};
          if (n.host) labels[HOST] = `n${i}`;
          if (n.zone) labels[ZONE] = n.zone;
          if (n.rack) labels.rack = n.rack;
          return bareNode(`n${i}`, labels);
        };
        const nodes = sc.nodes.map(makeNode);
        let serial = 0;
        const mk = (s: (typeof sc.bound)[number][0], on?: string) =>
          pod(`q${serial++}`, { ns: s.ns, labels: s.labels, on, affinity: s.affinity });
        const snap = new Snapshot(
          cluster(
            nodes,
            sc.bound.map(([s, n]) => mk(s, nodes[n % nodes.length].metadata.name)),
            NAMESPACES,
          ),
        );
        const p = plugin(sc.args);
        const infos = [...snap.boundPods()];
        sc.steps.forEach((step, k) => {
          if (step.op >= 0) {
            const info = snap.podInfo(mk(step.pod));
            snap.bind(info, step.op % snap.nodeCount);
            infos.push(info);
          } else if (step.op === -1 && infos.length > 0) {
            const [victim] = infos.splice(step.pick % infos.length, 1);
            const where = victim.node;
            snap.unbind(victim);
            if (step.pick % 3 === 0) {
              const again = snap.podInfo(victim.pod);
              snap.bind(again, where);
              infos.push(again);
            }
          } else if (step.op === -2) {
            const n = makeNode(step.node, snap.nodeCount);
            nodes.push(n);
            snap.addNode(n);
          }
          if (!step.evaluate && k < sc.steps.length - 1) return;
          const fresh = new Snapshot(
            cluster(
              nodes,
              infos.map((info) => ({ ...info.pod, spec: { ...info.pod.spec, nodeName: snap.nodeNames[info.node] } })),
              NAMESPACES,
            ),
          );
          const t = sc.templates[step.template % sc.templates.length];
          const incoming = pod(`x${k}`, { ns: t.ns, labels: t.labels, affinity: t.affinity });
          assert.deepEqual(evaluateOn(snap, incoming, p), evaluateOn(fresh, incoming, plugin(sc.args)));
          assertBatchAgrees(snap, incoming, p);
        });
      }),
      { numRuns: 300 },
    );
  });
});
