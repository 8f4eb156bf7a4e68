// GpuShare: the filter of the device-level GPU model. A node passes when it has a GPU model the
// pod accepts (the gpu-spec annotation) and enough devices with room: one device with the pod's
// milli free for a shared pod, that many fully free devices for whole GPUs. Devices are assigned
// when the pod is bound (GpuDevices).
import { type Cycle, definePlugin } from '../../src/framework/plugin.js';
import { type Code, SKIP, SUCCESS, UNSCHEDULABLE } from '../../src/framework/status.js';
import { GpuDevices, type GpuRequest } from './devices.js';

export const NAME = 'GpuShare';

export default definePlugin<undefined>({
  name: NAME,
  description:
    'Fits GPU pods on single devices: a shared pod on one device with room, whole GPUs on free devices, of an accepted model.',
  create: () => ({
    name: NAME,
    nodeLocalKey: (cycle: Cycle) => GpuDevices.of(cycle.snapshot).request(cycle.pod).key,
    preFilter(cycle: Cycle) {
      const req = GpuDevices.of(cycle.snapshot).request(cycle.pod);
      return req.count === 0 ? { code: SKIP } : { code: SUCCESS, state: req };
    },
    filter(cycle: Cycle, req: GpuRequest, node: number): Code {
      return GpuDevices.of(cycle.snapshot).fits(node, req) ? SUCCESS : UNSCHEDULABLE;
    },
    filterBatch(cycle: Cycle, req: GpuRequest, nodes: Int32Array, count: number, codes: Uint8Array) {
      const devices = GpuDevices.of(cycle.snapshot);
      for (let i = 0; i < count; i++) codes[i] = devices.fits(nodes[i], req) ? SUCCESS : UNSCHEDULABLE;
    },
    filterReasons(cycle: Cycle, req: GpuRequest, node: number): string[] {
      const devices = GpuDevices.of(cycle.snapshot);
      if (devices.count[node] === 0) return ['node(s) had no GPU'];
      if (!devices.accessible(node, req)) return ["node(s) didn't have a requested GPU model"];
      return [req.milli < 1000 ? 'Insufficient GPU memory on any one device' : 'Insufficient free GPUs'];
    },
  }),
});
