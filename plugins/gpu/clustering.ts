// GpuClustering: the FGD study's GPU-clustering baseline. Pods asking for the same GPU shape (milli
// per device × devices) are kept together: a node hosting only that shape scores 75–100, one
// hosting it among others 50–75, an idle node 25–50, a node of other shapes only 0–25; within a
// tier, the more GPU milli the node has in use, the higher. Pods without GPUs score 0.
import { type Cycle, definePlugin } from '../../src/framework/plugin.js';
import { SUCCESS } from '../../src/framework/status.js';
import type { PodInfo } from '../../src/snapshot/pod-info.js';
import type { Snapshot, SnapshotExtension } from '../../src/snapshot/snapshot.js';
import { GpuDevices, type GpuRequest } from './devices.js';

export const NAME = 'GpuClustering';

/** Per node: how many bound pods of each GPU shape it hosts (a snapshot extension). */
export class GpuShapes implements SnapshotExtension {
  readonly perNode: Map<string, number>[] = [];
  private readonly devices: GpuDevices;

  static of(snapshot: Snapshot): GpuShapes {
    return snapshot.extension('GpuShapes', (s) => new GpuShapes(s));
  }

  private constructor(snapshot: Snapshot) {
    this.devices = GpuDevices.of(snapshot);
    for (let n = 0; n < snapshot.nodeCount; n++) this.nodeAdded();
    for (const info of snapshot.boundPods()) this.podChanged(info, info.node, 1);
  }

  nodeAdded(): void {
    this.perNode.push(new Map());
  }

  podChanged(info: PodInfo, node: number, sign: 1 | -1): void {
    const req = this.devices.request(info);
    if (req.count === 0) return;
    const shapes = this.perNode[node];
    const n = (shapes.get(shapeOf(req)) ?? 0) + sign;
    if (n > 0) shapes.set(shapeOf(req), n);
    else shapes.delete(shapeOf(req));
  }
}

function shapeOf(req: GpuRequest): string {
  return `${req.milli}x${req.count}`;
}

interface State {
  shape: string;
  req: GpuRequest;
}

export function clusteringScore(cycle: Cycle, state: State, node: number): number {
  if (state.req.count === 0) return 0;
  const devices = GpuDevices.of(cycle.snapshot);
  const shapes = GpuShapes.of(cycle.snapshot).perNode[node];
  const used = devices.maxGpuMilli > 0 ? (devices.maxGpuMilli - devices.freeTotal[node]) / devices.maxGpuMilli : 0;
  const tier = shapes.has(state.shape) ? (shapes.size === 1 ? 3 : 2) : shapes.size === 0 ? 1 : 0;
  return 25 * tier + 25 * used;
}

export default definePlugin<undefined>({
  name: NAME,
  description: 'GPU clustering: prefers nodes already hosting pods of the same GPU shape.',
  create: () => ({
    name: NAME,
    nodeLocalKey: (cycle: Cycle) => GpuDevices.of(cycle.snapshot).request(cycle.pod).key,
    preScore(cycle: Cycle) {
      const req = GpuDevices.of(cycle.snapshot).request(cycle.pod);
      return { code: SUCCESS, state: { req, shape: shapeOf(req) } };
    },
    score: clusteringScore,
    scoreBatch(cycle: Cycle, state: State, nodes: Int32Array, count: number, scores: Float64Array) {
      for (let i = 0; i < count; i++) scores[i] = clusteringScore(cycle, state, nodes[i]);
    },
  }),
});
