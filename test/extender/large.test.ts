// A 5,000-node cluster, the size kube-scheduler supports: a full NodeList request (megabytes of
// JSON) and a nodeCacheCapable one, answered completely and correctly. No timing is asserted.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningExtender } from '../../src/extender/start.js';
import { apiNode, apiPod, cacheArgs, clusterOf, fullArgs, type Json, post, start } from './helpers.js';

const NODES = 5000;

/** Every 10th node tainted (unresolvable), every 7th (not 10th) full (Insufficient cpu). */
function generate(): { nodes: Json[]; pods: Json[] } {
  const nodes: Json[] = [];
  const pods: Json[] = [];
  for (let i = 0; i < NODES; i++) {
    const name = `node-${String(i).padStart(4, '0')}`;
    const taints = i % 10 === 0 ? [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }] : undefined;
    nodes.push(
      apiNode(name, {
        cpu: '8',
        memory: '32Gi',
        labels: { 'topology.kubernetes.io/zone': `zone-${i % 3}`, pool: `pool-${i % 5}` },
        taints,
      }),
    );
    pods.push(
      apiPod(`resident-${i}`, {
        cpu: i % 7 === 0 ? '7500m' : `${1 + (i % 4)}`,
        memory: '1Gi',
        nodeName: name,
        labels: { app: `app-${i % 20}` },
      }),
    );
  }
  return { nodes, pods };
}

describe(`${NODES} nodes`, () => {
  let ext: RunningExtender;
  const { nodes, pods } = generate();
  const names = nodes.map((n) => (n.metadata as Json).name as string);
  const tainted = names.filter((_, i) => i % 10 === 0);
  const full = names.filter((_, i) => i % 10 !== 0 && i % 7 === 0);
  const pod = apiPod('incoming', { cpu: '1', memory: '2Gi', labels: { app: 'app-3' } });

  before(async () => {
    ext = await start(clusterOf(nodes, pods), { deadlineMs: 60_000 });
  });
  after(() => ext.shutdown(1000));

  test('full NodeList: every node answered, failures by reason', async () => {
    const r = await post(ext.url, 'filter', fullArgs(pod, nodes));
    assert.equal(r.status, 200);
    const body = r.json as {
      Nodes: { items: Json[] };
      FailedNodes: Record<string, string>;
      FailedAndUnresolvableNodes: Record<string, string>;
    };
    assert.equal(body.Nodes.items.length, NODES - tainted.length - full.length);
    assert.deepEqual(Object.keys(body.FailedAndUnresolvableNodes).sort(), tainted);
    assert.deepEqual(Object.keys(body.FailedNodes).sort(), full);
    assert.ok(Object.values(body.FailedNodes).every((m) => m === 'Insufficient cpu'));
  });

  test('nodeCacheCapable: the same answer from names', async () => {
    const r = await post(ext.url, 'filter', cacheArgs(pod, names));
    const body = r.json as { NodeNames: string[]; FailedNodes: Record<string, string> };
    assert.equal(body.NodeNames.length, NODES - tainted.length - full.length);
    assert.deepEqual(Object.keys(body.FailedNodes).sort(), full);
  });

  test('prioritize over every feasible node, both modes agree', async () => {
    const feasible = names.filter((_, i) => i % 10 !== 0 && i % 7 !== 0);
    const byName = new Map(nodes.map((n) => [(n.metadata as Json).name as string, n]));
    const a = (
      await post(
        ext.url,
        'prioritize',
        fullArgs(
          pod,
          feasible.map((n) => byName.get(n)!),
        ),
      )
    ).json as { Host: string; Score: number }[];
    const b = (await post(ext.url, 'prioritize', cacheArgs(pod, feasible))).json as { Host: string; Score: number }[];
    assert.equal(a.length, feasible.length);
    assert.deepEqual(a, b);
    assert.equal(Math.max(...a.map((h) => h.Score)), 10);
    assert.ok(a.some((h) => h.Score < 10));
  });
});
