// Filter and prioritize through the engine's worker pool (`berth serve --executor pool`). The node
// cache's snapshot is replicated to the workers by a pool session, as the engine's pool does: binds,
// cordons and added nodes reach them as the session's change operations, and a reloaded snapshot
// gets a session of its own. A request's cycle runs on the main thread (Scheduler.remoteCycle,
// restricted to the offered nodes) and hands its filter and score passes to the workers in ranges.
//
// A worker is untrusted in one way: a plugin may crash it (process.exit, an exception outside a
// task, running out of memory) or never return. Every pool call is bounded by the request's
// deadline; on any failure the whole pool and session are discarded (a stuck worker is terminated
// with them) and the request is answered with an error. The next request starts a fresh pool and
// replays the snapshot to it, so no worker is left with half a replica.

import type { RemoteReply, RemoteRequest } from '../engine/cycle-steps.js';
import { type ExecutorChoice, usesPool } from '../engine/executor.js';
import type { ProfileSpec, ResultBuffers, TaskReply } from '../engine/pool/messages.js';
import { replyFrom, resultBuffers, startRanges, type WorkerPool } from '../engine/pool/pool.js';
import type { PoolSession } from '../engine/pool/session.js';
import type { PodResult } from '../engine/result.js';
import type { Scheduler } from '../engine/scheduler.js';
import type { PodInfo } from '../snapshot/pod-info.js';
import type { NodeCache } from './cache.js';
import { type Deadline, RequestError } from './errors.js';

/** One pool with its session over one snapshot; replaced whole when anything goes wrong. */
interface Run {
  pool: WorkerPool;
  session: PoolSession;
  buffers: ResultBuffers;
  cycles: number;
}

/**
 * Operations a session may record before it is rebuilt from the snapshot: every request adds its
 * pod, and a new worker replays the whole log, so it must not grow with the server's uptime.
 */
const MAX_OPS_PER_OBJECT = 4;
const MIN_OPS_BOUND = 10_000;

export interface PoolEvaluatorOptions {
  cache: NodeCache;
  /** How workers rebuild the served profile (configuration, profile name, --plugin modules). */
  profile: ProfileSpec;
  choice: ExecutorChoice;
  /** The operation log's bound, instead of the one from the snapshot's size (tests lower it). */
  maxOps?: number;
}

export class PoolEvaluator {
  private readonly cache: NodeCache;
  private readonly spec: ProfileSpec;
  readonly choice: ExecutorChoice;
  private readonly maxOps: number | undefined;
  /** Sessions started (a new snapshot, a rebuilt operation log, or a fresh pool). */
  sessions = 0;
  private run: Run | undefined;
  /** A pool started when the last one was discarded, its workers booting before the next request. */
  private spare: WorkerPool | undefined;
  /** The pool's module (and piscina), loaded on first use. */
  private module: typeof import('../engine/pool/pool.js') | undefined;
  private sessionModule: typeof import('../engine/pool/session.js') | undefined;
  /** Workers that died or were stopped (crashed, exited, stuck past a deadline) and replaced. */
  restarts = 0;
  /** Cycles whose filter or score passes went to the pool. */
  pooledCycles = 0;
  /** Settles when the last verb queued so far has finished. */
  private inFlight: Promise<void> | undefined;
  private closed = false;

  constructor(options: PoolEvaluatorOptions) {
    this.cache = options.cache;
    this.spec = options.profile;
    this.choice = options.choice;
    this.maxOps = options.maxOps;
  }

  /** Loads the pool modules and starts the workers, so the first request does not pay for it. */
  async start(): Promise<void> {
    this.module ??= await import('../engine/pool/pool.js');
    this.sessionModule ??= await import('../engine/pool/session.js');
  }

  /** Tasks waiting for a free worker. */
  queueDepth(): number {
    return this.run?.pool.queueSize ?? 0;
  }

  /**
   * Whether a cycle of `scheduler` over `offered` nodes goes to the pool: only over the cache's own
   * snapshot (a snapshot built for one full-mode request is not worth replicating) and only when
   * the executor choice says so for that many nodes.
   */
  serves(scheduler: Scheduler, offered: number): boolean {
    return (
      this.module !== undefined &&
      !this.closed &&
      scheduler.snapshot === this.cache.current.snapshot &&
      offered > 1 &&
      usesPool(this.choice, offered)
    );
  }

  /**
   * Runs `fn` after every verb (or cache change) queued before it: a pool evaluation reads the
   * snapshot from several threads while its cycle waits, so nothing may change the snapshot or
   * reenter a scheduler then. With nothing in flight `fn` runs at once (a verb served inline stays
   * synchronous). A request's `deadline` keeps running while it waits; cache changes have none.
   */
  exclusive<T>(fn: () => T | Promise<T>, deadline?: Deadline): T | Promise<T> {
    if (!this.inFlight) {
      const out = fn();
      if (out instanceof Promise) this.track(out);
      return out;
    }
    const result = this.inFlight.then(() => {
      deadline?.check('waiting for the request before it');
      return fn();
    });
    this.track(result);
    return result;
  }

  private track(work: Promise<unknown>): void {
    const done: Promise<void> = work.then(
      () => this.settled(done),
      () => this.settled(done),
    );
    this.inFlight = done;
  }

  private settled(done: Promise<void>): void {
    if (this.inFlight === done) this.inFlight = undefined;
  }

  /** The scheduler's cycle for `pod` over `only`, its filter and score passes shared with the pool. */
  async scheduleOne(
    scheduler: Scheduler,
    pod: PodInfo,
    only: Int32Array,
    explain: boolean,
    deadline: Deadline,
  ): Promise<PodResult> {
    const steps = scheduler.remoteCycle(pod, explain, only);
    let step = steps.next();
    if (step.done) return step.value;
    const run = this.current(scheduler);
    this.pooledCycles++;
    const podId = run.session.podId(pod);
    const cycle = run.cycles++;
    while (!step.done) step = steps.next(await this.answer(run, scheduler, step.value, podId, cycle, only, deadline));
    return step.value;
  }

  async close(): Promise<void> {
    this.closed = true;
    const run = this.run;
    this.run = undefined;
    await this.spare?.close();
    this.spare = undefined;
    if (run) {
      run.session.detach();
      await run.pool.close();
    }
  }

  /** The run for the cache's current snapshot: the live one, or a fresh session (and pool). */
  private current(scheduler: Scheduler): Run {
    const snap = scheduler.snapshot;
    let run = this.run;
    const bound = this.maxOps ?? Math.max(MIN_OPS_BOUND, MAX_OPS_PER_OBJECT * (snap.nodeCount + snap.podByKey.size));
    if (run && (run.session.snapshot !== snap || run.session.length > bound)) {
      run.session.detach();
      run = { ...run, session: this.newSession(scheduler), buffers: resultBuffers(0, 0), cycles: 0 };
      this.run = run;
    }
    if (!run) {
      const pool = this.spare ?? this.newPool();
      this.spare = undefined;
      run = { pool, session: this.newSession(scheduler), buffers: resultBuffers(0, 0), cycles: 0 };
      this.run = run;
    }
    return run;
  }

  private newPool(): WorkerPool {
    return new this.module!.WorkerPool(Math.max(1, this.choice.workers - 1), this.choice.workerHeapMb);
  }

  private newSession(scheduler: Scheduler): PoolSession {
    this.sessions++;
    return new this.sessionModule!.PoolSession(scheduler.snapshot, this.spec);
  }

  /**
   * One filter or score request of a cycle: ranges to the workers, the first range on this thread,
   * the replies awaited until the request's deadline. Any failure discards the run.
   */
  private async answer(
    run: Run,
    scheduler: Scheduler,
    request: RemoteRequest,
    pod: number,
    cycle: number,
    only: Int32Array,
    deadline: Deadline,
  ): Promise<RemoteReply> {
    const snap = scheduler.snapshot;
    if (run.buffers.plugin.length < snap.nodeCount) {
      const cap = Math.max(snap.nodeCount, run.buffers.plugin.length * 2, 64);
      run.buffers = resultBuffers(cap, this.cache.profile.score.length);
      run.session.useBuffers(run.buffers);
    }
    const b = run.buffers;
    const { seq, ops } = run.session.pending(run.pool.threadIds());
    const runs = startRanges(run.pool, scheduler, request, b, {
      session: run.session.id,
      seq,
      ops,
      cycle,
      pod,
      cached: request.cached,
      only,
    });
    for (const reply of await this.settle(run, runs, deadline)) run.session.acknowledge(reply);
    return replyFrom(request, b);
  }

  /** The workers' replies, or a RequestError once one fails or the deadline passes. */
  private async settle(run: Run, runs: Promise<TaskReply>[], deadline: Deadline): Promise<TaskReply[]> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), Math.max(0, deadline.at - Date.now()));
    });
    let failures = 0;
    const all = Promise.all(
      runs.map((r) =>
        r.catch((err: unknown) => {
          failures++;
          throw err;
        }),
      ),
    );
    try {
      const outcome = await Promise.race([all, expired]);
      if (outcome !== 'expired') return outcome;
      const settled = await Promise.allSettled(runs.map((r) => Promise.race([r, Promise.resolve('pending')])));
      const stuck = settled.filter((s) => s.status === 'fulfilled' && s.value === 'pending').length;
      this.discard(run, Math.max(1, stuck));
      throw new RequestError(
        'DEADLINE_EXCEEDED',
        'deadline exceeded while waiting for the worker pool; its workers were stopped and are being replaced',
      );
    } catch (err) {
      if (err instanceof RequestError) throw err;
      this.discard(run, Math.max(1, failures));
      throw new RequestError(
        'WORKER_FAILED',
        `a worker evaluating the request failed (${(err as Error)?.message ?? String(err)}); the worker pool is being replaced, retry`,
      );
    } finally {
      clearTimeout(timer);
      // The losers of the race (tasks of a discarded pool) must not reject unobserved.
      all.catch(() => {});
    }
  }

  /** Drops `run` (terminating its workers, a stuck one too); the next request starts afresh. */
  private discard(run: Run, lostWorkers: number): void {
    if (this.run !== run) return;
    this.run = undefined;
    this.restarts += lostWorkers;
    run.session.detach();
    run.pool.close().catch(() => {});
    if (!this.closed) this.spare = this.newPool();
  }
}
