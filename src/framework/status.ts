// kube-scheduler's status codes, as small integers so filters return them without allocating.

export const SUCCESS = 0;
export const UNSCHEDULABLE = 1;
/** Preemption cannot help on this node. */
export const UNSCHEDULABLE_AND_UNRESOLVABLE = 2;
export const ERROR = 3;
/** PreFilter/PreScore: this plugin has nothing to do for this pod. */
export const SKIP = 4;

export type Code = 0 | 1 | 2 | 3 | 4;

export const CODE_NAMES = ['Success', 'Unschedulable', 'UnschedulableAndUnresolvable', 'Error', 'Skip'] as const;
export type CodeName = (typeof CODE_NAMES)[number];

export function codeName(code: Code): CodeName {
  return CODE_NAMES[code];
}

export function isRejection(code: Code): boolean {
  return code === UNSCHEDULABLE || code === UNSCHEDULABLE_AND_UNRESOLVABLE;
}
