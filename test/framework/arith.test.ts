// mulDiv: trunc(a × b / c) exactly as Go's int64 arithmetic, also where a × b passes 2^53.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { mulDiv } from '../../src/framework/arith.js';

const exact = (a: number, b: number, c: number) => Number((BigInt(a) * BigInt(b)) / BigInt(c));

test('small values: truncation toward zero, like Go', () => {
  const table: [number, number, number, number][] = [
    [3, 100, 10, 30],
    [7, 100, 3, 233],
    [0, 100, 5, 0],
    [5, 100, 5, 100],
    [-7, 100, 3, -233],
    [7, -100, 3, -233],
    [1, 1, 2, 0],
    [-1, 1, 2, 0],
  ];
  for (const [a, b, c, want] of table) assert.equal(mulDiv(a, b, c), want, `${a}×${b}/${c}`);
});

test('products past 2^53 (memory × 100 on huge nodes) stay exact', () => {
  const alloc = 2 ** 50 + 1; // bytes; (alloc − 3) × 100 ≈ 1.1e17 is not a double
  assert.equal(mulDiv(alloc - 3, 100, alloc), 99);
  assert.equal(mulDiv(alloc, 100, alloc), 100);
  assert.equal(mulDiv(alloc - 1, 100, alloc), 99);
  // 9007199254740991 = 2^53 − 1: × 100 / itself is exactly 100, and one less rounds down to 99.
  assert.equal(mulDiv(2 ** 53 - 1, 100, 2 ** 53 - 1), 100);
  assert.equal(mulDiv(2 ** 53 - 2, 100, 2 ** 53 - 1), 99);
  // Plain float arithmetic gets these wrong both ways (the product rounds across a multiple of c).
  assert.equal(Math.trunc((8560383251145442 * 100) / 8560383251145443), 100);
  assert.equal(mulDiv(8560383251145442, 100, 8560383251145443), 99);
  assert.equal(Math.trunc((7339758929166974 * 100) / 7339758929166974), 99);
  assert.equal(mulDiv(7339758929166974, 100, 7339758929166974), 100);
});

test('mulDiv(a, b, c) equals the BigInt quotient for safe integers with c > 0', () => {
  fc.assert(
    fc.property(
      fc.maxSafeNat(),
      fc.integer({ min: 0, max: 1000 }),
      fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      (a, b, c) => mulDiv(a, b, c) === exact(a, b, c),
    ),
    { numRuns: 2000 },
  );
});

test('mulDiv(a, 100, c) is exact where a ≤ c near the 2^53 boundary (the utilization case)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 2 ** 52, max: Number.MAX_SAFE_INTEGER }),
      fc.integer({ min: 0, max: 2 ** 20 }),
      (c, d) => {
        const a = Math.max(0, c - d);
        return mulDiv(a, 100, c) === exact(a, 100, c);
      },
    ),
    { numRuns: 2000 },
  );
});
