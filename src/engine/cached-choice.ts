// A short way through a scheduling cycle for callers that only need the chosen node (the replay).
// It applies when every filter that runs for the pod is node-local, every score plugin that runs is
// node-local, and every node is scored (no sampling, no node list, no PreFilter narrowing). Then:
//  - a ChoiceTree per node-local cache entry, kept current from the snapshot's node change log, holds
//    each node's filter outcome and Σ weight × score of the plugins that need no normalisation;
//  - a plugin that normalises adds the same score to every node when all its raw scores are 0 (no
//    preferred taints, no preferred node affinity), so it shifts the totals by a constant;
//  - the choice is the tree's top, the random tie-break a reservoir draw (Rng.reservoirPick) mapped
//    to the k-th tie in walk order: O(log nodes) instead of passes over every node.
// When a normalising plugin has raw scores other than 0, a few loops over the cache do the same.
// The decision equals the full cycle's, including the generator's state afterwards. Anything else
// returns -1 before touching the generator, and the caller runs the full cycle.
//
// The caller (Scheduler.scheduleOne) runs PreFilter and PreScore, the node-local plugins' once per
// pod shape (src/engine/pod-shapes.ts); PreScore runs before the feasible nodes are known, with an
// empty list: node-local plugins' scores depend on the node alone, and the other plugins must answer
// SKIP for this path to apply.
import type { Cycle, Plugin } from '../framework/plugin.js';
import { SUCCESS } from '../framework/status.js';
import type { NodeChangeLog } from '../snapshot/node-change-log.js';
import { ChoiceTree } from './choice-tree.js';
import type { CacheEntry } from './node-local-cache.js';
import { checkedScore, filterCodes, rawScores } from './plugin-calls.js';
import type { Scoring } from './pod-shapes.js';
import { Rejections } from './rejections.js';
import type { Rng } from './rng.js';
import type { TieBreak } from './scheduler.js';

export interface CachedChoiceInput {
  cycle: Cycle;
  entry: CacheEntry;
  /** The node-local filters that run for the pod, and their PreFilter states. */
  filters: readonly Plugin[];
  filterStates: readonly unknown[];
  /** The plugins that score the pod (all node-local). */
  scoring: Scoring;
  /** Where the walk over the nodes starts. */
  start: number;
  rng: Rng;
  tieBreak: TieBreak;
}

/** What cachedRejections reads: the pod, its cache entry and the node-local filters that run. */
export type RejectionInput = Pick<CachedChoiceInput, 'cycle' | 'entry' | 'filters' | 'filterStates'>;

/** Reusable per-scheduler buffers and the trees of the cache entries. */
export class ChoiceScratch {
  /** A one-node list and its score, for normalising a single node's score. */
  readonly one = new Int32Array(1);
  readonly oneScore = new Float64Array(1);
  /** Nodes to re-evaluate, the ones still passing, and per list position codes, scores and sums. */
  stale = new Int32Array(0);
  alive = new Int32Array(0);
  codes = new Uint8Array(0);
  fresh = new Float64Array(0);
  sums = new Float64Array(0);
  feasible = new Int32Array(0);
  scores = new Float64Array(0);
  totals = new Float64Array(0);
  private readonly trees = new WeakMap<CacheEntry, ChoiceTree>();
  /** Per cache entry: every node's rejection, while no node passes (src/engine/rejections.ts). */
  readonly rejections = new WeakMap<CacheEntry, Rejections>();
  /** The last choice's feasible count (also when it returned -1) and top total. */
  found = 0;
  maxTotal = 0;
  /** Per node: the catch-up stamp that last evaluated it. */
  seen = new Uint32Array(0);
  private stamp = 0;

  nextStamp(n: number): number {
    if (this.seen.length < n || this.stamp === 0xffffffff) {
      this.seen = new Uint32Array(Math.max(n, this.seen.length));
      this.stamp = 0;
    }
    return ++this.stamp;
  }

  fit(n: number): void {
    if (this.feasible.length >= n) return;
    this.feasible = new Int32Array(n);
    this.scores = new Float64Array(n);
    this.totals = new Float64Array(n);
    this.stale = new Int32Array(n);
    this.alive = new Int32Array(n);
    this.codes = new Uint8Array(n);
    this.fresh = new Float64Array(n);
    this.sums = new Float64Array(n);
  }

  /** The tree of a cache entry (kept with it, so the cache's bound drops both). */
  tree(entry: CacheEntry, n: number, columns: number): ChoiceTree {
    let t = this.trees.get(entry);
    if (!t || t.nodeCount !== n || t.columns !== columns) {
      t = new ChoiceTree(n, columns);
      this.trees.set(entry, t);
    }
    return t;
  }
}

/**
 * The chosen node, or -1 when the cycle needs the full path; sets `scratch.found` and
 * `scratch.maxTotal` to the feasible count and the top total.
 */
export function chooseCached(input: CachedChoiceInput, scratch: ChoiceScratch): number {
  const snap = input.cycle.snapshot;
  const n = snap.nodeCount;
  if (n < 2) return -1;
  scratch.fit(n);
  const scoring = input.scoring;
  const tree = scratch.tree(input.entry, n, scoring.normalised.length);
  catchUp(input, scoring, tree, scratch);
  scratch.found = tree.passCount;
  // No feasible node (see cachedRejections) or one (chosen without scoring): not a choice here.
  if (tree.passCount < 2) return -1;

  let constant = 0;
  for (const e of scoring.normalised) {
    if (tree.nonZero[e.column] > 0) return walkChoice(input, scoring, tree, scratch);
    if (Number.isNaN(e.allZero)) {
      // The same for every node and, the state being the shape's, for every pod of the shape.
      scratch.oneScore[0] = 0;
      scratch.one[0] = tree.kthTie(1);
      e.plugin.normalizeScore!(input.cycle, e.state, scratch.one, scratch.oneScore);
      e.allZero = checkedScore(e.plugin, scratch.oneScore[0]);
    }
    constant += e.allZero * e.weight;
  }

  // Ties in walk order: nodes start..n-1, then 0..start-1.
  const ties = tree.ties;
  let chosen: number;
  if (input.tieBreak === 'first') chosen = tree.kthTie(1);
  else {
    const pick = input.rng.reservoirPick(ties);
    const before = tree.tiesBefore(input.start);
    const fromStart = ties - before;
    chosen = pick <= fromStart ? tree.kthTie(before + pick) : tree.kthTie(pick - fromStart);
  }
  scratch.found = tree.passCount;
  scratch.maxTotal = tree.max + constant;
  return chosen;
}

/**
 * When no node passes the cache entry's filters: every node's rejection, brought up to the
 * snapshot, for the message and for preemption; null when they do not agree that no node passes
 * (the caller then walks every node again).
 */
export function cachedRejections(input: RejectionInput, scratch: ChoiceScratch): Rejections | null {
  const snap = input.cycle.snapshot;
  const n = snap.nodeCount;
  if (n === 0) return null;
  scratch.fit(n);
  let rejections = scratch.rejections.get(input.entry);
  if (!rejections || rejections.nodeCount !== n) {
    rejections = new Rejections(n);
    scratch.rejections.set(input.entry, rejections);
  }
  const count = staleNodes(snap.nodeChanges, rejections.position, n, scratch);
  const { cycle, filters, filterStates } = input;
  if (count > 0) rejections.refresh(cycle, filters, filterStates, scratch.stale, count, scratch.alive, scratch.codes);
  rejections.position = snap.nodeChanges.end;
  return rejections.passing === 0 ? rejections : null;
}

/** Brings the tree up to the snapshot: the nodes changed since it last looked, or every node. */
function catchUp(input: CachedChoiceInput, scoring: Scoring, tree: ChoiceTree, scratch: ChoiceScratch): void {
  const log = input.cycle.snapshot.nodeChanges;
  const all = tree.position < log.base;
  const count = staleNodes(log, tree.position, tree.nodeCount, scratch);
  if (count > 0) refreshNodes(input, scoring, tree, scratch, count, all);
  tree.position = log.end;
}

/**
 * Writes to `scratch.stale` the nodes changed since log position `position`, each once, or every
 * node when the log no longer reaches back that far; returns how many.
 */
function staleNodes(log: NodeChangeLog, position: number, n: number, scratch: ChoiceScratch): number {
  const stale = scratch.stale;
  let count = 0;
  if (position < log.base) {
    for (let node = 0; node < n; node++) stale[count++] = node;
    return count;
  }
  // A node changed several times since is evaluated once.
  const stamp = scratch.nextStamp(n);
  const seen = scratch.seen;
  for (let at = position; at < log.end; at++) {
    const node = log.at(at);
    if (seen[node] === stamp) continue;
    seen[node] = stamp;
    stale[count++] = node;
  }
  return count;
}

/**
 * Re-evaluates the nodes `scratch.stale[0..count)` through the cached filters and scores, into the
 * tree. Each plugin sees the whole list at once (node-local plugins answer per node, so the outcome
 * is the same as node by node); a node's sum adds its plugins in profile order.
 */
function refreshNodes(
  input: CachedChoiceInput,
  scoring: Scoring,
  tree: ChoiceTree,
  scratch: ChoiceScratch,
  count: number,
  all: boolean,
): void {
  const { cycle } = input;
  const stale = scratch.stale;
  const alive = scratch.alive;
  const codes = scratch.codes;
  const fresh = scratch.fresh;
  const sums = scratch.sums;
  for (let i = 0; i < count; i++) alive[i] = stale[i];
  let survivors = count;
  for (let c = 0; c < input.filters.length && survivors > 0; c++) {
    const plugin = input.filters[c];
    const state = input.filterStates[c];
    filterCodes(cycle, plugin, state, alive, survivors, codes);
    let kept = 0;
    for (let i = 0; i < survivors; i++) if (codes[i] === SUCCESS) alive[kept++] = alive[i];
    survivors = kept;
  }
  sums.fill(0, 0, survivors);
  for (const { plugin, weight, state } of scoring.summed) {
    rawScores(cycle, plugin, state, alive, survivors, fresh);
    for (let i = 0; i < survivors; i++) sums[i] += checkedScore(plugin, fresh[i]) * weight;
  }
  for (const { plugin, state, column } of scoring.normalised) {
    rawScores(cycle, plugin, state, alive, survivors, fresh);
    for (let i = 0; i < survivors; i++) tree.setRaw(column, alive[i], fresh[i]);
  }
  // The survivors are in stale's order: the others were rejected. A full refresh rebuilds the tree once.
  const pull = !all;
  for (let i = 0, j = 0; i < count; i++) {
    const node = stale[i];
    if (j < survivors && alive[j] === node) tree.set(node, true, sums[j++], pull);
    else {
      tree.clearRaws(node);
      tree.set(node, false, 0, pull);
    }
  }
  if (all) tree.rebuild();
}

/**
 * The choice with normalisation over the feasible nodes: totals in walk order from the cache (which
 * the tree's catch-up has just made current), normalised, and the top chosen as the full cycle does.
 */
function walkChoice(input: CachedChoiceInput, scoring: Scoring, tree: ChoiceTree, scratch: ChoiceScratch): number {
  const { cycle } = input;
  const n = cycle.snapshot.nodeCount;
  const found = tree.passCount;
  const feasible = scratch.feasible.subarray(0, found);
  const totals = scratch.totals;
  let k = 0;
  for (let node = input.start, i = 0; i < n; i++, node = node + 1 === n ? 0 : node + 1) {
    const value = tree.leaf(node);
    if (value !== Number.NEGATIVE_INFINITY) {
      feasible[k] = node;
      totals[k++] = value;
    }
  }
  const scores = scratch.scores.subarray(0, found);
  for (const { plugin, weight, state, column } of scoring.normalised) {
    for (let i = 0; i < found; i++) scores[i] = tree.raw(column, feasible[i]);
    plugin.normalizeScore!(cycle, state, feasible, scores);
    for (let i = 0; i < found; i++) totals[i] += checkedScore(plugin, scores[i]) * weight;
  }
  let max = Number.NEGATIVE_INFINITY;
  let ties = 0;
  for (let i = 0; i < found; i++) {
    const t = totals[i];
    if (t > max) {
      max = t;
      ties = 1;
    } else if (t === max) ties++;
  }
  let chosen = -1;
  if (input.tieBreak === 'first') {
    for (let i = 0; i < found; i++) if (totals[i] === max && (chosen < 0 || feasible[i] < chosen)) chosen = feasible[i];
  } else {
    const pick = input.rng.reservoirPick(ties);
    for (let i = 0, seen = 0; i < found; i++) {
      if (totals[i] === max && ++seen === pick) {
        chosen = feasible[i];
        break;
      }
    }
  }
  scratch.found = found;
  scratch.maxTotal = max;
  return chosen;
}
