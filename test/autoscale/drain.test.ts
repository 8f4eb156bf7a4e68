import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { drainFits } from '../../src/autoscale/disruption.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { makeCluster, makeNode, makePod } from '../helpers/cluster.js';
import { podEvent, simulate } from '../sim/helpers.js';

function state(snap: Snapshot): string {
  const nodes = [];
  for (let n = 0; n < snap.nodeCount; n++)
    nodes.push({
      pods: snap.podsOnNode[n].map((i) => i.key).sort(),
      cpu: snap.requested[0][n],
      memory: snap.requested[1][n],
      count: snap.podCount[n],
      unschedulable: snap.unschedulable[n],
    });
  return JSON.stringify(nodes);
}

describe('drain simulation through the scheduler', () => {
  it('leaves the snapshot exactly as it found it, whatever the answer', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 100, max: 3500 }), { minLength: 1, maxLength: 16 }),
        fc.integer({ min: 2, max: 4 }),
        (cpus, nodeCount) => {
          const nodes = Array.from({ length: nodeCount }, (_, i) => makeNode(`n${i}`, { cpu: '4', memory: '8Gi' }));
          const rows = cpus.map((c, i) => podEvent(0, makePod(`p${i}`, { cpu: `${c}m` })));
          const { sim } = simulate(makeCluster({ nodes }), rows);
          const before = state(sim.cluster.snapshot);
          for (let n = 0; n < nodeCount; n++) {
            drainFits(sim.cluster, n);
            assert.equal(state(sim.cluster.snapshot), before);
          }
        },
      ),
      { numRuns: 30, seed: 11 },
    );
  });

  it('says whether the pods of a node would find room on the others', () => {
    const nodes = [makeNode('a', { cpu: '4' }), makeNode('b', { cpu: '4' })];
    const fits = simulate(makeCluster({ nodes }), [
      podEvent(0, makePod('x', { cpu: '1' })),
      podEvent(0, makePod('y', { cpu: '1' })),
    ]);
    assert.equal(drainFits(fits.sim.cluster, 0), true);
    const full = simulate(makeCluster({ nodes }), [
      podEvent(0, makePod('x', { cpu: '3' })),
      podEvent(0, makePod('y', { cpu: '3' })),
    ]);
    assert.equal(drainFits(full.sim.cluster, 0), false);
    assert.equal(drainFits(full.sim.cluster, 1), false);
  });
});
