// The baseline's scheduling cycle, written the way kube-scheduler's schedulePod reads: PreFilter,
// then a walk over the NodeInfos from a rotating start, each node through the filters until one
// fails, stopping once enough feasible nodes are found; then PreScore, Score and NormalizeScore per
// plugin, weighted totals, and a winner among the top totals.
import { Rng } from '../../src/engine/rng.js';
import { SKIP, SUCCESS } from '../../src/framework/status.js';
import type { BaselinePlugin, Cycle } from './framework.js';
import type { BaselineCluster, NodeInfo } from './node-info.js';
import type { PodRecord } from './pod-record.js';
import type { BaselineProfile } from './profile.js';

export interface BaselineOptions {
  tieBreak: 'first' | 'random';
  seed: number;
}

/** upstream numFeasibleNodesToFind (minFeasibleNodesToFind 100, minFeasibleNodesPercentageToFind 5). */
function numFeasibleNodesToFind(percentage: number, numAllNodes: number): number {
  if (numAllNodes < 100) return numAllNodes;
  let pct = percentage;
  if (pct === 0) pct = Math.max(50 - Math.trunc(numAllNodes / 125), 5);
  return Math.max(Math.trunc((numAllNodes * pct) / 100), 100);
}

export class BaselineScheduler {
  private nextStartNodeIndex = 0;
  private readonly rng: Rng;

  constructor(
    readonly profile: BaselineProfile,
    readonly cluster: BaselineCluster,
    readonly options: BaselineOptions,
  ) {
    this.rng = new Rng(options.seed);
  }

  /** The chosen node, or undefined when no node fits. The caller binds. */
  scheduleOne(pod: PodRecord): NodeInfo | undefined {
    const cycle: Cycle = { pod, cluster: this.cluster };
    const filterStates = new Map<BaselinePlugin, unknown>();
    let candidates = this.cluster.nodes;
    for (const plugin of this.profile.filters) {
      if (!plugin.preFilter) {
        filterStates.set(plugin, undefined);
        continue;
      }
      const r = plugin.preFilter(cycle);
      if (r.code === SKIP) continue;
      if (r.code !== SUCCESS) return undefined;
      filterStates.set(plugin, r.state);
      if (r.nodes) candidates = candidates.filter((n) => r.nodes?.includes(n));
    }

    const feasible = this.findFeasible(cycle, candidates, filterStates);
    if (feasible.length <= 1) return feasible[0];
    return this.select(this.totals(cycle, feasible), feasible);
  }

  private findFeasible(cycle: Cycle, candidates: NodeInfo[], states: Map<BaselinePlugin, unknown>): NodeInfo[] {
    const toFind = numFeasibleNodesToFind(this.profile.percentageOfNodesToScore, candidates.length);
    const start = candidates.length > 0 ? this.nextStartNodeIndex % candidates.length : 0;
    const feasible: NodeInfo[] = [];
    let processed = 0;
    for (let i = 0; i < candidates.length && feasible.length < toFind; i++) {
      const node = candidates[(start + i) % candidates.length];
      processed++;
      let fits = true;
      for (const [plugin, state] of states) {
        if (plugin.filter?.(cycle, state, node) !== SUCCESS) {
          fits = false;
          break;
        }
      }
      if (fits) feasible.push(node);
    }
    if (this.cluster.nodes.length > 0) {
      this.nextStartNodeIndex = (this.nextStartNodeIndex + processed) % this.cluster.nodes.length;
    }
    return feasible;
  }

  private totals(cycle: Cycle, feasible: NodeInfo[]): number[] {
    const totals = new Array<number>(feasible.length).fill(0);
    for (const { plugin, weight } of this.profile.scores) {
      let state: unknown;
      if (plugin.preScore) {
        const r = plugin.preScore(cycle, feasible);
        if (r.code === SKIP) continue;
        state = r.state;
      }
      const scores = feasible.map((node) => plugin.score?.(cycle, state, node) ?? 0);
      plugin.normalize?.(cycle, state, scores, feasible);
      for (let i = 0; i < feasible.length; i++) totals[i] += weight * scores[i];
    }
    return totals;
  }

  /** The top total; ties go to the first node in input order, or uniformly at random (reservoir sampling). */
  private select(totals: number[], feasible: NodeInfo[]): NodeInfo {
    let max = Number.NEGATIVE_INFINITY;
    for (const t of totals) max = Math.max(max, t);
    let chosen: NodeInfo | undefined;
    let ties = 0;
    feasible.forEach((node, i) => {
      if (totals[i] !== max) return;
      if (this.options.tieBreak === 'first') {
        if (!chosen || node.index < chosen.index) chosen = node;
      } else if (this.rng.int(++ties) === 0) {
        chosen = node;
      }
    });
    return chosen as NodeInfo;
  }
}
