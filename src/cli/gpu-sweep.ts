// berth gpu-sweep: the FGD study's experiment on the Alibaba GPU trace (docs/gpu.md): every trace
// variant × policy × seed, filled to a target load, allocation curves to CSV, a table and a plot.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../api/problem.js';
import { parseSeed } from './options.js';
import { runCommand } from './run.js';

const TASK_FILE = /^openb_pod_list_(.+)\.csv$/;

export function register(program: Command): void {
  program
    .command('gpu-sweep')
    .description('replay Alibaba GPU trace variants under GPU-sharing policies (FGD study) and compare GPU allocation')
    .requiredOption('--data <dir>', 'folder of the trace (openb_node_list_*.csv, openb_pod_list_*.csv)')
    .option('--nodes <file>', 'node list (default: DIR/openb_node_list_all_node.csv)')
    .option(
      '--traces <names>',
      'comma-separated trace variants, e.g. default,gpushare40 (default: every openb_pod_list_*.csv)',
    )
    .option(
      '--policies <names>',
      'comma-separated: random,dotprod,packing,clustering,bestfit,fgd',
      'random,dotprod,packing,clustering,bestfit,fgd',
    )
    .option('--seeds <list>', 'comma-separated seeds', '1,2,3')
    .option('--target-load <x>', 'stop sampling tasks at this multiple of cluster GPU capacity', '1.3')
    .option('--workers <n>', 'worker threads (default: 2)', '2')
    .requiredOption('--out <dir>', 'directory for curves.csv, final.md, allocation.svg (replaced when it exists)')
    .action((opts) => runCommand(() => gpuSweepCommand(opts)));
}

export interface GpuSweepCliOptions {
  data: string;
  nodes?: string;
  traces?: string;
  policies: string;
  seeds: string;
  targetLoad: string;
  workers: string;
  out: string;
}

function option(path: string, message: string): InputError {
  return new InputError([{ code: 'option', path, message }]);
}

export async function gpuSweepCommand(opts: GpuSweepCliOptions): Promise<void> {
  const [{ GPU_POLICIES }, { sweep }] = await Promise.all([
    import('../../plugins/gpu/index.js'),
    import('../gpu/sweep.js'),
  ]);
  if (!existsSync(opts.data)) throw option('--data', `expected a folder, ${opts.data} does not exist`);
  const available = new Map<string, string>();
  for (const f of readdirSync(opts.data).sort()) {
    const m = TASK_FILE.exec(f);
    if (m) available.set(m[1], join(opts.data, f));
  }
  const names = opts.traces ? opts.traces.split(',').map((s) => s.trim()) : [...available.keys()];
  for (const n of names) {
    if (!available.has(n))
      throw option('--traces', `expected one of ${[...available.keys()].join(', ')}; got ${JSON.stringify(n)}`);
  }
  const policies = opts.policies.split(',').map((s) => s.trim());
  for (const p of policies) {
    if (!(p in GPU_POLICIES))
      throw option('--policies', `expected some of ${Object.keys(GPU_POLICIES).join(', ')}; got ${JSON.stringify(p)}`);
  }
  const seeds = opts.seeds.split(',').map((s) => parseSeed(s.trim()));
  const targetLoad = Number(opts.targetLoad);
  if (!(targetLoad > 0 && targetLoad <= 10))
    throw option('--target-load', `expected a number above 0 and at most 10, got ${JSON.stringify(opts.targetLoad)}`);
  const workers = Number(opts.workers);
  if (!(Number.isInteger(workers) && workers >= 1 && workers <= 64))
    throw option('--workers', `expected 1 to 64, got ${JSON.stringify(opts.workers)}`);
  const nodesFile = opts.nodes ?? join(opts.data, 'openb_node_list_all_node.csv');
  const started = performance.now();
  const tty = process.stderr.isTTY && !process.env.CI;
  const result = await sweep({
    nodesFile,
    traces: names.map((name) => ({ name, file: available.get(name)! })),
    policies: policies as (keyof typeof GPU_POLICIES)[],
    seeds,
    targetLoad,
    workers,
    out: opts.out,
    onProgress: tty ? (done, total) => process.stderr.write(`\r${done}/${total} runs`) : undefined,
  });
  if (tty) process.stderr.write('\n');
  const { finalMarkdown } = await import('../gpu/sweep.js');
  process.stdout.write(finalMarkdown(result.final, policies as (keyof typeof GPU_POLICIES)[]));
  process.stdout.write(
    `${result.runs.length} runs in ${((performance.now() - started) / 1000).toFixed(1)} s; wrote ${opts.out}/curves.csv, final.md, allocation.svg\n`,
  );
}
