// PreFilter results of node-local plugins (Plugin.nodeLocalKey), reused across pods with the same
// key: the contract says such pods get the same outcome, and the node-local cache
// already evaluates nodes for one pod with another's states. Kept per Scheduler (so per snapshot:
// interned ids in a state stay valid) and forgotten when the node set changes (as the node-local
// cache is: ImageLocality counts nodes with each image), and only for the replay's full cycles
// (choiceOnly), where thousands of pods share a handful of shapes; its short cycle keeps such
// results per pod shape (src/engine/pod-shapes.ts).
import type { Cycle, Plugin, PreFilterResult } from '../framework/plugin.js';
import type { Snapshot } from '../snapshot/snapshot.js';

/** Keys remembered per plugin before its table starts over. */
const MAX_KEYS = 4096;

export class NodeLocalResults {
  private readonly preFilters = new Map<Plugin, Map<string, PreFilterResult<unknown>>>();
  private nodeCount = -1;

  constructor(private readonly snapshot: Snapshot) {}

  /** Forgets every result when the node set changed since the last call. */
  private current(): void {
    if (this.snapshot.nodeCount === this.nodeCount) return;
    this.preFilters.clear();
    this.nodeCount = this.snapshot.nodeCount;
  }

  /** The plugin's PreFilter for the cycle's pod, from an earlier pod with the same key when there was one. */
  preFilter(plugin: Plugin, cycle: Cycle): PreFilterResult<unknown> {
    if (!plugin.nodeLocalKey) return plugin.preFilter!(cycle);
    this.current();
    return remembered(this.preFilters, plugin, plugin.nodeLocalKey(cycle), () => plugin.preFilter!(cycle));
  }
}

function remembered<R>(tables: Map<Plugin, Map<string, R>>, plugin: Plugin, key: string, run: () => R): R {
  let table = tables.get(plugin);
  if (table === undefined) {
    table = new Map();
    tables.set(plugin, table);
  }
  let r = table.get(key);
  if (r === undefined) {
    r = run();
    if (table.size >= MAX_KEYS) table.clear();
    table.set(key, r);
  }
  return r;
}
