// Runs one plugin alone over a test cluster, the way the engine would.
import type { ClusterSnapshot, Pod } from '../../src/api/types.js';
import type { Cycle, Handle, Plugin, PluginDefinition } from '../../src/framework/plugin.js';
import { CODE_NAMES, type CodeName, SKIP } from '../../src/framework/status.js';
import { Snapshot } from '../../src/snapshot/snapshot.js';

export const TEST_HANDLE: Handle = { schedulerName: 'default-scheduler', ignoredResources: new Set() };

export function instantiate<A>(def: PluginDefinition<A>, rawArgs?: unknown): Plugin {
  const parsed = def.parseArgs ? def.parseArgs(rawArgs, 'args') : { args: undefined as A, problems: [] };
  if (parsed.problems.length > 0) throw new Error(parsed.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return def.create(parsed.args, TEST_HANDLE);
}

export interface PluginRun {
  snapshot: Snapshot;
  cycle: Cycle;
  /** Node name → code name ('Skip' for every node when PreFilter skipped). */
  filter: Record<string, CodeName>;
  reasons: Record<string, string[]>;
  /** Node name → normalised score over all nodes (undefined when PreScore skipped). */
  scores?: Record<string, number>;
  raw?: Record<string, number>;
}

/** Filters every node, then scores every node (as if all were feasible). */
export function runPlugin<A>(
  def: PluginDefinition<A>,
  cluster: ClusterSnapshot,
  pod: Pod,
  rawArgs?: unknown,
): PluginRun {
  const plugin = instantiate(def, rawArgs);
  const snapshot = new Snapshot(cluster);
  const cycle: Cycle = { pod: snapshot.podInfo(pod), snapshot };
  const filter: Record<string, CodeName> = {};
  const reasons: Record<string, string[]> = {};
  if (plugin.filter) {
    const pre = plugin.preFilter ? plugin.preFilter(cycle) : { code: 0 as const, state: undefined };
    for (let n = 0; n < snapshot.nodeCount; n++) {
      const name = snapshot.nodeNames[n];
      if (pre.code === SKIP) {
        filter[name] = 'Skip';
        continue;
      }
      if (pre.code !== 0) {
        filter[name] = CODE_NAMES[pre.code];
        reasons[name] = pre.reasons ?? [];
        continue;
      }
      const code = plugin.filter(cycle, pre.state, n);
      filter[name] = CODE_NAMES[code];
      if (code !== 0 && plugin.filterReasons) reasons[name] = plugin.filterReasons(cycle, pre.state, n);
    }
  }
  const run: PluginRun = { snapshot, cycle, filter, reasons };
  if (plugin.score) {
    const all = Int32Array.from({ length: snapshot.nodeCount }, (_, i) => i);
    const pre = plugin.preScore ? plugin.preScore(cycle, all) : { code: 0 as const, state: undefined };
    if (pre.code !== SKIP) {
      const scores = Float64Array.from(all, (n) => plugin.score!(cycle, pre.state, n));
      const raw = Float64Array.from(scores);
      plugin.normalizeScore?.(cycle, pre.state, all, scores);
      run.scores = Object.fromEntries(snapshot.nodeNames.map((name, i) => [name, scores[i]]));
      run.raw = Object.fromEntries(snapshot.nodeNames.map((name, i) => [name, raw[i]]));
    }
  }
  return run;
}
