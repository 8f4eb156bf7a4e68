// Entry point of a benchmark child process: one task (a workload measurement or the plugin
// micro-benchmarks) from argv as JSON, its result sent back over IPC. Started by bench/spawn.ts.
import { type MeasureOptions, measureWorkload } from './measure.js';
import { type MicroOptions, runMicro } from './micro.js';

export type ChildTask = { kind: 'schedule'; options: MeasureOptions } | { kind: 'micro'; options: MicroOptions };

const task = JSON.parse(process.argv[2] ?? '{}') as ChildTask;
const result = task.kind === 'schedule' ? await measureWorkload(task.options) : await runMicro(task.options);
if (!process.send) throw new Error('bench/child.js must be started with an IPC channel (bench/spawn.ts)');
process.send(result, () => process.disconnect());
