// Single thread or worker pool: which executor schedules a cluster's pods. The pool pays a round
// trip to its workers twice per pod, so it wins only when a pod's filter and score passes are long,
// i.e. on large clusters with every node scored; the threshold below comes from `npm run bench`
// (README, "Speed"). Sampling cycles run inline in either case (src/engine/pool/pool.ts).
import type { PodInfo } from '../snapshot/pod-info.js';
import type { ProfileSpec } from './pool/messages.js';
import type { WorkerPool } from './pool/pool.js';
import type { PodResult } from './result.js';
import type { Scheduler } from './scheduler.js';

export type ExecutorKind = 'single' | 'pool' | 'auto';

export interface ExecutorChoice {
  executor: ExecutorKind;
  /** Threads of work with the pool: the main thread and workers − 1 pool threads (at least one). */
  workers: number;
  /**
   * Each pool thread's old-generation heap in MiB (Node's resourceLimits). A plugin that leaks or
   * runs away then ends only its worker (ERR_WORKER_OUT_OF_MEMORY), which is replaced, instead of
   * growing until the whole process is killed. Unset: Node's default.
   */
  workerHeapMb?: number;
}

/**
 * Nodes from which `auto` uses the pool. Measured with bench/threshold.ts and `npm run bench` on the
 * shared 2-core machine (README, "Speed"): the pool was slower than one thread at every measured
 * size, 5,000 to 50,000 nodes with every node scored, in 5 of 6 measurements (0.2–0.8×; once 1.24×
 * at 50,000 under heavy load). So the threshold sits above the measured range: `auto` stays on one
 * thread for any cluster measured here. Measure again where the workers get cores of their own.
 */
export const POOL_THRESHOLD_NODES = 100_000;

export const DEFAULT_EXECUTOR: ExecutorChoice = { executor: 'auto', workers: 2 };

/** Whether `choice` schedules a cluster of `nodeCount` nodes on the pool. */
export function usesPool(choice: ExecutorChoice, nodeCount: number): boolean {
  if (choice.executor === 'single' || choice.workers < 1) return false;
  if (choice.executor === 'pool') return true;
  return choice.workers >= 2 && nodeCount >= POOL_THRESHOLD_NODES;
}

export interface Executor {
  scheduleOne(pod: PodInfo): Promise<PodResult>;
  /** Stops following the snapshot; the shared pool stays up until closePools(). */
  close(): void;
}

const pools = new Map<number, WorkerPool>();

/**
 * The process's pool for `workers` workers (the main thread and workers − 1 threads, at least one),
 * started on first use. The pool module (and piscina) loads only when a pool is wanted.
 */
export async function sharedPool(workers: number): Promise<WorkerPool> {
  const threads = Math.max(1, workers - 1);
  let pool = pools.get(threads);
  if (!pool) {
    const { WorkerPool } = await import('./pool/pool.js');
    pool = pools.get(threads) ?? new WorkerPool(threads);
    pools.set(threads, pool);
  }
  return pool;
}

/** Stops every pool's threads (so the process can exit). */
export async function closePools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.close()));
}

/** An executor for `scheduler` (its snapshot and profile); `spec` rebuilds the profile in workers. */
export async function createExecutor(
  scheduler: Scheduler,
  spec: ProfileSpec,
  choice: ExecutorChoice,
): Promise<Executor> {
  if (!usesPool(choice, scheduler.snapshot.nodeCount)) {
    return { scheduleOne: async (pod) => scheduler.scheduleOne(pod), close: () => {} };
  }
  const pool = await sharedPool(choice.workers);
  const { PoolScheduler } = await import('./pool/pool.js');
  const pooled = new PoolScheduler(scheduler, pool, spec);
  return { scheduleOne: (pod) => pooled.scheduleOne(pod), close: () => pooled.close() };
}
