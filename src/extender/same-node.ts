// Full mode sends every node in every request (about 1 KiB of JSON each). Most are the nodes berth
// already caches, unchanged in everything scheduling reads; for those the cached, already validated
// Node is used as is, so a request does not validate thousands of nodes or rebuild their columns.
// The comparison covers what the snapshot reads (see nodeFingerprint): labels, spec.unschedulable,
// taints, allocatable (capacity when allocatable is missing, as the loader defaults it) and images.
// It reads Go's JSON the way Go would: `null` is an absent field, key order does not matter, and an
// absent map or list equals an empty one.
import type { Node } from '../api/types.js';
import type { Obj } from '../load/check.js';

/** True when `raw` (a request's node object) schedules exactly as the cached `node`. */
export function sameSchedulingView(raw: Obj, node: Node): boolean {
  const meta = raw.metadata as Obj | null | undefined;
  const spec = raw.spec as Obj | null | undefined;
  const status = raw.status as Obj | null | undefined;
  if ((spec?.unschedulable ?? false) !== (node.spec?.unschedulable ?? false)) return false;
  if (!looseEqual(meta?.labels, node.metadata.labels)) return false;
  if (!looseEqual(spec?.taints, node.spec?.taints)) return false;
  const allocatable = status?.allocatable ?? status?.capacity;
  if (!looseEqual(allocatable, node.status?.allocatable)) return false;
  return looseEqual(status?.images, node.status?.images);
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') {
    for (const key in v) if ((v as Obj)[key] !== undefined && (v as Obj)[key] !== null) return false;
    return true;
  }
  return false;
}

/** Deep equality where null, absent, {} and [] are all "nothing", and key order does not count. */
export function looseEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isEmpty(a) && isEmpty(b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!looseEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Obj;
  const y = b as Obj;
  let present = 0;
  for (const key in x) {
    const v = x[key];
    if (v === undefined || v === null) continue;
    present++;
    if (!looseEqual(v, y[key])) return false;
  }
  for (const key in y) if (y[key] !== undefined && y[key] !== null) present--;
  return present === 0;
}
