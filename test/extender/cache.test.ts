// The node cache: bindings recorded and moved, and the snapshot rebuilt once removals have left
// its pod table mostly holes, with the same pods afterwards.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { emptyCluster, NodeCache, nodeFingerprint } from '../../src/extender/cache.js';
import { apiNode, apiPod, clusterOf, loadJson, profile } from './helpers.js';

async function cache(): Promise<NodeCache> {
  const c = new NodeCache({ profile, tieBreak: 'first', seed: 1 });
  c.replace(await loadJson(clusterOf([apiNode('a'), apiNode('b')], [apiPod('resident', { cpu: '1', nodeName: 'a' })])));
  return c;
}

function placement(c: NodeCache): Record<string, string[]> {
  const { snapshot } = c.current;
  return Object.fromEntries(snapshot.nodeNames.map((n, i) => [n, snapshot.podsOnNode[i].map((p) => p.key).sort()]));
}

describe('NodeCache', () => {
  test('starts empty and not ready; replace makes it ready', () => {
    const c = new NodeCache({ profile, tieBreak: 'first', seed: 1 });
    assert.equal(c.ready, false);
    c.replace(emptyCluster());
    assert.equal(c.ready, true);
    assert.equal(c.current.snapshot.nodeCount, 0);
  });

  test('recordBinding binds a pod, moves it when bound again, refuses unknown nodes', async () => {
    const c = await cache();
    const pod = (await loadJson(clusterOf([], [], { pendingPods: [apiPod('p', { cpu: '1' })] }))).pendingPods[0];
    assert.equal(c.recordBinding(pod, 'a'), true);
    assert.deepEqual(placement(c), { a: ['default/p', 'default/resident'], b: [] });
    assert.equal(c.recordBinding(pod, 'b'), true);
    assert.deepEqual(placement(c), { a: ['default/resident'], b: ['default/p'] });
    assert.equal(c.current.cluster.pods.filter((p) => p.metadata.name === 'p').length, 1);
    assert.equal(c.recordBinding(pod, 'nowhere'), false);
  });

  test('compactIfSparse rebuilds a pod table full of holes, keeping every pod where it was', async () => {
    const c = await cache();
    const { snapshot } = c.current;
    const resident = snapshot.podByKey.get('default/resident')!;
    for (let i = 0; i < 1100; i++) {
      snapshot.unbind(resident);
      snapshot.bind(resident, 0);
    }
    assert.ok(snapshot.pods.length > 1100);
    const before = placement(c);
    c.compactIfSparse();
    assert.notEqual(c.current.snapshot, snapshot);
    assert.equal(c.current.snapshot.pods.length, 1);
    assert.deepEqual(placement(c), before);
  });

  test('fingerprints: equal for the same node, different when scheduling would see a difference', async () => {
    const c = await cache();
    const a = c.current.snapshot.nodes[0];
    assert.equal(c.fingerprints().get('a'), nodeFingerprint(a));
    const tainted = { ...a, spec: { ...a.spec, taints: [{ key: 'k', effect: 'NoSchedule' as const }] } };
    assert.notEqual(nodeFingerprint(tainted), nodeFingerprint(a));
    c.addNode({ ...a, metadata: { ...a.metadata, name: 'c' } });
    assert.equal(c.fingerprints().size, 3, 'recomputed after a node is added');
  });
});
