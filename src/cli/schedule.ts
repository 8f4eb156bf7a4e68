// berth schedule: place a snapshot's pending pods one by one, as kube-scheduler would.
import type { Command } from 'commander';
import { Option } from 'commander';
import { formatProblem } from '../api/problem.js';
import { addPlacementOptions, type PlacementOptions } from './options.js';
import { runCommand } from './run.js';

export function register(program: Command): void {
  addPlacementOptions(
    program
      .command('schedule')
      .description("schedule a snapshot's pending pods in queue order, each assumed before the next")
      .requiredOption(
        '--snapshot <file...>',
        'cluster snapshot: the conformance case format, manifests, or a directory (several are merged)',
      ),
  )
    .option('--strict', 'report unknown fields in the snapshot as errors')
    .addOption(
      new Option('--executor <kind>', 'single thread, worker pool, or by cluster size')
        .choices(['single', 'pool', 'auto'])
        .default('auto'),
    )
    .option('--workers <n>', 'threads of work with the pool: the main thread and n - 1 pool threads', '2')
    .action((opts) => runCommand(() => schedule(opts)));
}

interface ScheduleOptions extends PlacementOptions {
  snapshot: string[];
  strict?: boolean;
  executor: 'single' | 'pool' | 'auto';
  workers: string;
}

async function schedule(opts: ScheduleOptions): Promise<void> {
  const [
    { loadCluster },
    { scheduleAllWith },
    { parseSeed, parseWorkers, profileFromOptions },
    { closePools },
    { resolve },
  ] = await Promise.all([
    import('../load/load.js'),
    import('../engine/schedule-all.js'),
    import('./options.js'),
    import('../engine/executor.js'),
    import('node:path'),
  ]);
  const seed = parseSeed(opts.seed);
  const workers = parseWorkers(opts.workers);
  const { config, profile } = await profileFromOptions(opts);
  const { cluster, warnings } = await loadCluster(opts.snapshot, { strict: opts.strict });
  for (const w of warnings) process.stderr.write(`warning: ${formatProblem(w)}\n`);
  const spec = {
    config,
    configFile: opts.config,
    profileName: opts.profile,
    plugins: (opts.plugin ?? []).map((p) => resolve(p)),
  };
  const options = { tieBreak: opts.tieBreak, seed, explain: true };
  const output = await scheduleAllWith(cluster, profile, spec, options, { executor: opts.executor, workers }).finally(
    closePools,
  );
  if (opts.output === 'json') {
    process.stdout.write(`${JSON.stringify(output)}\n`);
  } else {
    const { formatScheduleTable } = await import('../report/schedule-table.js');
    process.stdout.write(formatScheduleTable(output));
  }
}
