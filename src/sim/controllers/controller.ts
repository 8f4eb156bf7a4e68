// What the simulator offers its controllers, and what it asks of them. Controllers act only in
// `reconcile`, which the simulator calls for controllers marked dirty, after each batch of events
// and after each scheduling pass, until nothing changes at that instant.
import type { Node, Pod, ReplicaSet } from '../../api/types.js';
import type { WorkloadKind } from '../../traces/events.js';
import type { PodOwner, SimPod } from '../sim-pod.js';

export type GoneReason = 'completed' | 'deleted' | 'preempted' | 'evicted' | 'lost';

export interface ControllerHost {
  readonly now: number;
  /**
   * Creates a pod through admission: null when LimitRange or ResourceQuota refuses it (the
   * controller stops creating for now and is woken when quota is released in its namespace).
   */
  createPod(pod: Pod, o: { owner: Controller; duration?: number; daemon?: boolean }): SimPod | null;
  /** Deletes a pod the controller owns (pending or running); podGone is not called for it. */
  deletePod(pod: SimPod): void;
  /** Live nodes, in order. */
  nodes(): readonly Node[];
  /** ReplicaSets are visible to the scheduler (default topology spreading reads their selectors). */
  publishReplicaSet(rs: ReplicaSet): void;
  withdrawReplicaSet(rs: ReplicaSet): void;
  markDirty(controller: Controller): void;
  /** Reconcile again after the next scheduling pass (a sync that changed something looks again). */
  resyncAfterScheduling(controller: Controller): void;
  /** A Deployment set a ReplicaSet's replica count (recorded in placements.jsonl). */
  replicaSetScaled(rs: ReplicaSet, replicas: number): void;
}

export interface Controller extends PodOwner {
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly name: string;
  /** A ReplicaSet's Deployment, which hears of its pods too. */
  readonly parent: Controller | null;
  reconcile(host: ControllerHost): void;
  /** A pod of this controller was bound. */
  podBound(pod: SimPod): void;
  /** A pod of this controller ended (not when the controller deleted it itself). */
  podGone(pod: SimPod, reason: GoneReason): void;
  /** Deletes every pod and child (workload-delete). */
  remove(host: ControllerHost): void;
}

/** A pod name suffix from a counter, short and deterministic. */
export function suffix(n: number): string {
  return n.toString(36).padStart(5, '0');
}

/** FNV-1a of a string, in base 36 (pod-template-hash). */
export function templateHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

export function workloadKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}
