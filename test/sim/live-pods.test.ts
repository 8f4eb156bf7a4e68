import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LivePods } from '../../src/sim/live-pods.js';
import { makeSimPod, type SimPod } from '../../src/sim/sim-pod.js';

function simPod(id: number, namespace: string | undefined, name: string): SimPod {
  return makeSimPod(
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, ...(namespace ? { namespace } : {}) },
      spec: { containers: [] },
    },
    { id, priority: 0, now: 0 },
  );
}

test('LivePods: finds exactly the pods a Map by namespace/name would hold, whatever the adds and deletes', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(fc.constantFrom('default', 'a', 'ns-b', undefined), fc.integer({ min: 0, max: 400 }), fc.boolean()),
        { maxLength: 4000 },
      ),
      (ops) => {
        const live = new LivePods();
        const model = new Map<string, SimPod>();
        let id = 0;
        for (const [ns, n, remove] of ops) {
          const name = `pod-${n}`;
          const key = `${ns ?? 'default'}/${name}`;
          const had = model.get(key);
          assert.equal(live.get(ns ?? 'default', name), had);
          assert.equal(live.getKey(key), had);
          if (remove && had) {
            live.delete(had);
            model.delete(key);
            assert.equal(had.liveSlot, -1);
          } else if (!had) {
            const sp = simPod(id++, ns, name);
            live.add(sp);
            model.set(key, sp);
          }
          assert.equal(live.size, model.size);
        }
        assert.deepEqual(
          live.inCreationOrder(),
          [...model.values()].sort((a, b) => a.id - b.id),
        );
        for (const [key, sp] of model) assert.equal(live.getKey(key), sp);
      },
    ),
    { numRuns: 60 },
  );
});

test('LivePods: a pod deleted twice, or never added, leaves the others alone', () => {
  const live = new LivePods();
  const a = simPod(0, 'x', 'a');
  const b = simPod(1, 'x', 'b');
  live.add(a);
  live.add(b);
  live.delete(a);
  live.delete(a);
  live.delete(simPod(2, 'x', 'c'));
  assert.equal(live.size, 1);
  assert.equal(live.get('x', 'b'), b);
  assert.equal(live.get('x', 'a'), undefined);
});
