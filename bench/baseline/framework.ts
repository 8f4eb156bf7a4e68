// The baseline's plugin contract, shaped like kube-scheduler's: PreFilter once per pod, Filter per
// NodeInfo, PreScore once over the feasible nodes, Score per NodeInfo, NormalizeScore. Status
// codes are berth's (src/framework/status.ts) so results compare directly.
import type { Code } from '../../src/framework/status.js';
import type { BaselineCluster, NodeInfo } from './node-info.js';
import type { PodRecord } from './pod-record.js';

export const MAX_NODE_SCORE = 100;

export interface Cycle {
  readonly pod: PodRecord;
  readonly cluster: BaselineCluster;
}

export interface PreResult<S> {
  /** SUCCESS, SKIP, or (PreFilter) a rejection of every node. */
  code: Code;
  state?: S;
  /** PreFilter only: restrict Filter to these nodes. */
  nodes?: NodeInfo[];
}

// biome-ignore lint/suspicious/noExplicitAny: each plugin picks its own state types.
export interface BaselinePlugin<F = any, S = any> {
  readonly name: string;
  preFilter?(cycle: Cycle): PreResult<F>;
  filter?(cycle: Cycle, state: F, node: NodeInfo): Code;
  preScore?(cycle: Cycle, feasible: NodeInfo[]): PreResult<S>;
  score?(cycle: Cycle, state: S, node: NodeInfo): number;
  /** Maps raw scores (aligned with `feasible`) to 0..100 in place. */
  normalize?(cycle: Cycle, state: S, scores: number[], feasible: NodeInfo[]): void;
}

/** upstream DefaultNormalizeScore. */
export function defaultNormalize(scores: number[], reverse: boolean): void {
  let max = 0;
  for (const s of scores) max = Math.max(max, s);
  for (let i = 0; i < scores.length; i++) {
    if (max === 0) scores[i] = reverse ? MAX_NODE_SCORE : 0;
    else {
      const s = Math.trunc((MAX_NODE_SCORE * scores[i]) / max);
      scores[i] = reverse ? MAX_NODE_SCORE - s : s;
    }
  }
}
