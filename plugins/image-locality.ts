// ImageLocality: prefers nodes that already have the pod's images, weighted by image size and by
// how widely the image is spread (an image on every node says little). Sum clamped to
// [23 MiB, 1000 MiB × containers], scaled to 0..100.

import { type Cycle, definePlugin, MAX_NODE_SCORE } from '../src/framework/plugin.js';
import { SUCCESS } from '../src/framework/status.js';
import { imagesKey } from '../src/snapshot/pod-keys.js';
import { normalizeImageName, type Snapshot } from '../src/snapshot/snapshot.js';

export const NAME = 'ImageLocality';

const MB = 1024 * 1024;
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;

interface ScoreState {
  /** Image ids of the pod's init containers and containers (-1: on no node). */
  images: Int32Array;
  maxThreshold: number;
  /** No node has any of the pod's images: every node scores 0. */
  nowhere: boolean;
}

export function imageScore(snap: Snapshot, s: ScoreState, node: number): number {
  const ids = snap.nodeImageIds[node];
  if (ids.length === 0) return 0;
  const sizes = snap.nodeImageSizes[node];
  let sum = 0;
  for (let c = 0; c < s.images.length; c++) {
    const image = s.images[c];
    if (image < 0) continue;
    for (let j = 0; j < ids.length; j++) {
      if (ids[j] !== image) continue;
      sum += Math.trunc(sizes[j] * (snap.imageNodeCount[image] / snap.nodeCount));
      break;
    }
  }
  if (sum < MIN_THRESHOLD) sum = MIN_THRESHOLD;
  else if (sum > s.maxThreshold) sum = s.maxThreshold;
  return Math.trunc((MAX_NODE_SCORE * (sum - MIN_THRESHOLD)) / (s.maxThreshold - MIN_THRESHOLD));
}

export default definePlugin<undefined>({
  name: NAME,
  description: 'Prefers nodes that already have the pod’s container images.',
  create: () => ({
    name: NAME,
    nodeLocalKeyBySpec: true,
    nodeLocalKey: (cycle: Cycle) => imagesKey(cycle.pod),
    preScore(cycle: Cycle) {
      const spec = cycle.pod.pod.spec;
      const containers = [...(spec.initContainers ?? []), ...spec.containers];
      const images = Int32Array.from(containers, (c) => cycle.snapshot.images.find(normalizeImageName(c.image ?? '')));
      const nowhere = images.every((id) => id < 0);
      return { code: SUCCESS, state: { images, maxThreshold: MAX_CONTAINER_THRESHOLD * containers.length, nowhere } };
    },
    score: (cycle: Cycle, state: ScoreState, node: number) => imageScore(cycle.snapshot, state, node),
    scoreBatch(cycle: Cycle, state: ScoreState, nodes: Int32Array, count: number, scores: Float64Array) {
      if (state.nowhere) {
        scores.fill(0, 0, count);
        return;
      }
      const snap = cycle.snapshot;
      for (let i = 0; i < count; i++) scores[i] = imageScore(snap, state, nodes[i]);
    },
  }),
});
