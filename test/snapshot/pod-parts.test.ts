import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { shareFrozen } from '../../src/api/shared-objects.js';
import type { Pod } from '../../src/api/types.js';
import { Snapshot } from '../../src/snapshot/snapshot.js';
import { makeCluster, makeNode, makePod } from '../helpers/cluster.js';

describe('PodParts', () => {
  test('pods sharing a frozen spec and labels get the same requests and label pairs as private copies', () => {
    const snap = new Snapshot(makeCluster({ nodes: [makeNode('n1')] }));
    const base = makePod('a', { cpu: '250m', memory: '1Gi', labels: { app: 'web' } });
    const spec = shareFrozen(structuredClone(base.spec));
    const labels = shareFrozen({ app: 'web' });
    const shared = (name: string): Pod => ({ ...base, metadata: { ...base.metadata, name, labels }, spec });
    const [a, b] = [snap.podInfo(shared('a')), snap.podInfo(shared('b'))];
    const own = snap.podInfo(structuredClone(base));
    assert.equal(a.requestAmounts, b.requestAmounts, 'computed once for the shared spec');
    assert.equal(a.labelPairs, b.labelPairs);
    assert.notEqual(own.requestAmounts, a.requestAmounts);
    assert.deepEqual([...a.requestIds], [...own.requestIds]);
    assert.deepEqual([...a.requestAmounts], [...own.requestAmounts]);
    assert.deepEqual([...a.labelPairs], [...own.labelPairs]);
    assert.equal(a.nonZeroMilliCpu, own.nonZeroMilliCpu);
    assert.equal(a.nonZeroMemory, own.nonZeroMemory);
    snap.bind(a, 0);
    snap.bind(b, 0);
    assert.equal(snap.requested[0][0], 500, 'both pods count on the node');
  });
});
