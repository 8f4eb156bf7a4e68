import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { EventHeap } from '../../src/sim/event-heap.js';

test('EventHeap: events come out in (t, seq) order whatever the order of pushes and pops', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.boolean()), { maxLength: 3000 }), (ops) => {
      const heap = new EventHeap<{ t: number; seq: number }>();
      const model: { t: number; seq: number }[] = [];
      let seq = 0;
      for (const [t, pop] of ops) {
        if (pop) {
          model.sort((a, b) => a.t - b.t || a.seq - b.seq);
          assert.equal(heap.pop(), model.shift());
        } else {
          const e = { t: t / 4, seq: seq++ };
          heap.push(e);
          model.push(e);
        }
        assert.equal(heap.size, model.length);
      }
      model.sort((a, b) => a.t - b.t || a.seq - b.seq);
      for (const e of model) {
        assert.equal(heap.peek(), e);
        assert.equal(heap.pop(), e);
      }
      assert.equal(heap.pop(), undefined);
    }),
    { numRuns: 60 },
  );
});
