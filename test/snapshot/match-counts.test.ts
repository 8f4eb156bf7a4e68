// The incremental pod counts behind PodTopologySpread and InterPodAffinity: the journal of bound
// and removed pods, per-node counts, and per-domain sums, checked against counting from scratch.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ABSENT } from '../../src/snapshot/interner.js';
import { CountIndex } from '../../src/snapshot/match-counts.js';
import type { PodInfo } from '../../src/snapshot/pod-info.js';
import { PodJournal } from '../../src/snapshot/pod-journal.js';
import { Snapshot } from '../../src/snapshot/snapshot.js';
import { makeCluster, makeNode, makePod } from '../helpers/cluster.js';

const ZONE = 'topology.kubernetes.io/zone';

const isWeb = (p: PodInfo) => (p.labels.app === 'web' ? 1 : 0);

function zoneNode(i: number, zone: string | undefined) {
  return makeNode(`n${i}`, { labels: zone ? { [ZONE]: zone } : {} });
}

/** Web pods per node, counted from scratch. */
function countWeb(snap: Snapshot): number[] {
  return Array.from({ length: snap.nodeCount }, (_, n) => snap.podsOnNode[n].filter((p) => isWeb(p) === 1).length);
}

describe('PodJournal', () => {
  test('records net changes per node between syncs: binds, removals, and a pod moved back', () => {
    const snap = new Snapshot(makeCluster({ nodes: [zoneNode(0, 'a'), zoneNode(1, 'b')] }));
    const j = PodJournal.of(snap);
    const start = j.end;
    const a = snap.podInfo(makePod('a', { labels: { app: 'web' } }));
    const b = snap.podInfo(makePod('b', { labels: { app: 'web' } }));
    snap.bind(a, 0);
    snap.bind(b, 0);
    snap.unbind(a);
    snap.bind(a, 1);
    j.sync();
    const entries = [];
    for (let p = start; p < j.end; p++)
      entries.push([j.pods[p - j.base].key, j.nodes[p - j.base], j.signs[p - j.base]]);
    assert.deepEqual(entries, [
      ['default/b', 0, 1],
      ['default/a', 1, 1],
    ]);
    const mark = j.end;
    snap.unbind(b);
    snap.bind(b, 0);
    j.sync();
    assert.equal(j.end, mark, 'unbinding and binding the same pod back on its node changes nothing');
  });

  test('a reader that fell behind the kept window rebuilds from the snapshot', () => {
    const nodes = Array.from({ length: 400 }, (_, i) => zoneNode(i, i % 2 === 0 ? 'a' : 'b'));
    const snap = new Snapshot(makeCluster({ nodes }));
    const index = CountIndex.of(snap);
    const lagging = index.nodeCounts('web', () => isWeb);
    const zones = index.domains(snap.labelKeys.id(ZONE), ABSENT);
    lagging.domainSums(zones, '', null);
    const infos: PodInfo[] = [];
    for (let i = 0; i < 40000; i++) {
      const info = snap.podInfo(makePod(`p${i}`, { labels: { app: i % 3 === 0 ? 'web' : 'api' } }));
      snap.bind(info, i % 400);
      infos.push(info);
    }
    // Another reader keeps the journal moving: 40,000 binds, then most pods removed again.
    index.nodeCounts('other', () => () => 1);
    for (const info of infos.slice(0, 39000)) snap.unbind(info);
    index.nodeCounts('other', () => () => 1);
    const j = PodJournal.of(snap);
    assert.ok(j.base > 0, 'the journal dropped its oldest entries');
    const counts = index.nodeCounts('web', () => isWeb);
    assert.equal(counts, lagging);
    assert.deepEqual(Array.from(counts.counts.subarray(0, snap.nodeCount)), countWeb(snap));
    const sums = counts.domainSums(zones, '', null);
    const want = [0, 0];
    countWeb(snap).forEach((c, n) => {
      want[n % 2] += c;
    });
    assert.deepEqual(Array.from(sums.sums.subarray(0, 2)), want);
    assert.equal(sums.total, want[0] + want[1]);
    assert.equal(sums.minimum(), Math.min(...want));
  });
});

describe('NodeCounts and DomainSums', () => {
  const op = fc.record({
    /** ≥ 0: bind a pod to node kind % count; −1: unbind one; −2: add a node. */
    kind: fc.integer({ min: -2, max: 12 }),
    web: fc.boolean(),
    pick: fc.nat(),
    zone: fc.option(fc.constantFrom('a', 'b', 'c', 'd'), { nil: undefined }),
    /** Read the sums after this operation (otherwise several changes land in one sync). */
    read: fc.boolean(),
  });

  test('per-domain sums, present domains, total and minimum equal a recount after every change', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.constantFrom('a', 'b', 'c'), { nil: undefined }), { minLength: 1, maxLength: 5 }),
        fc.array(op, { maxLength: 40 }),
        fc.boolean(),
        (zones, ops, masked) => {
          const snap = new Snapshot(makeCluster({ nodes: zones.map((z, i) => zoneNode(i, z)) }));
          const index = CountIndex.of(snap);
          const key = snap.labelKeys.id(ZONE);
          // The mask admits even-numbered nodes only.
          const mask = masked ? () => (node: number) => node % 2 === 0 : null;
          const infos: PodInfo[] = [];
          let serial = 0;
          ops.forEach((o, k) => {
            if (o.kind >= 0) {
              const info = snap.podInfo(makePod(`p${serial++}`, { labels: { app: o.web ? 'web' : 'api' } }));
              snap.bind(info, o.kind % snap.nodeCount);
              infos.push(info);
            } else if (o.kind === -1 && infos.length > 0) {
              snap.unbind(infos.splice(o.pick % infos.length, 1)[0]);
            } else if (o.kind === -2) {
              snap.addNode(zoneNode(snap.nodeCount, o.zone));
            }
            if (!o.read && k < ops.length - 1) return;
            const counts = index.nodeCounts('web', () => isWeb);
            const perNode = countWeb(snap);
            assert.deepEqual(Array.from(counts.counts.subarray(0, snap.nodeCount)), perNode);
            const domains = index.domains(key, ABSENT);
            const s = counts.domainSums(domains, masked ? 'even' : '', mask);
            const want = new Map<string, number>();
            for (let n = 0; n < snap.nodeCount; n++) {
              const zone = snap.nodes[n].metadata.labels?.[ZONE];
              if (zone === undefined || (masked && n % 2 !== 0)) continue;
              want.set(zone, (want.get(zone) ?? 0) + perNode[n]);
            }
            const got = new Map<string, number>();
            for (let n = 0; n < snap.nodeCount; n++) {
              const d = domains.nodeDomain[n];
              if (d < 0 || s.nodesIn[d] === 0) continue;
              got.set(snap.nodes[n].metadata.labels?.[ZONE] ?? '', s.sums[d]);
            }
            assert.deepEqual(got, want);
            assert.equal(s.present, want.size);
            assert.equal(
              s.total,
              [...want.values()].reduce((a, b) => a + b, 0),
            );
            assert.equal(s.minimum(), want.size === 0 ? Number.POSITIVE_INFINITY : Math.min(...want.values()));
          });
        },
      ),
      { numRuns: 300 },
    );
  });
  test('predicates and masks dropped from the caches are rebuilt correctly when asked again', () => {
    const snap = new Snapshot(makeCluster({ nodes: [zoneNode(0, 'a'), zoneNode(1, 'b'), zoneNode(2, 'a')] }));
    const index = CountIndex.of(snap);
    const zones = index.domains(snap.labelKeys.id(ZONE), ABSENT);
    const first = index.nodeCounts('web', () => isWeb);
    for (let m = 0; m < 12; m++) first.domainSums(zones, `mask${m}`, () => (node) => node !== m % 3);
    for (let k = 0; k < 120; k++) index.nodeCounts(`other${k}`, () => () => 0);
    for (let i = 0; i < 9; i++) {
      snap.bind(snap.podInfo(makePod(`p${i}`, { labels: { app: i % 2 === 0 ? 'web' : 'api' } })), i % 3);
    }
    const again = index.nodeCounts('web', () => isWeb);
    assert.notEqual(again, first, 'the first NodeCounts was dropped');
    assert.deepEqual(Array.from(again.counts.subarray(0, 3)), countWeb(snap));
    const s = again.domainSums(zones, 'mask0', () => (node) => node !== 0);
    const perNode = countWeb(snap);
    assert.equal(s.sums[zones.nodeDomain[2]], perNode[2]);
    assert.equal(s.sums[zones.nodeDomain[1]], perNode[1]);
  });
});
