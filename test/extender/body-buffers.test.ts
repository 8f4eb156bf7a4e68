// Request bodies read into reused buffers (body-buffers.ts): large ones come back for later bodies,
// small ones are ordinary buffers, and only a few are kept.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BodyBuffers } from '../../src/extender/body-buffers.js';

const LARGE = 1024 * 1024;

describe('BodyBuffers', () => {
  test('a large buffer given back serves the next body that fits', () => {
    const buffers = new BodyBuffers();
    const first = buffers.take(LARGE);
    assert.equal(first.length, LARGE);
    buffers.give(first);
    const second = buffers.take(LARGE - 10);
    assert.equal(second.length, LARGE - 10);
    assert.equal(second.buffer, first.buffer);
    assert.notEqual(second, first, 'a new view each time');
    const bigger = buffers.take(4 * LARGE);
    assert.notEqual(bigger.buffer, first.buffer, 'too small: a new one');
  });

  test('a buffer in use is never handed out', () => {
    const buffers = new BodyBuffers();
    const a = buffers.take(LARGE);
    const b = buffers.take(LARGE);
    assert.notEqual(a.buffer, b.buffer);
    buffers.give(a);
    buffers.give(a);
    const c = buffers.take(LARGE);
    const d = buffers.take(LARGE);
    assert.equal(c.buffer, a.buffer);
    assert.notEqual(d.buffer, a.buffer, 'given back twice, handed out once');
  });

  test('small bodies are not kept; at most two large ones are, the largest', () => {
    const buffers = new BodyBuffers();
    const small = buffers.take(1000);
    assert.equal(small.length, 1000);
    buffers.give(small);
    assert.ok(buffers.take(LARGE).buffer.byteLength >= LARGE, 'a small one given back serves no large body');
    const sizes = [LARGE, 2 * LARGE, 3 * LARGE];
    const taken = sizes.map((n) => buffers.take(n));
    for (const t of taken) buffers.give(t);
    // Largest first, so that each takes the best fit.
    const [third, second, first] = [...sizes].reverse().map((n) => buffers.take(n));
    assert.equal(third.buffer, taken[2].buffer);
    assert.equal(second.buffer, taken[1].buffer);
    assert.notEqual(first.buffer, taken[0].buffer, 'the smallest was let go');
  });
});
