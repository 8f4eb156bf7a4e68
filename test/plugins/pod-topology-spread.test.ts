import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import definition, {
  type PodTopologySpreadArgs,
  parseArgs,
  REASON_CONSTRAINTS_NOT_MATCH,
  REASON_NODE_LABEL_NOT_MATCH,
} from '../../plugins/pod-topology-spread.js';
import type {
  ClusterSnapshot,
  Labels,
  Node,
  Pod,
  ReplicaSet,
  Service,
  Taint,
  TopologySpreadConstraint,
} from '../../src/api/types.js';
import type { Cycle, Plugin } from '../../src/framework/plugin.js';
import { CODE_NAMES, type Code, SKIP } from '../../src/framework/status.js';
import { Snapshot } from '../../src/snapshot/snapshot.js';

const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';

// ---- fixtures ---------------------------------------------------------------------------------

function node(name: string, labels: Labels = {}, taints: Taint[] = []): Node {
  return {
    metadata: { name, labels: { [HOST]: name, ...labels } },
    spec: { taints },
    status: { allocatable: { cpu: '8', memory: '16Gi', pods: '110' } },
  };
}

/** A node without the hostname label (only the labels given). */
function bareNode(name: string, labels: Labels = {}): Node {
  return { metadata: { name, labels }, status: { allocatable: { cpu: '8', memory: '16Gi', pods: '110' } } };
}

interface PodOptions {
  namespace?: string;
  nodeName?: string;
  constraints?: TopologySpreadConstraint[];
  nodeSelector?: Labels;
  terminating?: boolean;
  owner?: { kind: string; name: string; apiVersion?: string };
}

function pod(name: string, labels: Labels, opts: PodOptions = {}): Pod {
  return {
    metadata: {
      name,
      namespace: opts.namespace ?? 'default',
      labels,
      ...(opts.terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
      ...(opts.owner
        ? {
            ownerReferences: [
              {
                apiVersion: opts.owner.apiVersion ?? 'apps/v1',
                kind: opts.owner.kind,
                name: opts.owner.name,
                controller: true,
              },
            ],
          }
        : {}),
    },
    spec: {
      containers: [{ name: 'c' }],
      ...(opts.nodeName ? { nodeName: opts.nodeName } : {}),
      ...(opts.constraints ? { topologySpreadConstraints: opts.constraints } : {}),
      ...(opts.nodeSelector ? { nodeSelector: opts.nodeSelector } : {}),
    },
  };
}

/** `count` bound pods labelled `labels` on `nodeName`. */
function bound(nodeName: string, count: number, labels: Labels = { app: 'web' }, opts: PodOptions = {}): Pod[] {
  return Array.from({ length: count }, (_, i) =>
    pod(`${nodeName}-${labels.app ?? 'x'}-${i}`, labels, { ...opts, nodeName }),
  );
}

function cluster(nodes: Node[], pods: Pod[], extra: Partial<ClusterSnapshot> = {}): Snapshot {
  return new Snapshot({
    nodes,
    pods,
    pendingPods: [],
    namespaces: [{ metadata: { name: 'default' } }, { metadata: { name: 'other' } }],
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
    ...extra,
  });
}

function spread(
  topologyKey: string,
  maxSkew: number,
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway',
  more: Partial<TopologySpreadConstraint> = {},
): TopologySpreadConstraint {
  return { topologyKey, maxSkew, whenUnsatisfiable, labelSelector: { matchLabels: { app: 'web' } }, ...more };
}

function plugin(args: PodTopologySpreadArgs = { defaultingType: 'System', defaultConstraints: [] }): Plugin {
  return definition.create(args, { schedulerName: 'default-scheduler', ignoredResources: new Set() });
}

interface FilterOutcome {
  /** 'Skip' when PreFilter skipped; else node name → code name. */
  codes: 'Skip' | Record<string, string>;
  reasons: Record<string, string[]>;
}

function runFilter(snap: Snapshot, incoming: Pod, pl: Plugin = plugin()): FilterOutcome {
  const cycle: Cycle = { pod: snap.podInfo(incoming), snapshot: snap };
  const pre = pl.preFilter!(cycle);
  if (pre.code === SKIP) return { codes: 'Skip', reasons: {} };
  const codes: Record<string, string> = {};
  const reasons: Record<string, string[]> = {};
  for (let n = 0; n < snap.nodeCount; n++) {
    const code: Code = pl.filter!(cycle, pre.state, n);
    codes[snap.nodeNames[n]] = CODE_NAMES[code];
    if (code !== 0) reasons[snap.nodeNames[n]] = pl.filterReasons!(cycle, pre.state, n);
  }
  return { codes, reasons };
}

interface ScoreOutcome {
  raw: Record<string, number>;
  normalized: Record<string, number>;
}

/** PreScore over `feasible` (default: every node), Score, NormalizeScore. */
function runScore(
  snap: Snapshot,
  incoming: Pod,
  feasibleNames?: string[],
  pl: Plugin = plugin(),
): ScoreOutcome | 'Skip' {
  const cycle: Cycle = { pod: snap.podInfo(incoming), snapshot: snap };
  const names = feasibleNames ?? snap.nodeNames;
  const feasible = Int32Array.from(names.map((n) => snap.nodeIndex.get(n)!));
  const pre = pl.preScore!(cycle, feasible);
  if (pre.code === SKIP) return 'Skip';
  const scores = Float64Array.from(feasible, (n) => pl.score!(cycle, pre.state, n));
  const raw = Object.fromEntries(names.map((n, i) => [n, scores[i]]));
  pl.normalizeScore!(cycle, pre.state, feasible, scores);
  return { raw, normalized: Object.fromEntries(names.map((n, i) => [n, scores[i]])) };
}

// ---- filter ---------------------------------------------------------------------------------

describe('PodTopologySpread filter', () => {
  const zones = [node('a1', { [ZONE]: 'a' }), node('a2', { [ZONE]: 'a' }), node('b1', { [ZONE]: 'b' })];

  const cases: {
    name: string;
    nodes: Node[];
    pods: Pod[];
    incoming: Pod;
    want: FilterOutcome['codes'];
  }[] = [
    {
      name: 'skips when the pod has no DoNotSchedule constraint',
      nodes: zones,
      pods: bound('a1', 3),
      incoming: pod('p', { app: 'web' }, { constraints: [spread(ZONE, 1, 'ScheduleAnyway')] }),
      want: 'Skip',
    },
    {
      name: 'skips a pod without constraints even when a Service selects it (system defaults only score)',
      nodes: zones,
      pods: bound('a1', 3),
      incoming: pod('p', { app: 'web' }),
      want: 'Skip',
    },
    {
      name: 'rejects the domain whose count + self − min exceeds maxSkew',
      nodes: zones,
      pods: bound('a1', 1),
      incoming: pod('p', { app: 'web' }, { constraints: [spread(ZONE, 1, 'DoNotSchedule')] }),
      want: { a1: 'Unschedulable', a2: 'Unschedulable', b1: 'Success' },
    },
    {
      name: 'a node lacking the topology key is UnschedulableAndUnresolvable',
      nodes: [...zones, node('nozone')],
      pods: [],
      incoming: pod('p', { app: 'web' }, { constraints: [spread(ZONE, 1, 'DoNotSchedule')] }),
      want: { a1: 'Success', a2: 'Success', b1: 'Success', nozone: 'UnschedulableAndUnresolvable' },
    },
    {
      name: 'a node lacking any one of several keys does not count towards domains',
      // rack-less node b2 holds 5 matching pods; it must not make zone b heavy.
      nodes: [
        node('a1', { [ZONE]: 'a', rack: 'r1' }),
        node('b1', { [ZONE]: 'b', rack: 'r2' }),
        node('b2', { [ZONE]: 'b' }),
      ],
      pods: [...bound('b2', 5), ...bound('a1', 1)],
      incoming: pod(
        'p',
        { app: 'web' },
        { constraints: [spread(ZONE, 1, 'DoNotSchedule'), spread('rack', 5, 'DoNotSchedule')] },
      ),
      want: { a1: 'Unschedulable', b1: 'Success', b2: 'UnschedulableAndUnresolvable' },
    },
    {
      name: 'the first failing constraint decides the code (skew before a later missing key)',
      // a2 lacks rack, but zone a is already too heavy: the zone constraint fails first.
      nodes: [
        node('a1', { [ZONE]: 'a', rack: 'r1' }),
        node('a2', { [ZONE]: 'a' }),
        node('b1', { [ZONE]: 'b', rack: 'r2' }),
      ],
      pods: bound('a1', 2),
      incoming: pod(
        'p',
        { app: 'web' },
        { constraints: [spread(ZONE, 1, 'DoNotSchedule'), spread('rack', 1, 'DoNotSchedule')] },
      ),
      want: { a1: 'Unschedulable', a2: 'Unschedulable', b1: 'Success' },
    },
    {
      name: 'a node with no eligible domain of its own sees count 0',
      // No node has both keys: there are no domains, the minimum is 0 and a1's own pods do not count.
      nodes: [node('a1', { [ZONE]: 'a' }), node('b1', { [ZONE]: 'b', rack: 'r' })],
      pods: bound('a1', 2),
      incoming: pod(
        'p',
        { app: 'web' },
        { constraints: [spread(ZONE, 1, 'DoNotSchedule'), spread('rack', 1, 'DoNotSchedule')] },
      ),
      want: { a1: 'UnschedulableAndUnresolvable', b1: 'Success' },
    },
    {
      name: 'selfMatch is 0 when the pod does not match its own selector',
      nodes: zones,
      pods: bound('a1', 1),
      incoming: pod('p', { app: 'other' }, { constraints: [spread(ZONE, 1, 'DoNotSchedule')] }),
      want: { a1: 'Success', a2: 'Success', b1: 'Success' },
    },
    {
      name: 'minDomains: fewer domains than minDomains makes the global minimum 0',
      nodes: zones,
      pods: [...bound('a1', 1), ...bound('b1', 1)],
      incoming: pod('p', { app: 'web' }, { constraints: [spread(ZONE, 1, 'DoNotSchedule', { minDomains: 3 })] }),
      want: { a1: 'Unschedulable', a2: 'Unschedulable', b1: 'Unschedulable' },
    },
    {
      name: 'minDomains met: the real minimum applies',
      nodes: zones,
      pods: [...bound('a1', 1), ...bound('b1', 1)],
      incoming: pod('p', { app: 'web' }, { constraints: [spread(ZONE, 1, 'DoNotSchedule', { minDomains: 2 })] }),
      want: { a1: 'Success', a2: 'Success', b1: 'Success' },
    },
    {
      name: 'nodeAffinityPolicy Honor (default): domains of nodes the pod cannot select are left out',
      nodes: [
        node('a1', { [ZONE]: 'a', pool: 'x' }),
        node('b1', { [ZONE]: 'b', pool: 'x' }),
        node('c1', { [ZONE]: 'c' }),
      ],
      pods: [...bound('a1', 1), ...bound('b1', 1)],
      incoming: pod(
        'p',
        { app: 'web' },
        { constraints: [spread(ZONE, 1, 'DoNotSchedule')], nodeSelector: { pool: 'x' } },
      ),
      want: { a1: 'Success', b1: 'Success', c1: 'Success' },
    },
    {
      name: 'nodeAffinityPolicy Ignore: the empty domain c sets the minimum to 0',
      nodes: [
        node('a1', { [ZONE]: 'a', pool: 'x' }),
        node('b1', { [ZONE]: 'b', pool: 'x' }),
        node('c1', { [ZONE]: 'c' }),
      ],
      pods: [...bound('a1', 1), ...bound('b1', 1)],
      incoming: pod(
        'p',
        { app: 'web' },
        {
          constraints: [spread(ZONE, 1, 'DoNotSchedule', { nodeAffinityPolicy: 'Ignore' })],
          nodeSelector: { pool: 'x' },
        },
      ),
      want: { a1: 'Unschedulable', b1: 'Unschedulable', c1: 'Success' },
    },
    {
      name: 'nodeTaintsPolicy Ignore (default): a tainted empty domain still counts',
      nodes: [
        node('a1', { [ZONE]: 'a' }),
        node('b1', { [ZONE]: 'b' }),
        node('c1', { [ZONE]: 'c' }, [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]),
      ],
      pods: [...bound('a1', 1), ...bound('b1', 1)],
      incoming: pod('p', { app: 'web' }, { constraints: [spread(ZONE, 1, 'DoNotSchedule')] }),
      want: { a1: 'Unschedulable', b1: 'Unschedulable', c1: 'Success' },
    },
    {
      name: 'nodeTaintsPolicy Honor: an untolerated NoSchedule taint leaves the domain out',
      nodes: [
        node('a1', { [ZONE]: 'a' }),
        node('b1', { [ZONE]: 'b' }),
        node('c1', { [ZONE]: 'c' }, [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]),
      ],
      pods: [...bound('a1', 1), ...bound('b1', 1)],
      incoming: pod(
        'p',
        { app: 'web' },
        { constraints: [spread(ZONE, 1, 'DoNotSchedule', { nodeTaintsPolicy: 'Honor' })] },
      ),
      want: { a1: 'Success', b1: 'Success', c1: 'Success' },
    },
    {
      name: 'nodeTaintsPolicy Honor: PreferNoSchedule taints do not exclude a node',
      nodes: [
        node('a1', { [ZONE]: 'a' }),
        node('b1', { [ZONE]: 'b' }),
        node('c1', { [ZONE]: 'c' }, [{ key: 'soft', effect: 'PreferNoSchedule' }]),
      ],
      pods: [...bound('a1', 1), ...bound('b1', 1)],
      incoming: pod(
        'p',
        { app: 'web' },
        { constraints: [spread(ZONE, 1, 'DoNotSchedule', { nodeTaintsPolicy: 'Honor' })] },
      ),
      want: { a1: 'Unschedulable', b1: 'Unschedulable', c1: 'Success' },
    },
    {
      name: 'matchLabelKeys: only pods with the same value of the key count',
      nodes: zones,
      pods: [...bound('a1', 3, { app: 'web', version: 'v1' }), ...bound('b1', 1, { app: 'web', version: 'v2' })],
      incoming: pod(
        'p',
        { app: 'web', version: 'v2' },
        {
          constraints: [spread(ZONE, 1, 'DoNotSchedule', { matchLabelKeys: ['version'] })],
        },
      ),
      want: { a1: 'Success', a2: 'Success', b1: 'Unschedulable' },
    },
    {
      name: 'matchLabelKeys: a key the pod lacks adds nothing',
      nodes: zones,
      pods: [...bound('a1', 3, { app: 'web', version: 'v1' }), ...bound('b1', 1, { app: 'web', version: 'v2' })],
      incoming: pod(
        'p',
        { app: 'web' },
        { constraints: [spread(ZONE, 1, 'DoNotSchedule', { matchLabelKeys: ['version'] })] },
      ),
      want: { a1: 'Unschedulable', a2: 'Unschedulable', b1: 'Success' },
    },
    {
      name: 'terminating pods are not counted',
      nodes: zones,
      pods: [...bound('a1', 3, { app: 'web' }, { terminating: true })],
      incoming: pod('p', { app: 'web' }, { constraints: [spread(ZONE, 1, 'DoNotSchedule')] }),
      want: { a1: 'Success', a2: 'Success', b1: 'Success' },
    },
    {
      name: 'pods in another namespace are not counted',
      nodes: zones,
      pods: [...bound('a1', 3, { app: 'web' }, { namespace: 'other' })],
      incoming: pod('p', { app: 'web' }, { constraints: [spread(ZONE, 1, 'DoNotSchedule')] }),
      want: { a1: 'Success', a2: 'Success', b1: 'Success' },
    },
    {
      name: 'an empty selector {} counts no existing pod (v1.35), though the pod matches it itself',
      nodes: zones,
      pods: bound('a1', 3),
      incoming: pod('p', { app: 'web' }, { constraints: [spread(ZONE, 1, 'DoNotSchedule', { labelSelector: {} })] }),
      want: { a1: 'Success', a2: 'Success', b1: 'Success' },
    },
    {
      name: 'an empty selector with matchLabelKeys does count pods',
      nodes: zones,
      pods: bound('a1', 3, { app: 'web', version: 'v1' }),
      incoming: pod(
        'p',
        { app: 'web', version: 'v1' },
        {
          constraints: [spread(ZONE, 1, 'DoNotSchedule', { labelSelector: {}, matchLabelKeys: ['version'] })],
        },
      ),
      want: { a1: 'Unschedulable', a2: 'Unschedulable', b1: 'Success' },
    },
    {
      name: 'a null selector matches nothing, matchLabelKeys or not',
      nodes: zones,
      pods: bound('a1', 3, { app: 'web', version: 'v1' }),
      incoming: pod(
        'p',
        { app: 'web', version: 'v1' },
        {
          constraints: [spread(ZONE, 1, 'DoNotSchedule', { labelSelector: null, matchLabelKeys: ['version'] })],
        },
      ),
      want: { a1: 'Success', a2: 'Success', b1: 'Success' },
    },
    {
      name: 'matchExpressions in the selector',
      nodes: zones,
      pods: [...bound('a1', 2, { app: 'web' }), ...bound('b1', 2, { app: 'api' })],
      incoming: pod(
        'p',
        { app: 'web' },
        {
          constraints: [
            spread(ZONE, 1, 'DoNotSchedule', {
              labelSelector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['api'] }] },
            }),
          ],
        },
      ),
      want: { a1: 'Unschedulable', a2: 'Unschedulable', b1: 'Success' },
    },
  ];

  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(runFilter(cluster(c.nodes, c.pods), c.incoming).codes, c.want);
    });
  }

  test('reasons name the missing label or the skew', () => {
    const snap = cluster([...zones, node('nozone')], bound('a1', 1));
    const out = runFilter(snap, pod('p', { app: 'web' }, { constraints: [spread(ZONE, 1, 'DoNotSchedule')] }));
    assert.deepEqual(out.reasons, {
      a1: [REASON_CONSTRAINTS_NOT_MATCH],
      a2: [REASON_CONSTRAINTS_NOT_MATCH],
      nozone: [REASON_NODE_LABEL_NOT_MATCH],
    });
    assert.equal(
      REASON_NODE_LABEL_NOT_MATCH,
      "node(s) didn't match pod topology spread constraints (missing required label)",
    );
  });

  test('default constraints of type List can be DoNotSchedule and use the Service selector', () => {
    const services: Service[] = [{ metadata: { name: 's', namespace: 'default' }, spec: { selector: { app: 'web' } } }];
    const snap = cluster(zones, bound('a1', 1), { services });
    const pl = plugin({
      defaultingType: 'List',
      defaultConstraints: [{ topologyKey: ZONE, maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule' }],
    });
    assert.deepEqual(runFilter(snap, pod('p', { app: 'web' }), pl).codes, {
      a1: 'Unschedulable',
      a2: 'Unschedulable',
      b1: 'Success',
    });
    // Without a selecting Service or controller there is no default constraint.
    assert.equal(runFilter(snap, pod('q', { app: 'api' }), pl).codes, 'Skip');
  });
});

// ---- score ----------------------------------------------------------------------------------

describe('PodTopologySpread score', () => {
  test('skips when the pod has only DoNotSchedule constraints', () => {
    const snap = cluster([node('a1', { [ZONE]: 'a' }), node('b1', { [ZONE]: 'b' })], []);
    assert.equal(runScore(snap, pod('p', { app: 'web' }, { constraints: [spread(ZONE, 1, 'DoNotSchedule')] })), 'Skip');
  });

  test('skips a pod without constraints that no Service or controller selects', () => {
    const snap = cluster([node('a1', { [ZONE]: 'a' }), node('b1', { [ZONE]: 'b' })], []);
    assert.equal(runScore(snap, pod('p', { app: 'web' })), 'Skip');
  });

  test('zone constraint: round(count·ln(domains+2) + maxSkew−1), then 100·(max+min−s)/max', () => {
    // Zone a holds 2 matching pods, zone b 1. Two domains: weight ln 4 = 1.386.
    // a1, a2: round(2·1.386) = 3; b1: round(1.386) = 1. max 3, min 1.
    const snap = cluster(
      [node('a1', { [ZONE]: 'a' }), node('a2', { [ZONE]: 'a' }), node('b1', { [ZONE]: 'b' })],
      [...bound('a1', 2), ...bound('b1', 1)],
    );
    const out = runScore(snap, pod('p', { app: 'web' }, { constraints: [spread(ZONE, 1, 'ScheduleAnyway')] }));
    assert.deepEqual(out, { raw: { a1: 3, a2: 3, b1: 1 }, normalized: { a1: 33, a2: 33, b1: 100 } });
  });

  test('hostname constraint counts the node itself, weighted by the number of scored nodes', () => {
    // 3 scored nodes: weight ln 5 = 1.609; maxSkew 2 adds 1.
    // a1: round(2·1.609 + 1) = 4; a2: 1; b1: round(1.609 + 1) = 3. max 4, min 1.
    const snap = cluster(
      [node('a1', { [ZONE]: 'a' }), node('a2', { [ZONE]: 'a' }), node('b1', { [ZONE]: 'b' })],
      [...bound('a1', 2), ...bound('b1', 1)],
    );
    const out = runScore(snap, pod('p', { app: 'web' }, { constraints: [spread(HOST, 2, 'ScheduleAnyway')] }));
    assert.deepEqual(out, { raw: { a1: 4, a2: 1, b1: 3 }, normalized: { a1: 25, a2: 100, b1: 50 } });
  });

  test('constraint scores are summed as floats and rounded once', () => {
    // zone and rack each have 2 domains (weight ln 4 = 1.386) and a1 sees 1 pod in each:
    // 1.386 + 1.386 = 2.77 → 3 (rounding each first would give 2).
    const snap = cluster(
      [node('a1', { [ZONE]: 'a', rack: 'r1' }), node('b1', { [ZONE]: 'b', rack: 'r2' })],
      bound('a1', 1),
    );
    const out = runScore(
      snap,
      pod(
        'p',
        { app: 'web' },
        {
          constraints: [spread(ZONE, 1, 'ScheduleAnyway'), spread('rack', 1, 'ScheduleAnyway')],
        },
      ),
    );
    assert.deepEqual(out, { raw: { a1: 3, b1: 0 }, normalized: { a1: 0, b1: 100 } });
  });

  test('domains come from feasible nodes, counts from every node', () => {
    // Only a1 and b1 are feasible; a2 (zone a, not feasible) holds 2 pods that still count for zone a.
    // Domains {a, b}: weight ln 4. a1: round(2·1.386) = 3; b1: 0. Zone c (not feasible) is no domain.
    const snap = cluster(
      [
        node('a1', { [ZONE]: 'a' }),
        node('a2', { [ZONE]: 'a' }),
        node('b1', { [ZONE]: 'b' }),
        node('c1', { [ZONE]: 'c' }),
      ],
      [...bound('a2', 2), ...bound('c1', 5)],
    );
    const out = runScore(snap, pod('p', { app: 'web' }, { constraints: [spread(ZONE, 1, 'ScheduleAnyway')] }), [
      'a1',
      'b1',
    ]);
    assert.deepEqual(out, { raw: { a1: 3, b1: 0 }, normalized: { a1: 0, b1: 100 } });
  });

  test('all raw scores 0 normalise to 100; maxSkew−1 lifts every node equally', () => {
    const snap = cluster([node('a1', { [ZONE]: 'a' }), node('b1', { [ZONE]: 'b' })], []);
    assert.deepEqual(runScore(snap, pod('p', { app: 'web' }, { constraints: [spread(ZONE, 1, 'ScheduleAnyway')] })), {
      raw: { a1: 0, b1: 0 },
      normalized: { a1: 100, b1: 100 },
    });
    assert.deepEqual(runScore(snap, pod('p', { app: 'web' }, { constraints: [spread(ZONE, 4, 'ScheduleAnyway')] })), {
      raw: { a1: 3, b1: 3 },
      normalized: { a1: 100, b1: 100 },
    });
  });

  test('feasible nodes lacking a key are ignored: score 0, left out of min and max', () => {
    // a1: round(1·ln 3) = 1 (one domain); b has no zone. max = min = 1 → a1 100; nozone 0.
    const snap = cluster([node('a1', { [ZONE]: 'a' }), node('nozone')], [...bound('a1', 1), ...bound('nozone', 4)]);
    const out = runScore(snap, pod('p', { app: 'web' }, { constraints: [spread(ZONE, 1, 'ScheduleAnyway')] }));
    assert.deepEqual(out, { raw: { a1: 1, nozone: 0 }, normalized: { a1: 100, nozone: 0 } });
  });

  test('terminating and other-namespace pods are not counted', () => {
    const snap = cluster(
      [node('a1', { [ZONE]: 'a' }), node('b1', { [ZONE]: 'b' })],
      [
        ...bound('a1', 2, { app: 'web' }, { terminating: true }),
        ...bound('a1', 2, { app: 'web' }, { namespace: 'other' }),
      ],
    );
    assert.deepEqual(runScore(snap, pod('p', { app: 'web' }, { constraints: [spread(ZONE, 1, 'ScheduleAnyway')] })), {
      raw: { a1: 0, b1: 0 },
      normalized: { a1: 100, b1: 100 },
    });
  });

  test('nodeTaintsPolicy Honor leaves pods on untolerated tainted nodes out of domain counts', () => {
    const taint: Taint = { key: 'dedicated', effect: 'NoExecute' };
    const nodes = [node('a1', { [ZONE]: 'a' }), node('a2', { [ZONE]: 'a' }, [taint]), node('b1', { [ZONE]: 'b' })];
    const snap = cluster(nodes, bound('a2', 2));
    const honor = pod(
      'p',
      { app: 'web' },
      { constraints: [spread(ZONE, 1, 'ScheduleAnyway', { nodeTaintsPolicy: 'Honor' })] },
    );
    assert.deepEqual(runScore(snap, honor, ['a1', 'b1']), { raw: { a1: 0, b1: 0 }, normalized: { a1: 100, b1: 100 } });
    const ignore = pod('p', { app: 'web' }, { constraints: [spread(ZONE, 1, 'ScheduleAnyway')] });
    assert.deepEqual(runScore(snap, ignore, ['a1', 'b1']), { raw: { a1: 3, b1: 0 }, normalized: { a1: 0, b1: 100 } });
  });
});

// ---- system defaults ------------------------------------------------------------------------

describe('PodTopologySpread system default constraints', () => {
  const nodes = [node('a1', { [ZONE]: 'a' }), node('a2', { [ZONE]: 'a' }), node('b1', { [ZONE]: 'b' })];

  test('a Service selecting the pod gives hostname (maxSkew 3) and zone (maxSkew 5) spreading', () => {
    // hostname weight ln 5 = 1.609, zone weight ln 4 = 1.386. One web pod on a1.
    // a1: 1.609 + 2 + 1.386 + 4 = 8.995 → 9; a2: 2 + 5.386 = 7.386 → 7; b1: 2 + 4 = 6.
    const services: Service[] = [
      { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' } } },
      { metadata: { name: 'elsewhere', namespace: 'other' }, spec: { selector: { tier: 'x' } } },
    ];
    const snap = cluster(nodes, bound('a1', 1), { services });
    assert.deepEqual(runScore(snap, pod('p', { app: 'web' })), {
      raw: { a1: 9, a2: 7, b1: 6 },
      normalized: { a1: 66, a2: 88, b1: 100 },
    });
  });

  test('a pod whose owner references and constraints are null (as read from a file) is not spread', () => {
    const services: Service[] = [
      { metadata: { name: 'api', namespace: 'default' }, spec: { selector: { app: 'api' } } },
    ];
    const p = pod('p', { app: 'web' });
    const withNulls = {
      ...p,
      metadata: { ...p.metadata, ownerReferences: null },
      spec: { ...p.spec, topologySpreadConstraints: null },
    } as unknown as Pod;
    assert.equal(runScore(cluster(nodes, bound('a1', 1), { services }), withNulls), 'Skip');
  });

  test('Services that do not select the pod, or in another namespace, give nothing', () => {
    const services: Service[] = [
      { metadata: { name: 'api', namespace: 'default' }, spec: { selector: { app: 'api' } } },
      { metadata: { name: 'web', namespace: 'other' }, spec: { selector: { app: 'web' } } },
      { metadata: { name: 'headless', namespace: 'default' }, spec: {} },
    ];
    assert.equal(runScore(cluster(nodes, bound('a1', 1), { services }), pod('p', { app: 'web' })), 'Skip');
  });

  test('selectors of several Services are merged (all their labels must match)', () => {
    const services: Service[] = [
      { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' } } },
      { metadata: { name: 'web-v1', namespace: 'default' }, spec: { selector: { version: 'v1' } } },
    ];
    // Only the v1 pod on b1 matches app=web,version=v1.
    const pods = [...bound('a1', 2, { app: 'web', version: 'v2' }), ...bound('b1', 1, { app: 'web', version: 'v1' })];
    const out = runScore(cluster(nodes, pods, { services }), pod('p', { app: 'web', version: 'v1' }));
    // a1, a2: 2 + 4 = 6; b1: 1.609 + 2 + 1.386 + 4 = 8.995 → 9.
    assert.deepEqual(out, { raw: { a1: 6, a2: 6, b1: 9 }, normalized: { a1: 100, a2: 100, b1: 66 } });
  });

  test('the controlling ReplicaSet adds its selector', () => {
    const replicaSets: ReplicaSet[] = [
      {
        metadata: { name: 'rs', namespace: 'default' },
        spec: {
          selector: {
            matchLabels: { app: 'web' },
            matchExpressions: [{ key: 'track', operator: 'NotIn', values: ['canary'] }],
          },
          template: { spec: { containers: [{ name: 'c' }] } },
        },
      },
    ];
    const pods = [...bound('a1', 1, { app: 'web' }), ...bound('b1', 3, { app: 'web', track: 'canary' })];
    const incoming = pod('p', { app: 'web' }, { owner: { kind: 'ReplicaSet', name: 'rs' } });
    const out = runScore(cluster(nodes, pods, { replicaSets }), incoming);
    assert.deepEqual(out, { raw: { a1: 9, a2: 7, b1: 6 }, normalized: { a1: 66, a2: 88, b1: 100 } });
  });

  test('a ReplicaSet is used only through a controller ownerReference with apps/v1', () => {
    const replicaSets: ReplicaSet[] = [
      {
        metadata: { name: 'rs', namespace: 'default' },
        spec: { selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'c' }] } } },
      },
    ];
    const snap = cluster(nodes, bound('a1', 1), { replicaSets });
    assert.equal(runScore(snap, pod('p', { app: 'web' })), 'Skip');
    assert.equal(
      runScore(
        snap,
        pod('p', { app: 'web' }, { owner: { kind: 'ReplicaSet', name: 'rs', apiVersion: 'extensions/v1beta1' } }),
      ),
      'Skip',
    );
    assert.equal(runScore(snap, pod('p', { app: 'web' }, { owner: { kind: 'ReplicaSet', name: 'missing' } })), 'Skip');
  });

  test('a controlling StatefulSet or ReplicationController (v1, selector defaulting to template labels) adds its selector', () => {
    const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c' }] } };
    const snap = cluster(nodes, bound('a1', 1), {
      statefulSets: [
        {
          metadata: { name: 'ss', namespace: 'default' },
          spec: { selector: { matchLabels: { app: 'web' } }, template },
        },
      ],
      replicationControllers: [{ metadata: { name: 'rc', namespace: 'default' }, spec: { template } }],
    });
    const want = { raw: { a1: 9, a2: 7, b1: 6 }, normalized: { a1: 66, a2: 88, b1: 100 } };
    assert.deepEqual(runScore(snap, pod('p', { app: 'web' }, { owner: { kind: 'StatefulSet', name: 'ss' } })), want);
    assert.deepEqual(
      runScore(
        snap,
        pod('p', { app: 'web' }, { owner: { kind: 'ReplicationController', name: 'rc', apiVersion: 'v1' } }),
      ),
      want,
    );
  });

  test('nodes lacking the zone label are still scored on hostname; their "" domain widens the zone weight', () => {
    // Feasible a1 (zone a) and nozone. Zone domains {a, ""} → weight ln 4; hostname weight ln 4.
    // a1: 1.386 + 2 + 1.386 + 4 = 8.77 → 9; nozone: hostname only, 0 + 2 = 2.
    const services: Service[] = [
      { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' } } },
    ];
    const snap = cluster([node('a1', { [ZONE]: 'a' }), node('nozone')], bound('a1', 1), { services });
    assert.deepEqual(runScore(snap, pod('p', { app: 'web' })), {
      raw: { a1: 9, nozone: 2 },
      normalized: { a1: 22, nozone: 100 },
    });
  });

  test('a node without the hostname label gets no hostname term under system defaults', () => {
    const services: Service[] = [
      { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' } } },
    ];
    const snap = cluster([bareNode('x', { [ZONE]: 'a' }), node('b1', { [ZONE]: 'b' })], [], { services });
    // x: zone only, 0 + 4 = 4; b1: 2 + 4 = 6.
    assert.deepEqual(runScore(snap, pod('p', { app: 'web' })), {
      raw: { x: 4, b1: 6 },
      normalized: { x: 100, b1: 66 },
    });
  });

  test('pod constraints replace the defaults: with only DoNotSchedule ones, nothing scores', () => {
    const services: Service[] = [
      { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' } } },
    ];
    const snap = cluster(nodes, [], { services });
    assert.equal(runScore(snap, pod('p', { app: 'web' }, { constraints: [spread(ZONE, 1, 'DoNotSchedule')] })), 'Skip');
  });

  test('List defaulting with no constraints turns defaults off; List keys are required on every node', () => {
    const services: Service[] = [
      { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' } } },
    ];
    const snap = cluster([node('a1', { [ZONE]: 'a' }), node('nozone')], bound('a1', 1), { services });
    assert.equal(
      runScore(snap, pod('p', { app: 'web' }), undefined, plugin({ defaultingType: 'List', defaultConstraints: [] })),
      'Skip',
    );
    const list = plugin({
      defaultingType: 'List',
      defaultConstraints: [{ topologyKey: ZONE, maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway' }],
    });
    assert.deepEqual(runScore(snap, pod('p', { app: 'web' }), undefined, list), {
      raw: { a1: 1, nozone: 0 },
      normalized: { a1: 100, nozone: 0 },
    });
  });
});

// ---- args -----------------------------------------------------------------------------------

describe('PodTopologySpread args', () => {
  const P = 'profiles[0].pluginConfig[0].args';

  test('defaults to System with no constraints', () => {
    assert.deepEqual(parseArgs(undefined, P), {
      args: { defaultingType: 'System', defaultConstraints: [] },
      problems: [],
    });
    assert.deepEqual(parseArgs({}, P).args, { defaultingType: 'System', defaultConstraints: [] });
  });

  test('List with constraints is accepted', () => {
    const c = { topologyKey: ZONE, maxSkew: 2, whenUnsatisfiable: 'DoNotSchedule' };
    assert.deepEqual(parseArgs({ defaultingType: 'List', defaultConstraints: [c] }, P), {
      args: { defaultingType: 'List', defaultConstraints: [c] },
      problems: [],
    });
  });

  const bad: { name: string; raw: unknown; paths: string[] }[] = [
    {
      name: 'System (also by default) with constraints',
      raw: { defaultConstraints: [{ topologyKey: ZONE, maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway' }] },
      paths: [`${P}.defaultingType`],
    },
    { name: 'an unknown defaultingType', raw: { defaultingType: 'Auto' }, paths: [`${P}.defaultingType`] },
    {
      name: 'a selector, a zero maxSkew, an empty key and a bad action',
      raw: {
        defaultingType: 'List',
        defaultConstraints: [{ topologyKey: '', maxSkew: 0, whenUnsatisfiable: 'Maybe', labelSelector: {} }],
      },
      paths: [
        `${P}.defaultConstraints[0].maxSkew`,
        `${P}.defaultConstraints[0].topologyKey`,
        `${P}.defaultConstraints[0].whenUnsatisfiable`,
        `${P}.defaultConstraints[0].labelSelector`,
      ],
    },
    {
      name: 'a repeated {topologyKey, whenUnsatisfiable}',
      raw: {
        defaultingType: 'List',
        defaultConstraints: [
          { topologyKey: ZONE, maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway' },
          { topologyKey: ZONE, maxSkew: 2, whenUnsatisfiable: 'ScheduleAnyway' },
        ],
      },
      paths: [`${P}.defaultConstraints[1]`],
    },
    {
      name: 'an invalid topology key',
      raw: {
        defaultingType: 'List',
        defaultConstraints: [{ topologyKey: 'a b', maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule' }],
      },
      paths: [`${P}.defaultConstraints[0].topologyKey`],
    },
    { name: 'an unknown field', raw: { defaultConstraint: [] }, paths: [`${P}.defaultConstraint`] },
  ];
  for (const c of bad) {
    test(`rejects ${c.name}`, () => {
      const { problems } = parseArgs(c.raw, P);
      assert.deepEqual(
        problems.map((p) => p.path),
        c.paths,
      );
    });
  }
});

// ---- properties -----------------------------------------------------------------------------

describe('PodTopologySpread properties', () => {
  const layout = fc.record({
    /** Zone of each node (3..8 nodes over up to 3 zones). */
    zones: fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 3, maxLength: 8 }),
    /** (node slot, app) of each bound pod. */
    pods: fc.array(fc.tuple(fc.nat(7), fc.constantFrom('web', 'api')), { maxLength: 20 }),
    maxSkew: fc.integer({ min: 1, max: 3 }),
  });

  function build(l: { zones: string[]; pods: [number, string][] }): Snapshot {
    const nodes = l.zones.map((z, i) => node(`n${i}`, { [ZONE]: z }));
    const pods = l.pods.map(([slot, app], i) => pod(`p${i}`, { app }, { nodeName: `n${slot % l.zones.length}` }));
    return cluster(nodes, pods);
  }

  test('filter: every node of a least-loaded domain admits the pod', () => {
    fc.assert(
      fc.property(layout, (l) => {
        const snap = build(l);
        const out = runFilter(
          snap,
          pod('x', { app: 'web' }, { constraints: [spread(ZONE, l.maxSkew, 'DoNotSchedule')] }),
        );
        assert.notEqual(out.codes, 'Skip');
        const perZone = new Map<string, number>();
        for (const z of l.zones) perZone.set(z, 0);
        for (const [slot, app] of l.pods) {
          const z = l.zones[slot % l.zones.length];
          if (app === 'web') perZone.set(z, (perZone.get(z) ?? 0) + 1);
        }
        const min = Math.min(...perZone.values());
        l.zones.forEach((z, i) => {
          const want = (perZone.get(z) ?? 0) + 1 - min <= l.maxSkew ? 'Success' : 'Unschedulable';
          assert.equal((out.codes as Record<string, string>)[`n${i}`], want);
        });
      }),
    );
  });

  test('score: normalised scores lie in 0..100 and the lowest raw score gets 100', () => {
    fc.assert(
      fc.property(layout, (l) => {
        const snap = build(l);
        const out = runScore(
          snap,
          pod('x', { app: 'web' }, { constraints: [spread(ZONE, l.maxSkew, 'ScheduleAnyway')] }),
        );
        assert.notEqual(out, 'Skip');
        const { raw, normalized } = out as ScoreOutcome;
        const lowest = Math.min(...Object.values(raw));
        for (const [name, s] of Object.entries(normalized)) {
          assert.ok(s >= 0 && s <= 100);
          if (raw[name] === lowest) assert.equal(s, 100);
        }
      }),
    );
  });
});

// ---- incremental counts ---------------------------------------------------------------------

/** Filter codes and reasons, raw and normalised scores; batch paths checked against per-node ones. */
function decisions(snap: Snapshot, incoming: Pod, feasibleNames: string[], pl: Plugin) {
  const cycle: Cycle = { pod: snap.podInfo(incoming), snapshot: snap };
  const out: { preFilter: string; filter: Record<string, string>; preScore: string; scores: unknown } = {
    preFilter: '',
    filter: {},
    preScore: '',
    scores: null,
  };
  const pre = pl.preFilter!(cycle);
  out.preFilter = CODE_NAMES[pre.code];
  if (pre.code === 0) {
    const all = Int32Array.from({ length: snap.nodeCount }, (_, n) => n);
    const codes = new Uint8Array(all.length);
    pl.filterBatch!(cycle, pre.state, all, all.length, codes);
    for (let n = 0; n < snap.nodeCount; n++) {
      const code: Code = pl.filter!(cycle, pre.state, n);
      assert.equal(codes[n], code, 'filterBatch agrees with filter');
      out.filter[snap.nodeNames[n]] =
        code === 0 ? 'Success' : `${CODE_NAMES[code]}: ${pl.filterReasons!(cycle, pre.state, n).join()}`;
    }
  }
  const feasible = Int32Array.from(feasibleNames.map((n) => snap.nodeIndex.get(n)!));
  const ps = pl.preScore!(cycle, feasible);
  out.preScore = CODE_NAMES[ps.code];
  if (ps.code !== SKIP) {
    const scores = Float64Array.from(feasible, (n) => pl.score!(cycle, ps.state, n));
    const batch = new Float64Array(feasible.length);
    pl.scoreBatch!(cycle, ps.state, feasible, feasible.length, batch);
    assert.deepEqual(batch, scores, 'scoreBatch agrees with score');
    const raw = Array.from(scores);
    pl.normalizeScore!(cycle, ps.state, feasible, scores);
    out.scores = feasibleNames.map((n, i) => [n, raw[i], scores[i]]);
  }
  return out;
}

describe('PodTopologySpread incremental counts', () => {
  const zone = fc.option(fc.constantFrom('a', 'b', 'c'), { nil: undefined, freq: 5 });
  const nodeArb = fc.record({
    zone,
    host: fc.constantFrom(true, true, true, false),
    tainted: fc.boolean(),
    disk: fc.constantFrom('ssd', 'hdd'),
  });
  const podArb = fc.record({
    app: fc.constantFrom('web', 'api'),
    version: fc.constantFrom('1', '2'),
    namespace: fc.constantFrom('default', 'other'),
    terminating: fc.boolean(),
  });
  const constraintArb = fc.record({
    key: fc.constantFrom(ZONE, HOST),
    action: fc.constantFrom<'DoNotSchedule' | 'ScheduleAnyway'>('DoNotSchedule', 'ScheduleAnyway'),
    maxSkew: fc.integer({ min: 1, max: 2 }),
    minDomains: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
    affinityPolicy: fc.constantFrom<'Honor' | 'Ignore' | undefined>('Honor', 'Ignore', undefined),
    taintsPolicy: fc.constantFrom<'Honor' | 'Ignore' | undefined>('Honor', 'Ignore', undefined),
    matchVersion: fc.boolean(),
    selector: fc.constantFrom<'app' | 'none' | 'empty'>('app', 'app', 'app', 'none', 'empty'),
  });
  const incomingArb = fc.record({
    pod: podArb,
    constraints: fc.array(constraintArb, { maxLength: 2 }),
    nodeSelector: fc.option(fc.constantFrom('ssd', 'hdd'), { nil: undefined }),
    tolerates: fc.boolean(),
  });
  /** op ≥ 0: bind a new pod to node op % count; −1: unbind a bound pod; −2: add a node. */
  const stepArb = fc.record({
    op: fc.integer({ min: -2, max: 30 }),
    pod: podArb,
    node: nodeArb,
    pick: fc.nat(),
    /** Which incoming pod template to evaluate (replicas of a workload share their selectors). */
    template: fc.nat(),
    feasibleMask: fc.nat(),
    /** Evaluate after this step (otherwise the next step's change lands in the same sync). */
    evaluate: fc.boolean(),
  });
  const scenario = fc.record({
    templates: fc.array(incomingArb, { minLength: 1, maxLength: 2 }),
    nodes: fc.array(nodeArb, { minLength: 1, maxLength: 6 }),
    bound: fc.array(fc.tuple(podArb, fc.nat()), { maxLength: 12 }),
    steps: fc.array(stepArb, { minLength: 1, maxLength: 16 }),
    service: fc.boolean(),
  });

  const makeNode = (spec: { zone?: string; host: boolean; tainted: boolean; disk: string }, i: number): Node => {
    const labels: Labels = { ...(spec.zone ? { [ZONE]: spec.zone } : {}), disk: spec.disk };
    const n = spec.host ? node(`n${i}`, labels) : bareNode(`n${i}`, labels);
    if (spec.tainted) n.spec = { taints: [{ key: 'dedicated', effect: 'NoSchedule' }] };
    return n;
  };

  test("a plugin's decisions on a snapshot after random binds, unbinds and added nodes equal those on a snapshot freshly built from the same pods", () => {
    fc.assert(
      fc.property(scenario, (sc) => {
        const nodes = sc.nodes.map((n, i) => makeNode(n, i));
        const extra: Partial<ClusterSnapshot> = sc.service
          ? { services: [{ metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' } } }] }
          : {};
        let serial = 0;
        const mkPod = (p: (typeof sc.bound)[number][0], nodeName?: string): Pod =>
          pod(
            `q${serial++}`,
            { app: p.app, version: p.version },
            { namespace: p.namespace, terminating: p.terminating, nodeName },
          );
        const boundPods = sc.bound.map(([p, n]) => mkPod(p, nodes[n % nodes.length].metadata.name));
        const snap = cluster(nodes, boundPods, extra);
        const pl = plugin();
        const infos = [...snap.boundPods()];
        for (const step of sc.steps) {
          if (step.op >= 0) {
            const p = mkPod(step.pod);
            const info = snap.podInfo(p);
            snap.bind(info, step.op % snap.nodeCount);
            infos.push(info);
          } else if (step.op === -1 && infos.length > 0) {
            const [victim] = infos.splice(step.pick % infos.length, 1);
            const where = victim.node;
            snap.unbind(victim);
            // Sometimes back onto the same node: a removal and an addition between two syncs.
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
          if (!step.evaluate && step !== sc.steps[sc.steps.length - 1]) continue;
          // The same pods, bound by a fresh snapshot.
          const fresh = cluster(
            nodes,
            infos.map((info) => ({ ...info.pod, spec: { ...info.pod.spec, nodeName: snap.nodeNames[info.node] } })),
            extra,
          );
          const inc = sc.templates[step.template % sc.templates.length];
          const constraints: TopologySpreadConstraint[] = inc.constraints.map((c) => ({
            topologyKey: c.key,
            whenUnsatisfiable: c.action,
            maxSkew: c.maxSkew,
            ...(c.minDomains !== undefined && c.action === 'DoNotSchedule' ? { minDomains: c.minDomains } : {}),
            ...(c.affinityPolicy ? { nodeAffinityPolicy: c.affinityPolicy } : {}),
            ...(c.taintsPolicy ? { nodeTaintsPolicy: c.taintsPolicy } : {}),
            ...(c.matchVersion ? { matchLabelKeys: ['version'] } : {}),
            labelSelector:
              c.selector === 'app' ? { matchLabels: { app: inc.pod.app } } : c.selector === 'empty' ? {} : null,
          }));
          const incoming: Pod = {
            ...mkPod(inc.pod),
            spec: {
              containers: [{ name: 'c' }],
              ...(constraints.length > 0 ? { topologySpreadConstraints: constraints } : {}),
              ...(inc.nodeSelector ? { nodeSelector: { disk: inc.nodeSelector } } : {}),
              ...(inc.tolerates ? { tolerations: [{ key: 'dedicated', operator: 'Exists' }] } : {}),
            },
          };
          const names = snap.nodeNames.filter((_, i) => ((step.feasibleMask >> i) & 1) === 0 || i === 0);
          assert.deepEqual(decisions(snap, incoming, names, pl), decisions(fresh, incoming, names, plugin()));
        }
      }),
      { numRuns: 300 },
    );
  });
});
