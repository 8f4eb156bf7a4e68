// `berth whatif`: every scenario on the same trace, each in its own worker thread (at most one per
// core), results gathered in scenario order whatever order they finish in, then written at once
// into --out (a temporary directory renamed into place): comparison.json (full detail, also what
// `whatif merge` reads), comparison.csv, comparison.md and report.html. No wall-clock value goes
// into the outputs: same trace, scenarios and seed, same bytes.
// --shard i/n runs scenarios i, i+n, i+2n, … (0-based) of the list; `merge` combines shard outputs.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { InputError, type Problem } from '../api/problem.js';
import { writeOutputDir } from '../report/output-dir.js';
import { whatifReportHtml } from '../report/whatif-html.js';
import { scanTrace } from '../traces/reader.js';
import {
  comparisonCsv,
  comparisonMarkdown,
  comparisonRow,
  policyTimeseriesCsv,
  timeseriesFileName,
} from './compare.js';
import type { ScenarioResult } from './run-scenario.js';
import { readScenario } from './scenario.js';

export interface Shard {
  index: number;
  count: number;
}

export interface WhatifOptions {
  trace: string;
  scenarios: string[];
  seed: number;
  out: string;
  shard?: Shard;
  /** Worker threads at once (default: available cores, at most the number of scenarios). */
  threads?: number;
}

export interface Comparison {
  trace: string;
  seed: number;
  /** Scenario files in the order given (all of them, also when sharded). */
  scenarioFiles: string[];
  shards: string[];
  scenarios: (ScenarioResult & { row: ReturnType<typeof comparisonRow> })[];
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2]))
    throw new InputError([
      {
        code: 'option',
        path: '--shard',
        message: `expected i/n with 0 ≤ i < n (e.g. 0/4), got ${JSON.stringify(text)}`,
      },
    ]);
  return { index: Number(m[1]), count: Number(m[2]) };
}

function runInWorker(task: {
  scenarioFile: string;
  trace: string;
  seed: number;
  index: number;
}): Promise<ScenarioResult> {
  return new Promise((done, fail) => {
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: task });
    let answered = false;
    worker.once('message', (m: { result?: ScenarioResult; problems?: Problem[] }) => {
      answered = true;
      if (m.problems) fail(new InputError(m.problems));
      else done(m.result!);
    });
    worker.once('error', fail);
    worker.once('exit', (code) => {
      if (!answered) fail(new Error(`what-if worker for ${task.scenarioFile} exited with code ${code}`));
    });
  });
}

async function pool<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await run(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

export async function whatif(o: WhatifOptions): Promise<Comparison> {
  if (o.scenarios.length === 0)
    throw new InputError([{ code: 'option', path: '--scenario', message: 'give at least one scenario file' }]);
  // Check every scenario and the trace before starting any worker: all problems at once.
  const problems: Problem[] = [];
  for (const file of o.scenarios) {
    try {
      readScenario(file);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      problems.push(...err.problems);
    }
  }
  const scan = scanTrace(o.trace, 50);
  problems.push(...scan.problems);
  if (problems.length > 0) throw new InputError(problems);
  const shard = o.shard ?? { index: 0, count: 1 };
  const tasks = o.scenarios
    .map((file, index) => ({ scenarioFile: resolve(file), trace: resolve(o.trace), seed: o.seed, index }))
    .filter((t) => t.index % shard.count === shard.index);
  const limit = o.threads ?? Math.max(1, availableParallelism());
  const results = await pool(tasks, limit, runInWorker);
  const comparison: Comparison = {
    trace: basename(o.trace),
    seed: o.seed,
    scenarioFiles: o.scenarios.map((f) => basename(f)),
    shards: [`${shard.index}/${shard.count}`],
    scenarios: results.map((r) => ({ ...r, row: comparisonRow(r) })),
  };
  writeOutputs(comparison, o.out);
  return comparison;
}

/** Combines the comparison.json of shard directories (each scenario once, in list order). */
export function merge(dirs: readonly string[], out: string): Comparison {
  const parts: Comparison[] = dirs.map((dir) => {
    const file = join(dir, 'comparison.json');
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Comparison;
    } catch {
      throw new InputError([{ code: 'merge', file, message: 'cannot read a what-if comparison.json here' }]);
    }
  });
  const first = parts[0];
  const problems: Problem[] = [];
  const seen = new Map<number, string>();
  const scenarios: Comparison['scenarios'] = [];
  parts.forEach((p, i) => {
    if (
      p.trace !== first.trace ||
      p.seed !== first.seed ||
      p.scenarioFiles.join('\n') !== first.scenarioFiles.join('\n')
    )
      problems.push({
        code: 'merge',
        file: join(dirs[i], 'comparison.json'),
        message: `not the same sweep as ${dirs[0]} (trace, seed and scenario list must match)`,
      });
    for (const s of p.scenarios) {
      if (seen.has(s.index)) {
        problems.push({
          code: 'merge',
          file: join(dirs[i], 'comparison.json'),
          message: `scenario ${s.name} also in ${seen.get(s.index)}`,
        });
        continue;
      }
      seen.set(s.index, dirs[i]);
      scenarios.push(s);
    }
  });
  if (problems.length > 0) throw new InputError(problems);
  const missing = first.scenarioFiles.filter((_, i) => !seen.has(i));
  const comparison: Comparison = {
    trace: first.trace,
    seed: first.seed,
    scenarioFiles: first.scenarioFiles,
    shards: parts.flatMap((p) => p.shards).sort(),
    scenarios: scenarios.sort((a, b) => a.index - b.index),
  };
  if (missing.length > 0) process.stderr.write(`warning: no results yet for ${missing.join(', ')}\n`);
  writeOutputs(comparison, out);
  return comparison;
}

function writeOutputs(c: Comparison, outDir: string): void {
  writeOutputDir(outDir, (tmp) => {
    const rows = c.scenarios.map((s) => s.row);
    writeFileSync(join(tmp, 'comparison.json'), `${JSON.stringify(c, null, 1)}\n`);
    writeFileSync(join(tmp, 'comparison.csv'), comparisonCsv(rows));
    writeFileSync(join(tmp, 'comparison.md'), comparisonMarkdown(rows));
    writeFileSync(join(tmp, 'report.html'), whatifReportHtml(c.trace, c.scenarios, rows));
    mkdirSync(join(tmp, 'timeseries'));
    for (const s of c.scenarios)
      writeFileSync(join(tmp, 'timeseries', timeseriesFileName(s)), policyTimeseriesCsv(s.policy));
  });
}
