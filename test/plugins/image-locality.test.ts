// ImageLocality edge cases, hand-computed (MB = 2^20 bytes): init containers count in the sum and
// in the ceiling, each node's own size for an image, aliases, name normalisation, clamping, and
// Go's float64 → int64 truncation of size × share.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import imageLocality from '../../plugins/image-locality.js';
import type { Node, Pod } from '../../src/api/types.js';
import type { Cycle } from '../../src/framework/plugin.js';
import { Snapshot } from '../../src/snapshot/snapshot.js';
import { makeCluster, makeNode, makePod } from '../helpers/cluster.js';
import { runPlugin, TEST_HANDLE } from '../helpers/plugin.js';

const MB = 1024 * 1024;

function nodeWith(name: string, images: [names: string[], mb: number][] = []): Node {
  return makeNode(name, { images: images.map(([names, mb]) => ({ names, sizeBytes: mb * MB })) });
}

function podWith(containers: string[], init: string[] = []): Pod {
  const pod = makePod('p');
  pod.spec.containers = containers.map((image, i) => ({ name: `c${i}`, image }));
  if (init.length > 0) pod.spec.initContainers = init.map((image, i) => ({ name: `i${i}`, image }));
  return pod;
}

function scores(nodes: Node[], pod: Pod): Record<string, number> | undefined {
  return runPlugin(imageLocality, makeCluster({ nodes }), pod).scores;
}

describe('ImageLocality', () => {
  test('init containers add to the sum and to the ceiling', () => {
    const nodes = [
      nodeWith('a', [[['setup:1'], 600]]),
      nodeWith('b', [[['app:1'], 600]]),
      nodeWith('c'),
      nodeWith('d'),
    ];
    // Each image on 1 of 4 nodes: 600 MB × 1/4 = 150 MB. Ceiling 2 × 1000 MB.
    // a, b: 100 × (150 − 23) / (2000 − 23) = 6 (6.4).
    assert.deepEqual(scores(nodes, podWith(['app:1'], ['setup:1'])), { a: 6, b: 6, c: 0, d: 0 });
  });

  test('each node’s own size for the image', () => {
    const nodes = [nodeWith('a', [[['img:1'], 400]]), nodeWith('b', [[['img:1'], 800]])];
    // Both nodes have it (share 1): a 100 × 377/977 = 38 (38.6), b 100 × 777/977 = 79 (79.5).
    assert.deepEqual(scores(nodes, podWith(['img:1'])), { a: 38, b: 79 });
  });

  test('any of an image’s names matches', () => {
    const nodes = [nodeWith('a', [[['docker.io/library/nginx:1.27', 'nginx:1.27'], 500]]), nodeWith('b')];
    // 500 MB × 1/2 = 250 MB → 100 × 227/977 = 23.
    assert.deepEqual(scores(nodes, podWith(['nginx:1.27'])), { a: 23, b: 0 });
  });

  test('normalisation: a registry port is not a tag; a digest is kept as is', () => {
    const nodes = [nodeWith('a', [[['localhost:5000/app:latest'], 300]])];
    // 300 MB on the only node → 100 × 277/977 = 28.
    assert.deepEqual(scores(nodes, podWith(['localhost:5000/app'])), { a: 28 });
    const digest = 'repo/app@sha256:0123abcd';
    assert.deepEqual(scores([nodeWith('a', [[[digest], 300]])], podWith([digest])), { a: 28 });
  });

  test('clamped to [23 MB, 1000 MB × containers]', () => {
    assert.deepEqual(scores([nodeWith('a', [[['tiny:1'], 20]])], podWith(['tiny:1'])), { a: 0 });
    assert.deepEqual(scores([nodeWith('a', [[['huge:1'], 2000]])], podWith(['huge:1'])), { a: 100 });
  });

  test('the same image in two containers counts twice', () => {
    // 800 + 800 = 1600 MB of a 2000 MB ceiling → 100 × 1577/1977 = 79 (79.8).
    assert.deepEqual(scores([nodeWith('a', [[['big:1'], 800]])], podWith(['big:1', 'big:1'])), { a: 79 });
  });

  test('size × share truncates like Go’s int64(float64 × float64)', () => {
    const nodes = [nodeWith('a', [[['img:1'], 100]]), nodeWith('b'), nodeWith('c')];
    // trunc(104857600 × (1/3)) = 34952533 → 100 × (34952533 − 24117248) / 1024458752 = 1 (1.06).
    assert.deepEqual(scores(nodes, podWith(['img:1'])), { a: 1, b: 0, c: 0 });
  });

  test('no node has any of the images: every node scores 0', () => {
    const nodes = [nodeWith('a', [[['other:1'], 500]]), nodeWith('b')];
    assert.deepEqual(scores(nodes, podWith(['mine:1'])), { a: 0, b: 0 });
  });

  test('scoreBatch agrees with score node for node', () => {
    const nodes = [
      nodeWith('a', [[['x:1'], 300]]),
      nodeWith('b', [
        [['x:1'], 900],
        [['y:1'], 50],
      ]),
      nodeWith('c'),
    ];
    for (const pod of [podWith(['x:1', 'y']), podWith(['none:1'])]) {
      const plugin = imageLocality.create(undefined, TEST_HANDLE);
      const snapshot = new Snapshot(makeCluster({ nodes }));
      const cycle: Cycle = { pod: snapshot.podInfo(pod), snapshot };
      const all = Int32Array.from([2, 0, 1]);
      const pre = plugin.preScore!(cycle, all);
      const batch = new Float64Array(3).fill(-1);
      plugin.scoreBatch!(cycle, pre.state, all, 3, batch);
      assert.deepEqual(
        [...batch],
        [...all].map((n) => plugin.score!(cycle, pre.state, n)),
      );
    }
  });
});
