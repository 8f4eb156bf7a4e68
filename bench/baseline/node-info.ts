// The baseline's cluster: one NodeInfo object per node, as kube-scheduler's cache keeps it
// (pkg/scheduler/framework/types.go): the Node, its labels and taints as the API gives them,
// allocatable and requested resources as maps, the pods on it (and the sub-lists of pods with
// affinity), used host ports and image sizes. Plugins read these objects node by node.
import { parseQuantity } from '../../src/api/quantity.js';
import type { ClusterSnapshot, Labels, Node, Taint } from '../../src/api/types.js';
import { type HostPort, hasAffinity, type PodRecord, podRecord } from './pod-record.js';

export class NodeInfo {
  readonly index: number;
  readonly node: Node;
  readonly name: string;
  readonly labels: Labels;
  readonly taints: Taint[];
  readonly unschedulable: boolean;
  /** Resource name → integer amount (cpu in millicores). */
  readonly allocatable = new Map<string, number>();
  readonly requested = new Map<string, number>();
  /** Requests with scoring's 100m / 200Mi stand-ins. */
  readonly nonZeroRequested = { milliCpu: 0, memory: 0 };
  readonly pods: PodRecord[] = [];
  readonly podsWithAffinity: PodRecord[] = [];
  readonly podsWithRequiredAntiAffinity: PodRecord[] = [];
  readonly usedPorts: HostPort[] = [];
  /** Image name (as the node lists it) → size in bytes. */
  readonly imageSizes = new Map<string, number>();

  constructor(node: Node, index: number) {
    this.index = index;
    this.node = node;
    this.name = node.metadata.name;
    this.labels = node.metadata.labels ?? {};
    this.taints = node.spec?.taints ?? [];
    this.unschedulable = node.spec?.unschedulable === true;
    for (const [name, text] of Object.entries(node.status?.allocatable ?? {})) {
      const q = parseQuantity(text);
      this.allocatable.set(name, name === 'cpu' ? q.milliValueNumber() : q.valueNumber());
    }
    for (const image of node.status?.images ?? []) {
      for (const name of image.names ?? []) this.imageSizes.set(name, image.sizeBytes ?? 0);
    }
  }

  addPod(p: PodRecord): void {
    this.pods.push(p);
    if (hasAffinity(p)) this.podsWithAffinity.push(p);
    if (p.requiredAntiAffinityTerms.length > 0) this.podsWithRequiredAntiAffinity.push(p);
    for (const [name, amount] of p.requests) this.requested.set(name, (this.requested.get(name) ?? 0) + amount);
    this.nonZeroRequested.milliCpu += p.nonZeroMilliCpu;
    this.nonZeroRequested.memory += p.nonZeroMemory;
    this.usedPorts.push(...p.hostPorts);
  }
}

export class BaselineCluster {
  readonly nodes: NodeInfo[];
  readonly byName = new Map<string, NodeInfo>();
  /** Image name → how many nodes have it (upstream ImageStateSummary.NumNodes). */
  readonly imageNodeCount = new Map<string, number>();
  /** Nodes with at least one pod that has affinity terms (upstream HavePodsWithAffinityList). */
  readonly nodesWithAffinityPods: NodeInfo[] = [];
  readonly nodesWithRequiredAntiAffinityPods: NodeInfo[] = [];
  readonly namespaceLabels = new Map<string, Labels>();
  readonly cluster: ClusterSnapshot;

  /** Nodes, and the cluster's bound pods on them. */
  constructor(cluster: ClusterSnapshot) {
    this.cluster = cluster;
    this.nodes = cluster.nodes.map((n, i) => new NodeInfo(n, i));
    for (const info of this.nodes) {
      this.byName.set(info.name, info);
      for (const image of info.imageSizes.keys()) {
        this.imageNodeCount.set(image, (this.imageNodeCount.get(image) ?? 0) + 1);
      }
    }
    for (const ns of cluster.namespaces) this.namespaceLabels.set(ns.metadata.name, ns.metadata.labels ?? {});
    for (const pod of cluster.pods) {
      const node = this.byName.get(pod.spec.nodeName ?? '');
      if (node) this.bind(podRecord(pod), node);
    }
  }

  bind(p: PodRecord, node: NodeInfo): void {
    const hadAffinity = node.podsWithAffinity.length > 0;
    const hadAnti = node.podsWithRequiredAntiAffinity.length > 0;
    node.addPod(p);
    if (!hadAffinity && node.podsWithAffinity.length > 0) this.nodesWithAffinityPods.push(node);
    if (!hadAnti && node.podsWithRequiredAntiAffinity.length > 0) this.nodesWithRequiredAntiAffinityPods.push(node);
  }
}
