// berth trace: tools for traces. `generate` writes a seeded synthetic trace; `check` reports every
// bad row of a trace without replaying it.
import type { Command } from 'commander';
import { InputError } from '../api/problem.js';
import { runCommand } from './run.js';

function positiveInt(text: string, option: string): number {
  if (!/^\d+$/.test(text) || Number(text) <= 0 || !Number.isSafeInteger(Number(text))) {
    throw new InputError([
      { code: 'option', path: option, message: `expected a positive integer, got ${JSON.stringify(text)}` },
    ]);
  }
  return Number(text);
}

function share(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || n > 1) {
    throw new InputError([
      { code: 'option', path: option, message: `expected a number from 0 to 1, got ${JSON.stringify(text)}` },
    ]);
  }
  return n;
}

export function register(program: Command): void {
  const trace = program.command('trace').description('generate and check replay traces (docs/traces.md)');
  trace
    .command('generate')
    .description('write a synthetic trace: day/night arrivals, heavy-tailed durations, mixed pod sizes')
    .requiredOption('--pods <n>', 'number of pods')
    .option('--seed <n>', 'seed (same seed and options, same bytes)', '1')
    .option('--hours <h>', 'span of the arrivals in hours', '24')
    .option('--gpu-fraction <f>', 'share of pods asking for one nvidia.com/gpu', '0')
    .option(
      '--workloads',
      'add a DaemonSet, a Deployment (rolled out and scaled), a Job, a gated pod and node events (JSON Lines only)',
    )
    .requiredOption('--out <file>', 'output file: .csv for the pod table, anything else JSON Lines')
    .action((opts) =>
      runCommand(async () => {
        const [{ generateTrace }, { traceFormatOf }, { BufferedWriter }, { parseSeed }] = await Promise.all([
          import('../traces/generate.js'),
          import('../traces/reader.js'),
          import('../traces/writer.js'),
          import('./options.js'),
        ]);
        const hours = Number(opts.hours);
        if (!Number.isFinite(hours) || hours <= 0) {
          throw new InputError([
            {
              code: 'option',
              path: '--hours',
              message: `expected a positive number, got ${JSON.stringify(opts.hours)}`,
            },
          ]);
        }
        const format = traceFormatOf(opts.out);
        const out = BufferedWriter.open(opts.out);
        try {
          generateTrace(
            {
              pods: positiveInt(opts.pods, '--pods'),
              seed: parseSeed(opts.seed),
              hours,
              gpuFraction: share(opts.gpuFraction, '--gpu-fraction'),
              workloads: Boolean(opts.workloads),
              format,
            },
            out,
          );
        } finally {
          out.close();
        }
        process.stdout.write(`wrote ${opts.out}\n`);
      }),
    );
  trace
    .command('check')
    .description('report every bad row of a trace (file:line field: problem)')
    .argument('<file>', 'trace file (.jsonl or .csv)')
    .action((file: string) =>
      runCommand(async () => {
        const { scanTrace } = await import('../traces/reader.js');
        const scan = scanTrace(file, 1000);
        if (scan.badRows === 0) {
          process.stdout.write(`${file}: ${scan.rows} rows, no problems\n`);
          return;
        }
        const more = scan.more > 0 ? [{ code: 'trace', file, message: `… and ${scan.more} more problems` }] : [];
        throw new InputError([
          ...scan.problems,
          ...more,
          { code: 'trace', file, message: `${scan.badRows} of ${scan.rows} rows have problems` },
        ]);
      }),
    );
}
