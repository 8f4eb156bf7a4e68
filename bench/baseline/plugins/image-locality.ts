// ImageLocality: nodes that already hold the pod's images score higher, by image size scaled by
// the share of nodes holding it; the sum is clamped to [23 MiB, 1000 MiB × containers].
import { SUCCESS } from '../../../src/framework/status.js';
import { type BaselinePlugin, type Cycle, MAX_NODE_SCORE } from '../framework.js';
import type { NodeInfo } from '../node-info.js';

const MB = 1024 * 1024;
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;

/** An image without a tag means `:latest`. */
function normalized(name: string): string {
  return name.lastIndexOf(':') <= name.lastIndexOf('/') ? `${name}:latest` : name;
}

export const imageLocality: BaselinePlugin<undefined, string[]> = {
  name: 'ImageLocality',
  preScore(cycle: Cycle) {
    const spec = cycle.pod.pod.spec;
    const images = [...(spec.initContainers ?? []), ...spec.containers].map((c) => normalized(c.image ?? ''));
    return { code: SUCCESS, state: images };
  },
  score(cycle: Cycle, images: string[], node: NodeInfo): number {
    const totalNodes = cycle.cluster.nodes.length;
    let sum = 0;
    for (const image of images) {
      const size = node.imageSizes.get(image);
      if (size === undefined) continue;
      const spread = (cycle.cluster.imageNodeCount.get(image) ?? 0) / totalNodes;
      sum += Math.trunc(size * spread);
    }
    const max = MAX_CONTAINER_THRESHOLD * images.length;
    const clamped = Math.min(Math.max(sum, MIN_THRESHOLD), max);
    return Math.trunc((MAX_NODE_SCORE * (clamped - MIN_THRESHOLD)) / (max - MIN_THRESHOLD));
  },
};
