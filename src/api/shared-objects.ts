// Objects many pods share by reference (a CSV trace's pod spec, labels and owner references for
// every row of the same shape): deep-frozen and registered, so per-pod work that reads only them
// (requests, interned labels, node-local cache keys) can be computed once per object, in WeakMaps
// keyed by it. Frozen means a writer fails loudly instead of changing every pod that shares it.

const shared = new WeakSet<object>();

/** Deep-freezes `value` and marks it as shared; returns it. */
export function shareFrozen<T extends object>(value: T): T {
  deepFreeze(value);
  shared.add(value);
  return value;
}

/** Whether `value` was made by shareFrozen (immutable, so results derived from it can be reused). */
export function isSharedFrozen(value: object | undefined): boolean {
  return value !== undefined && shared.has(value);
}

function deepFreeze(value: object): void {
  Object.freeze(value);
  for (const v of Object.values(value)) if (typeof v === 'object' && v !== null) deepFreeze(v);
}
