// `npm run bench`: every workload in both modes (every node scored, default sampling), each in
// its own child process, then the per-plugin micro-benchmarks; writes bench/results/schedule.json,
// schedule.md and schedule.svg and prints the table. Budgets keep the whole run under 15 minutes
// on two cores: large workloads are cut to the pods that fit their time budget.
//
//   npm run build && npm run bench [-- --only basic-500,spread-5000] [--no-micro] [--scale 0.5]
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { WORKER_COUNTS } from './executor.js';
import { type Budget, DEFAULT_BUDGET, MODE_LABELS, MODES } from './measure.js';
import { type BenchReport, renderMarkdown, renderSvg, type WorkloadRow } from './report.js';
import { runInChild } from './spawn.js';
import { ensureWorkloads, MICRO_WORKLOAD, repoRoot, WORKLOADS } from './workloads.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    'no-micro': { type: 'boolean', default: false },
    /** Multiplies every time budget (0.2 for a quick look). */
    scale: { type: 'string', default: '1' },
    out: { type: 'string' },
  },
});

/** The whole run must end within this; later workloads get smaller budgets if earlier ones ran long. */
const DEADLINE_SECONDS = 14 * 60;
const MICRO_SECONDS = 90;
const WARMUP_PODS = 200;
/** Typical time for loading, memory measurement and warm-up, beyond the timed budgets. */
const CHILD_OVERHEAD_SECONDS = 12;
/** Grace before a child is stopped. */
const CHILD_GRACE_SECONDS = 120;

const started = performance.now();
const elapsed = () => (performance.now() - started) / 1000;
const scale = Number(values.scale);
const only = values.only?.split(',');
const workloads = WORKLOADS.filter((w) => !only || only.includes(w.name));
const micro = !values['no-micro'];
const outDir = values.out ?? join(repoRoot(), 'bench', 'results');

const paths = ensureWorkloads(micro ? [...workloads, MICRO_WORKLOAD] : workloads);

function scaled(b: Budget, factor: number): Budget {
  return { berth: b.berth * factor, baseline: b.baseline * factor, agreement: b.agreement * factor };
}

const budget = scaled(DEFAULT_BUDGET, scale);
const perRun = budget.berth + budget.baseline + budget.agreement;
const rows: WorkloadRow[] = [];
const plan = workloads.flatMap((w) => MODES.map((mode) => ({ w, mode })));
for (const [i, { w, mode }] of plan.entries()) {
  for (const workers of WORKER_COUNTS) {
    const kubeScheduler = mode === 'every-node' ? w.kubeScheduler?.everyNode : w.kubeScheduler?.sampled;
    const row: WorkloadRow = { workload: w.name, mode, workers, kubeScheduler };
    rows.push(row);
    // Share what is left of the deadline among the runs still to come.
    // A pool run has no baseline of its own (the 1-worker run of the same workload has it).
    const left = DEADLINE_SECONDS - elapsed() - (micro ? MICRO_SECONDS : 0);
    const runsLeft = plan.length - i;
    const perPlanEntry = perRun + budget.berth * (WORKER_COUNTS.length - 1);
    const overhead = CHILD_OVERHEAD_SECONDS * WORKER_COUNTS.length;
    const factor = Math.min(1, Math.max(0.1, (left / runsLeft - overhead) / perPlanEntry));
    const b = scaled(budget, factor);
    const pooled = workers > 1;
    process.stderr.write(`${w.name}, ${MODE_LABELS[mode]}, ${workers} worker(s)…\n`);
    try {
      row.result = await runInChild(
        {
          kind: 'schedule',
          options: {
            workload: w.name,
            file: paths.get(w.name) as string,
            mode,
            workers,
            budget: b,
            baseline: !pooled,
            memory: mode === 'every-node' && !pooled,
            warmupPods: WARMUP_PODS,
          },
        },
        { timeoutSeconds: b.berth + b.baseline + b.agreement + CHILD_GRACE_SECONDS },
      );
    } catch (err) {
      row.error = (err as Error).message;
    }
  }
}

const report: BenchReport = {
  date: new Date().toISOString(),
  node: process.version,
  machine: `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown cpu'}`,
  budget,
  warmupPods: WARMUP_PODS,
  totalSeconds: 0,
  rows,
  notes: [
    'pods/s: pending pods in queue order, each scheduleOne + bind (assume) before the next, tie-break random with seed 1. A workload is cut to the pods that fit its time budget (“of N”); one that takes under 2 s is run again on a fresh cluster until 2 s have passed (“×passes”), and pods/s counts every pass.',
    'p50 / p99: per pod, scheduleOne + bind, over every pass. Peak RSS: the child process (one per workload and mode) during berth’s first pass, sampled every 32 pods after a forced GC; it holds the parsed cluster, berth’s snapshot and whatever V8 kept from the warm-up. schedule.json also has the peak over the whole child (peakRssMiB).',
    'bytes/node and bytes/pod: V8 heap + ArrayBuffers added by building the snapshot from the nodes alone and then binding every pod of the workload (pending ones round-robin), after global.gc(); the parsed Kubernetes objects are not counted. Mode-independent, measured once per workload.',
    'baseline: bench/baseline/, a per-node-object implementation of the same default plugins (NodeInfo objects with label maps, requests as maps, the object-form matchers of src/api), run in the same process right after berth, on the same pods. “berth ÷ baseline” compares their pods/s when both ran every pod; when the baseline was cut short, it compares the two over the pods both measured, from their per-pod times.',
    'same placement (first): both engines rerun with tie-break first on the pods the baseline managed within its cross-check budget; the share of pods placed on the same node (after a first difference, later pods see different clusters, so one difference can spread).',
    `workers: 1 is the inline engine; 2 is the worker pool (src/engine/pool, piscina): the main thread and one pool thread each filter and score a range of the nodes; the main thread also runs PreFilter, PreScore, normalisation and selection. Sampling cycles always run inline (the sampling stop is sequential), so the pool only changes every-node figures. Pool runs have no baseline of their own: “÷ 1 worker” compares them with the inline run of the same workload and mode, and “same placement” compares their placements with the inline engine's on the same pods (tie-break random, seed 1). The machine has 2 cores shared with other jobs.`,
    'kube-scheduler pods/s: the reference figures of issue 4 (every node scored / default sampling); not measured on this machine. The machine is shared and noisy: compare ratios from the same run rather than absolute figures across runs.',
  ],
};

if (micro) {
  process.stderr.write('per-plugin micro-benchmarks…\n');
  try {
    report.micro = await runInChild(
      { kind: 'micro', options: { file: paths.get(MICRO_WORKLOAD.name) as string, maxTime: 0.4 * scale } },
      { timeoutSeconds: 5 * MICRO_SECONDS },
    );
  } catch (err) {
    report.microError = (err as Error).message;
  }
}
report.totalSeconds = elapsed();

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'schedule.json'), `${JSON.stringify(report, null, 2)}\n`);
const markdown = renderMarkdown(report);
writeFileSync(join(outDir, 'schedule.md'), markdown);
writeFileSync(join(outDir, 'schedule.svg'), renderSvg(report));
process.stdout.write(markdown);
process.stderr.write(`wrote ${join(outDir, 'schedule.{json,md,svg}')} in ${Math.round(elapsed())} s\n`);
