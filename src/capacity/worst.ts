// `survive --worst K`: which K nodes strand the most requests when they go. Requests are weighed
// as shares of the cluster's allocatable cpu plus memory (so a core and its memory count alike on
// any cluster); stranded pods, then displaced pods, break ties. Every set of K nodes is tried when there are few enough
// (exact); otherwise nodes are added one at a time, each time the one that strands the most
// together with those already chosen (greedy), among the GREEDY_CANDIDATES nodes whose pods request
// the most. Stranded requests never exceed displaced ones, so a set whose displaced requests score
// below the best found is skipped unevaluated. The output says which search ran.

import type { ClusterSnapshot } from '../api/types.js';
import { computePodRequests } from '../snapshot/pod-requests.js';
import { RESOURCE_CPU, RESOURCE_MEMORY, Snapshot } from '../snapshot/snapshot.js';
import { ownerOf, type SurviveOptions, type SurviveResult, survive } from './survive.js';

/** Exhaustive search up to this many node sets. */
export const EXACT_LIMIT = 256;
/** Greedy search considers this many nodes, those whose re-created pods request the most. */
export const GREEDY_CANDIDATES = 64;

export interface WorstResult {
  method: 'exact' | 'greedy';
  /** Node sets evaluated (each a full rescheduling). */
  evaluated: number;
  /** Nodes the search chose among (greedy: the most requested ones). */
  candidates: number;
  /** Stranded cpu share + stranded memory share of the cluster's allocatable. */
  score: number;
  result: SurviveResult;
}

/** C(n, k), or Infinity once past `limit`. */
function combinations(n: number, k: number, limit: number): number {
  let c = 1;
  for (let i = 0; i < k; i++) {
    c = (c * (n - i)) / (i + 1);
    if (c > limit) return Number.POSITIVE_INFINITY;
  }
  return c;
}

export function worstNodes(cluster: ClusterSnapshot, k: number, o: SurviveOptions): WorstResult {
  const names = cluster.nodes.map((n) => n.metadata.name);
  const snap = new Snapshot({ ...cluster, pods: [], pendingPods: [] });
  const sum = (a: Float64Array) => a.reduce((s, x) => s + x, 0);
  const cpu = sum(snap.allocatable[RESOURCE_CPU]) || 1;
  const memory = sum(snap.allocatable[RESOURCE_MEMORY]) || 1;
  let evaluated = 0;
  const evaluate = (set: string[]) => {
    evaluated++;
    const result = survive(cluster, new Set(set), o);
    const t = result.strandedTotals;
    return { result, score: t.cpuMillis / cpu + t.memoryBytes / memory, pods: t.pods, displaced: result.displaced };
  };
  type Eval = ReturnType<typeof evaluate>;
  // Upper bound of a set's score: the requests of the pods it displaces (DaemonSet pods aside).
  const displacedShare = new Map<string, number>(names.map((n) => [n, 0]));
  for (const p of cluster.pods) {
    const node = p.spec.nodeName ?? '';
    if (!displacedShare.has(node) || ownerOf(p).startsWith('DaemonSet/')) continue;
    const r = computePodRequests(p);
    displacedShare.set(
      node,
      displacedShare.get(node)! + (r.amounts.get('cpu') ?? 0) / cpu + (r.amounts.get('memory') ?? 0) / memory,
    );
  }
  const bound = (set: readonly string[]) => set.reduce((s, n) => s + displacedShare.get(n)!, 0);
  const better = (a: Eval, b: Eval | undefined) =>
    !b ||
    a.score > b.score ||
    (a.score === b.score && (a.pods > b.pods || (a.pods === b.pods && a.displaced > b.displaced)));
  const size = Math.min(k, names.length);
  // Most displaced first: the first sets evaluated set a high bar, so more of the rest are skipped.
  const byBound = [...names].sort((a, b) => displacedShare.get(b)! - displacedShare.get(a)!);

  if (combinations(names.length, size, EXACT_LIMIT) <= EXACT_LIMIT) {
    let best: Eval | undefined;
    const pick: string[] = [];
    const walk = (from: number) => {
      if (pick.length === size) {
        if (best && bound(pick) < best.score) return;
        const e = evaluate([...pick]);
        if (better(e, best)) best = e;
        return;
      }
      for (let i = from; i <= names.length - (size - pick.length); i++) {
        pick.push(byBound[i]);
        walk(i + 1);
        pick.pop();
      }
    };
    walk(0);
    return { method: 'exact', evaluated, candidates: names.length, score: best!.score, result: best!.result };
  }

  const pool = byBound.slice(0, GREEDY_CANDIDATES);
  const chosen: string[] = [];
  let best: Eval | undefined;
  for (let round = 0; round < size; round++) {
    let roundBest: { e: Eval; node: string } | undefined;
    for (const node of pool) {
      if (chosen.includes(node)) continue;
      if (roundBest && bound([...chosen, node]) < roundBest.e.score) continue;
      const e = evaluate([...chosen, node]);
      if (better(e, roundBest?.e)) roundBest = { e, node };
    }
    chosen.push(roundBest!.node);
    best = roundBest!.e;
  }
  return { method: 'greedy', evaluated, candidates: pool.length, score: best!.score, result: best!.result };
}
