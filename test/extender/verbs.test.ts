// The four verbs over HTTP, in both modes, with bodies shaped exactly as kube-scheduler sends them
// (PascalCase wrapper structs, full v1.Pod and v1.Node JSON), replies checked field by field.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Scheduler } from '../../src/engine/scheduler.js';
import type { RunningExtender } from '../../src/extender/start.js';
import { NOT_IN_CACHE } from '../../src/extender/verbs.js';
import { dropNulls } from '../../src/extender/wire.js';
import { Snapshot } from '../../src/snapshot/snapshot.js';
import {
  apiNode,
  apiPod,
  cacheArgs,
  clusterOf,
  fullArgs,
  type Json,
  loadJson,
  post,
  profile,
  start,
} from './helpers.js';

const nodes = [
  apiNode('n1', { cpu: '4' }),
  apiNode('n2', { cpu: '2' }),
  apiNode('n3', { cpu: '8', taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
  apiNode('n4', { cpu: '4' }),
];
const bound = [apiPod('big', { cpu: '3500m', nodeName: 'n4' })];
const cluster = clusterOf(nodes, bound);

describe('filter and prioritize', () => {
  let ext: RunningExtender;
  before(async () => {
    ext = await start(cluster);
  });
  after(() => ext.shutdown(1000));

  test('full mode: passing nodes echoed as a NodeList, failures split by status code', async () => {
    const invalid = apiNode('bad');
    (invalid.status as Json).allocatable = { cpu: 'lots', pods: '10' };
    const r = await post(ext.url, 'filter', fullArgs(apiPod('p', { cpu: '1' }), [...nodes, invalid]));
    assert.equal(r.status, 200);
    const body = r.json as Json;
    assert.deepEqual(Object.keys(body), ['Nodes', 'NodeNames', 'FailedNodes', 'FailedAndUnresolvableNodes', 'Error']);
    const items = (body.Nodes as { items: Json[] }).items;
    assert.deepEqual(
      items.map((n) => (n.metadata as Json).name),
      ['n1', 'n2'],
    );
    const sent = JSON.parse(JSON.stringify(nodes[0]));
    dropNulls(sent);
    assert.deepEqual(items[0], sent, 'the node objects come back as they were sent (a null member reads as absent)');
    assert.equal(body.NodeNames, null);
    const failed = body.FailedNodes as Record<string, string>;
    assert.deepEqual(Object.keys(failed).sort(), ['bad', 'n4']);
    assert.equal(failed.n4, 'Insufficient cpu');
    assert.match(failed.bad, /invalid node: .*cpu.*"lots" is not a quantity/);
    assert.deepEqual(body.FailedAndUnresolvableNodes, { n3: 'node(s) had untolerated taint(s)' });
    assert.equal(body.Error, '');
  });

  test('full mode answers for the nodes as sent, even when the cache holds other versions of them', async () => {
    const bigger = apiNode('n2', { cpu: '8' });
    const pod = apiPod('p', { cpu: '3' });
    const full = await post(ext.url, 'filter', fullArgs(pod, [nodes[0], bigger]));
    assert.deepEqual(
      ((full.json as Json).Nodes as { items: Json[] }).items.map((n) => (n.metadata as Json).name),
      ['n1', 'n2'],
    );
    const cached = await post(ext.url, 'filter', cacheArgs(pod, ['n1', 'n2']));
    assert.deepEqual((cached.json as Json).NodeNames, ['n1'], 'the cached n2 has 2 cpus');
  });

  test('nodeCacheCapable: names in, names out; an unknown name fails, it does not break the request', async () => {
    const r = await post(
      ext.url,
      'filter',
      cacheArgs(apiPod('p', { cpu: '1' }), ['n1', 'n2', 'n3', 'n4', 'ghost', 'n1']),
    );
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, {
      Nodes: null,
      NodeNames: ['n1', 'n2'],
      FailedNodes: { n4: 'Insufficient cpu', ghost: NOT_IN_CACHE },
      FailedAndUnresolvableNodes: { n3: 'node(s) had untolerated taint(s)' },
      Error: '',
    });
  });

  test('field names are read case-insensitively, as Go does', async () => {
    const r = await post(ext.url, 'filter', { pod: apiPod('p', { cpu: '1' }), NODENAMES: ['n1'], nodes: null });
    assert.equal(r.status, 200);
    assert.deepEqual((r.json as Json).NodeNames, ['n1']);
  });

  test('both node fields null: no node passes', async () => {
    const r = await post(ext.url, 'filter', { Pod: apiPod('p'), Nodes: null, NodeNames: null });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, {
      Nodes: null,
      NodeNames: [],
      FailedNodes: {},
      FailedAndUnresolvableNodes: {},
      Error: '',
    });
  });

  test("prioritize: a bare [{Host, Score}] array, 0..10, berth's best nodes and only they get 10", async () => {
    const pod = apiPod('p', { cpu: '1', memory: '1Gi' });
    for (const args of [fullArgs(pod, nodes), cacheArgs(pod, ['n1', 'n2', 'n3', 'n4'])]) {
      const r = await post(ext.url, 'prioritize', args);
      assert.equal(r.status, 200);
      const list = r.json as { Host: string; Score: number }[];
      assert.ok(Array.isArray(list));
      assert.deepEqual(
        list.map((h) => Object.keys(h)),
        list.map(() => ['Host', 'Score']),
      );
      assert.deepEqual(
        list.map((h) => h.Host),
        ['n1', 'n2', 'n3', 'n4'],
      );
      for (const h of list) assert.ok(Number.isInteger(h.Score) && h.Score >= 0 && h.Score <= 10);
      const byHost = Object.fromEntries(list.map((h) => [h.Host, h.Score]));
      assert.equal(byHost.n3, 0, 'infeasible nodes score 0');
      assert.equal(byHost.n4, 0);

      const snapshot = new Snapshot(await loadJson(cluster));
      const direct = new Scheduler(profile, snapshot, { tieBreak: 'first', seed: 1, explain: true });
      const result = direct.scheduleOne(
        snapshot.podInfo((await loadJson(clusterOf([], [], { pendingPods: [pod] }))).pendingPods[0]),
      );
      assert.deepEqual(
        list.filter((h) => h.Score === 10).map((h) => h.Host),
        result.bestNodes,
      );
    }
  });

  test('prioritize with a single feasible node gives it 10', async () => {
    const r = await post(ext.url, 'prioritize', cacheArgs(apiPod('p', { cpu: '3' }), ['n1', 'n2']));
    assert.deepEqual(r.json, [
      { Host: 'n1', Score: 10 },
      { Host: 'n2', Score: 0 },
    ]);
  });
});

describe('preempt', () => {
  const pcluster = clusterOf(
    [apiNode('a', { cpu: '4' }), apiNode('b', { cpu: '2' }), apiNode('c', { cpu: '4' })],
    [
      apiPod('a-low', { cpu: '1', nodeName: 'a', priority: 0, labels: { app: 'low' } }),
      apiPod('a-mid', { cpu: '2', nodeName: 'a', priority: 100, labels: { app: 'mid' } }),
      apiPod('a-high', { cpu: '1', nodeName: 'a', priority: 2000 }),
      apiPod('b-high', { cpu: '2', nodeName: 'b', priority: 5000 }),
      apiPod('c-low', { cpu: '1', nodeName: 'c', priority: 0 }),
    ],
    {
      podDisruptionBudgets: [
        {
          apiVersion: 'policy/v1',
          kind: 'PodDisruptionBudget',
          metadata: { name: 'mid', namespace: 'default' },
          spec: { minAvailable: 1, selector: { matchLabels: { app: 'mid' } } },
        },
      ],
    },
  );
  let ext: RunningExtender;
  before(async () => {
    ext = await start(pcluster);
  });
  after(() => ext.shutdown(1000));

  const preemptor = apiPod('urgent', { cpu: '2', priority: 1000 });

  test('nodeCacheCapable: fewest lower-priority victims, PDB violations counted; nodes needing none, hopeless or unknown dropped', async () => {
    const r = await post(ext.url, 'preempt', {
      Pod: preemptor,
      NodeNameToVictims: null,
      NodeNameToMetaVictims: {
        a: { Pods: [{ UID: 'uid-default-a-low' }, { UID: 'uid-default-a-mid' }], NumPDBViolations: 1 },
        b: { Pods: [], NumPDBViolations: 0 },
        c: null,
        elsewhere: { Pods: [{ UID: 'x' }], NumPDBViolations: 0 },
      },
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, {
      NodeNameToMetaVictims: {
        a: { Pods: [{ UID: 'uid-default-a-mid' }], NumPDBViolations: 1 },
      },
    });
  });

  test('full mode: victims given as pods; a node berth never cached keeps kube-scheduler’s victims', async () => {
    const r = await post(ext.url, 'preempt', {
      Pod: preemptor,
      NodeNameToVictims: {
        a: { Pods: [apiPod('a-low', { nodeName: 'a' })], NumPDBViolations: 0 },
        elsewhere: { Pods: [apiPod('x', { nodeName: 'elsewhere', uid: 'uid-x' })], NumPDBViolations: 2 },
      },
      NodeNameToMetaVictims: null,
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, {
      NodeNameToMetaVictims: {
        a: { Pods: [{ UID: 'uid-default-a-mid' }], NumPDBViolations: 1 },
        elsewhere: { Pods: [{ UID: 'uid-x' }], NumPDBViolations: 2 },
      },
    });
  });

  test('the dry run leaves the cache as it was', async () => {
    const before = ext.cache.current.snapshot.podsOnNode.map((l) => l.map((p) => p.key).sort());
    await post(ext.url, 'preempt', { Pod: preemptor, NodeNameToMetaVictims: { a: null, c: null } });
    const afterRun = ext.cache.current.snapshot.podsOnNode.map((l) => l.map((p) => p.key).sort());
    assert.deepEqual(afterRun, before);
    const r = await post(ext.url, 'filter', cacheArgs(apiPod('fits-c', { cpu: '3' }), ['a', 'b', 'c']));
    assert.deepEqual((r.json as Json).NodeNames, ['c']);
  });

  test('preemptionPolicy Never: no candidates', async () => {
    const pod = apiPod('polite', { cpu: '2', priority: 1000, extra: { preemptionPolicy: 'Never' } });
    const r = await post(ext.url, 'preempt', { Pod: pod, NodeNameToMetaVictims: { a: null } });
    assert.deepEqual(r.json, { NodeNameToMetaVictims: {} });
  });
});

describe('bind', () => {
  let ext: RunningExtender;
  before(async () => {
    ext = await start(cluster);
  });
  after(() => ext.shutdown(1000));

  test('records the binding in the cache: the next pod sees it', async () => {
    const pod = apiPod('first', { cpu: '1' });
    await post(ext.url, 'filter', cacheArgs(pod, ['n1']));
    const r = await post(ext.url, 'bind', {
      PodName: 'first',
      PodNamespace: 'default',
      PodUID: 'uid-default-first',
      Node: 'n1',
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { Error: '' });
    const next = await post(ext.url, 'filter', cacheArgs(apiPod('second', { cpu: '3500m' }), ['n1']));
    assert.deepEqual((next.json as Json).FailedNodes, { n1: 'Insufficient cpu' });
  });

  test('full mode: a node only the request named is added to the cache on bind', async () => {
    const pod = apiPod('third', { cpu: '1' });
    await post(ext.url, 'filter', fullArgs(pod, [apiNode('fresh', { cpu: '1' })]));
    const r = await post(ext.url, 'bind', {
      PodName: 'third',
      PodNamespace: 'default',
      PodUID: 'uid-default-third',
      Node: 'fresh',
    });
    assert.deepEqual(r.json, { Error: '' });
    const next = await post(ext.url, 'filter', cacheArgs(apiPod('fourth', { cpu: '1' }), ['fresh']));
    assert.deepEqual((next.json as Json).FailedNodes, { fresh: 'Insufficient cpu' });
  });

  test('unknown pods and nodes are a bind Error, with status 200', async () => {
    const r = await post(ext.url, 'bind', { PodName: 'never-seen', PodNamespace: 'default', PodUID: 'u', Node: 'n1' });
    assert.equal(r.status, 200);
    assert.match((r.json as Json).Error as string, /was not in a recent filter/);
    await post(ext.url, 'filter', cacheArgs(apiPod('fifth'), ['n1']));
    const r2 = await post(ext.url, 'bind', {
      PodName: 'fifth',
      PodNamespace: 'default',
      PodUID: 'uid-default-fifth',
      Node: 'nowhere',
    });
    assert.match((r2.json as Json).Error as string, /"nowhere": node is not in berth's node cache/);
  });
});
