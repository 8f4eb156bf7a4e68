// berth demo: the README's first command. Schedules the bundled example cluster and shows why
// each pod went where it did.
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { runCommand } from './run.js';

/** The bundled cluster, found relative to the compiled file (dist/src/cli → repo root). */
export const DEMO_CLUSTER = fileURLToPath(new URL('../../../traces/clusters/demo.yaml', import.meta.url));

export function register(program: Command): void {
  program
    .command('demo')
    .description('schedule the bundled example cluster (traces/clusters/demo.yaml) and explain each placement')
    .action(() =>
      runCommand(async () => {
        const [{ loadCluster }, { chooseProfile }, { scheduleAll }, { formatScheduleTable }] = await Promise.all([
          import('../load/load.js'),
          import('../framework/config-file.js'),
          import('../engine/schedule-all.js'),
          import('../report/schedule-table.js'),
        ]);
        const { cluster } = await loadCluster([DEMO_CLUSTER]);
        const output = scheduleAll(cluster, chooseProfile({}), { tieBreak: 'first', seed: 1, explain: true });
        process.stdout.write(`berth demo: ${DEMO_CLUSTER}\n`);
        process.stdout.write(formatScheduleTable(output));
      }),
    );
}
