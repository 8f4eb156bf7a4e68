// GPU fragmentation as the FGD study defines it. For a task shape m, the part of a node's free
// GPU milli that m cannot use is a fragment: all of it when m cannot run on the node at all (no
// accepted model, too little CPU, too few devices with room), otherwise the free milli of the
// devices too small for m. A node's expected fragmentation is the sum over the workload's task
// shapes weighted by how often they occur. Tasks without GPUs are left out of the distribution:
// they would add their weight × the node's free milli, the same change wherever a task lands.
import { type GpuDevices, MAX_DEVICES } from './devices.js';

/** One task shape of the workload and its share of the GPU tasks. */
export interface TaskShape {
  cpu: number;
  /** Milli per device (below 1000 shared, 1000 whole GPUs) and number of devices (1 or more). */
  milli: number;
  count: number;
  /** Accepted GPU models (bits of GpuDevices.models); 0 for any. */
  mask: number;
  weight: number;
}

/** Shapes as columns, so the per-node sum is a loop over typed arrays. */
export interface TaskDistribution {
  size: number;
  cpu: Float64Array;
  milli: Int32Array;
  count: Int32Array;
  mask: Int32Array;
  weight: Float64Array;
}

export function distribution(shapes: readonly TaskShape[]): TaskDistribution {
  const total = shapes.reduce((s, t) => s + t.weight, 0);
  return {
    size: shapes.length,
    cpu: Float64Array.from(shapes, (t) => t.cpu),
    milli: Int32Array.from(shapes, (t) => t.milli),
    count: Int32Array.from(shapes, (t) => t.count),
    mask: Int32Array.from(shapes, (t) => t.mask),
    weight: Float64Array.from(shapes, (t) => (total > 0 ? t.weight / total : 0)),
  };
}

/**
 * Expected fragmentation (in milli) of a node of GPU model `model` with `devices` devices whose
 * free milli are `free[base .. base+devices)` and `cpuLeft` millicores free.
 */
export function expectedFragmentation(
  dist: TaskDistribution,
  model: number,
  cpuLeft: number,
  free: Int32Array,
  base: number,
  devices: number,
): number {
  let total = 0;
  for (let d = 0; d < devices; d++) total += free[base + d];
  if (total === 0) return 0;
  const modelBit = model >= 0 ? 1 << model : 0;
  let frag = 0;
  for (let c = 0; c < dist.size; c++) {
    let usable = 0;
    const mask = dist.mask[c];
    if (cpuLeft >= dist.cpu[c] && (mask === 0 || (mask & modelBit) !== 0)) {
      const need = dist.milli[c];
      let fitting = 0;
      let sum = 0;
      for (let d = 0; d < devices; d++) {
        const f = free[base + d];
        if (f >= need) {
          fitting++;
          sum += f;
        }
      }
      if (fitting >= dist.count[c]) usable = sum;
    }
    frag += dist.weight[c] * (total - usable);
  }
  return frag;
}

/** Expected fragmentation of `node` as it is now. */
export function nodeFragmentation(dist: TaskDistribution, devices: GpuDevices, node: number, cpuLeft: number): number {
  return expectedFragmentation(
    dist,
    devices.model[node],
    cpuLeft,
    devices.free,
    node * MAX_DEVICES,
    devices.count[node],
  );
}
