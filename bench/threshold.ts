// Where the worker pool starts to pay: basic clusters of several sizes, every node scored, the
// inline engine and the pool (2 workers) alternating in one process over the same pods, several
// rounds each; prints pods/s and pool ÷ inline per size. The engine's POOL_THRESHOLD_NODES
// (src/engine/executor.ts) comes from this; the README quotes the last run.
//
//   npm run build && node dist/bench/threshold.js [--sizes 5000,15000,30000,50000] [--pods 300] [--rounds 3]
import { parseArgs } from 'node:util';
import { emptyCluster } from '../src/api/cluster.js';
import type { ClusterSnapshot } from '../src/api/types.js';
import { closePools, sharedPool } from '../src/engine/executor.js';
import { PoolScheduler } from '../src/engine/pool/pool.js';
import { Scheduler } from '../src/engine/scheduler.js';
import { chooseProfile } from '../src/framework/config-file.js';
import { Snapshot } from '../src/snapshot/snapshot.js';
import { basicWorkload } from './generate-basic.js';
import { schedulerConfig } from './measure.js';
import { round } from './stats.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '5000,15000,30000,50000' },
    pods: { type: 'string', default: '300' },
    rounds: { type: 'string', default: '3' },
  },
});
const config = schedulerConfig('every-node');
const profile = chooseProfile({ config });
const pods = Number(values.pods);

/** Pods/s over the pending pods, inline (workers 1) or on the pool. */
async function measure(cluster: ClusterSnapshot, workers: number): Promise<number> {
  const snapshot = new Snapshot(cluster);
  const infos = cluster.pendingPods.map((p) => snapshot.podInfo(p));
  const scheduler = new Scheduler(profile, snapshot, { tieBreak: 'random', seed: 1, explain: false });
  const pool = workers > 1 ? new PoolScheduler(scheduler, await sharedPool(workers), { config, plugins: [] }) : null;
  // The first pods pay for the workers' attachment and warm caches: not timed.
  const warm = Math.min(20, infos.length);
  let t0 = 0;
  for (const [i, info] of infos.entries()) {
    if (i === warm) t0 = performance.now();
    const r = pool ? await pool.scheduleOne(info) : scheduler.scheduleOne(info);
    if (r.chosenNode !== undefined) snapshot.bind(info, snapshot.nodeIndex.get(r.chosenNode) as number);
  }
  pool?.close();
  return ((infos.length - warm) * 1000) / (performance.now() - t0);
}

for (const size of values.sizes.split(',').map(Number)) {
  const cluster: ClusterSnapshot = { ...emptyCluster(), ...basicWorkload(size, 0, pods) };
  const inline: number[] = [];
  const pooled: number[] = [];
  for (let r = 0; r < Number(values.rounds); r++) {
    inline.push(await measure(cluster, 1));
    pooled.push(await measure(cluster, 2));
  }
  const best = (xs: number[]) => Math.max(...xs);
  process.stdout.write(
    `${size} nodes: inline ${inline.map((x) => round(x)).join(' / ')} pods/s, pool ${pooled.map((x) => round(x)).join(' / ')} pods/s; ` +
      `best pool ÷ best inline ${round(best(pooled) / best(inline))}\n`,
  );
}
await closePools();
