// GpuDotProduct: the Tetris-style alignment baseline of the FGD study. With the node's free CPU,
// memory and GPU and the pod's requests each as a fraction of the node's capacity, the score is
// 100 × (1 − their dot product / 3): the node whose free resources the pod lines up with least,
// that is the fullest in the dimensions the pod uses, wins.
import { type Cycle, definePlugin } from '../../src/framework/plugin.js';
import { SUCCESS } from '../../src/framework/status.js';
import { RESOURCE_CPU, RESOURCE_MEMORY } from '../../src/snapshot/snapshot.js';
import { podCpu } from './common.js';
import { GpuDevices } from './devices.js';

export const NAME = 'GpuDotProduct';

interface State {
  cpu: number;
  memory: number;
  gpu: number;
}

function podMemory(cycle: Cycle): number {
  const info = cycle.pod;
  for (let i = 0; i < info.requestIds.length; i++)
    if (info.requestIds[i] === RESOURCE_MEMORY) return info.requestAmounts[i];
  return 0;
}

function term(free: number, request: number, capacity: number): number {
  return capacity > 0 ? (free / capacity) * (request / capacity) : 0;
}

export function dotProductScore(cycle: Cycle, state: State, node: number): number {
  const snap = cycle.snapshot;
  const devices = GpuDevices.of(snap);
  const cpuCap = snap.allocatable[RESOURCE_CPU][node];
  const memCap = snap.allocatable[RESOURCE_MEMORY][node];
  const dot =
    term(cpuCap - snap.requested[RESOURCE_CPU][node], state.cpu, cpuCap) +
    term(memCap - snap.requested[RESOURCE_MEMORY][node], state.memory, memCap) +
    term(devices.freeTotal[node], state.gpu, devices.count[node] * 1000);
  return Math.min(100, Math.max(0, 100 * (1 - dot / 3)));
}

export default definePlugin<undefined>({
  name: NAME,
  description: 'Dot product (Tetris): prefers the node whose free CPU, memory and GPU align least with the request.',
  create: () => ({
    name: NAME,
    nodeLocalKey: (cycle: Cycle) =>
      `${GpuDevices.of(cycle.snapshot).request(cycle.pod).key}:${podCpu(cycle.pod)}:${podMemory(cycle)}`,
    preScore: (cycle: Cycle) => ({
      code: SUCCESS,
      state: {
        cpu: podCpu(cycle.pod),
        memory: podMemory(cycle),
        gpu: GpuDevices.of(cycle.snapshot).request(cycle.pod).total,
      },
    }),
    score: dotProductScore,
    scoreBatch(cycle: Cycle, state: State, nodes: Int32Array, count: number, scores: Float64Array) {
      for (let i = 0; i < count; i++) scores[i] = dotProductScore(cycle, state, nodes[i]);
    },
  }),
});
