// GpuFGD: Fragmentation Gradient Descent. Scores a node by how much placing the pod there changes
// the node's expected GPU fragmentation under the workload's task shapes (args.tasks): the
// smaller the growth, the higher the score. For a shared pod the device that grows it least is
// the one considered, and the one the pod gets when bound (it replaces GpuDevices' choice).
import { MILLI_PER_GPU } from '../../src/api/gpu.js';
import { type Cycle, definePlugin } from '../../src/framework/plugin.js';
import { SKIP, SUCCESS } from '../../src/framework/status.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { cpuLeft, minMaxNormalize, podCpu } from './common.js';
import { GpuDevices, type GpuRequest, MAX_DEVICES, type SharedDeviceChoice } from './devices.js';
import { distribution, expectedFragmentation, nodeFragmentation, type TaskDistribution } from './fragmentation.js';
import { parseTaskShapes, type TaskShapesArgs } from './gpu-args.js';

export const NAME = 'GpuFGD';

/** Per snapshot: the resolved distribution and each node's current fragmentation, by generation. */
export interface Fgd {
  dist: TaskDistribution;
  before: Float64Array;
  stamp: Uint32Array;
  scratch: Int32Array;
  choose: SharedDeviceChoice;
}

interface State {
  fgd: Fgd;
  req: GpuRequest;
  cpu: number;
}

function resolve(args: TaskShapesArgs, devices: GpuDevices): TaskDistribution {
  return distribution(
    args.tasks.map((t) => {
      let mask = 0;
      for (const m of t.gpuSpec.split('|')) if (m.trim() !== '') mask |= 1 << devices.models.id(m.trim());
      return { cpu: t.cpu, milli: t.gpuMilli, count: t.numGpu, mask, weight: t.weight };
    }),
  );
}

/** Fragmentation of `node` now (cached until the node changes). */
function before(fgd: Fgd, snap: Snapshot, devices: GpuDevices, node: number): number {
  const g = snap.nodeGeneration[node] + 1;
  if (fgd.stamp[node] !== g) {
    fgd.before[node] = nodeFragmentation(fgd.dist, devices, node, cpuLeft(snap, node));
    fgd.stamp[node] = g;
  }
  return fgd.before[node];
}

/**
 * Fragmentation of `node` after taking `cpu` and the GPU request; for a shared request, over the
 * best device, whose index goes to `best[0]`. Infinity when the request does not fit.
 */
export function fragmentationAfter(
  fgd: Fgd,
  devices: GpuDevices,
  node: number,
  left: number,
  req: GpuRequest,
  best: Int32Array,
): number {
  const count = devices.count[node];
  const model = devices.model[node];
  const scratch = fgd.scratch;
  scratch.set(devices.free.subarray(node * MAX_DEVICES, node * MAX_DEVICES + count));
  best[0] = -1;
  if (req.count === 0) return expectedFragmentation(fgd.dist, model, left, scratch, 0, count);
  if (req.milli >= MILLI_PER_GPU) {
    let taken = 0;
    for (let d = 0; d < count && taken < req.count; d++) {
      if (scratch[d] === MILLI_PER_GPU) {
        scratch[d] = 0;
        taken++;
      }
    }
    return taken < req.count
      ? Number.POSITIVE_INFINITY
      : expectedFragmentation(fgd.dist, model, left, scratch, 0, count);
  }
  let min = Number.POSITIVE_INFINITY;
  for (let d = 0; d < count; d++) {
    if (scratch[d] < req.milli) continue;
    scratch[d] -= req.milli;
    const f = expectedFragmentation(fgd.dist, model, left, scratch, 0, count);
    scratch[d] += req.milli;
    if (f < min) {
      min = f;
      best[0] = d;
    }
  }
  return min;
}

export default definePlugin<TaskShapesArgs>({
  name: NAME,
  description:
    'Fragmentation Gradient Descent: prefers the node and GPU where the pod grows expected GPU fragmentation least.',
  parseArgs: parseTaskShapes,
  create(args) {
    const perSnapshot = new WeakMap<Snapshot, Fgd>();
    const best = new Int32Array(1);
    const fgdOf = (snap: Snapshot): Fgd => {
      let fgd = perSnapshot.get(snap);
      if (!fgd) {
        const devices = GpuDevices.of(snap);
        const made: Fgd = {
          dist: resolve(args, devices),
          before: new Float64Array(0),
          stamp: new Uint32Array(0),
          scratch: new Int32Array(MAX_DEVICES),
          choose: (d, node, milli) => {
            // At bind time the pod's cpu is already counted on the node.
            fragmentationAfter(
              made,
              d,
              node,
              cpuLeft(snap, node),
              { milli, count: 1, mask: 0, total: milli, key: '' },
              best,
            );
            return best[0];
          },
        };
        fgd = made;
        perSnapshot.set(snap, fgd);
      }
      if (fgd.stamp.length < snap.nodeCount) {
        fgd.before = new Float64Array(snap.nodeCount * 2);
        fgd.stamp = new Uint32Array(snap.nodeCount * 2);
      }
      return fgd;
    };
    const score = (cycle: Cycle, state: State, node: number): number => {
      const snap = cycle.snapshot;
      const devices = GpuDevices.of(snap);
      const after = fragmentationAfter(state.fgd, devices, node, cpuLeft(snap, node) - state.cpu, state.req, best);
      return before(state.fgd, snap, devices, node) - after;
    };
    return {
      name: NAME,
      nodeLocalKey: (cycle: Cycle) => `${GpuDevices.of(cycle.snapshot).request(cycle.pod).key}:${podCpu(cycle.pod)}`,
      // Not a filter: PreFilter only hands GpuDevices this policy's device choice before binding.
      preFilter(cycle: Cycle) {
        GpuDevices.of(cycle.snapshot).chooseShared = fgdOf(cycle.snapshot).choose;
        return { code: SKIP };
      },
      preScore(cycle: Cycle) {
        const state: State = {
          fgd: fgdOf(cycle.snapshot),
          req: GpuDevices.of(cycle.snapshot).request(cycle.pod),
          cpu: podCpu(cycle.pod),
        };
        return { code: SUCCESS, state };
      },
      score,
      scoreBatch(cycle: Cycle, state: State, nodes: Int32Array, count: number, scores: Float64Array) {
        for (let i = 0; i < count; i++) scores[i] = score(cycle, state, nodes[i]);
      },
      normalizeScore: (_cycle: Cycle, _state: State, _feasible: Int32Array, scores: Float64Array) =>
        minMaxNormalize(scores),
    };
  },
});
