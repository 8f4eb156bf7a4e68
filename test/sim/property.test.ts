import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RESOURCE_PODS } from '../../src/snapshot/snapshot.js';
import { makeCluster, makeNode, makePod } from '../helpers/cluster.js';
import { podEvent, simulate } from './helpers.js';

const podArb = fc.record({
  t: fc.integer({ min: 0, max: 600 }),
  cpu: fc.integer({ min: 1, max: 3000 }),
  memMi: fc.integer({ min: 1, max: 6000 }),
  duration: fc.option(fc.integer({ min: 1, max: 900 }), { nil: undefined }),
  priority: fc.constantFrom(-10, 0, 0, 100),
});
const nodeEventArb = fc.record({
  t: fc.integer({ min: 0, max: 600 }),
  kind: fc.constantFrom('node-cordon', 'node-uncordon', 'node-fail', 'node-remove', 'node-add'),
});

describe('simulator invariants', () => {
  it("at no simulated time does any node's allocation exceed its allocatable", () => {
    fc.assert(
      fc.property(
        fc.array(podArb, { minLength: 1, maxLength: 40 }),
        fc.array(nodeEventArb, { maxLength: 4 }),
        fc.integer({ min: 1, max: 4 }),
        (pods, nodeEvents, nodeCount) => {
          const nodes = Array.from({ length: nodeCount }, (_, i) =>
            makeNode(`n${i}`, { cpu: '4', memory: '8Gi', pods: '6' }),
          );
          const rows: { t: number; [k: string]: unknown }[] = pods.map(
            (p, i) =>
              podEvent(
                p.t,
                makePod(`p${i}`, { cpu: `${p.cpu}m`, memory: `${p.memMi}Mi`, spec: { priority: p.priority } }),
                p.duration,
              ) as { t: number },
          );
          let added = 0;
          for (const e of nodeEvents) {
            if (e.kind === 'node-add')
              rows.push({
                t: e.t,
                type: 'node-add',
                node: makeNode(`x${added++}`, { cpu: '2', memory: '4Gi', pods: '4' }),
              });
            else rows.push({ t: e.t, type: e.kind, name: `n${e.t % nodeCount}` });
          }
          rows.sort((a, b) => a.t - b.t);
          let checks = 0;
          simulate(makeCluster({ nodes }), rows, {
            skipBadRows: true,
            until: 2000,
            onInstant: (sim) => {
              const snap = sim.cluster.snapshot;
              for (let n = 0; n < snap.nodeCount; n++) {
                for (let r = 0; r < snap.allocatable.length; r++) {
                  if (r === RESOURCE_PODS) continue;
                  assert.ok(
                    snap.requested[r][n] <= snap.allocatable[r][n],
                    `node ${snap.nodeNames[n]} resource ${snap.resources.str(r)} over at t=${sim.now}`,
                  );
                }
                assert.ok(snap.podCount[n] <= snap.allocatable[RESOURCE_PODS][n]);
              }
              checks++;
            },
          });
          assert.ok(checks > 0);
        },
      ),
      { numRuns: 150, seed: 20261123 },
    );
  });
});
