// The plugin contract. CONTRACT READY.
//
// A plugin is one module exporting a PluginDefinition. The framework calls, for each pod:
//   preFilter once → filter per node (hot) → preScore once over the feasible nodes →
//   score per feasible node (hot) → normalizeScore once.
// Per-pod work belongs in preFilter/preScore, which return a state object the plugin defines;
// filter and score receive it back and should only read typed arrays (no allocation per node).
// Reasons are only asked for when a filter fails and someone wants to explain it.
import type { Problem } from '../api/problem.js';
import type { PodInfo } from '../snapshot/pod-info.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { type Code, SKIP } from './status.js';

export const MAX_NODE_SCORE = 100;

/** What every plugin sees of the current scheduling cycle. */
export interface Cycle {
  readonly pod: PodInfo;
  readonly snapshot: Snapshot;
}

export interface PreFilterResult<S> {
  /** SUCCESS, SKIP (this plugin's filter does not run for the pod), or a rejection of every node. */
  code: Code;
  /** With a rejection: the reasons, e.g. ["node(s) didn't match pod topology spread constraints"]. */
  reasons?: string[];
  state?: S;
  /** Narrow the candidate nodes to these indices (NodeAffinity with metadata.name fields). */
  nodes?: Int32Array;
}

export interface PreScoreResult<S> {
  /** SUCCESS, or SKIP: this plugin does not score this pod. */
  code: Code;
  state?: S;
}

/**
 * A shared, frozen SKIP answer for PreFilter and PreScore: plugins that skip most pods return it
 * instead of a new object per pod (the framework only reads results).
 */
export const SKIPPED: PreFilterResult<never> & PreScoreResult<never> = Object.freeze({ code: SKIP });

export interface Plugin<F = unknown, S = unknown> {
  readonly name: string;

  preFilter?(cycle: Cycle): PreFilterResult<F>;
  /** Status code of `node` for the cycle's pod. `state` is what preFilter returned. */
  filter?(cycle: Cycle, state: F, node: number): Code;
  /** Why `node` failed; called only after filter returned a rejection. */
  filterReasons?(cycle: Cycle, state: F, node: number): string[];

  /**
   * Optional fast path for filter: the codes of `nodes[0..count)` into `codes[0..count)`. Must agree
   * with `filter` node for node; the engine uses it when present, so the loop stays in the plugin.
   */
  filterBatch?(cycle: Cycle, state: F, nodes: Int32Array, count: number, codes: Uint8Array): void;

  /**
   * Optional, for speed: a key for the cycle's pod such that, for any two pods with the same key,
   * this plugin's PreFilter/PreScore outcome is the same and its filter code and raw score on a
   * node depend only on that node's own state (labels, taints, allocatable, the requests and ports
   * of its pods) and on the set of nodes. The engine then reuses per-node results until the node
   * changes. Plugins that look at other nodes' pods (spreading, inter-pod affinity) leave it out.
   * Such a plugin's PreScore must not depend on the feasible list (the replay runs it before the
   * feasible nodes are known), and normalising all-zero raw scores must give every node one score.
   */
  nodeLocalKey?(cycle: Cycle): string;

  /**
   * With nodeLocalKey: true when the key depends on the pod's spec alone. Pods sharing one frozen
   * spec object (src/api/shared-objects.ts, a CSV trace's rows) then share the key, and the engine
   * may ask for it once per spec object.
   */
  readonly nodeLocalKeyBySpec?: boolean;

  /** `feasible` lists the node indices that passed every filter. */
  preScore?(cycle: Cycle, feasible: Int32Array): PreScoreResult<S>;
  /** Raw score of `node`; integers, as kube-scheduler's int64. */
  score?(cycle: Cycle, state: S, node: number): number;
  /** Optional fast path for score: raw scores of `nodes[0..count)` into `scores[0..count)`. */
  scoreBatch?(cycle: Cycle, state: S, nodes: Int32Array, count: number, scores: Float64Array): void;
  /** Maps raw scores (aligned with `feasible`) to 0..100 in place. */
  normalizeScore?(cycle: Cycle, state: S, feasible: Int32Array, scores: Float64Array): void;
}

/** What a plugin may ask of the framework when it is created. */
export interface Handle {
  /** The profile's scheduler name. */
  readonly schedulerName: string;
  /** Resources NodeResourcesFit ignores, from extenders' managedResources with ignoredByScheduler. */
  readonly ignoredResources: ReadonlySet<string>;
}

export interface ArgsResult<A> {
  args: A;
  problems: Problem[];
}

export interface PluginDefinition<A = unknown> {
  readonly name: string;
  /** One line for `berth plugins` and the README. */
  readonly description?: string;
  /**
   * Checks and defaults the plugin's `pluginConfig` args. `raw` is undefined when none are given.
   * Problems name fields under `path` (e.g. `profiles[0].pluginConfig[1].args.hardPodAffinityWeight`).
   */
  parseArgs?(raw: unknown, path: string): ArgsResult<A>;
  create(args: A, handle: Handle): Plugin;
}

/** Identity helper so definitions get their types checked where they are written. */
export function definePlugin<A>(def: PluginDefinition<A>): PluginDefinition<A> {
  return def;
}

// ---- normalisation helpers shared by several plugins -----------------------------------------

/**
 * kube-scheduler's DefaultNormalizeScore: scale to 0..100 by the maximum (integer division);
 * all zero stays zero (or becomes 100 when reversed).
 */
export function defaultNormalize(scores: Float64Array, reverse: boolean): void {
  let max = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i] > max) max = scores[i];
  if (max === 0) {
    if (reverse) scores.fill(MAX_NODE_SCORE);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    const s = Math.trunc((MAX_NODE_SCORE * scores[i]) / max);
    scores[i] = reverse ? MAX_NODE_SCORE - s : s;
  }
}
