// Runs the simulator over events written as a JSON Lines trace, with the default profile.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinRegistry } from '../../plugins/index.js';
import type { ClusterSnapshot, KubeSchedulerConfiguration, Pod } from '../../src/api/types.js';
import { chooseProfile } from '../../src/framework/config-file.js';
import { type ReplaySummary, Simulator, type SimulatorOptions } from '../../src/sim/simulator.js';
import { openTrace } from '../../src/traces/reader.js';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'berth-sim-'));
}

/** Writes rows (objects become JSON lines, strings are written as they are). */
export function writeTrace(rows: readonly unknown[], name = 'trace.jsonl'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n');
  return path;
}

export interface SimRun {
  sim: Simulator;
  summary: ReplaySummary;
  /** placements.jsonl records. */
  log: Record<string, unknown>[];
}

export function simulate(
  cluster: ClusterSnapshot,
  rows: readonly unknown[],
  o: Partial<SimulatorOptions> & { config?: KubeSchedulerConfiguration } = {},
): SimRun {
  const path = writeTrace(rows);
  const profile = chooseProfile({ config: o.config, registry: builtinRegistry() });
  const log: Record<string, unknown>[] = [];
  const sim = new Simulator(cluster, {
    profile,
    seed: 1,
    traceName: path,
    placements: { line: (l) => log.push(JSON.parse(l)) },
    ...o,
  });
  const reader = openTrace(path);
  const { summary } = sim.run(reader);
  reader.close();
  return { sim, summary, log };
}

export function podEvent(t: number, pod: Pod, duration?: number): Record<string, unknown> {
  return { t, type: 'pod-create', pod, ...(duration !== undefined ? { duration } : {}) };
}

/** placements.jsonl records of one kind, as [time, pod, node]. */
export function events(log: Record<string, unknown>[], kind: string): [number, string, string][] {
  return log.filter((r) => r.event === kind).map((r) => [r.t as number, r.pod as string, r.node as string]);
}

/** A ReplicaSet or Deployment `default/web` (pods labelled app=web, one container) requesting `requests`. */
export function webWorkload<K extends 'ReplicaSet' | 'Deployment'>(
  kind: K,
  replicas: number,
  requests: Record<string, string>,
) {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'main', image: 'web:1', resources: { requests } }] },
      },
    },
  };
}
