import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NODE_NAME_FIELD } from '../../src/api/node-selector.js';
import type { Node } from '../../src/api/types.js';
import { makeCluster, makeNode, makePod } from '../helpers/cluster.js';
import { events, podEvent, simulate } from './helpers.js';

const container = (cpu: string) => [
  { name: 'main', image: 'app:1', resources: { requests: { cpu, memory: '100Mi' } } },
];

function daemonSet(extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'kube-system' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { containers: container('100m'), ...extra } },
    },
  };
}

function deployment(image: string, replicas: number, strategy: Record<string, unknown>) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      strategy,
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ ...container('1')[0], image }] } },
    },
  };
}

describe('DaemonSet controller', () => {
  it('runs one pod per eligible node, pinned by metadata.name, tolerating cordons but not other taints', () => {
    const tainted: Node = makeNode('tainted', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] });
    const cluster = makeCluster({
      nodes: [
        makeNode('a', { labels: { role: 'worker' } }),
        makeNode('cordoned', { labels: { role: 'worker' }, unschedulable: true }),
        tainted,
        makeNode('other'),
      ],
    });
    const { sim, log } = simulate(cluster, [
      { t: 0, type: 'workload-create', object: daemonSet({ nodeSelector: { role: 'worker' } }) },
      { t: 50, type: 'node-add', node: makeNode('late', { labels: { role: 'worker' } }) },
    ]);
    assert.deepEqual(
      events(log, 'scheduled').map(([t, , node]) => [t, node]),
      [
        [0, 'a'],
        [0, 'cordoned'],
        [50, 'late'],
      ],
    );
    const pods = sim.livePods().filter((p) => p.daemon);
    assert.equal(pods.length, 3);
    const terms =
      pods[0].pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    assert.deepEqual(terms, [{ matchFields: [{ key: NODE_NAME_FIELD, operator: 'In', values: ['a'] }] }]);
    assert.ok(
      pods[0].pod.spec.tolerations?.some(
        (t) => t.key === 'node.kubernetes.io/unschedulable' && t.operator === 'Exists',
      ),
    );
  });

  it('places daemon pods before ordinary pods waiting at the same priority', () => {
    const cluster = makeCluster({ nodes: [makeNode('a', { cpu: '1' })] });
    const { log } = simulate(cluster, [
      podEvent(0, makePod('filler', { cpu: '1' })),
      podEvent(1, makePod('waiting', { cpu: '1' }), 10),
      { t: 2, type: 'workload-create', object: daemonSet() },
      { t: 5, type: 'pod-delete', name: 'filler' },
    ]);
    assert.deepEqual(
      events(log, 'scheduled').map(([t, pod]) => [t, pod.split('/')[1].replace(/-.*/, '')]),
      [
        [0, 'filler'],
        [5, 'agent'],
      ],
    );
  });

  it('deletes daemon pods with the DaemonSet', () => {
    const cluster = makeCluster({ nodes: [makeNode('a'), makeNode('b')] });
    const { summary } = simulate(cluster, [
      { t: 0, type: 'workload-create', object: daemonSet() },
      { t: 10, type: 'workload-delete', kind: 'DaemonSet', namespace: 'kube-system', name: 'agent' },
    ]);
    assert.equal(summary.pods.runningAtEnd, 0);
    assert.equal(summary.pods.deleted, 2);
  });
});

describe('ReplicaSet controller', () => {
  it('keeps replicas, replaces pods that end, deletes pending pods first when scaled down', () => {
    const cluster = makeCluster({ nodes: [makeNode('a', { cpu: '2' })] });
    const rs = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'rs', namespace: 'default' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'x' } },
        template: { metadata: { labels: { app: 'x' } }, spec: { containers: container('1') } },
      },
    };
    const { sim, log, summary } = simulate(
      cluster,
      [
        { t: 0, type: 'workload-create', object: rs, duration: 100 },
        { t: 150, type: 'workload-scale', kind: 'ReplicaSet', namespace: 'default', name: 'rs', replicas: 2 },
      ],
      { until: 300 },
    );
    const placed = events(log, 'scheduled');
    assert.deepEqual(
      placed.slice(0, 2).map((p) => p[0]),
      [0, 0],
      'two fit at once',
    );
    assert.equal(placed[2][0], 100, 'the third waits for a completion');
    assert.ok(summary.pods.deleted >= 1, 'scaling down deleted the pending pod');
    assert.equal(summary.pods.pendingAtEnd, 0);
    assert.ok(sim.livePods().length <= 2);
  });
});

describe('Deployment controller', () => {
  const surgeOnly = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };

  it('rolls out a new template within maxSurge and maxUnavailable', () => {
    const cluster = makeCluster({ nodes: [makeNode('a', { cpu: '5' })] });
    let maxPods = 0;
    let minRunning = Number.POSITIVE_INFINITY;
    const { sim } = simulate(
      cluster,
      [
        { t: 0, type: 'workload-create', object: deployment('web:1', 4, surgeOnly) },
        { t: 10, type: 'workload-update', object: deployment('web:2', 4, surgeOnly) },
      ],
      {
        onInstant: (s) => {
          const pods = s.livePods();
          maxPods = Math.max(maxPods, pods.length);
          if (s.now >= 10) minRunning = Math.min(minRunning, pods.filter((p) => p.state === 'running').length);
        },
      },
    );
    const images = sim.livePods().map((p) => p.pod.spec.containers[0].image);
    assert.deepEqual(images, ['web:2', 'web:2', 'web:2', 'web:2']);
    assert.ok(maxPods <= 5, `at most replicas + maxSurge pods, saw ${maxPods}`);
    assert.ok(minRunning >= 4, 'maxUnavailable 0 keeps 4 running');
  });

  it('stalls with maxUnavailable 0 when the surge pod cannot be placed, and completes with maxUnavailable 1', () => {
    const cluster = makeCluster({ nodes: [makeNode('a', { cpu: '4' })] });
    const stalled = simulate(cluster, [
      { t: 0, type: 'workload-create', object: deployment('web:1', 4, surgeOnly) },
      { t: 10, type: 'workload-update', object: deployment('web:2', 4, surgeOnly) },
    ]);
    const imagesOf = (pods: ReturnType<typeof stalled.sim.livePods>) =>
      pods.map((p) => `${p.pod.spec.containers[0].image}:${p.state}`).sort();
    assert.deepEqual(imagesOf(stalled.sim.livePods()), [
      'web:1:running',
      'web:1:running',
      'web:1:running',
      'web:1:running',
      'web:2:unschedulable',
    ]);
    const oneDown = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } };
    const done = simulate(
      cluster,
      [
        { t: 0, type: 'workload-create', object: deployment('web:1', 4, oneDown) },
        { t: 10, type: 'workload-update', object: deployment('web:2', 4, oneDown) },
      ],
      { until: 60 },
    );
    assert.deepEqual(imagesOf(done.sim.livePods()), [
      'web:2:running',
      'web:2:running',
      'web:2:running',
      'web:2:running',
    ]);
  });

  /** ReplicaSet scalings from t=10 in order, as `new N` / `old N` (old: the first pod's ReplicaSet). */
  function steps(log: Record<string, unknown>[]): string[] {
    const first = log.find((r) => r.event === 'scheduled')!.pod as string;
    const old = first.slice(0, first.lastIndexOf('-'));
    return log
      .filter((r) => r.event === 'scaled' && (r.t as number) >= 10)
      .map((r) => `${r.replicaSet === old ? 'old' : 'new'} ${r.replicas}`);
  }

  it('steps 5 replicas with maxSurge 2, maxUnavailable 1 as upstream does when the cluster holds exactly 5', () => {
    // Room for exactly five pods: a new pod runs only once an old one is gone, so each step waits
    // for the one before it, as on a full cluster or with pods slow to become ready.
    const cluster = makeCluster({ nodes: [makeNode('a', { cpu: '5' })] });
    const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: 1 } };
    const { log, sim } = simulate(
      cluster,
      [
        { t: 0, type: 'workload-create', object: deployment('web:1', 5, strategy) },
        { t: 10, type: 'workload-update', object: deployment('web:2', 5, strategy) },
      ],
      { until: 600 },
    );
    const rollout = steps(log);
    assert.deepEqual(rollout, ['new 2', 'old 4', 'new 3', 'old 3', 'new 4', 'old 2', 'new 5', 'old 1', 'old 0']);
    assert.deepEqual(
      sim.livePods().map((p) => `${p.pod.spec.containers[0].image}:${p.state}`),
      Array(5).fill('web:2:running'),
    );
  });

  it('with room to spare, new pods are available at once and old ReplicaSets drop in larger steps', () => {
    const cluster = makeCluster({ nodes: [makeNode('a', { cpu: '16' })] });
    const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: 1 } };
    const { log } = simulate(cluster, [
      { t: 0, type: 'workload-create', object: deployment('web:1', 5, strategy) },
      { t: 10, type: 'workload-update', object: deployment('web:2', 5, strategy) },
    ]);
    assert.deepEqual(steps(log), ['new 2', 'old 2', 'new 5', 'old 0']);
  });

  it('Recreate scales the old ReplicaSet to 0 and the new one up only when the old pods are gone', () => {
    const cluster = makeCluster({ nodes: [makeNode('a', { cpu: '5' })] });
    const { log } = simulate(cluster, [
      { t: 0, type: 'workload-create', object: deployment('web:1', 5, { type: 'Recreate' }) },
      { t: 10, type: 'workload-update', object: deployment('web:2', 5, { type: 'Recreate' }) },
    ]);
    assert.deepEqual(steps(log), ['old 0', 'new 5']);
    const at10 = log.filter((r) => r.t === 10).map((r) => r.event);
    assert.ok(at10.indexOf('scheduled') > at10.lastIndexOf('scaled'), 'new pods are placed after both scalings');
  });

  it('Recreate deletes every old pod before creating new ones; scaling changes the replica count', () => {
    const cluster = makeCluster({ nodes: [makeNode('a', { cpu: '8' })] });
    let mixed = false;
    const { sim } = simulate(
      cluster,
      [
        { t: 0, type: 'workload-create', object: deployment('web:1', 3, { type: 'Recreate' }) },
        { t: 10, type: 'workload-update', object: deployment('web:2', 3, { type: 'Recreate' }) },
        { t: 20, type: 'workload-scale', kind: 'Deployment', namespace: 'default', name: 'web', replicas: 5 },
      ],
      {
        onInstant: (s) => {
          const images = new Set(s.livePods().map((p) => p.pod.spec.containers[0].image));
          if (images.size > 1) mixed = true;
        },
      },
    );
    assert.equal(mixed, false);
    assert.equal(sim.livePods().length, 5);
  });
});

describe('Job controller', () => {
  it('runs completions pods at most parallelism at a time and completes', () => {
    const cluster = makeCluster({ nodes: [makeNode('a', { cpu: '8' })] });
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'etl', namespace: 'default' },
      spec: { completions: 5, parallelism: 2, template: { spec: { containers: container('1') } } },
    };
    const { log, summary } = simulate(cluster, [{ t: 0, type: 'workload-create', object: job, duration: 100 }], {
      until: 1000,
    });
    assert.deepEqual(
      events(log, 'scheduled').map((e) => e[0]),
      [0, 0, 100, 100, 200],
    );
    assert.deepEqual(
      summary.jobs.map((j) => [j.outcome, j.succeeded, j.finishedAt]),
      [['complete', 5, 300]],
    );
  });

  it('replaces pods lost with a failed node, counting them as failures', () => {
    const cluster = makeCluster({ nodes: [makeNode('a', { cpu: '2' }), makeNode('b', { cpu: '2' })] });
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'etl', namespace: 'default' },
      spec: { completions: 2, parallelism: 2, template: { spec: { containers: container('2') } } },
    };
    const { summary } = simulate(
      cluster,
      [
        { t: 0, type: 'workload-create', object: job, duration: 100 },
        { t: 50, type: 'node-fail', name: 'a' },
        { t: 60, type: 'node-add', node: makeNode('c', { cpu: '2' }) },
      ],
      { until: 1000 },
    );
    assert.deepEqual(
      summary.jobs.map((j) => [j.outcome, j.succeeded, j.failed, j.finishedAt]),
      [['complete', 2, 1, 450]],
    );
  });
});
