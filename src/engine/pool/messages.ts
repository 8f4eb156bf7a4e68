// What the main thread and the pool's workers say to each other. Objects (nodes, pods, the cluster's
// other objects) cross once, as replica operations; a task names its pod and cycle by number and
// carries node ranges; results come back through SharedArrayBuffers the task names.
import type { ClusterSnapshot, KubeSchedulerConfiguration, Node, Pod } from '../../api/types.js';

export type SharedColumn = Float64Array | Int32Array | Uint32Array | Uint8Array;

/** How a worker builds the same profile: the configuration, the profile's name, user plugin modules. */
export interface ProfileSpec {
  config?: KubeSchedulerConfiguration;
  configFile?: string;
  profileName?: string;
  /** Absolute paths of ES modules loaded with --plugin (loaded again in each worker). */
  plugins: string[];
}

/** One change to replay on a worker's replica, in the owner's order. */
export type ReplicaOp =
  | { k: 'start'; cluster: Omit<ClusterSnapshot, 'nodes' | 'pods' | 'pendingPods'>; profile: ProfileSpec }
  /** Interner tables from these sizes on (label keys, label values, resources, images). */
  | { k: 'intern'; from: [number, number, number, number]; strings: [string[], string[], string[], string[]] }
  /** Shared columns whose buffer is new (a column grew or appeared). */
  | { k: 'columns'; columns: [string, SharedColumn][] }
  | { k: 'node'; node: Node }
  | { k: 'pod'; id: number; pod: Pod }
  | { k: 'bind'; id: number; node: number }
  | { k: 'unbind'; id: number }
  | { k: 'cordon'; node: number; on: boolean }
  /** Where tasks' results go (new buffers when the node count outgrew the old ones). */
  | { k: 'buffers'; buffers: ResultBuffers };

/** Shared result buffers of a session: filter verdicts per walk position, feasible nodes, scores. */
export interface ResultBuffers {
  plugin: Int16Array;
  code: Uint8Array;
  feasible: Int32Array;
  /** Per score plugin (profile order): raw scores aligned with the feasible list. */
  raw: Float64Array[];
  partial: Float64Array;
}

export interface TaskBase {
  session: number;
  /** Sequence number of ops[0]; a worker skips the ops it has applied. */
  seq: number;
  ops: ReplicaOp[];
  /** Cycle number (one per pod attempt) and the pod's id in the session's pod table. */
  cycle: number;
  pod: number;
  /** Whether the cycle uses the node-local cache (it does unless explaining). */
  cached: boolean;
  /** The nodes the cycle is restricted to (an extender request's offered nodes), if any. */
  only?: Int32Array;
  from: number;
  to: number;
}

export interface FilterTask extends TaskBase {
  kind: 'filter';
  start: number;
}

export interface ScoreTask extends TaskBase {
  kind: 'score';
  /** Feasible nodes in buffers.feasible[0..count). */
  count: number;
}

export type Task = FilterTask | ScoreTask;

export interface TaskReply {
  threadId: number;
  /** Ops applied so far in this session. */
  seq: number;
}
