#!/usr/bin/env node
// berth's command line: one file per command, each exporting `register(program)`.
// Kept light at start-up: a command's heavy modules load only when that command runs.
import { Command } from 'commander';
import { register as registerBench } from './bench.js';
import { register as registerDemo } from './demo.js';
import { register as registerRecord } from './record.js';
import { register as registerReplay } from './replay.js';
import { register as registerSchedule } from './schedule.js';
import { register as registerServe } from './serve.js';
import { register as registerSnapshot } from './snapshot.js';
import { register as registerTrace } from './trace.js';
import { register as registerValidate } from './validate.js';

const program = new Command('berth')
  .description('Kubernetes scheduling and capacity planning: kube-scheduler v1.35 decisions, live and offline.')
  .version('0.1.0')
  .showHelpAfterError();

registerDemo(program);
registerSchedule(program);
registerReplay(program);
registerTrace(program);
registerServe(program);
registerValidate(program);
registerSnapshot(program);
registerRecord(program);
registerBench(program);

await program.parseAsync(process.argv);
