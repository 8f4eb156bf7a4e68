// Conformance cases for the capture tests: reading them, and scheduling a cluster the way the
// conformance check does (first node in input order breaks ties), as comparable JSON.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterSnapshot, KubeSchedulerConfiguration } from '../../src/api/types.js';
import { scheduleAll } from '../../src/engine/schedule-all.js';
import { chooseProfile, readSchedulerConfig } from '../../src/framework/config-file.js';
import { loadClusterFromText } from '../../src/load/load.js';
import type { Obj } from '../helpers/fake-apiserver.js';

export const CASES_DIR = join(import.meta.dirname, '../../../../shared/conformance/public');

export const CASE_IDS: string[] = readdirSync(CASES_DIR)
  .filter((f) => f.endsWith('.case.json'))
  .map((f) => f.slice(0, -'.case.json'.length))
  .sort();

export function readCase(id: string): Record<string, Obj[]> {
  return JSON.parse(readFileSync(join(CASES_DIR, `${id}.case.json`), 'utf8')) as Record<string, Obj[]>;
}

/** The case's scheduler configuration, or undefined for the default profile. */
export async function caseConfig(id: string): Promise<KubeSchedulerConfiguration | undefined> {
  const file = join(CASES_DIR, `${id}.config.yaml`);
  return existsSync(file) ? await readSchedulerConfig(file) : undefined;
}

/** Every pending pod's result, as JSON text. */
export function scheduleText(snapshot: unknown, config: KubeSchedulerConfiguration | undefined): string {
  const { cluster } = loadClusterFromText(JSON.stringify(snapshot), 'snapshot.json');
  return scheduleCluster(cluster, config);
}

export function scheduleCluster(cluster: ClusterSnapshot, config: KubeSchedulerConfiguration | undefined): string {
  const profile = chooseProfile({ config });
  const out = scheduleAll(cluster, profile, { tieBreak: 'first', seed: 1, explain: true });
  return JSON.stringify(out.results);
}
