// A whole replay, files in and files out: load the cluster and the scheduler configuration, check
// the trace (every bad row is reported before anything runs, unless they are to be skipped), run
// the simulator, and write summary.json, timeseries.csv, report.html and optionally
// placements.jsonl. Outputs are written into a temporary directory beside `outDir` and renamed
// into place at the end, so they appear complete or not at all. Nothing in them depends on the
// wall clock: same inputs and seed, same bytes.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinRegistry } from '../../plugins/index.js';
import { InputError, type Problem } from '../api/problem.js';
import { chooseProfile, readSchedulerConfig } from '../framework/config-file.js';
import type { Registry } from '../framework/registry.js';
import { loadCluster } from '../load/load.js';
import { publishOutputDir, startOutputDir } from '../report/output-dir.js';
import { replayReportHtml } from '../report/replay-html.js';
import { openTrace, scanTrace } from '../traces/reader.js';
import { BufferedWriter } from '../traces/writer.js';
import { type Progress, type ReplaySummary, Simulator } from './simulator.js';

export interface ReplayOptions {
  cluster: string;
  trace: string;
  config?: string;
  profile?: string;
  seed: number;
  /** End of the replay in simulated seconds (default: the last trace event). */
  until?: number;
  out: string;
  placements?: boolean;
  skipBadRows?: boolean;
  /** Extra plugins (custom modules) already registered. */
  registry?: Registry;
  onProgress?: (p: Progress) => void;
  /** Problems listed when the trace has bad rows (the rest are counted). */
  maxProblems?: number;
}

export const OUTPUT_FILES = ['summary.json', 'timeseries.csv', 'report.html', 'placements.jsonl'] as const;

/** The built-in registry plus berth's own simulator plugins. */

export async function replay(opts: ReplayOptions): Promise<ReplaySummary> {
  const registry = opts.registry ?? builtinRegistry();
  const config = opts.config ? await readSchedulerConfig(opts.config) : undefined;
  const profile = chooseProfile({ config, configFile: opts.config, profileName: opts.profile, registry });
  const { cluster } = await loadCluster([opts.cluster]);
  for (const key of ['podInitialBackoffSeconds', 'podMaxBackoffSeconds'] as const) {
    const v = config?.[key];
    if (v !== undefined && !(typeof v === 'number' && v > 0)) {
      throw new InputError([
        {
          code: 'config',
          file: opts.config,
          path: key,
          message: `expected a positive number of seconds, got ${JSON.stringify(v)}`,
        },
      ]);
    }
  }

  // Every bad row is listed before anything runs; when they are to be skipped, the simulator counts
  // and lists them itself, and a pass over the trace first would only cost time (~2 s per 1M rows).
  const scan = opts.skipBadRows ? null : scanTrace(opts.trace, opts.maxProblems ?? 50);
  if (scan && scan.badRows > 0) {
    const problems: Problem[] = [...scan.problems];
    if (scan.more > 0)
      problems.push({
        code: 'trace',
        file: opts.trace,
        message: `… and ${scan.more} more problems (${scan.badRows} bad rows in all)`,
      });
    problems.push({
      code: 'trace',
      file: opts.trace,
      message: 'fix these rows, or pass --skip-bad-rows to replay without them',
    });
    throw new InputError(problems);
  }

  const { out, tmp } = startOutputDir(opts.out);
  const timeseries = BufferedWriter.open(join(tmp, 'timeseries.csv'));
  const placements = opts.placements ? BufferedWriter.open(join(tmp, 'placements.jsonl')) : null;
  try {
    const sim = new Simulator(cluster, {
      profile,
      seed: opts.seed,
      queue: {
        initialBackoffSeconds: config?.podInitialBackoffSeconds ?? 1,
        maxBackoffSeconds: config?.podMaxBackoffSeconds ?? 10,
      },
      skipBadRows: opts.skipBadRows,
      until: opts.until,
      traceName: opts.trace,
      timeseries,
      placements,
      onProgress: opts.onProgress,
    });
    const reader = openTrace(opts.trace);
    let result: ReturnType<Simulator['run']>;
    try {
      result = sim.run(reader);
    } finally {
      reader.close();
    }
    timeseries.close();
    placements?.close();
    writeFileSync(join(tmp, 'summary.json'), `${JSON.stringify(result.summary, null, 2)}\n`);
    writeFileSync(join(tmp, 'report.html'), replayReportHtml(result.summary, result.chart, result.resources));
    publishOutputDir(tmp, out);
    return result.summary;
  } catch (err) {
    timeseries.close();
    placements?.close();
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}
