// Request bodies read into reused buffers (body-buffers.ts): a large body's buffer, given back,
// serves later bodies that fit; small ones are ordinary buffers; only a few are kept; nothing is
// allocated for a length merely declared.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BodyBuffers } from '../../src/extender/body-buffers.js';

const LARGE = 1024 * 1024;

function received(size: number): Buffer[] {
  const chunk = Buffer.alloc(64 * 1024, 7);
  const chunks: Buffer[] = [];
  for (let left = size; left > 0; left -= chunk.length) chunks.push(chunk.subarray(0, Math.min(left, chunk.length)));
  return chunks;
}

describe('BodyBuffers', () => {
  test('nothing to reuse at first; a joined body given back serves the next one that fits', () => {
    const buffers = new BodyBuffers();
    assert.equal(buffers.reuse(LARGE), undefined, 'no buffer for a declared length alone');
    const first = buffers.join(received(LARGE), LARGE);
    assert.equal(first.length, LARGE);
    assert.ok(first.every((b) => b === 7));
    buffers.give(first);
    const next = buffers.reuse(LARGE + 1000);
    assert.ok(next, 'room to spare: a slightly longer body fits');
    assert.equal(next.length, LARGE + 1000);
    assert.equal(next.buffer, first.buffer);
    assert.equal(buffers.reuse(LARGE), undefined, 'handed out: not again until given back');
    assert.equal(buffers.reuse(4 * LARGE), undefined);
  });

  test('a buffer given back twice is handed out once', () => {
    const buffers = new BodyBuffers();
    const a = buffers.join(received(LARGE), LARGE);
    buffers.give(a);
    buffers.give(a);
    assert.ok(buffers.reuse(LARGE));
    assert.equal(buffers.reuse(LARGE), undefined);
  });

  test('small bodies are ordinary buffers, not kept; at most two large ones are, the largest', () => {
    const buffers = new BodyBuffers();
    const small = buffers.join(received(1000), 1000);
    assert.equal(small.length, 1000);
    buffers.give(small);
    assert.equal(buffers.reuse(1000), undefined);
    const sizes = [LARGE, 2 * LARGE, 3 * LARGE];
    const joined = sizes.map((n) => buffers.join(received(n), n));
    for (const b of joined) buffers.give(b);
    // Largest first, so that each takes the best fit.
    const [third, second, first] = [...sizes].reverse().map((n) => buffers.reuse(n));
    assert.equal(third?.buffer, joined[2].buffer);
    assert.equal(second?.buffer, joined[1].buffer);
    assert.equal(first, undefined, 'the smallest was let go');
  });
});
