// The FGD study's sweep: every trace × policy × seed as one experiment, spread over worker threads
// (one per core by default), then one CSV of allocation curves, a table of final GPU allocation
// ratios (mean over seeds) and an SVG comparing the policies per trace. Outputs are written into
// a temporary directory beside `out` and renamed into place, so they appear complete or not at all.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { GpuPolicy } from '../../plugins/gpu/index.js';
import { InputError, type Problem } from '../api/problem.js';
import { writeOutputDir } from '../report/output-dir.js';
import { readGpuNodes, readGpuTasks } from '../traces/alibaba-gpu.js';
import { allocationPlotSvg } from './plot.js';

export interface SweepJob {
  id: number;
  trace: string;
  nodesFile: string;
  tasksFile: string;
  policy: GpuPolicy;
  seed: number;
  targetLoad: number;
}

export type WorkerReply =
  | { id: number; allocation: number[]; arrived: number; failed: number; problems?: undefined }
  | { id: number; problems: Problem[] };

export interface SweepOptions {
  nodesFile: string;
  /** Trace name → task file. */
  traces: { name: string; file: string }[];
  policies: GpuPolicy[];
  seeds: number[];
  targetLoad: number;
  workers: number;
  out: string;
  onProgress?: (done: number, total: number) => void;
}

export interface SweepRun {
  job: SweepJob;
  allocation: number[];
  arrived: number;
  failed: number;
}

export interface SweepResult {
  runs: SweepRun[];
  /** trace → policy → mean final allocation ratio over seeds. */
  final: Map<string, Map<GpuPolicy, number>>;
}

function runJobs(
  jobs: SweepJob[],
  workers: number,
  onProgress?: (done: number, total: number) => void,
): Promise<SweepRun[]> {
  return new Promise((resolvePromise, reject) => {
    const runs: SweepRun[] = [];
    const pool: Worker[] = [];
    let next = 0;
    let failed = false;
    const finish = (err?: Error) => {
      for (const w of pool) void w.terminate();
      if (err) reject(err);
      else resolvePromise(runs.sort((a, b) => a.job.id - b.job.id));
    };
    const feed = (w: Worker) => {
      if (next < jobs.length) w.postMessage(jobs[next++]);
    };
    for (let i = 0; i < Math.min(workers, jobs.length); i++) {
      const w = new Worker(new URL('./sweep-worker.js', import.meta.url));
      pool.push(w);
      w.on('message', (reply: WorkerReply) => {
        if (failed) return;
        if (reply.problems !== undefined) {
          failed = true;
          finish(new InputError(reply.problems));
          return;
        }
        runs.push({ job: jobs[reply.id], allocation: reply.allocation, arrived: reply.arrived, failed: reply.failed });
        onProgress?.(runs.length, jobs.length);
        if (runs.length === jobs.length) finish();
        else feed(w);
      });
      w.on('error', (err) => {
        if (!failed) {
          failed = true;
          finish(err);
        }
      });
      feed(w);
    }
  });
}

/** One row per run: its key, tasks arrived and failed, then the allocation ratio at 1%, 2%, … arrived. */
export function curvesCsv(runs: readonly SweepRun[]): string {
  const points = Math.max(0, ...runs.map((r) => r.allocation.length));
  const header = ['trace', 'policy', 'seed', 'tasks', 'failed'];
  for (let k = 1; k <= points; k++) header.push(`alloc_at_${k}pct`);
  const lines = [header.join(',')];
  for (const r of runs) {
    const cells = [r.job.trace, r.job.policy, String(r.job.seed), String(r.arrived), String(r.failed)];
    for (const a of r.allocation) cells.push(a.toFixed(4));
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

export function finalTable(runs: readonly SweepRun[]): Map<string, Map<GpuPolicy, number>> {
  const sums = new Map<string, Map<GpuPolicy, { sum: number; n: number }>>();
  for (const r of runs) {
    let byPolicy = sums.get(r.job.trace);
    if (!byPolicy) {
      byPolicy = new Map();
      sums.set(r.job.trace, byPolicy);
    }
    const s = byPolicy.get(r.job.policy) ?? { sum: 0, n: 0 };
    s.sum += r.allocation[r.allocation.length - 1];
    s.n++;
    byPolicy.set(r.job.policy, s);
  }
  const out = new Map<string, Map<GpuPolicy, number>>();
  for (const [trace, byPolicy] of sums) {
    out.set(trace, new Map([...byPolicy].map(([p, s]) => [p, s.sum / s.n])));
  }
  return out;
}

export function finalMarkdown(final: Map<string, Map<GpuPolicy, number>>, policies: readonly GpuPolicy[]): string {
  const lines = [`| trace | ${policies.join(' | ')} |`, `|---|${policies.map(() => '---:').join('|')}|`];
  for (const [trace, byPolicy] of final) {
    const values = policies.map((p) => byPolicy.get(p));
    const best = Math.max(...values.map((v) => v ?? 0));
    const cells = values.map((v) =>
      v === undefined ? '' : v === best ? `**${(100 * v).toFixed(1)}%**` : `${(100 * v).toFixed(1)}%`,
    );
    lines.push(`| ${trace} | ${cells.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

export async function sweep(opts: SweepOptions): Promise<SweepResult> {
  const out = resolve(opts.out);
  if (existsSync(out) && !statSync(out).isDirectory()) {
    throw new InputError([{ code: 'output', path: '--out', message: `${opts.out} exists and is not a directory` }]);
  }
  // Every input is read once here first, so bad rows in any file stop the sweep before it starts.
  const problems: Problem[] = [];
  for (const read of [() => readGpuNodes(opts.nodesFile), ...opts.traces.map((t) => () => readGpuTasks(t.file))]) {
    try {
      read();
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  const jobs: SweepJob[] = [];
  for (const trace of opts.traces) {
    for (const policy of opts.policies) {
      for (const seed of opts.seeds) {
        jobs.push({
          id: jobs.length,
          trace: trace.name,
          nodesFile: opts.nodesFile,
          tasksFile: trace.file,
          policy,
          seed,
          targetLoad: opts.targetLoad,
        });
      }
    }
  }
  const runs = await runJobs(jobs, opts.workers, opts.onProgress);
  const final = finalTable(runs);
  writeOutputDir(out, (tmp) => {
    writeFileSync(join(tmp, 'curves.csv'), curvesCsv(runs));
    writeFileSync(join(tmp, 'final.md'), finalMarkdown(final, opts.policies));
    writeFileSync(join(tmp, 'allocation.svg'), allocationPlotSvg(runs, opts.policies));
  });
  return { runs, final };
}
