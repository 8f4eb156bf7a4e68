// berth bench schedule: one benchmark workload, measured in a child process exactly as
// `npm run bench` measures it (bench/measure.ts), with the figures printed as a table.
import { type Command, Option } from 'commander';
import type { Mode } from '../../bench/measure.js';
import { InputError } from '../api/problem.js';
import { runCommand } from './run.js';

export function register(program: Command): void {
  const bench = program.command('bench').description('benchmarks (the full suite: npm run bench)');
  bench
    .command('schedule')
    .description(
      'schedule one benchmark workload with berth and the per-node-object baseline; print pods/s, latency, memory',
    )
    .requiredOption(
      '--workload <name>',
      'basic-500, basic-5000, basic-15000, basic-50000, antiaffinity-5000, spread-5000, affinity-mixed-1000',
    )
    .option('--every-node', 'score every node: percentageOfNodesToScore 100 (the default)')
    .option('--sampled', "kube-scheduler's default sampling (adaptive percentageOfNodesToScore)")
    .option('--pods <n>', 'measure at most this many pending pods')
    .option('--seconds <s>', "time budget of berth's run (the baseline gets 1.5×)", '10')
    .option('--no-baseline', 'berth only: no baseline, ratio or placement cross-check')
    .option(
      '--workers <n>',
      'threads of work: 1 runs inline; n ≥ 2 on the pool (main thread + n - 1 pool threads)',
      '1',
    )
    .addOption(
      new Option('--executor <kind>', 'inline, or the worker pool (default: pool when --workers > 1)').choices([
        'single',
        'pool',
      ]),
    )
    .option('--json', 'print the measurement as JSON')
    .option('--cpu-prof <dir>', 'write a V8 CPU profile of the run into <dir> and summarise it')
    .action((opts) => runCommand(() => benchSchedule(opts)));
}

interface BenchScheduleOptions {
  workload: string;
  everyNode?: boolean;
  sampled?: boolean;
  pods?: string;
  seconds: string;
  baseline: boolean;
  json?: boolean;
  cpuProf?: string;
  workers: string;
  executor?: 'single' | 'pool';
}

function positive(text: string, option: string, integer: boolean): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new InputError([
      {
        code: 'option',
        path: option,
        message: `expected a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(text)}`,
      },
    ]);
  }
  return n;
}

async function benchSchedule(opts: BenchScheduleOptions): Promise<void> {
  const [{ ensureWorkloads, findWorkload, WORKLOADS }, { runInChild }, report, profile, { readdirSync, mkdirSync }] =
    await Promise.all([
      import('../../bench/workloads.js'),
      import('../../bench/spawn.js'),
      import('../../bench/report.js'),
      import('../../bench/profile.js'),
      import('node:fs'),
    ]);
  const workload = findWorkload(opts.workload);
  if (!workload || !WORKLOADS.includes(workload)) {
    throw new InputError([
      {
        code: 'option',
        path: '--workload',
        message: `unknown workload ${JSON.stringify(opts.workload)} (expected one of ${WORKLOADS.map((w) => w.name).join(', ')})`,
      },
    ]);
  }
  if (opts.everyNode && opts.sampled) {
    throw new InputError([{ code: 'option', path: '--sampled', message: 'choose one of --every-node and --sampled' }]);
  }
  const mode: Mode = opts.sampled ? 'sampled' : 'every-node';
  const seconds = positive(opts.seconds, '--seconds', false);
  const maxPods = opts.pods === undefined ? undefined : positive(opts.pods, '--pods', true);
  const { parseWorkers } = await import('./options.js');
  const workers = parseWorkers(opts.workers);
  const executor = opts.executor ?? (workers > 1 ? 'pool' : 'single');
  const file = ensureWorkloads([workload]).get(workload.name) as string;
  if (opts.cpuProf) mkdirSync(opts.cpuProf, { recursive: true });
  const before = new Set(opts.cpuProf ? readdirSync(opts.cpuProf) : []);

  const budget = { berth: seconds, baseline: 1.5 * seconds, agreement: seconds };
  const result = await runInChild(
    {
      kind: 'schedule',
      options: {
        workload: workload.name,
        file,
        mode,
        workers,
        executor,
        maxPods,
        budget,
        baseline: opts.baseline,
        // The memory measurement would dominate a profile.
        memory: !opts.cpuProf,
        warmupPods: 200,
      },
    },
    { timeoutSeconds: budget.berth + budget.baseline + budget.agreement + 300, cpuProfDir: opts.cpuProf },
  );
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    const kubeScheduler = mode === 'every-node' ? workload.kubeScheduler?.everyNode : workload.kubeScheduler?.sampled;
    const rows = [{ workload: workload.name, mode, workers, kubeScheduler, result }];
    const lines = [...report.workloadTable({ rows }), '', ...report.memoryTable({ rows }), ''];
    if (result.ratio) {
      lines.push(
        `berth ÷ baseline over the first ${result.ratio.pods} pods: ${result.ratio.berthPodsPerSecond} ÷ ${result.ratio.baselinePodsPerSecond} pods/s = ${result.ratio.berthOverBaseline}`,
      );
    }
    const a = result.agreement;
    if (a) {
      lines.push(
        `same placement: tie-break first ${a.first.same}/${a.first.pods}, random (seed 1) ${a.random.same}/${a.random.pods}`,
      );
    }
    if (result.inlineAgreement) {
      const i = result.inlineAgreement;
      lines.push(`same placement as the inline engine: ${i.same}/${i.pods}`);
    }
    lines.push(
      ...report.mismatchLines({ rows }),
      `executor: ${executor}, ${executor === 'pool' ? workers : 1} worker(s)`,
      '',
    );
    process.stdout.write(lines.join('\n'));
  }
  if (opts.cpuProf) {
    const written = readdirSync(opts.cpuProf).filter((f) => f.endsWith('.cpuprofile') && !before.has(f));
    for (const f of written) {
      process.stdout.write(
        `\n${opts.cpuProf}/${f}\n${profile.formatProfile(profile.summarizeProfile(`${opts.cpuProf}/${f}`))}`,
      );
    }
  }
}
