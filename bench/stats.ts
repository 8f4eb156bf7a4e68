// Small statistics over per-pod latencies (milliseconds).

/** The p-th percentile (0..100) by nearest rank; NaN for no samples. */
export function percentile(samples: ArrayLike<number>, p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function sum(samples: ArrayLike<number>, count = samples.length): number {
  let total = 0;
  for (let i = 0; i < count; i++) total += samples[i];
  return total;
}

/** Rounds to `digits` significant digits (for reports). */
export function round(x: number, digits = 3): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(digits));
}
