// GpuRandom: the FGD study's random-fit baseline: every feasible node gets a score drawn from a
// seeded generator (args.seed), so the pod lands on a feasible node at random, reproducibly.
import type { Problem } from '../../src/api/problem.js';
import { Rng } from '../../src/engine/rng.js';
import { type Cycle, definePlugin } from '../../src/framework/plugin.js';
import { SUCCESS } from '../../src/framework/status.js';

export const NAME = 'GpuRandom';

export interface RandomArgs {
  seed: number;
}

export default definePlugin<RandomArgs>({
  name: NAME,
  description: 'Random fit: a seeded random score per feasible node.',
  parseArgs(raw, path) {
    const seed = (raw as { seed?: unknown } | undefined)?.seed ?? 1;
    const problems: Problem[] = [];
    if (!Number.isInteger(seed) || (seed as number) < 0) {
      problems.push({ code: 'args', path: `${path}.seed`, message: 'expected a whole number, 0 or more' });
    }
    return { args: { seed: seed as number }, problems };
  },
  create(args) {
    const rng = new Rng(args.seed);
    return {
      name: NAME,
      preScore: () => ({ code: SUCCESS }),
      score: () => rng.int(101),
      scoreBatch(_cycle: Cycle, _state: unknown, _nodes: Int32Array, count: number, scores: Float64Array) {
        for (let i = 0; i < count; i++) scores[i] = rng.int(101);
      },
    };
  },
});
