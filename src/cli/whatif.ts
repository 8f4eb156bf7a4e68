// berth whatif: run autoscaling scenarios on the same trace side by side (src/whatif), and
// `berth whatif merge` to combine the outputs of sharded runs.
import type { Command } from 'commander';
import { runCommand } from './run.js';

const collect = (v: string, list: string[]) => [...list, v];

export function register(program: Command): void {
  const cmd = program
    .command('whatif')
    // `whatif merge … --out DIR`: options after the subcommand name are the subcommand's own.
    .enablePositionalOptions()
    .description('compare node-autoscaling scenarios (cluster-autoscaler-like, Karpenter-like) on one trace')
    .option('--trace <file>', 'the trace (.jsonl or .csv, docs/traces.md)')
    .option('--scenario <file>', 'a scenario file (repeat for each; docs/whatif.md)', collect, [])
    .option('--seed <n>', 'seed for random tie-breaks and the random expander', '1')
    .option('--shard <i/n>', 'run only scenarios i, i+n, … of the list (0-based), e.g. for an Indexed Job')
    .option('--threads <n>', 'worker threads at once (default: available cores)')
    .option('--out <dir>', 'directory for comparison.json, comparison.csv, comparison.md, report.html, timeseries/')
    .action((opts) => runCommand(() => whatifCommand(opts)));
  cmd
    .command('merge')
    .description('combine the outputs of sharded whatif runs')
    .argument('<dirs...>', 'output directories of the shards')
    .requiredOption('--out <dir>', 'directory for the combined outputs')
    .action((dirs: string[], opts: { out: string }) =>
      runCommand(async () => {
        const { merge } = await import('../whatif/whatif.js');
        const c = merge(dirs, opts.out);
        process.stdout.write(`merged ${c.scenarios.length} scenarios from ${dirs.length} shards into ${opts.out}\n`);
      }),
    );
}

interface WhatifCliOptions {
  trace?: string;
  scenario: string[];
  seed: string;
  shard?: string;
  threads?: string;
  out?: string;
}

async function whatifCommand(opts: WhatifCliOptions): Promise<void> {
  const [{ whatif, parseShard }, { parseSeed }, { InputError }, { comparisonMarkdown }] = await Promise.all([
    import('../whatif/whatif.js'),
    import('./options.js'),
    import('../api/problem.js'),
    import('../whatif/compare.js'),
  ]);
  const missing = (['trace', 'out'] as const).filter((k) => !opts[k]);
  if (missing.length > 0)
    throw new InputError(missing.map((k) => ({ code: 'option', path: `--${k}`, message: 'required' })));
  const threads = opts.threads === undefined ? undefined : Number(opts.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1))
    throw new InputError([
      { code: 'option', path: '--threads', message: `expected an integer ≥ 1, got ${JSON.stringify(opts.threads)}` },
    ]);
  const c = await whatif({
    trace: opts.trace!,
    scenarios: opts.scenario,
    seed: parseSeed(opts.seed),
    out: opts.out!,
    shard: opts.shard ? parseShard(opts.shard) : undefined,
    threads,
  });
  process.stdout.write(comparisonMarkdown(c.scenarios.map((s) => s.row)));
  process.stdout.write(
    `\nwrote ${opts.out}/comparison.json, comparison.csv, comparison.md, report.html, timeseries/\n`,
  );
}
