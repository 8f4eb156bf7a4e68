// `berth capacity plan`: how many nodes of one type hold a workload. Every node of the type gets
// the DaemonSet pods that would run on it first (their requests are overhead on each node); then
// the workload's pods, largest first (first-fit decreasing, as cluster-autoscaler's bin-packing
// estimator orders them), go through the full engine; a new node is added only when a pod fits
// on none of the nodes so far. A pod that does not fit even an empty node of the type (with its
// DaemonSet pods) is reported with kube-scheduler's reason and adds no node.

import { emptyCluster } from '../api/cluster.js';
import { daemonPodFor, nodeShouldRunDaemonPod } from '../api/daemonset.js';
import { formatBytes, formatCpuMillis } from '../api/quantity.js';
import type { ClusterSnapshot, Node, Pod } from '../api/types.js';
import type { Profile } from '../framework/profile.js';
import { computePodRequests } from '../snapshot/pod-requests.js';
import { Placer, podCopy } from './placer.js';
import { workloadPods } from './pod-source.js';

/** A bug guard and a bound on absurd answers. */
export const DEFAULT_PLAN_NODE_LIMIT = 10_000;

export interface PlanResult {
  nodeType: string;
  nodes: number;
  podsPlaced: number;
  /** DaemonSet pods on each new node, and what they request. */
  daemonSetPodsPerNode: number;
  daemonSetOverhead: Record<string, string>;
  /** Requested share of allocatable over all planned nodes, cpu and memory. */
  allocation: { cpu: number; memory: number };
  unplaceable: { workload: string; replicas: number; reason: string }[];
  /** Whether the node limit stopped the plan before every pod was placed. */
  hitNodeLimit: boolean;
  perNode: { node: string; pods: number; cpu: number; memory: number }[];
}

interface Item {
  pod: Pod;
  source: string;
  size: [number, number];
  index: number;
}

function nodeOf(template: Node, i: number): Node {
  const name = `${template.metadata.name}-${i}`;
  return {
    ...template,
    metadata: { ...template.metadata, name, labels: { ...template.metadata.labels, 'kubernetes.io/hostname': name } },
  };
}

/** The workload's objects that scheduling reads (namespaces, priority classes) without its pods. */
function base(workload: ClusterSnapshot): ClusterSnapshot {
  return {
    ...emptyCluster(),
    namespaces: workload.namespaces,
    priorityClasses: workload.priorityClasses,
    services: workload.services,
  };
}

export function capacityPlan(
  workload: ClusterSnapshot,
  nodeType: Node,
  profile: Profile,
  maxNodes = DEFAULT_PLAN_NODE_LIMIT,
): PlanResult {
  const items: Item[] = [];
  for (const w of workloadPods(workload)) {
    const r = computePodRequests(w.pod).amounts;
    const size: [number, number] = [r.get('cpu') ?? 0, r.get('memory') ?? 0];
    for (let i = 0; i < w.replicas; i++) {
      const name =
        w.replicas === 1 && w.source.startsWith('Pod/') ? w.pod.metadata.name : `${w.pod.metadata.name}-${i}`;
      items.push({ pod: podCopy(w.pod, name), source: w.source, size, index: items.length });
    }
  }
  items.sort((a, b) => b.size[0] - a.size[0] || b.size[1] - a.size[1] || a.index - b.index);

  const placer = new Placer(base(workload), profile);
  let nodes = 0;
  const addNode = (into: Placer, i: number): { daemonPods: number; overhead: Map<string, number> } => {
    const node = nodeOf(nodeType, i);
    into.addNode(node);
    const overhead = new Map<string, number>();
    let daemonPods = 0;
    for (const ds of workload.daemonSets) {
      if (!nodeShouldRunDaemonPod(ds, node)) continue;
      const pod = daemonPodFor(ds, node.metadata.name, `${ds.metadata.name}-${node.metadata.name}`);
      if (into.place(pod).chosenNode === undefined) continue;
      daemonPods++;
      for (const [r, n] of computePodRequests(pod).amounts) overhead.set(r, (overhead.get(r) ?? 0) + n);
    }
    return { daemonPods, overhead };
  };
  // An empty node of the type with its DaemonSet pods: does each workload fit at all?
  const probeFits = new Map<string, string | undefined>();
  const fitsEmpty = (item: Item): string | undefined => {
    if (!probeFits.has(item.source)) {
      const probe = new Placer(base(workload), profile);
      addNode(probe, 0);
      const r = probe.place(item.pod);
      probeFits.set(item.source, r.chosenNode === undefined ? (r.message ?? 'does not fit') : undefined);
    }
    return probeFits.get(item.source);
  };

  const probeNode = new Placer(base(workload), profile);
  const { daemonPods, overhead } = addNode(probeNode, 0);
  const unplaceable = new Map<string, { workload: string; replicas: number; reason: string }>();
  let placed = 0;
  let hitNodeLimit = false;
  for (const item of items) {
    if (placer.place(item.pod).chosenNode !== undefined) {
      placed++;
      continue;
    }
    const why = fitsEmpty(item);
    if (why === undefined && nodes < maxNodes) {
      addNode(placer, ++nodes);
      const again = placer.place(item.pod);
      if (again.chosenNode !== undefined) {
        placed++;
        continue;
      }
    }
    if (why === undefined && nodes >= maxNodes) hitNodeLimit = true;
    const u = unplaceable.get(item.source) ?? {
      workload: item.source,
      replicas: 0,
      reason: why ?? 'no node limit left',
    };
    u.replicas++;
    unplaceable.set(item.source, u);
  }

  const snap = placer.snapshot;
  const perNode: PlanResult['perNode'] = [];
  let cpuReq = 0;
  let cpuAlloc = 0;
  let memReq = 0;
  let memAlloc = 0;
  for (let n = 0; n < snap.nodeCount; n++) {
    const share = (r: number) => (snap.allocatable[r][n] > 0 ? snap.requested[r][n] / snap.allocatable[r][n] : 0);
    perNode.push({
      node: snap.nodeNames[n],
      pods: snap.podCount[n],
      cpu: Math.round(share(0) * 1000) / 1000,
      memory: Math.round(share(1) * 1000) / 1000,
    });
    cpuReq += snap.requested[0][n];
    cpuAlloc += snap.allocatable[0][n];
    memReq += snap.requested[1][n];
    memAlloc += snap.allocatable[1][n];
  }
  const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1000) / 1000 : 0);
  return {
    nodeType: nodeType.metadata.name,
    nodes,
    podsPlaced: placed,
    daemonSetPodsPerNode: daemonPods,
    daemonSetOverhead: Object.fromEntries(
      [...overhead].map(([r, n]) => [
        r,
        r === 'cpu' ? formatCpuMillis(n) : r === 'memory' ? formatBytes(n) : String(n),
      ]),
    ),
    allocation: { cpu: ratio(cpuReq, cpuAlloc), memory: ratio(memReq, memAlloc) },
    unplaceable: [...unplaceable.values()],
    hitNodeLimit,
    perNode,
  };
}
