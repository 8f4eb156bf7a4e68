// The parts of a scheduling cycle that can run away from the cycle's own thread (src/engine/pool):
// what a cycle asks of a worker pool, what comes back, and the per-pod preparation a worker needs
// to answer (its own PreFilter and PreScore over its replica of the snapshot).
import type { Cycle, Plugin } from '../framework/plugin.js';
import type { Code } from '../framework/status.js';
import type { CacheEntry } from './node-local-cache.js';

/**
 * Filter every walk position [0, positions) of a cycle starting at `start`; or score `feasible`.
 * `prepared` is the cycle's own preparation, so the driver can take a share of the work on the
 * cycle's thread (Scheduler.filterPositions / scorePositions); it never crosses to a worker.
 */
export type RemoteRequest =
  | { kind: 'filter'; start: number; positions: number; cached: boolean; prepared: Prepared }
  | { kind: 'score'; feasible: Int32Array; cached: boolean; prepared: Prepared };

/**
 * Per walk position: the index in profile.filter of the plugin that rejected the node (−1 none,
 * −3 a cached node-local rejection) and its code. Per score plugin: raw scores aligned with
 * `feasible`; `partial`: the cache-combined weighted partial totals.
 */
export type RemoteReply =
  | { kind: 'filter'; plugin: Int16Array; code: Uint8Array }
  | { kind: 'score'; raw: Float64Array[]; partial: Float64Array };

export interface ScoreStates {
  states: Map<Plugin, unknown>;
  skipped: Set<Plugin>;
}

/** A pod after PreFilter: what Filter (and, in a worker, Score) needs. */
export interface Prepared {
  cycle: Cycle;
  rejected?: { plugin: string; code: Code; reasons: string[] };
  /** Per profile.filter entry: its PreFilter state. */
  filterStates: unknown[];
  /** The node-name narrowing of PreFilter, before an extender's node list is applied. */
  narrowed: Int32Array | null;
  narrowedBy: string[];
  /** The nodes to walk, or null for every node. */
  candidates: Int32Array | null;
  entry: CacheEntry | null;
  cachedFilters: Plugin[];
  cachedStates: unknown[];
  active: Plugin[];
  activeIndex: number[];
  activeStates: unknown[];
  /** A worker's PreScore, once per cycle. */
  scoring?: ScoreStates;
}
