// Snapshot memory: heap bytes (V8 heap plus ArrayBuffer backing stores) added per node and per
// bound pod, measured after global.gc() around building a snapshot of the nodes alone and then
// binding every pod of the workload (existing pods on their nodes, pending pods round-robin,
// without checking fit). The parsed Kubernetes objects already exist and are not counted: what is
// counted is what the snapshot adds on top of them. Small clusters are built several times over so
// the figure is not lost in the heap's noise. Needs node --expose-gc.
import type { ClusterSnapshot } from '../src/api/types.js';
import { Snapshot } from '../src/snapshot/snapshot.js';
import { BaselineCluster } from './baseline/node-info.js';
import { podRecord } from './baseline/pod-record.js';

export interface MemoryFigures {
  nodes: number;
  pods: number;
  bytesPerNode: number;
  bytesPerPod: number;
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 100));

/** Used heap after a full collection. The pauses let V8's concurrent sweeping finish, without which heapUsed still counts the garbage. */
async function heapBytes(gc: () => void): Promise<number> {
  gc();
  await pause();
  gc();
  await pause();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Builds the nodes-only structure, then binds every pod; returns the two deltas. */
/** Enough nodes that a per-node figure rises above the heap's background noise. */
const MIN_NODES = 20_000;

/**
 * Builds the nodes-only structure (as many copies as it takes to reach MIN_NODES), then binds
 * every pod into each copy; returns the two deltas per node and per pod. One throwaway build
 * first, so that compiled code and type feedback are not counted as data.
 */
async function measure<T>(
  cluster: ClusterSnapshot,
  gc: () => void,
  build: (nodesOnly: ClusterSnapshot) => T,
  bindAll: (built: T, nodeNames: string[]) => void,
): Promise<MemoryFigures> {
  const nodesOnly: ClusterSnapshot = { ...cluster, pods: [], pendingPods: [] };
  const nodeNames = cluster.nodes.map((n) => n.metadata.name);
  bindAll(build(nodesOnly), nodeNames);
  const copies = Math.ceil(MIN_NODES / cluster.nodes.length);
  const before = await heapBytes(gc);
  const built = Array.from({ length: copies }, () => build(nodesOnly));
  const withNodes = await heapBytes(gc);
  for (const b of built) bindAll(b, nodeNames);
  const withPods = await heapBytes(gc);
  const pods = cluster.pods.length + cluster.pendingPods.length;
  // `built` must stay reachable until the last measurement.
  if (built.length !== copies) throw new Error('unreachable');
  return {
    nodes: cluster.nodes.length,
    pods,
    bytesPerNode: Math.round((withNodes - before) / (copies * cluster.nodes.length)),
    bytesPerPod: Math.round((withPods - withNodes) / Math.max(1, copies * pods)),
  };
}

/** Where each pod goes: its own node when bound, else round-robin. */
function* placements(cluster: ClusterSnapshot, nodeNames: string[]) {
  for (const pod of cluster.pods) yield { pod, node: pod.spec.nodeName ?? nodeNames[0] };
  let j = 0;
  for (const pod of cluster.pendingPods) yield { pod, node: nodeNames[j++ % nodeNames.length] };
}

/** berth's snapshot and the baseline's NodeInfos; undefined without --expose-gc. */
export async function measureMemory(
  cluster: ClusterSnapshot,
): Promise<{ berth: MemoryFigures; baseline: MemoryFigures } | undefined> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc || cluster.nodes.length === 0) return undefined;
  const berth = await measure(
    cluster,
    gc,
    (c) => new Snapshot(c),
    (snap, names) => {
      for (const { pod, node } of placements(cluster, names))
        snap.bind(snap.podInfo(pod), snap.nodeIndex.get(node) ?? 0);
    },
  );
  const baseline = await measure(
    cluster,
    gc,
    (c) => new BaselineCluster(c),
    (base, names) => {
      for (const { pod, node } of placements(cluster, names)) {
        base.bind(podRecord(pod), base.byName.get(node) ?? base.nodes[0]);
      }
    },
  );
  return { berth, baseline };
}
