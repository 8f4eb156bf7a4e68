// The scheduling workloads: upstream scheduler_perf shapes written by ../shared/bench/genperf.py,
// plus basic-50000 generated here. Snapshots are generated once into bench/.cache (gitignored).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBasicWorkload } from './generate-basic.js';

export interface Workload {
  name: string;
  /** How the snapshot is made: genperf.py's workload of that name, or a function of the output path. */
  generate: 'genperf' | ((path: string) => void);
  /** kube-scheduler's pods/s from issue 4: every node scored, and default sampling. */
  kubeScheduler?: { everyNode: number; sampled: number };
}

export const WORKLOADS: readonly Workload[] = [
  { name: 'basic-500', generate: 'genperf', kubeScheduler: { everyNode: 1182, sampled: 2256 } },
  { name: 'basic-5000', generate: 'genperf', kubeScheduler: { everyNode: 167, sampled: 1161 } },
  { name: 'basic-15000', generate: 'genperf', kubeScheduler: { everyNode: 51, sampled: 831 } },
  { name: 'basic-50000', generate: (path) => writeBasicWorkload(path, 50_000, 0, 3_000) },
  { name: 'antiaffinity-5000', generate: 'genperf', kubeScheduler: { everyNode: 114, sampled: 274 } },
  { name: 'spread-5000', generate: 'genperf', kubeScheduler: { everyNode: 98, sampled: 380 } },
  { name: 'affinity-mixed-1000', generate: 'genperf', kubeScheduler: { everyNode: 434, sampled: 488 } },
];

/** The micro-benchmarks' cluster: genperf's affinity-mixed templates at 5,000 nodes and 5,000 bound pods. */
export const MICRO_WORKLOAD: Workload = {
  name: 'mixed-5000',
  generate: (path) =>
    runPython(
      `import genperf, json; json.dump(genperf.affinity_mixed(5000, 5000, 50), open(${JSON.stringify(path)}, 'w'), separators=(',', ':'))`,
    ),
};

/** The repository root: the nearest directory above this module that holds package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above bench/');
    dir = up;
  }
  return dir;
}

export function cacheDir(): string {
  return join(repoRoot(), 'bench', '.cache');
}

/** genperf.py: $BERTH_GENPERF, else ../shared/bench/genperf.py beside the repository. */
export function genperfPath(): string {
  return process.env.BERTH_GENPERF ?? join(repoRoot(), '..', 'shared', 'bench', 'genperf.py');
}

function runPython(code: string): void {
  execFileSync(
    'python3',
    ['-c', `import sys; sys.path.insert(0, ${JSON.stringify(dirname(genperfPath()))}); ${code}`],
    {
      stdio: 'inherit',
    },
  );
}

export function findWorkload(name: string): Workload | undefined {
  return [...WORKLOADS, MICRO_WORKLOAD].find((w) => w.name === name);
}

/** Paths of the workloads' snapshots, generating the missing ones (genperf's in one call). */
export function ensureWorkloads(workloads: readonly Workload[]): Map<string, string> {
  const dir = cacheDir();
  mkdirSync(dir, { recursive: true });
  const paths = new Map(workloads.map((w) => [w.name, join(dir, `${w.name}.json`)]));
  const missing = workloads.filter((w) => !existsSync(paths.get(w.name) as string));
  const fromGenperf = missing.filter((w) => w.generate === 'genperf').map((w) => w.name);
  if (fromGenperf.length > 0) {
    process.stderr.write(`generating ${fromGenperf.join(', ')} with genperf.py\n`);
    execFileSync('python3', [genperfPath(), dir, '--only', fromGenperf.join(',')], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  for (const w of missing) {
    if (typeof w.generate === 'function') {
      process.stderr.write(`generating ${w.name}\n`);
      w.generate(paths.get(w.name) as string);
    }
  }
  return paths;
}
