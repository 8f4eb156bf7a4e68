// berth demo: the README's first command. Replays the bundled day-long trace on the bundled
// cluster, prints the summary and leaves the report in replay-out/.
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { runCommand } from './run.js';

const repo = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

/** The bundled inputs, found relative to the compiled file (dist/src/cli → repo root). */
export const DEMO_CLUSTER = repo('traces/clusters/demo.yaml');
export const DEMO_TRACE = repo('traces/demo-trace.jsonl');

export function register(program: Command): void {
  program
    .command('demo')
    .description('replay the bundled trace on the bundled cluster and summarise it (the README quick start)')
    .option('--out <dir>', 'where to write summary.json, timeseries.csv and report.html', 'replay-out')
    .action((opts: { out: string }) =>
      runCommand(async () => {
        const [{ replay }, { formatReplaySummary }] = await Promise.all([
          import('../sim/replay.js'),
          import('../report/replay-text.js'),
        ]);
        process.stdout.write(
          `berth demo: replaying ${relative('.', DEMO_TRACE)} on ${relative('.', DEMO_CLUSTER)}\n\n`,
        );
        const summary = await replay({
          cluster: relative('.', DEMO_CLUSTER),
          trace: relative('.', DEMO_TRACE),
          seed: 1,
          out: opts.out,
        });
        process.stdout.write(formatReplaySummary(summary, opts.out));
        process.stdout.write(
          '\nNext: `node dist/src/cli/main.js schedule --snapshot traces/clusters/demo.yaml` explains each pending pod.\n',
        );
      }),
    );
}
