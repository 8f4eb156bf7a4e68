// berth capacity: what-if questions over a snapshot. Each subcommand lives in its own file.
import type { Command } from 'commander';
import { registerSurvive } from './capacity-survive.js';

export function register(program: Command): void {
  const capacity = program.command('capacity').description('capacity what-ifs over a cluster snapshot');
  registerSurvive(capacity);
}
