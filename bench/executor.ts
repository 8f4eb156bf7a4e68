// How the benchmark runs berth's scheduling cycle: 1 worker is the inline engine on the calling
// thread; N ≥ 2 workers (or executor 'pool') is the worker pool (src/engine/pool) with N threads,
// used whatever the cluster size (the benchmark is how the engine's own threshold is measured).
import { closePools, sharedPool } from '../src/engine/executor.js';
import type { ProfileSpec } from '../src/engine/pool/messages.js';
import { PoolScheduler } from '../src/engine/pool/pool.js';
import type { PodResult } from '../src/engine/result.js';
import { Scheduler, type SchedulerOptions } from '../src/engine/scheduler.js';
import type { Profile } from '../src/framework/profile.js';
import type { PodInfo } from '../src/snapshot/pod-info.js';
import type { Snapshot } from '../src/snapshot/snapshot.js';

export interface Executor {
  readonly workers: number;
  /** Inline: the result; pool: a promise of it. */
  scheduleOne(pod: PodInfo): PodResult | Promise<PodResult>;
  close(): void;
}

/** The worker counts every workload is reported for. */
export const WORKER_COUNTS: readonly number[] = [1, 2];

export async function createExecutor(
  workers: number,
  profile: Profile,
  spec: ProfileSpec,
  snapshot: Snapshot,
  options: SchedulerOptions,
  executor: 'single' | 'pool' = workers > 1 ? 'pool' : 'single',
): Promise<Executor> {
  const scheduler = new Scheduler(profile, snapshot, options);
  if (executor === 'single') return { workers, scheduleOne: (pod) => scheduler.scheduleOne(pod), close: () => {} };
  const pooled = new PoolScheduler(scheduler, await sharedPool(workers), spec);
  return { workers, scheduleOne: (pod) => pooled.scheduleOne(pod), close: () => pooled.close() };
}

export { closePools };
