// GpuBestFit: prefers the node left with the least free CPU and GPU after the pod lands (each
// normalised by the largest node's, weighted half and half), as the FGD study's Best-fit baseline.
import { type Cycle, definePlugin } from '../../src/framework/plugin.js';
import { SUCCESS } from '../../src/framework/status.js';
import { cpuLeft, podCpu } from './common.js';
import { GpuDevices, type GpuRequest } from './devices.js';

export const NAME = 'GpuBestFit';

interface State {
  req: GpuRequest;
  cpu: number;
}

/** 100 × (1 − ½ CPU left after / largest CPU − ½ GPU milli left after / largest GPU milli). */
export function bestFitScore(cycle: Cycle, state: State, node: number): number {
  const devices = GpuDevices.of(cycle.snapshot);
  const cpuTerm = devices.maxCpu > 0 ? (cpuLeft(cycle.snapshot, node) - state.cpu) / devices.maxCpu : 0;
  const gpuTerm = devices.maxGpuMilli > 0 ? (devices.freeTotal[node] - state.req.total) / devices.maxGpuMilli : 0;
  return Math.min(100, Math.max(0, 100 * (1 - 0.5 * cpuTerm - 0.5 * gpuTerm)));
}

export default definePlugin<undefined>({
  name: NAME,
  description: 'Best fit: prefers the node left with the least free CPU and GPU after placement.',
  create: () => ({
    name: NAME,
    nodeLocalKey: (cycle: Cycle) => `${GpuDevices.of(cycle.snapshot).request(cycle.pod).key}:${podCpu(cycle.pod)}`,
    preScore: (cycle: Cycle) => ({
      code: SUCCESS,
      state: { req: GpuDevices.of(cycle.snapshot).request(cycle.pod), cpu: podCpu(cycle.pod) },
    }),
    score: bestFitScore,
    scoreBatch(cycle: Cycle, state: State, nodes: Int32Array, count: number, scores: Float64Array) {
      for (let i = 0; i < count; i++) scores[i] = bestFitScore(cycle, state, nodes[i]);
    },
  }),
});
