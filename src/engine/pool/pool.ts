// The worker pool (piscina) and the scheduler that uses it. A pod's cycle runs on the main thread
// (Scheduler.remoteCycle) and asks twice: filter every walk position, then raw scores of the
// feasible nodes. Each request is split into contiguous ranges: the first is done on the main
// thread itself (which would otherwise wait; its node-local cache stays warm for that range), one
// range per pool thread. Results come back in shared buffers; the main thread merges them in walk
// order, normalises, totals and breaks ties exactly as the inline path does. With N workers the
// pool has N − 1 threads (at least one): the main thread is the N-th. Cycles that sample (percentageOfNodesToScore below 100 on a
// large cluster) stop at the node that completes the quota, which is inherently sequential: they
// run inline, as do explained cycles' fallbacks and clusters below the threshold.
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { PodInfo } from '../../snapshot/pod-info.js';
import { sharedF64, sharedI16, sharedI32, sharedU8 } from '../../snapshot/shared-arrays.js';
import type { RemoteReply, RemoteRequest } from '../cycle-steps.js';
import type { PodResult } from '../result.js';
import type { Scheduler } from '../scheduler.js';
import type { FilterTask, ProfileSpec, ResultBuffers, ScoreTask, TaskBase, TaskReply } from './messages.js';
import { PoolSession } from './session.js';

const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));

/** A fixed set of worker threads, shared by every session of the process. */
export class WorkerPool {
  private readonly piscina: Piscina;

  /** `heapMb`: each thread's old-generation heap limit (ExecutorChoice.workerHeapMb). */
  constructor(
    readonly threads: number,
    heapMb?: number,
  ) {
    this.piscina = new Piscina({
      filename: WORKER,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 2 ** 31 - 1,
      concurrentTasksPerWorker: 1,
      resourceLimits: heapMb === undefined ? undefined : { maxOldGenerationSizeMb: heapMb },
    });
    // A worker that fails between tasks is replaced by piscina; without a listener the event would
    // take the whole process down. A task that was running rejects on its own.
    this.piscina.on('error', () => {});
  }

  /** Tasks waiting for a free worker. */
  get queueSize(): number {
    return this.piscina.queueSize;
  }

  threadIds(): number[] {
    return this.piscina.threads.map((t) => t.threadId);
  }

  run(task: FilterTask | ScoreTask): Promise<TaskReply> {
    return this.piscina.run(task) as Promise<TaskReply>;
  }

  async close(): Promise<void> {
    await this.piscina.destroy();
  }
}

/** Result buffers of a session, sized to the node count (grown as nodes are added). */
/** Result buffers the workers write into, for `nodes` nodes and `scorePlugins` score plugins. */
export function resultBuffers(nodes: number, scorePlugins: number): ResultBuffers {
  return {
    plugin: sharedI16(nodes),
    code: sharedU8(nodes),
    feasible: sharedI32(nodes),
    raw: Array.from({ length: scorePlugins }, () => sharedF64(nodes)),
    partial: sharedF64(nodes),
  };
}

/** Schedules pods with `scheduler`, offloading every-node filter and score passes to `pool`. */
export class PoolScheduler {
  private readonly session: PoolSession;
  private buffers: ResultBuffers = resultBuffers(0, 0);
  private cycleNo = 0;

  constructor(
    readonly scheduler: Scheduler,
    readonly pool: WorkerPool,
    profile: ProfileSpec,
  ) {
    this.session = new PoolSession(scheduler.snapshot, profile);
  }

  async scheduleOne(pod: PodInfo): Promise<PodResult> {
    const steps = this.scheduler.remoteCycle(pod);
    let step = steps.next();
    if (step.done) return step.value;
    const podId = this.session.podId(pod);
    const cycle = this.cycleNo++;
    while (!step.done) step = steps.next(await this.answer(step.value, podId, cycle));
    return step.value;
  }

  /** Stops recording the snapshot's changes (the pool itself stays up for other sessions). */
  close(): void {
    this.session.detach();
  }

  private async answer(request: RemoteRequest, pod: number, cycle: number): Promise<RemoteReply> {
    const scheduler = this.scheduler;
    const snap = this.scheduler.snapshot;
    if (this.buffers.plugin.length < snap.nodeCount) {
      const cap = Math.max(snap.nodeCount, this.buffers.plugin.length * 2, 64);
      this.buffers = resultBuffers(cap, this.scheduler.profile.score.length);
      this.session.useBuffers(this.buffers);
    }
    const b = this.buffers;
    const threads = this.pool.threadIds();
    const { seq, ops } = this.session.pending(threads);
    const runs = startRanges(this.pool, scheduler, request, b, {
      session: this.session.id,
      seq,
      ops,
      cycle,
      pod,
      cached: request.cached,
    });
    for (const reply of await Promise.all(runs)) this.session.acknowledge(reply);
    return replyFrom(request, b);
  }
}

/**
 * Splits `request`'s positions into contiguous ranges: ranges 1… go to the pool threads as tasks
 * built on `base`, and the main thread computes range 0 into `b` itself while they run. Returns the
 * workers' pending replies. If the main thread's share throws, the workers' tasks are left to
 * finish unobserved (their replicas stay consistent: they only ever apply ops in order).
 */
export function startRanges(
  pool: WorkerPool,
  scheduler: Scheduler,
  request: RemoteRequest,
  b: ResultBuffers,
  base: Omit<TaskBase, 'from' | 'to'>,
): Promise<TaskReply>[] {
  const total = request.kind === 'filter' ? request.positions : request.feasible.length;
  if (request.kind === 'score') b.feasible.set(request.feasible);
  const parts = Math.max(1, Math.min(pool.threads + 1, total));
  const runs: Promise<TaskReply>[] = [];
  for (let k = 1; k < parts; k++) {
    const range = { ...base, from: Math.floor((k * total) / parts), to: Math.floor(((k + 1) * total) / parts) };
    runs.push(
      pool.run(
        request.kind === 'filter'
          ? { ...range, kind: 'filter', start: request.start }
          : { ...range, kind: 'score', count: total },
      ),
    );
  }
  const mine = Math.floor(total / parts);
  try {
    if (request.kind === 'filter') {
      scheduler.filterPositions(request.prepared, request.start, 0, mine, b.plugin, b.code);
    } else {
      scheduler.scorePositions(request.prepared, b.feasible.subarray(0, total), 0, mine, b.raw, b.partial);
    }
  } catch (err) {
    for (const r of runs) r.catch(() => {});
    throw err;
  }
  return runs;
}

/** The reply a cycle reads once every range of `request` is in `b`. */
export function replyFrom(request: RemoteRequest, b: ResultBuffers): RemoteReply {
  return request.kind === 'filter'
    ? { kind: 'filter', plugin: b.plugin, code: b.code }
    : { kind: 'score', raw: b.raw, partial: b.partial };
}
