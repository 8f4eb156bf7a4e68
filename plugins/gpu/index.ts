// The GPU-sharing plugins (device-level model and the FGD study's policies), registered by name.

import type { Registry } from '../../src/framework/registry.js';
import bestFit from './best-fit.js';
import clustering from './clustering.js';
import dotProduct from './dot-product.js';
import fgd from './fgd.js';
import gpuShare from './gpu-share.js';
import packing from './packing.js';
import random from './random.js';

export const GPU_PLUGINS = [gpuShare, random, dotProduct, packing, clustering, bestFit, fgd] as const;

/** Adds the GPU plugins to `registry` (not in the default profile: enabled by name). */
export function registerGpuPlugins(registry: Registry): Registry {
  for (const def of GPU_PLUGINS) registry.register(def);
  return registry;
}

/** Policy names (`--policy`) to their score plugin. */
export const GPU_POLICIES = {
  random: random.name,
  dotprod: dotProduct.name,
  packing: packing.name,
  clustering: clustering.name,
  bestfit: bestFit.name,
  fgd: fgd.name,
} as const;
export type GpuPolicy = keyof typeof GPU_POLICIES;
