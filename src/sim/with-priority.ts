// Admission's Priority plugin writes the resolved priority into the pod's spec. Pods that share a
// frozen spec (src/api/shared-objects.ts) get a shared frozen copy per priority, so what the
// snapshot derives from a spec is still computed once for all of them.
import { isSharedFrozen, shareFrozen } from '../api/shared-objects.js';
import type { Pod, PodSpec } from '../api/types.js';

const copies = new WeakMap<PodSpec, Map<number, PodSpec>>();

/** `pod` with spec.priority set to `priority` (the pod itself when it already is). */
export function withPriority(pod: Pod, priority: number): Pod {
  if (pod.spec.priority === priority) return pod;
  if (!isSharedFrozen(pod.spec)) return { ...pod, spec: { ...pod.spec, priority } };
  let byPriority = copies.get(pod.spec);
  if (byPriority === undefined) {
    byPriority = new Map();
    copies.set(pod.spec, byPriority);
  }
  let spec = byPriority.get(priority);
  if (spec === undefined) {
    spec = shareFrozen({ ...pod.spec, priority });
    byPriority.set(priority, spec);
  }
  return { ...pod, spec };
}
