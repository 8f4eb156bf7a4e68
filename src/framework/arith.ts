// Go int64 arithmetic where JavaScript numbers would lose digits: a product past 2^53 (memory in
// bytes × 100 on very large nodes) is computed with BigInt, so scores stay exact.

/** trunc(a × b / c) for integers, exact; c must not be 0. */
export function mulDiv(a: number, b: number, c: number): number {
  const p = a * b;
  if (Number.isSafeInteger(p)) {
    let q = Math.trunc(p / c);
    // Float division can land one off when p/c sits next to an integer; correct it exactly.
    if (c > 0) {
      if (q * c > p && p >= 0) q--;
      else if ((q + 1) * c <= p && p >= 0) q++;
    }
    return q;
  }
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}
