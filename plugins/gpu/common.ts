// Pieces the GPU policies share: free CPU of a node, and the pod's cpu request.
import type { PodInfo } from '../../src/snapshot/pod-info.js';
import { RESOURCE_CPU, type Snapshot } from '../../src/snapshot/snapshot.js';

export function cpuLeft(snapshot: Snapshot, node: number): number {
  return snapshot.allocatable[RESOURCE_CPU][node] - snapshot.requested[RESOURCE_CPU][node];
}

export function podCpu(info: PodInfo): number {
  for (let i = 0; i < info.requestIds.length; i++)
    if (info.requestIds[i] === RESOURCE_CPU) return info.requestAmounts[i];
  return 0;
}

/** Maps raw scores to 0..100 linearly between their minimum and maximum (all equal: 100). */
export function minMaxNormalize(scores: Float64Array): void {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < scores.length; i++) {
    if (scores[i] < min) min = scores[i];
    if (scores[i] > max) max = scores[i];
  }
  const span = max - min;
  for (let i = 0; i < scores.length; i++) scores[i] = span > 0 ? Math.min(100, (100 * (scores[i] - min)) / span) : 100;
}
