// Node groups: what a new node of a group looks like before it exists. An instance type (a row of
// the AWS table in data/aws-instance-types, or given inline) gives capacity and allocatable; the
// group adds zone, capacity type (spot or on-demand), labels, taints, hourly price, size limits
// and how long a node takes to join. The template node carries the DaemonSet pods every new node
// will get: their requests are taken off its free capacity before any ordinary pod (as
// cluster-autoscaler builds its template NodeInfo).
//
// Allocatable for inline types (the CSV rows already hold it, computed the same way) follows the
// EKS / Karpenter AWS defaults:
//   cpu reserved    = 6% of the first core + 1% of the second + 0.5% of cores 3–4 + 0.25% above 4
//   memory          = capacity × (1 − 0.075 VM overhead) − (11 MiB × maxPods + 255 MiB) kube-reserved
//                     − 100 MiB eviction threshold
//   pods            = maxPods (default 110)
// e.g. m5.large (2 cores, 8 GiB, 29 pods): 1930m cpu and 7.4 GiB − 574 MiB − 100 MiB = 6903 MiB.
import { daemonPodFor, nodeShouldRunDaemonPod } from '../api/daemonset.js';
import { matchesPodNodeSelectorAndAffinity } from '../api/node-selector.js';
import { findUntoleratedTaint, isNoScheduleOrNoExecute } from '../api/taints.js';
import type { DaemonSet, Labels, Node, Pod, Taint } from '../api/types.js';
import { addInto, fitsIn, podRequests, type Resources, resourcesOf, subtract } from './resources.js';

export const GROUP_LABEL = 'berth.dev/node-group';
export const CAPACITY_TYPE_LABEL = 'karpenter.sh/capacity-type';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const INSTANCE_TYPE_LABEL = 'node.kubernetes.io/instance-type';

export type CapacityType = 'on-demand' | 'spot';

export interface InstanceType {
  name: string;
  /** Well-known labels of the type (instance family, size, arch, os, …). */
  labels: Labels;
  /** Allocatable as quantities: cpu, memory, pods, ephemeral-storage and devices. */
  allocatable: Record<string, string>;
  capacity: Record<string, string>;
}

export interface NodeGroup {
  name: string;
  instanceType: InstanceType;
  zone: string;
  capacityType: CapacityType;
  /** Dollars per node-hour. */
  price: number;
  minSize: number;
  maxSize: number;
  /** Seconds from the scale-up decision until the node is Ready. */
  provisioningDelay: number;
  labels: Labels;
  taints: Taint[];
}

/** Mebibytes of memory reserved for the kubelet and system, and the eviction threshold (see header). */
export function reservedMemoryMiB(capacityMiB: number, maxPods: number): number {
  return capacityMiB - Math.floor(capacityMiB * 0.925) + 11 * maxPods + 255 + 100;
}

/** Millicores reserved for the kubelet and system (see header). */
export function reservedCpuMilli(cores: number): number {
  const bands: [number, number][] = [
    [1, 0.06],
    [1, 0.01],
    [2, 0.005],
    [Number.POSITIVE_INFINITY, 0.0025],
  ];
  let left = cores;
  let reserved = 0;
  for (const [width, share] of bands) {
    const take = Math.min(left, width);
    reserved += take * 1000 * share;
    left -= take;
    if (left <= 0) break;
  }
  return Math.round(reserved);
}

/** An instance type given by its size alone: allocatable from the reservation formula. */
export function inlineInstanceType(name: string, cores: number, memoryMiB: number, maxPods = 110): InstanceType {
  return {
    name,
    labels: { [INSTANCE_TYPE_LABEL]: name, 'kubernetes.io/arch': 'amd64', 'kubernetes.io/os': 'linux' },
    capacity: { cpu: String(cores), memory: `${memoryMiB}Mi`, pods: String(maxPods) },
    allocatable: {
      cpu: `${cores * 1000 - reservedCpuMilli(cores)}m`,
      memory: `${memoryMiB - reservedMemoryMiB(memoryMiB, maxPods)}Mi`,
      pods: String(maxPods),
    },
  };
}

/** The labels a node of the group carries. */
export function groupLabels(g: NodeGroup, nodeName: string): Labels {
  return {
    ...g.instanceType.labels,
    [INSTANCE_TYPE_LABEL]: g.instanceType.name,
    [ZONE_LABEL]: g.zone,
    [CAPACITY_TYPE_LABEL]: g.capacityType,
    'eks.amazonaws.com/capacityType': g.capacityType === 'spot' ? 'SPOT' : 'ON_DEMAND',
    ...g.labels,
    [GROUP_LABEL]: g.name,
    'kubernetes.io/hostname': nodeName,
  };
}

/** A node of the group named `name`, as it joins the cluster. */
export function nodeOfGroup(g: NodeGroup, name: string): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: groupLabels(g, name) },
    spec: g.taints.length > 0 ? { taints: g.taints.map((t) => ({ ...t })) } : {},
    status: { capacity: { ...g.instanceType.capacity }, allocatable: { ...g.instanceType.allocatable } },
  };
}

/** The template of a group: its empty node, the DaemonSet pods it would get, and what is left. */
export interface Template {
  group: NodeGroup;
  node: Node;
  allocatable: Resources;
  daemonPods: Pod[];
  /** Allocatable minus the DaemonSet pods' requests (may go negative: nothing else fits). */
  free: Resources;
}

export function templateOf(g: NodeGroup, daemonSets: readonly DaemonSet[]): Template {
  const node = nodeOfGroup(g, `template-${g.name}`);
  const allocatable = resourcesOf(g.instanceType.allocatable);
  const daemonPods: Pod[] = [];
  const used: Resources = new Map();
  for (const ds of daemonSets) {
    if (!nodeShouldRunDaemonPod(ds, node)) continue;
    const pod = daemonPodFor(ds, node.metadata.name, `${ds.metadata.name}-template`);
    daemonPods.push(pod);
    addInto(used, podRequests(pod));
  }
  return { group: g, node, allocatable, daemonPods, free: subtract(allocatable, used) };
}

/** Whether a pod's node selector, required node affinity and tolerations admit the node. */
export function admits(pod: Pod, node: Node): boolean {
  if (!matchesPodNodeSelectorAndAffinity(pod.spec, { name: node.metadata.name, labels: node.metadata.labels }))
    return false;
  return findUntoleratedTaint(node.spec?.taints, pod.spec.tolerations, isNoScheduleOrNoExecute) === undefined;
}

/** Whether a pod could run on an empty new node of the template (DaemonSet pods already there). */
export function fitsTemplate(pod: Pod, requests: Resources, t: Template): boolean {
  return admits(pod, t.node) && fitsIn(requests, t.free);
}
