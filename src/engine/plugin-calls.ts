// Calling a plugin's Filter or Score over a list of nodes: its batch form when it has one, else node
// by node (the two give the same answers; batch forms save a call per node). Shared by the full
// cycle, the node-local cache, the replay's short cycle and its kept rejections.
import type { Cycle, Plugin } from '../framework/plugin.js';
import { MAX_NODE_SCORE } from '../framework/plugin.js';

/** codes[i] = the plugin's Filter code for nodes[i], i < count. */
export function filterCodes(
  cycle: Cycle,
  plugin: Plugin,
  state: unknown,
  nodes: Int32Array,
  count: number,
  codes: Uint8Array,
): void {
  if (plugin.filterBatch) plugin.filterBatch(cycle, state, nodes, count, codes);
  else for (let i = 0; i < count; i++) codes[i] = plugin.filter!(cycle, state, nodes[i]);
}

/** out[i] = the plugin's raw Score for nodes[i], i < count. */
export function rawScores(
  cycle: Cycle,
  plugin: Plugin,
  state: unknown,
  nodes: Int32Array,
  count: number,
  out: Float64Array,
): void {
  if (plugin.scoreBatch) plugin.scoreBatch(cycle, state, nodes, count, out);
  else for (let i = 0; i < count; i++) out[i] = plugin.score!(cycle, state, nodes[i]);
}

/** The score, or an error naming the plugin when it is outside 0..MAX_NODE_SCORE. */
export function checkedScore(plugin: Plugin, s: number): number {
  if (s < 0 || s > MAX_NODE_SCORE) throw new Error(`plugin ${plugin.name} returned score ${s}, outside 0..100`);
  return s;
}
