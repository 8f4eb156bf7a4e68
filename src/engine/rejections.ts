// Why each node rejects a pod shape, for the replay's short cycle when no node passes. A pod that
// fits nowhere (one asking for a GPU no node has) is retried after every cluster change once its
// backoff is over, as kube-scheduler does; each failure used to walk every node again with its
// reasons, to count them for the message ("0/2000 nodes are available: 2000 Insufficient
// nvidia.com/gpu."). Kept current from the snapshot's node change log like the choice trees, a
// failure costs the nodes that changed since the shape last failed instead.
//
// The node-local contract makes this exact: a node's first rejecting filter, its code and its
// reasons depend on the node and the shape alone, and every change of a node is logged.
import type { Cycle, Plugin } from '../framework/plugin.js';
import { SUCCESS } from '../framework/status.js';
import { filterCodes } from './plugin-calls.js';

/** A node that passes every filter: it has no rejection. */
export const PASSES = -1;

export class Rejections {
  /** Node change log position applied so far (below the log's base: start over). */
  position = -1;
  /** Per node: the index (in the shape's filters) of its first rejecting filter, or PASSES; its code. */
  readonly filter: Int16Array;
  readonly code: Uint8Array;
  /** Per node: that filter's reasons. */
  private readonly reasons: (readonly string[])[];
  /** How many nodes give each reason (no zero entries), and how many pass. */
  readonly counts = new Map<string, number>();
  passing = 0;
  /** kube-scheduler's message for the counts, once asked (cleared by every refresh). */
  message: string | null = null;

  constructor(readonly nodeCount: number) {
    this.filter = new Int16Array(nodeCount).fill(PASSES);
    this.code = new Uint8Array(nodeCount);
    this.reasons = new Array(nodeCount).fill(NO_REASONS);
    this.passing = nodeCount;
  }

  /**
   * Re-evaluates `nodes[0..count)` through `filters` (the shape's, in profile order, with their
   * PreFilter states); `alive` and `codes` are scratch space of at least `count`.
   */
  refresh(
    cycle: Cycle,
    filters: readonly Plugin[],
    states: readonly unknown[],
    nodes: Int32Array,
    count: number,
    alive: Int32Array,
    codes: Uint8Array,
  ): void {
    this.message = null;
    for (let i = 0; i < count; i++) {
      const node = nodes[i];
      this.forget(node);
      alive[i] = node;
    }
    let survivors = count;
    for (let c = 0; c < filters.length && survivors > 0; c++) {
      const plugin = filters[c];
      const state = states[c];
      filterCodes(cycle, plugin, state, alive, survivors, codes);
      let kept = 0;
      for (let i = 0; i < survivors; i++) {
        const node = alive[i];
        if (codes[i] === SUCCESS) alive[kept++] = node;
        else this.note(node, c, codes[i], plugin.filterReasons?.(cycle, state, node) ?? NO_REASONS);
      }
      survivors = kept;
    }
    this.passing += survivors;
  }

  private forget(node: number): void {
    if (this.filter[node] === PASSES) {
      this.passing--;
      return;
    }
    for (const r of this.reasons[node]) {
      const left = this.counts.get(r)! - 1;
      if (left === 0) this.counts.delete(r);
      else this.counts.set(r, left);
    }
    this.filter[node] = PASSES;
    this.reasons[node] = NO_REASONS;
  }

  private note(node: number, filter: number, code: number, reasons: readonly string[]): void {
    this.filter[node] = filter;
    this.code[node] = code;
    this.reasons[node] = reasons;
    for (const r of reasons) this.counts.set(r, (this.counts.get(r) ?? 0) + 1);
  }
}

const NO_REASONS: readonly string[] = Object.freeze([]);
