import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { EventHeap } from '../../src/sim/event-heap.js';

interface Ev {
  t: number;
  seq: number;
}

test('EventHeap: events and payloads come out in (t, seq) order whatever the order of pushes and pops', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.boolean(), fc.boolean()), { maxLength: 3000 }),
      (ops) => {
        // A payload is a distinct object type here; the heap returns it with its number.
        const heap = new EventHeap<Ev, { payloadOf: number }>();
        const model: { e: Ev; payload: { payloadOf: number } | null }[] = [];
        let seq = 0;
        const order = (a: { e: Ev }, b: { e: Ev }) => a.e.t - b.e.t || a.e.seq - b.e.seq;
        const check = (m: { e: Ev; payload: { payloadOf: number } | null } | undefined) => {
          const got = heap.pop();
          if (!m) return assert.equal(got, undefined);
          if (m.payload) {
            assert.equal(got, m.payload);
            assert.equal(heap.poppedPayload, true);
            assert.equal(heap.poppedAux, m.e.seq);
          } else {
            assert.equal(got, m.e);
            assert.equal(heap.poppedPayload, false);
          }
        };
        for (const [t, pop, asPayload] of ops) {
          if (pop) {
            model.sort(order);
            check(model.shift());
          } else {
            const e = { t: t / 4, seq: seq++ };
            if (asPayload) {
              const payload = { payloadOf: e.seq };
              heap.pushPayload(e.t, e.seq, payload, e.seq);
              model.push({ e, payload });
            } else {
              heap.push(e);
              model.push({ e, payload: null });
            }
          }
          assert.equal(heap.size, model.length);
        }
        model.sort(order);
        for (const m of model) {
          assert.equal(heap.peekTime(), m.e.t);
          check(m);
        }
        check(undefined);
      },
    ),
    { numRuns: 60 },
  );
});
