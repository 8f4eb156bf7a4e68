// What a trace says happens, and when: the native event model both trace formats (JSON Lines and
// the CSV pod table) are read into. Times are seconds from the start of the replay; objects are
// Kubernetes objects as src/api types them. docs/traces.md documents the formats.
import type {
  DaemonSet,
  Deployment,
  HorizontalPodAutoscaler,
  Job,
  Node,
  Pod,
  ReplicaSet,
  StatefulSet,
} from '../api/types.js';

export const EVENT_TYPES = [
  'pod-create',
  'pod-delete',
  'pod-ungate',
  'node-add',
  'node-remove',
  'node-fail',
  'node-cordon',
  'node-uncordon',
  'workload-create',
  'workload-update',
  'workload-scale',
  'workload-delete',
  'metric',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const WORKLOAD_KINDS = [
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'HorizontalPodAutoscaler',
] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];
export type Workload = Deployment | ReplicaSet | StatefulSet | DaemonSet | Job | HorizontalPodAutoscaler;
/** Workloads with replicas: what workload-scale, metric samples and HPAs name. */
export const SCALABLE_KINDS = ['Deployment', 'ReplicaSet', 'StatefulSet'] as const;
export type ScalableKind = (typeof SCALABLE_KINDS)[number];

/** A namespaced object named by a trace event. */
export interface ObjectRef {
  namespace: string;
  name: string;
}

export interface PodCreate {
  t: number;
  type: 'pod-create';
  pod: Pod;
  /** Seconds the pod runs once bound; undefined: until deleted or the replay ends. */
  duration?: number;
}

export interface PodRefEvent extends ObjectRef {
  t: number;
  type: 'pod-delete' | 'pod-ungate';
}

export interface NodeAdd {
  t: number;
  type: 'node-add';
  node: Node;
}

export interface NodeRefEvent {
  t: number;
  type: 'node-remove' | 'node-fail' | 'node-cordon' | 'node-uncordon';
  name: string;
}

export interface WorkloadCreate {
  t: number;
  type: 'workload-create' | 'workload-update';
  object: Workload;
  /** Seconds each of the workload's pods runs once bound (required for Jobs). */
  duration?: number;
}

export interface WorkloadScale extends ObjectRef {
  t: number;
  type: 'workload-scale';
  kind: ScalableKind;
  replicas: number;
}

export interface WorkloadDelete extends ObjectRef {
  t: number;
  type: 'workload-delete';
  kind: WorkloadKind;
}

/**
 * A workload's metric from time `t` on (until the next sample): the average over its pods of a
 * resource's use as a percent of the pods' requests (`utilization`), or of a value per pod
 * (`value`, in the metric's units: cores for cpu, bytes for memory), or the workload's `total`
 * (the load, shared evenly by whichever pods are running when an HPA reads it).
 */
export interface MetricSample extends ObjectRef {
  t: number;
  type: 'metric';
  kind: ScalableKind;
  metric: string;
  utilization?: number;
  value?: number;
  total?: number;
}

export type TraceEvent =
  | PodCreate
  | PodRefEvent
  | NodeAdd
  | NodeRefEvent
  | WorkloadCreate
  | WorkloadScale
  | WorkloadDelete
  | MetricSample;
