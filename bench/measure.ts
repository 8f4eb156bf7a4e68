// One workload, one mode, measured end to end in this process: berth (scheduleOne + bind per
// pending pod, in queue order) and the per-node-object baseline over the same pods, each within a
// time budget, after a warm-up on a small copy of the cluster. Also the snapshot's memory, peak
// RSS, and whether the two engines place pods alike. Run it in a child process per workload
// (bench/spawn.ts) so RSS belongs to the workload.
import type { ClusterSnapshot, KubeSchedulerConfiguration, Pod } from '../src/api/types.js';
import type { PodResult } from '../src/engine/result.js';
import type { TieBreak } from '../src/engine/scheduler.js';
import { chooseProfile } from '../src/framework/config-file.js';
import type { Profile } from '../src/framework/profile.js';
import { loadCluster } from '../src/load/load.js';
import { Snapshot } from '../src/snapshot/snapshot.js';
import { BaselineCluster } from './baseline/node-info.js';
import { podRecord } from './baseline/pod-record.js';
import { defaultProfile } from './baseline/profile.js';
import { BaselineScheduler } from './baseline/scheduler.js';
import { closePools, createExecutor } from './executor.js';
import { type MemoryFigures, measureMemory } from './memory.js';
import { percentile, round, sum } from './stats.js';

export type Mode = 'every-node' | 'sampled';
export const MODES: readonly Mode[] = ['every-node', 'sampled'];
export const MODE_LABELS: Record<Mode, string> = { 'every-node': 'every node', sampled: 'default sampling' };

export interface Budget {
  /** Seconds for berth's timed run. */
  berth: number;
  /** Seconds for the baseline's timed run. */
  baseline: number;
  /** Seconds for the baseline's run with tie-break 'first' (berth's is much shorter). */
  agreement: number;
}

export const DEFAULT_BUDGET: Budget = { berth: 10, baseline: 15, agreement: 8 };

export interface MeasureOptions {
  workload: string;
  /** The snapshot file ({nodes, pods, pendingPods} or anything loadCluster reads). */
  file: string;
  mode: Mode;
  workers: number;
  /** Default: the pool when workers > 1. */
  executor?: 'single' | 'pool';
  /** Measure at most this many pending pods. */
  maxPods?: number;
  budget: Budget;
  /** Also run the baseline (ratio and agreement). */
  baseline: boolean;
  /** Measure snapshot bytes per node and per pod (needs --expose-gc). */
  memory: boolean;
  /** Pods of a small copy of the cluster scheduled (for a second, repeatedly) before timing, to let the JIT settle. */
  warmupPods: number;
  /** Override the warm-up time (default 1 s) and the minimum timed run (default 2 s); tests use 0. */
  warmupSeconds?: number;
  minSeconds?: number;
}

export interface RunFigures {
  /** Pods attempted in the first pass before the budget ran out (or all), and how many got a node. */
  measured: number;
  scheduled: number;
  /** Passes over the pods: a small workload runs again on a fresh cluster until 2 s have passed. */
  passes: number;
  /** Time over every pass, and pods over every pass per second. */
  seconds: number;
  podsPerSecond: number;
  /** Per pod (every pass), scheduleOne + bind, milliseconds. */
  p50Ms: number;
  p99Ms: number;
}

export interface Agreement {
  pods: number;
  same: number;
  percent: number;
  firstMismatch?: { index: number; pod: string; berth: string | null; baseline: string | null };
}

export interface MeasureResult {
  workload: string;
  mode: Mode;
  workers: number;
  nodes: number;
  existingPods: number;
  pendingPods: number;
  loadSeconds: number;
  berth: RunFigures;
  /** Peak RSS of the process during berth's first pass (sampled every 32 pods), MiB. */
  berthPeakRssMiB: number;
  baseline?: RunFigures;
  /** Both engines' throughput: over every pass when both ran every pod, else over the pods both measured. */
  ratio?: { pods: number; berthPodsPerSecond: number; baselinePodsPerSecond: number; berthOverBaseline: number };
  /** Placements compared: tie-break 'first', and the timed runs (random ties, same seed). */
  agreement?: { first: Agreement; random: Agreement };
  /** With 2+ workers: the pool's placements against the inline engine's on the same pods (tie-break random, seed 1). */
  inlineAgreement?: Agreement;
  memory?: { berth: MemoryFigures; baseline: MemoryFigures };
  /** Peak RSS of the process over the whole measurement (loading, both engines, memory figures), MiB. */
  peakRssMiB: number;
}

export function schedulerConfig(mode: Mode): KubeSchedulerConfiguration {
  const config: KubeSchedulerConfiguration = {
    apiVersion: 'kubescheduler.config.k8s.io/v1',
    kind: 'KubeSchedulerConfiguration',
  };
  if (mode === 'every-node') config.percentageOfNodesToScore = 100;
  return config;
}

/** Pending pods in queue order (PrioritySort: priority, then arrival), gated pods left out. */
export function queueOrder(pending: readonly Pod[]): Pod[] {
  return pending
    .map((pod, i) => ({ pod, i }))
    .filter(({ pod }) => (pod.spec.schedulingGates?.length ?? 0) === 0)
    .sort((a, b) => (b.pod.spec.priority ?? 0) - (a.pod.spec.priority ?? 0) || a.i - b.i)
    .map(({ pod }) => pod);
}

/** An engine set up afresh (untimed) for one pass over the pods: `step(i)` places pod i and returns its node. */
interface EngineRun {
  step: (i: number) => string | undefined | Promise<string | undefined>;
  close?: () => void;
}
type Engine = () => EngineRun | Promise<EngineRun>;

interface TimedRun {
  /** The first pass: pods attempted before the budget ran out (or all), their times and nodes. */
  measured: number;
  latencies: Float64Array;
  chosen: (string | undefined)[];
  /** Peak RSS of the process during the first pass, MiB (sampled; later passes leave garbage behind). */
  peakRssMiB: number;
  /** Every pass: small workloads are run again on a fresh cluster until MIN_SECONDS have passed. */
  passes: number;
  pods: number;
  seconds: number;
  allLatencies: Float64Array;
}

/** A pass over a small workload is too short to time well: repeat until this many seconds (within the budget). */
const MIN_SECONDS = 2;
/** RSS is sampled every this many pods of a first pass. */
const RSS_EVERY = 32;
const MIB = 1024 * 1024;
/** Warm-up: passes over a small copy of the cluster for this long, per engine, before anything is timed. */
const WARMUP_SECONDS = 1;

/** Runs passes of `engine` over `count` pods, each call timed, within `budget` seconds. */
async function timed(engine: Engine, count: number, budget: number, minSeconds: number): Promise<TimedRun> {
  const deadline = performance.now() + budget * 1000;
  const all: number[] = [];
  let first: Pick<TimedRun, 'measured' | 'latencies' | 'chosen' | 'peakRssMiB'> | undefined;
  let passes = 0;
  let seconds = 0;
  for (;;) {
    const { step, close } = await engine();
    const latencies = new Float64Array(count);
    const chosen: (string | undefined)[] = [];
    const start = performance.now();
    let i = 0;
    let t1 = start;
    let rss = passes === 0 ? process.memoryUsage.rss() : 0;
    while (i < count) {
      const t0 = performance.now();
      const placed = step(i);
      chosen.push(placed instanceof Promise ? await placed : placed);
      t1 = performance.now();
      latencies[i++] = t1 - t0;
      if (passes === 0 && i % RSS_EVERY === 0) rss = Math.max(rss, process.memoryUsage.rss());
      if (t1 > deadline) break;
    }
    if (passes === 0) rss = Math.max(rss, process.memoryUsage.rss());
    close?.();
    passes++;
    seconds += (t1 - start) / 1000;
    for (let k = 0; k < i; k++) all.push(latencies[k]);
    first ??= { measured: i, latencies: latencies.subarray(0, i), chosen, peakRssMiB: Math.round(rss / MIB) };
    if (i < count || count === 0 || seconds >= minSeconds || performance.now() > deadline) break;
  }
  return { ...first, passes, pods: all.length, seconds, allLatencies: Float64Array.from(all) };
}

function figures(run: TimedRun): RunFigures {
  return {
    measured: run.measured,
    scheduled: run.chosen.filter((c) => c !== undefined).length,
    passes: run.passes,
    seconds: round(run.seconds),
    podsPerSecond: round(run.pods / run.seconds),
    p50Ms: round(percentile(run.allLatencies, 50)),
    p99Ms: round(percentile(run.allLatencies, 99)),
  };
}

function berthEngine(
  cluster: ClusterSnapshot,
  pods: readonly Pod[],
  profile: Profile,
  mode: Mode,
  workers: number,
  tieBreak: TieBreak,
  executor?: 'single' | 'pool',
): Engine {
  return async () => {
    const snapshot = new Snapshot(cluster);
    const infos = pods.map((p) => snapshot.podInfo(p));
    const spec = { config: schedulerConfig(mode), plugins: [] };
    const run = await createExecutor(workers, profile, spec, snapshot, { tieBreak, seed: 1, explain: false }, executor);
    const place = (i: number, result: PodResult) => {
      if (result.chosenNode !== undefined) snapshot.bind(infos[i], snapshot.nodeIndex.get(result.chosenNode) as number);
      return result.chosenNode;
    };
    return {
      step(i) {
        const result = run.scheduleOne(infos[i]);
        return result instanceof Promise ? result.then((r) => place(i, r)) : place(i, result);
      },
      close: () => run.close(),
    };
  };
}

function baselineEngine(
  cluster: ClusterSnapshot,
  pods: readonly Pod[],
  percentage: number,
  tieBreak: TieBreak,
): Engine {
  return () => {
    const base = new BaselineCluster(cluster);
    const records = pods.map(podRecord);
    const scheduler = new BaselineScheduler(defaultProfile(percentage), base, { tieBreak, seed: 1 });
    return {
      step(i) {
        const node = scheduler.scheduleOne(records[i]);
        if (node) base.bind(records[i], node);
        return node?.name;
      },
    };
  };
}

/**
 * berth's throughput over the baseline's: over every pass when both ran all the pods, else over the
 * first pass's pods that both measured, from their per-pod times.
 */
function ratio(berth: TimedRun, baseline: TimedRun, count: number): NonNullable<MeasureResult['ratio']> {
  let pods: number;
  let berthRate: number;
  let baselineRate: number;
  if (berth.measured === count && baseline.measured === count) {
    pods = count;
    berthRate = berth.pods / berth.seconds;
    baselineRate = baseline.pods / baseline.seconds;
  } else {
    pods = baseline.measured;
    berthRate = pods / (sum(berth.latencies, pods) / 1000);
    baselineRate = pods / (sum(baseline.latencies, pods) / 1000);
  }
  return {
    pods,
    berthPodsPerSecond: round(berthRate),
    baselinePodsPerSecond: round(baselineRate),
    berthOverBaseline: round(berthRate / baselineRate),
  };
}

function agreement(pods: readonly Pod[], berth: TimedRun, baseline: TimedRun): Agreement {
  const n = Math.min(berth.measured, baseline.measured);
  let same = 0;
  let firstMismatch: Agreement['firstMismatch'];
  for (let i = 0; i < n; i++) {
    if (berth.chosen[i] === baseline.chosen[i]) same++;
    else if (!firstMismatch) {
      firstMismatch = {
        index: i,
        pod: `${pods[i].metadata.namespace ?? 'default'}/${pods[i].metadata.name}`,
        berth: berth.chosen[i] ?? null,
        baseline: baseline.chosen[i] ?? null,
      };
    }
  }
  return { pods: n, same, percent: n === 0 ? 100 : round((100 * same) / n, 4), firstMismatch };
}

/** A small copy: the first nodes, the bound pods on them, the first pending pods. */
function warmupCluster(cluster: ClusterSnapshot, pods: readonly Pod[], count: number): ClusterSnapshot {
  const nodes = cluster.nodes.slice(0, 1000);
  const names = new Set(nodes.map((n) => n.metadata.name));
  return {
    ...cluster,
    nodes,
    pods: cluster.pods.filter((p) => names.has(p.spec.nodeName ?? '')),
    pendingPods: pods.slice(0, count),
  };
}

function peakRssMiB(): number {
  return Math.round((process.resourceUsage().maxRSS * 1024) / MIB);
}

export async function measureWorkload(o: MeasureOptions): Promise<MeasureResult> {
  const t0 = performance.now();
  const { cluster } = await loadCluster([o.file]);
  const loadSeconds = round((performance.now() - t0) / 1000);

  const profile = chooseProfile({ config: schedulerConfig(o.mode) });
  const pct = profile.percentageOfNodesToScore;
  const pods = queueOrder(cluster.pendingPods).slice(0, o.maxPods ?? Number.POSITIVE_INFINITY);

  if (o.warmupPods > 0) {
    const small = warmupCluster(cluster, pods, o.warmupPods);
    const n = small.pendingPods.length;
    const seconds = o.warmupSeconds ?? WARMUP_SECONDS;
    await timed(
      berthEngine(small, small.pendingPods, profile, o.mode, o.workers, 'random', o.executor),
      n,
      seconds,
      seconds,
    );
    if (o.baseline) await timed(baselineEngine(small, small.pendingPods, pct, 'random'), n, seconds, seconds);
  }
  // Let the warm-up's garbage go before RSS is sampled (the child runs with --expose-gc).
  (globalThis as { gc?: () => void }).gc?.();

  const minSeconds = o.minSeconds ?? MIN_SECONDS;
  const berth = await timed(
    berthEngine(cluster, pods, profile, o.mode, o.workers, 'random', o.executor),
    pods.length,
    o.budget.berth,
    minSeconds,
  );
  const result: MeasureResult = {
    workload: o.workload,
    mode: o.mode,
    workers: o.workers,
    nodes: cluster.nodes.length,
    existingPods: cluster.pods.length,
    pendingPods: cluster.pendingPods.length,
    loadSeconds,
    berth: figures(berth),
    berthPeakRssMiB: berth.peakRssMiB,
    peakRssMiB: 0,
  };

  if (o.baseline) {
    const measured = pods.slice(0, berth.measured);
    const baseline = await timed(
      baselineEngine(cluster, measured, pct, 'random'),
      measured.length,
      o.budget.baseline,
      minSeconds,
    );
    result.baseline = figures(baseline);
    result.ratio = ratio(berth, baseline, measured.length);
    // Tie-break 'first': the baseline sets how many pods fit the budget, berth places the same ones.
    const baseFirst = await timed(
      baselineEngine(cluster, measured, pct, 'first'),
      measured.length,
      o.budget.agreement,
      0,
    );
    const compared = measured.slice(0, baseFirst.measured);
    const berthFirst = await timed(
      berthEngine(cluster, compared, profile, o.mode, o.workers, 'first', o.executor),
      compared.length,
      Number.POSITIVE_INFINITY,
      0,
    );
    result.agreement = {
      first: agreement(compared, berthFirst, baseFirst),
      random: agreement(measured, berth, baseline),
    };
  }
  if ((o.executor ?? (o.workers > 1 ? 'pool' : 'single')) === 'pool') {
    // The pool must place exactly as the inline engine does: rerun the measured pods inline.
    const measured = pods.slice(0, berth.measured);
    const inline = await timed(
      berthEngine(cluster, measured, profile, o.mode, 1, 'random'),
      measured.length,
      Number.POSITIVE_INFINITY,
      0,
    );
    result.inlineAgreement = agreement(measured, inline, berth);
  }
  // Last, so that the copies it builds do not count in berth's peak RSS.
  if (o.memory) result.memory = await measureMemory(cluster);
  result.peakRssMiB = peakRssMiB();
  await closePools();
  return result;
}
