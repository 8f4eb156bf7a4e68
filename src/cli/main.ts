#!/usr/bin/env node
// berth's command line: one file per command, each exporting `register(program)`.
// Kept light at start-up: a command's heavy modules load only when that command runs.
import { Command } from 'commander';
import { register as registerBench } from './bench.js';
import { register as registerCapacity } from './capacity.js';
import { register as registerDemo } from './demo.js';
import { register as registerGpuSweep } from './gpu-sweep.js';
import { register as registerRecord } from './record.js';
import { register as registerReplay } from './replay.js';
import { register as registerSchedule } from './schedule.js';
import { register as registerServe } from './serve.js';
import { register as registerSnapshot } from './snapshot.js';
import { register as registerTrace } from './trace.js';
import { register as registerValidate } from './validate.js';
import { register as registerWhatif } from './whatif.js';

const program = new Command('berth')
  .description('Kubernetes scheduling and capacity planning: kube-scheduler v1.35 decisions, live and offline.')
  .version('0.1.0')
  .showHelpAfterError()
  // Lets a command's subcommand own the options after its name (`whatif merge DIR… --out DIR`).
  .enablePositionalOptions();

registerDemo(program);
registerSchedule(program);
registerReplay(program);
registerTrace(program);
registerServe(program);
registerValidate(program);
registerSnapshot(program);
registerRecord(program);
registerBench(program);
registerCapacity(program);
registerWhatif(program);
registerGpuSweep(program);

await program.parseAsync(process.argv);
