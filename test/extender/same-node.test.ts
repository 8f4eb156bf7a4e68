// sameSchedulingView: a request's node object against the cached Node it may stand for.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { Node } from '../../src/api/types.js';
import { looseEqual, sameSchedulingView } from '../../src/extender/same-node.js';
import type { Obj } from '../../src/load/check.js';

const cached: Node = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'n1', labels: { zone: 'a', 'kubernetes.io/hostname': 'n1' } },
  spec: { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] },
  status: {
    allocatable: { cpu: '4', memory: '16Gi', pods: '110' },
    images: [{ names: ['img:1'], sizeBytes: 10 }],
  },
};

const clone = (v: unknown): Obj => JSON.parse(JSON.stringify(v)) as Obj;

describe('sameSchedulingView', () => {
  test('the same node, with keys reordered, nulls, conditions and heartbeats added, schedules alike', () => {
    const raw = clone(cached);
    raw.metadata = { labels: { 'kubernetes.io/hostname': 'n1', zone: 'a' }, name: 'n1', annotations: null };
    (raw.spec as Obj).unschedulable = null;
    (raw.status as Obj).conditions = [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2026-12-06T20:00:00Z' }];
    assert.equal(sameSchedulingView(raw, cached), true);
  });

  test('allocatable missing: capacity stands in, as the loader defaults it', () => {
    const raw = clone(cached);
    (raw.status as Obj).capacity = (raw.status as Obj).allocatable;
    delete (raw.status as Obj).allocatable;
    assert.equal(sameSchedulingView(raw, cached), true);
  });

  test('any change to labels, cordon, taints, allocatable or images makes it a different node', () => {
    const edits: ((raw: Obj) => void)[] = [
      (r) => {
        ((r.metadata as Obj).labels as Obj).zone = 'b';
      },
      (r) => {
        ((r.metadata as Obj).labels as Obj).extra = '';
      },
      (r) => {
        (r.spec as Obj).unschedulable = true;
      },
      (r) => {
        (r.spec as Obj).taints = [];
      },
      (r) => {
        ((r.status as Obj).allocatable as Obj).cpu = '8';
      },
      (r) => {
        (r.status as Obj).images = [{ names: ['img:2'], sizeBytes: 10 }];
      },
    ];
    for (const edit of edits) {
      const raw = clone(cached);
      edit(raw);
      assert.equal(sameSchedulingView(raw, cached), false, JSON.stringify(raw));
    }
  });

  test('looseEqual agrees with equality of the key-sorted JSON text for values without null, {} or []', () => {
    const json = fc.jsonValue({ maxDepth: 3 }).filter((v) => !/null|\{\}|\[\]/.test(JSON.stringify(v)));
    const sorted = (v: unknown): string =>
      JSON.stringify(v, (_k, x) =>
        x && typeof x === 'object' && !Array.isArray(x)
          ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1)))
          : x,
      );
    fc.assert(
      fc.property(json, json, (a, b) => {
        assert.equal(looseEqual(a, b), sorted(a) === sorted(b));
      }),
      { numRuns: 500 },
    );
  });
});
