import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CompositeKeys } from '../../src/engine/composite-keys.js';
import { NodeLocalResults } from '../../src/engine/node-local-results.js';
import type { Cycle, Plugin } from '../../src/framework/plugin.js';
import { SUCCESS } from '../../src/framework/status.js';
import { Snapshot } from '../../src/snapshot/snapshot.js';
import { makeCluster, makeNode, makePod } from '../helpers/cluster.js';

describe('NodeLocalResults', () => {
  test('pods with the same key share one PreFilter run until the node set changes', () => {
    const snap = new Snapshot(makeCluster({ nodes: [makeNode('n1')] }));
    let preFilters = 0;
    const plugin: Plugin = {
      name: 'Counting',
      nodeLocalKey: (cycle) => cycle.pod.pod.metadata.labels?.size ?? '',
      preFilter: () => ({ code: SUCCESS, state: ++preFilters }),
    };
    const results = new NodeLocalResults(snap);
    const cycle = (name: string, size: string): Cycle => ({
      pod: snap.podInfo(makePod(name, { labels: { size } })),
      snapshot: snap,
    });
    assert.equal(results.preFilter(plugin, cycle('a', 'small')).state, 1);
    assert.equal(results.preFilter(plugin, cycle('b', 'small')).state, 1, 'same key: the first result');
    assert.equal(results.preFilter(plugin, cycle('c', 'large')).state, 2);
    snap.addNode(makeNode('n2'));
    assert.equal(results.preFilter(plugin, cycle('f', 'small')).state, 3, 'a new node: PreFilter runs again');
  });

  test('plugins without a node-local key run for every pod', () => {
    const snap = new Snapshot(makeCluster({ nodes: [makeNode('n1')] }));
    let runs = 0;
    const plugin: Plugin = { name: 'Plain', preFilter: () => ({ code: SUCCESS, state: ++runs }) };
    const results = new NodeLocalResults(snap);
    const cycle: Cycle = { pod: snap.podInfo(makePod('a')), snapshot: snap };
    results.preFilter(plugin, cycle);
    results.preFilter(plugin, cycle);
    assert.equal(runs, 2);
  });
});

describe('CompositeKeys', () => {
  test('the same parts give the same joined string object', () => {
    const keys = new CompositeKeys('|');
    const a = keys.join(['x', 'y', 'z'], 2);
    const b = keys.join(['x', 'y', 'w'], 2);
    assert.equal(a, 'x|y');
    assert.equal(a, b);
    assert.equal(keys.join(['x', 'yz'], 2), 'x|yz');
    assert.equal(keys.join(['x'], 1), 'x');
  });
});
