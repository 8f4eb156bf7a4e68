// Go int64 arithmetic where JavaScript numbers would lose digits: a product past 2^53 (memory in
// bytes × 100 on very large nodes) is computed with BigInt, so scores stay exact.

/**
 * trunc(a × b / c) for integers with c ≠ 0, exact. Below 2^53 the float quotient cannot cross an
 * integer boundary (the gap to the next integer is at least 1/c, larger than the rounding error),
 * so plain division suffices there.
 */
export function mulDiv(a: number, b: number, c: number): number {
  const p = a * b;
  if (p <= Number.MAX_SAFE_INTEGER && p >= -Number.MAX_SAFE_INTEGER) return Math.trunc(p / c) + 0; // + 0: Go has no −0
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}
