// berth replay: run a trace against a cluster in simulated time, through the same engine as
// `berth schedule`, and write summary.json, timeseries.csv, report.html (and placements.jsonl).
import type { Command } from 'commander';
import { InputError } from '../api/problem.js';
import { runCommand } from './run.js';

export function register(program: Command): void {
  program
    .command('replay')
    .description('replay a trace (JSON Lines or CSV pod table) on a cluster in simulated time and report what happened')
    .option('--cluster <file>', 'the starting cluster: manifests, a snapshot, or a directory (required)')
    .option('--trace <file>', 'the trace: .jsonl events or a .csv pod table (docs/traces.md) (required)')
    .option('--config <file>', 'KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1)')
    .option('--profile <name>', 'schedulerName of the profile to use (default: the first)')
    .option('--seed <n>', 'seed for random tie-breaks', '1')
    .option('--until <seconds>', 'end of the replay in simulated seconds (default: the last trace event)')
    .requiredOption('--out <dir>', 'directory for summary.json, timeseries.csv, report.html (replaced when it exists)')
    .option('--placements', 'also write placements.jsonl: every placement, preemption and eviction')
    .option('--skip-bad-rows', 'replay without rows that have problems (counted and listed in the summary)')
    .option('--plugin <module...>', "ES module(s) exporting custom plugins, enabled by name in the config's profiles")
    // The FGD study's experiment on the Alibaba GPU trace (docs/gpu.md); same as `berth gpu-sweep`.
    .option('--alibaba-gpu <dir>', 'instead of --cluster/--trace: replay the Alibaba GPU trace folder (docs/gpu.md)')
    .option('--gpu-traces <names>', 'with --alibaba-gpu: comma-separated trace variants (default: all)')
    .option('--gpu-policies <names>', 'with --alibaba-gpu: random,dotprod,packing,clustering,bestfit,fgd', GPU_ALL)
    .option('--seeds <list>', 'with --alibaba-gpu: comma-separated seeds (default: --seed)')
    .option('--target-load <x>', 'with --alibaba-gpu: sample tasks up to this multiple of cluster GPU capacity', '1.3')
    .option('--workers <n>', 'with --alibaba-gpu: worker threads', '2')
    .action((opts) => runCommand(() => (opts.alibabaGpu ? gpuReplay(opts) : replayCommand(opts))));
}

const GPU_ALL = 'random,dotprod,packing,clustering,bestfit,fgd';

async function gpuReplay(opts: ReplayCliOptions & Record<string, string | undefined>): Promise<void> {
  for (const flag of ['cluster', 'trace'] as const)
    if (opts[flag])
      throw new InputError([{ code: 'option', path: `--${flag}`, message: 'not used with --alibaba-gpu' }]);
  const { gpuSweepCommand } = await import('./gpu-sweep.js');
  await gpuSweepCommand({
    data: opts.alibabaGpu as string,
    traces: opts.gpuTraces,
    policies: opts.gpuPolicies ?? GPU_ALL,
    seeds: opts.seeds ?? opts.seed,
    targetLoad: opts.targetLoad ?? '1.3',
    workers: opts.workers ?? '2',
    out: opts.out,
  });
}

interface ReplayCliOptions {
  cluster: string;
  trace: string;
  config?: string;
  profile?: string;
  seed: string;
  until?: string;
  out: string;
  placements?: boolean;
  skipBadRows?: boolean;
  plugin?: string[];
}

/** A one-line progress bar on stderr, only for a terminal outside CI; wall time only paces it. */
function progressBar(): ((p: { bytesRead: number; size: number; now: number; scheduled: number }) => void) | undefined {
  if (!process.stderr.isTTY || process.env.CI) return undefined;
  let last = 0;
  return (p) => {
    const wall = performance.now();
    const done = p.size > 0 ? Math.min(1, p.bytesRead / p.size) : 1;
    if (wall - last < 200 && done < 1) return;
    last = wall;
    const width = 30;
    const filled = Math.round(done * width);
    const h = Math.floor(p.now / 3600);
    const m = Math.floor((p.now % 3600) / 60);
    process.stderr.write(
      `\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${Math.round(done * 100)}%  t=${h}h${String(m).padStart(2, '0')}m  ${p.scheduled} scheduled`,
    );
  };
}

async function replayCommand(opts: ReplayCliOptions): Promise<void> {
  for (const flag of ['cluster', 'trace'] as const)
    if (!opts[flag])
      throw new InputError([{ code: 'option', path: `--${flag}`, message: 'required (or give --alibaba-gpu DIR)' }]);
  const [{ replay }, { builtinRegistry }, { parseSeed }] = await Promise.all([
    import('../sim/replay.js'),
    import('../../plugins/index.js'),
    import('./options.js'),
  ]);
  const seed = parseSeed(opts.seed);
  const until = opts.until === undefined ? undefined : Number(opts.until);
  if (until !== undefined && !(Number.isFinite(until) && until >= 0)) {
    throw new InputError([
      {
        code: 'option',
        path: '--until',
        message: `expected a number of seconds (0 or more), got ${JSON.stringify(opts.until)}`,
      },
    ]);
  }
  const registry = builtinRegistry();
  for (const path of opts.plugin ?? []) await registry.loadModule(path);
  const bar = progressBar();
  let summary: Awaited<ReturnType<typeof replay>>;
  try {
    summary = await replay({
      cluster: opts.cluster,
      trace: opts.trace,
      config: opts.config,
      profile: opts.profile,
      seed,
      until,
      out: opts.out,
      placements: opts.placements,
      skipBadRows: opts.skipBadRows,
      registry,
      onProgress: bar,
    });
  } finally {
    if (bar) process.stderr.write('\n');
  }
  const { formatReplaySummary } = await import('../report/replay-text.js');
  process.stdout.write(formatReplaySummary(summary, opts.out, opts.placements));
}
