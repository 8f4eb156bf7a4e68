// A pod as the simulator tracks it from creation to its end: where it is in the scheduling queue,
// where it runs, and who recreates it when it is lost.
import type { Pod } from '../api/types.js';
import type { PodInfo } from '../snapshot/pod-info.js';

export type PodState =
  /** Waiting for spec.schedulingGates to be removed. */
  | 'gated'
  | 'active'
  | 'backoff'
  | 'unschedulable'
  | 'running'
  /** On a failed node: holds nothing schedulable, deleted after the eviction delay. */
  | 'lost'
  | 'gone';

/** A controller the simulator runs (ReplicaSet, Deployment, DaemonSet, Job). */
export interface PodOwner {
  readonly key: string;
}

export interface SimPod {
  /** Creation order: the last tie-break everywhere. */
  readonly id: number;
  readonly pod: Pod;
  /** `namespace/name`. */
  readonly key: string;
  readonly priority: number;
  /** Created by the DaemonSet controller: queued ahead of ordinary pods of the same priority. */
  readonly daemon: boolean;
  /** The simulated controller that manages it, if any. */
  readonly owner: PodOwner | null;
  /** Seconds it runs once bound; undefined runs until deleted. */
  duration: number | undefined;
  /** When it was created (pending time counts from here). */
  readonly createdAt: number;
  state: PodState;
  /** Queue order among equal priorities: when it was last (re)queued. */
  queueTime: number;
  attempts: number;
  backoffUntil: number;
  unschedulableSince: number;
  /** Bumped on each queue insertion; heap entries of an older generation are stale. */
  queueGen: number;
  /** The PodInfo of the current snapshot generation (the snapshot is rebuilt when nodes go). */
  info: PodInfo | null;
  infoGen: number;
  node: string | null;
  boundAt: number;
  /** Bumped on each bind: a completion event for an older run is stale. */
  runGen: number;
  /** Why the last attempt failed. */
  message: string | undefined;
  /** Its slot among the live pods (src/sim/live-pods.ts) while live, else -1. */
  liveSlot: number;
}

/** `namespace/name`. */
export function podKey(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}

export function makeSimPod(
  pod: Pod,
  o: {
    id: number;
    priority: number;
    daemon?: boolean;
    owner?: PodOwner | null;
    duration?: number;
    now: number;
    /** podKey(pod), when the caller already has it. */
    key?: string;
  },
): SimPod {
  // Fields a completion reads first (the pod is cold by then): fewer cache lines touched.
  return {
    state: 'active',
    runGen: 0,
    liveSlot: -1,
    info: null,
    infoGen: -1,
    node: null,
    priority: o.priority,
    owner: o.owner ?? null,
    boundAt: -1,
    id: o.id,
    pod,
    key: o.key ?? podKey(pod),
    daemon: o.daemon ?? false,
    duration: o.duration,
    createdAt: o.now,
    queueTime: o.now,
    attempts: 0,
    backoffUntil: 0,
    unschedulableSince: 0,
    queueGen: 0,
    message: undefined,
  };
}
