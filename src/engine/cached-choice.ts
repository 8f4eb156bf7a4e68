// A short way through a scheduling cycle for callers that only need the chosen node (the replay):
// when every filter that runs for the pod is node-local, every score plugin that runs is node-local,
// every node is scored (no sampling, no node list, no PreFilter narrowing), the cycle is a few loops
// over the node-local cache instead of the chunked filter walk and per-plugin score passes. It makes
// the same decision as the full cycle, including the random tie-break: ties are met in the same walk
// order and the generator ends in the same state (Rng.reservoirPick). Anything else returns null
// before touching the generator, and the caller runs the full cycle.
import type { Cycle, Plugin } from '../framework/plugin.js';
import { MAX_NODE_SCORE } from '../framework/plugin.js';
import type { Profile } from '../framework/profile.js';
import { SKIP, SUCCESS } from '../framework/status.js';
import type { CacheEntry } from './node-local-cache.js';
import type { PodResult } from './result.js';
import type { Rng } from './rng.js';
import type { TieBreak } from './scheduler.js';

export interface CachedChoiceInput {
  cycle: Cycle;
  profile: Profile;
  entry: CacheEntry;
  /** The node-local filters that run for the pod, and their PreFilter states. */
  filters: readonly Plugin[];
  filterStates: readonly unknown[];
  /** Per profile.score entry: its slot in the cache entry, or -1. */
  scoreSlot: readonly number[];
  /** Where the walk over the nodes starts. */
  start: number;
  rng: Rng;
  tieBreak: TieBreak;
}

/** Reusable per-scheduler buffers, grown to the node count. */
export class ChoiceScratch {
  /** A one-node list for re-evaluating a single changed node. */
  readonly one = new Int32Array(1);
  feasible = new Int32Array(0);
  stale = new Int32Array(0);
  fresh = new Float64Array(0);
  scores = new Float64Array(0);
  totals = new Float64Array(0);
  readonly codes = new Uint8Array(1);

  fit(n: number): void {
    if (this.feasible.length >= n) return;
    this.feasible = new Int32Array(n);
    this.stale = new Int32Array(n);
    this.fresh = new Float64Array(n);
    this.scores = new Float64Array(n);
    this.totals = new Float64Array(n);
  }
}

/** The chosen node's result, or null when the cycle needs the full path. */
export function cachedChoice(input: CachedChoiceInput, scratch: ChoiceScratch): PodResult | null {
  const { cycle, entry, profile } = input;
  const snap = cycle.snapshot;
  const n = snap.nodeCount;
  if (n < 2) return null;
  scratch.fit(n);
  const generation = snap.nodeGeneration;

  // Feasible nodes in walk order; a node changed since the cache saw it is filtered again on the way.
  const filterStamp = entry.filterStamp;
  const pass = entry.pass;
  const feasibleAll = scratch.feasible;
  let found = 0;
  for (let node = input.start, i = 0; i < n; i++, node = node + 1 === n ? 0 : node + 1) {
    if (filterStamp[node] !== generation[node] + 1) refreshFilters(input, scratch, node);
    if (pass[node]) feasibleAll[found++] = node;
  }
  // No feasible node (its message needs every rejection) or one (chosen without scoring): full path.
  if (found < 2) return null;
  const feasible = feasibleAll.subarray(0, found);
  const stale = scratch.stale;
  let staleCount = 0;

  // PreScore as the full cycle runs it; a score plugin outside the cache means the full path.
  const states = new Map<Plugin, unknown>();
  const skipped = new Set<Plugin>();
  const preScore = (plugin: Plugin) => {
    const r = plugin.preScore!(cycle, feasible);
    if (r.code === SKIP) skipped.add(plugin);
    else states.set(plugin, r.state);
  };
  for (const plugin of profile.preScore) preScore(plugin);
  const scorePlugins = profile.score;
  for (const { plugin } of scorePlugins) {
    if (states.has(plugin) || skipped.has(plugin) || !plugin.preScore || profile.preScore.includes(plugin)) continue;
    preScore(plugin);
  }
  for (let j = 0; j < scorePlugins.length; j++) {
    if (input.scoreSlot[j] < 0 && !skipped.has(scorePlugins[j].plugin)) return null;
  }

  // Σ weight × score of the plugins that need no normalisation, refreshed where nodes changed.
  const partial = entry.partial;
  const partialStamp = entry.partialStamp;
  staleCount = collectStale(feasible, found, partialStamp, generation, stale);
  if (staleCount > 0) {
    for (let i = 0; i < staleCount; i++) partial[stale[i]] = 0;
    const fresh = scratch.fresh;
    for (let j = 0; j < scorePlugins.length; j++) {
      const { plugin, weight } = scorePlugins[j];
      if (skipped.has(plugin) || plugin.normalizeScore) continue;
      rawScores(cycle, plugin, states.get(plugin), stale, staleCount, fresh);
      for (let i = 0; i < staleCount; i++) partial[stale[i]] += checked(plugin, fresh[i]) * weight;
    }
    for (let i = 0; i < staleCount; i++) partialStamp[stale[i]] = generation[stale[i]] + 1;
  }

  // Plugins that normalise: raw scores from the cache, normalised over the feasible nodes. When every
  // feasible node's raw score is 0 (no preferred taints, no preferred terms), normalising gives each
  // the same score, which is added once as a constant.
  let totals: Float64Array | null = null;
  let constant = 0;
  for (let j = 0; j < scorePlugins.length; j++) {
    const { plugin, weight } = scorePlugins[j];
    if (skipped.has(plugin) || !plugin.normalizeScore) continue;
    const slot = input.scoreSlot[j];
    const stamp = entry.scoreStamp[slot];
    const raw = entry.raw[slot];
    const state = states.get(plugin);
    const one = scratch.one;
    const fresh = scratch.fresh;
    let maxRaw = 0;
    for (let i = 0; i < found; i++) {
      const node = feasible[i];
      if (stamp[node] !== generation[node] + 1) {
        one[0] = node;
        rawScores(cycle, plugin, state, one, 1, fresh);
        raw[node] = fresh[0];
        stamp[node] = generation[node] + 1;
      }
      if (raw[node] !== 0) maxRaw = 1;
    }
    const scores = scratch.scores.subarray(0, maxRaw === 0 ? 1 : found);
    if (maxRaw === 0) {
      scores[0] = 0;
      plugin.normalizeScore(cycle, state, feasible.subarray(0, 1), scores);
      constant += checked(plugin, scores[0]) * weight;
      continue;
    }
    if (!totals) {
      totals = scratch.totals.subarray(0, found);
      for (let i = 0; i < found; i++) totals[i] = partial[feasible[i]];
    }
    for (let i = 0; i < found; i++) scores[i] = raw[feasible[i]];
    plugin.normalizeScore(cycle, state, feasible, scores);
    for (let i = 0; i < found; i++) totals[i] += checked(plugin, scores[i]) * weight;
  }

  // Select: the top total; ties broken as the full cycle does, in walk order.
  let max = Number.NEGATIVE_INFINITY;
  let ties = 0;
  let chosen = -1;
  if (totals) {
    for (let i = 0; i < found; i++) {
      const t = totals[i];
      if (t > max) {
        max = t;
        ties = 1;
      } else if (t === max) ties++;
    }
    chosen = pickTie(input, feasible, ties, (i) => totals![i] === max);
  } else {
    for (let i = 0; i < found; i++) {
      const t = partial[feasible[i]];
      if (t > max) {
        max = t;
        ties = 1;
      } else if (t === max) ties++;
    }
    chosen = pickTie(input, feasible, ties, (i) => partial[feasible[i]] === max);
  }
  max += constant;
  const chosenNode = snap.nodeNames[chosen];
  return {
    pod: cycle.pod.key,
    preFilter: { code: 'Success' },
    feasibleNodes: [],
    feasibleCount: found,
    filterFailures: {},
    bestNodes: [chosenNode],
    chosenNode,
    maxTotal: max,
  };
}

/** Re-runs the node-local filters on a node that changed and stamps it. */
function refreshFilters(input: CachedChoiceInput, scratch: ChoiceScratch, node: number): void {
  const { cycle, entry } = input;
  const one = scratch.one;
  const codes = scratch.codes;
  one[0] = node;
  let ok = 1;
  for (let c = 0; c < input.filters.length && ok; c++) {
    const plugin = input.filters[c];
    const state = input.filterStates[c];
    if (plugin.filterBatch) plugin.filterBatch(cycle, state, one, 1, codes);
    else codes[0] = plugin.filter!(cycle, state, node);
    if (codes[0] !== SUCCESS) ok = 0;
  }
  entry.pass[node] = ok;
  entry.filterStamp[node] = cycle.snapshot.nodeGeneration[node] + 1;
}

/** The tie the full cycle would choose: the lowest node index, or its reservoir draw in walk order. */
function pickTie(input: CachedChoiceInput, feasible: Int32Array, ties: number, isTop: (i: number) => boolean): number {
  if (input.tieBreak === 'first') {
    let chosen = -1;
    for (let i = 0; i < feasible.length; i++)
      if (isTop(i) && (chosen < 0 || feasible[i] < chosen)) chosen = feasible[i];
    return chosen;
  }
  const pick = input.rng.reservoirPick(ties);
  let seen = 0;
  for (let i = 0; i < feasible.length; i++) {
    if (isTop(i) && ++seen === pick) return feasible[i];
  }
  throw new Error(`tie ${pick} of ${ties} not found`);
}

function rawScores(
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

function checked(plugin: Plugin, s: number): number {
  if (s < 0 || s > MAX_NODE_SCORE) throw new Error(`plugin ${plugin.name} returned score ${s}, outside 0..100`);
  return s;
}

function collectStale(
  nodes: Int32Array,
  count: number,
  stamp: Uint32Array,
  generation: Uint32Array,
  out: Int32Array,
): number {
  let k = 0;
  for (let i = 0; i < count; i++) {
    const node = nodes[i];
    if (stamp[node] !== generation[node] + 1) out[k++] = node;
  }
  return k;
}
