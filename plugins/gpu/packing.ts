// GpuPacking: the FGD study's GPU-packing baseline, in three tiers. Best is a shared pod that fits
// on an already used device (50–100, the less room that device keeps the better); then a node
// already in use that has to give whole free devices (34–49, fewer better); last an idle node
// (0–33, fewer GPUs better). Pods without GPUs score 0 everywhere.
import { MILLI_PER_GPU } from '../../src/api/gpu.js';
import { type Cycle, definePlugin } from '../../src/framework/plugin.js';
import { SUCCESS } from '../../src/framework/status.js';
import { GpuDevices, type GpuRequest, MAX_DEVICES } from './devices.js';

export const NAME = 'GpuPacking';

export function packingScore(cycle: Cycle, req: GpuRequest, node: number): number {
  if (req.count === 0) return 0;
  const devices = GpuDevices.of(cycle.snapshot);
  const count = devices.count[node];
  if (devices.freeTotal[node] === count * MILLI_PER_GPU) return Math.max(0, 33 - count);
  if (req.milli < MILLI_PER_GPU) {
    const base = node * MAX_DEVICES;
    let tightest = -1;
    for (let d = 0; d < count; d++) {
      const f = devices.free[base + d];
      if (f < MILLI_PER_GPU && f >= req.milli && (tightest < 0 || f < tightest)) tightest = f;
    }
    if (tightest >= 0) return 100 - (50 * (tightest - req.milli)) / MILLI_PER_GPU;
  }
  return Math.max(34, 49 - req.count);
}

export default definePlugin<undefined>({
  name: NAME,
  description: 'GPU packing: prefers used GPUs, then used nodes, then idle nodes with fewer GPUs.',
  create: () => ({
    name: NAME,
    nodeLocalKey: (cycle: Cycle) => GpuDevices.of(cycle.snapshot).request(cycle.pod).key,
    preScore: (cycle: Cycle) => ({ code: SUCCESS, state: GpuDevices.of(cycle.snapshot).request(cycle.pod) }),
    score: packingScore,
    scoreBatch(cycle: Cycle, req: GpuRequest, nodes: Int32Array, count: number, scores: Float64Array) {
      for (let i = 0; i < count; i++) scores[i] = packingScore(cycle, req, nodes[i]);
    },
  }),
});
