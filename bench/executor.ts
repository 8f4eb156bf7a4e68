// How the benchmark runs berth's scheduling cycle. Today the cycle runs inline on the calling
// thread: "1 worker". The worker pool that splits a cycle's nodes across threads (issue 4) will
// add an executor here; until then the harness asks for 2 workers, learns it is unavailable, and
// says so in the results.
import type { PodResult } from '../src/engine/result.js';
import { Scheduler, type SchedulerOptions } from '../src/engine/scheduler.js';
import type { Profile } from '../src/framework/profile.js';
import type { PodInfo } from '../src/snapshot/pod-info.js';
import type { Snapshot } from '../src/snapshot/snapshot.js';

export interface Executor {
  readonly workers: number;
  scheduleOne(pod: PodInfo): PodResult;
  close(): void;
}

/** The worker counts every workload is reported for. */
export const WORKER_COUNTS: readonly number[] = [1, 2];

export const POOL_MISSING = 'worker pool not yet implemented (issue 4): only the inline, 1-worker engine is measured';

/** Why an executor with this many workers cannot run, or undefined when it can. */
export function unavailable(workers: number): string | undefined {
  return workers === 1 ? undefined : POOL_MISSING;
}

export function createExecutor(
  workers: number,
  profile: Profile,
  snapshot: Snapshot,
  options: SchedulerOptions,
): Executor {
  const missing = unavailable(workers);
  if (missing) throw new Error(`${workers} workers: ${missing}`);
  const scheduler = new Scheduler(profile, snapshot, options);
  return { workers, scheduleOne: (pod) => scheduler.scheduleOne(pod), close: () => {} };
}
