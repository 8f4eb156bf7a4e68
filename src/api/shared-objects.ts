// Objects many pods share by reference (a CSV trace's pod spec, labels and owner references for
// every row of the same shape): deep-frozen and marked, so per-pod work that reads only them
// (requests, interned labels, node-local cache keys) can be computed once per object. Frozen means
// a writer fails loudly instead of changing every pod that shares it. The mark is a non-enumerable
// symbol property holding a one-slot memo (copies made by spreading are not marked), cheaper than
// a WeakSet when a trace makes a new shared labels object every few rows.

const SHARED = Symbol('berth.shared');

/** A one-slot cache of something derived from a shared object, for one owner at a time. */
export interface SharedMemo {
  owner: object | undefined;
  value: unknown;
}

type Marked = { [SHARED]?: SharedMemo };

/** Deep-freezes `value` and marks it as shared; returns it. */
export function shareFrozen<T extends object>(value: T): T {
  Object.defineProperty(value, SHARED, { value: { owner: undefined, value: undefined } satisfies SharedMemo });
  deepFreeze(value);
  return value;
}

/** Whether `value` was made by shareFrozen (immutable, so results derived from it can be reused). */
export function isSharedFrozen(value: object | null | undefined): boolean {
  return sharedMemo(value) !== undefined;
}

/** The memo slot of a shared object, or undefined when it is not shared. */
export function sharedMemo(value: object | null | undefined): SharedMemo | undefined {
  // Objects read from files may hold null where the types say an object or nothing.
  return typeof value === 'object' && value !== null ? (value as Marked)[SHARED] : undefined;
}

function deepFreeze(value: object): void {
  Object.freeze(value);
  for (const v of Object.values(value)) if (typeof v === 'object' && v !== null) deepFreeze(v);
}
