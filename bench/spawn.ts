// Runs a benchmark task in a child process (node --expose-gc dist/bench/child.js), so each
// workload has its own heap and its own peak RSS, and a stuck task can be stopped.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildTask } from './child.js';
import type { MeasureResult } from './measure.js';
import type { MicroResult } from './micro.js';

export interface SpawnOptions {
  /** Kill the child after this long. */
  timeoutSeconds: number;
  /** Write a V8 CPU profile (.cpuprofile) of the child into this directory. */
  cpuProfDir?: string;
}

const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));

export function runInChild(task: { kind: 'schedule' } & ChildTask, o: SpawnOptions): Promise<MeasureResult>;
export function runInChild(task: { kind: 'micro' } & ChildTask, o: SpawnOptions): Promise<MicroResult>;
export function runInChild(task: ChildTask, o: SpawnOptions): Promise<MeasureResult | MicroResult> {
  const execArgv = ['--expose-gc'];
  if (o.cpuProfDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`);
  const child = fork(CHILD, [JSON.stringify(task)], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let result: MeasureResult | MicroResult | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out after ${o.timeoutSeconds} s`));
    }, o.timeoutSeconds * 1000);
    child.on('message', (m) => {
      result = m as MeasureResult | MicroResult;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (result !== undefined) resolve(result);
      else reject(new Error(`benchmark child exited with ${signal ?? `code ${code}`}`));
    });
  });
}
