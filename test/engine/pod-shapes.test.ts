import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { shareFrozen } from '../../src/api/shared-objects.js';
import type { PodSpec } from '../../src/api/types.js';
import { PodShapes } from '../../src/engine/pod-shapes.js';
import type { Cycle, Plugin, PreFilterResult } from '../../src/framework/plugin.js';
import type { Profile } from '../../src/framework/profile.js';
import { SKIP, SUCCESS } from '../../src/framework/status.js';
import { Snapshot } from '../../src/snapshot/snapshot.js';
import { makeCluster, makeNode, makePod } from '../helpers/cluster.js';

/** A profile of the given filters (each also a PreFilter plugin) and no score plugins. */
function profileOf(plugins: Plugin[]): Profile {
  return { preFilter: plugins, filter: plugins, preScore: [], score: [] } as unknown as Profile;
}

function counting(name: string, key: (cycle: Cycle) => string, bySpec: boolean): Plugin & { runs: number } {
  const plugin: Plugin & { runs: number } = {
    name,
    runs: 0,
    nodeLocalKeyBySpec: bySpec,
    nodeLocalKey: key,
    preFilter(cycle: Cycle): PreFilterResult<unknown> {
      plugin.runs++;
      return cycle.pod.pod.metadata.labels?.skip ? { code: SKIP } : { code: SUCCESS, state: plugin.runs };
    },
    filter: () => SUCCESS,
  };
  return plugin;
}

describe('PodShapes', () => {
  const spec = shareFrozen<PodSpec>({ containers: [{ name: 'c' }] });

  test('pods with the same node-local keys share one shape, and its PreFilter runs once', () => {
    const snap = new Snapshot(makeCluster({ nodes: [makeNode('n1')] }));
    const a = counting('A', (c) => c.pod.pod.metadata.labels?.size ?? '', false);
    const shapes = new PodShapes(profileOf([a]), snap, [a], [], '\u0000');
    const cycle = (name: string, labels: Record<string, string>): Cycle => ({
      pod: snap.podInfo({ ...makePod(name, { labels }), spec }),
      snapshot: snap,
    });
    const small = shapes.of(cycle('p1', { size: 'small' }));
    assert.equal(shapes.of(cycle('p2', { size: 'small' })), small);
    assert.deepEqual(small.filterStates, [1]);
    const large = shapes.of(cycle('p3', { size: 'large' }));
    assert.notEqual(large, small, 'same frozen spec, but a key that reads labels: another shape');
    assert.equal(a.runs, 2);
    const skipped = shapes.of(cycle('p4', { size: 'x', skip: 'yes' }));
    assert.deepEqual(skipped.filters, [], 'a plugin that skips in PreFilter does not filter');
    snap.addNode(makeNode('n2'));
    assert.notEqual(shapes.of(cycle('p5', { size: 'small' })), small, 'a new node: shapes start over');
  });

  test('when every key reads only the spec, pods sharing a frozen spec object share the shape without asking for keys', () => {
    const snap = new Snapshot(makeCluster({ nodes: [makeNode('n1')] }));
    let asked = 0;
    const a = counting(
      'A',
      () => {
        asked++;
        return 'k';
      },
      true,
    );
    const shapes = new PodShapes(profileOf([a]), snap, [a], [], '\u0000');
    const cycle = (name: string, podSpec: PodSpec): Cycle => ({
      pod: snap.podInfo({ ...makePod(name), spec: podSpec }),
      snapshot: snap,
    });
    const first = shapes.of(cycle('p1', spec));
    assert.equal(shapes.of(cycle('p2', spec)), first);
    assert.equal(asked, 1);
    // An unshared spec with the same keys: asked again, same shape.
    assert.equal(shapes.of(cycle('p3', { containers: [{ name: 'c' }] })), first);
    assert.equal(asked, 2);
  });
});
