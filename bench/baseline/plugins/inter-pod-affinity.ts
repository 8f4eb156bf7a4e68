// InterPodAffinity, the way upstream's plugin walks the cache: PreFilter visits every pod on every
// node (for the incoming pod's required terms) and every pod with required anti-affinity (for
// symmetry), counting matches per "key=value" topology pair; Filter looks the node's pairs up.
// PreScore visits every pod (or only pods with affinity when the incoming pod has no preferred
// terms) and sums weights per topology pair; Score adds up the node's pairs.
import { matchesLabelSelector } from '../../../src/api/labels.js';
import type { LabelSelector, Labels } from '../../../src/api/types.js';
import {
  type Code,
  SKIP,
  SUCCESS,
  UNSCHEDULABLE,
  UNSCHEDULABLE_AND_UNRESOLVABLE,
} from '../../../src/framework/status.js';
import { type BaselinePlugin, type Cycle, MAX_NODE_SCORE, type PreResult } from '../framework.js';
import type { BaselineCluster, NodeInfo } from '../node-info.js';
import type { AffinityTerm, PodRecord } from '../pod-record.js';

const HARD_POD_AFFINITY_WEIGHT = 1;
const NO_LABELS: Labels = {};

/** AffinityTerm.Matches: namespace listed or selected by the namespace's labels, then the label selector. */
function termMatches(term: AffinityTerm, pod: PodRecord, namespaceLabels: Labels): boolean {
  if (!term.namespaces.has(pod.namespace) && !matchesLabelSelector(term.namespaceSelector, namespaceLabels)) {
    return false;
  }
  return matchesLabelSelector(term.selector, pod.labels);
}

function isEmpty(s: LabelSelector | null): boolean {
  return s !== null && Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0;
}

/**
 * mergeAffinityTermNamespacesIfNotEmpty for the incoming pod's terms: the known namespaces a
 * non-empty namespaceSelector selects join the listed ones. As in v1.35 the selector itself stays,
 * and is later tested against empty labels (see plugins/inter-pod-affinity.ts).
 */
function withSelectedNamespaces(term: AffinityTerm, cluster: BaselineCluster): AffinityTerm {
  if (term.namespaceSelector === null || isEmpty(term.namespaceSelector)) return term;
  const namespaces = new Set(term.namespaces);
  for (const [name, labels] of cluster.namespaceLabels) {
    if (matchesLabelSelector(term.namespaceSelector, labels)) namespaces.add(name);
  }
  return { ...term, namespaces };
}

/** Topology pair "key\0value" → count or weight. */
type PairCounts = Map<string, number>;

function pair(key: string, value: string): string {
  return `${key}\u0000${value}`;
}

function addToPair(counts: PairCounts, node: NodeInfo, key: string, amount: number): boolean {
  if (!Object.hasOwn(node.labels, key)) return false;
  const p = pair(key, node.labels[key]);
  counts.set(p, (counts.get(p) ?? 0) + amount);
  return true;
}

// ---- filter -------------------------------------------------------------------------------------

interface FilterState {
  affinityTerms: AffinityTerm[];
  antiAffinityTerms: AffinityTerm[];
  affinityCounts: PairCounts;
  antiAffinityCounts: PairCounts;
  existingAntiAffinityCounts: PairCounts;
  ownMatchesAllAffinityTerms: boolean;
}

function matchesAll(terms: AffinityTerm[], pod: PodRecord): boolean {
  return terms.length > 0 && terms.every((t) => termMatches(t, pod, NO_LABELS));
}

function preFilter(cycle: Cycle): PreResult<FilterState> {
  const { pod, cluster } = cycle;
  const namespaceLabels = cluster.namespaceLabels.get(pod.namespace) ?? NO_LABELS;

  const existingAntiAffinityCounts: PairCounts = new Map();
  for (const node of cluster.nodesWithRequiredAntiAffinityPods) {
    for (const existing of node.podsWithRequiredAntiAffinity) {
      for (const term of existing.requiredAntiAffinityTerms) {
        if (termMatches(term, pod, namespaceLabels)) addToPair(existingAntiAffinityCounts, node, term.topologyKey, 1);
      }
    }
  }

  const affinityTerms = pod.requiredAffinityTerms.map((t) => withSelectedNamespaces(t, cluster));
  const antiAffinityTerms = pod.requiredAntiAffinityTerms.map((t) => withSelectedNamespaces(t, cluster));
  if (existingAntiAffinityCounts.size === 0 && affinityTerms.length === 0 && antiAffinityTerms.length === 0) {
    return { code: SKIP };
  }
  const affinityCounts: PairCounts = new Map();
  const antiAffinityCounts: PairCounts = new Map();
  if (affinityTerms.length > 0 || antiAffinityTerms.length > 0) {
    for (const node of cluster.nodes) {
      for (const existing of node.pods) {
        if (matchesAll(affinityTerms, existing)) {
          for (const term of affinityTerms) addToPair(affinityCounts, node, term.topologyKey, 1);
        }
        for (const term of antiAffinityTerms) {
          if (termMatches(term, existing, NO_LABELS)) addToPair(antiAffinityCounts, node, term.topologyKey, 1);
        }
      }
    }
  }
  return {
    code: SUCCESS,
    state: {
      affinityTerms,
      antiAffinityTerms,
      affinityCounts,
      antiAffinityCounts,
      existingAntiAffinityCounts,
      ownMatchesAllAffinityTerms: matchesAll(affinityTerms, pod),
    },
  };
}

function satisfiesAffinity(s: FilterState, node: NodeInfo): boolean {
  let podsExist = true;
  for (const term of s.affinityTerms) {
    if (!Object.hasOwn(node.labels, term.topologyKey)) return false;
    if ((s.affinityCounts.get(pair(term.topologyKey, node.labels[term.topologyKey])) ?? 0) <= 0) podsExist = false;
  }
  // The first pod of a group may go anywhere when no pod matches yet and it matches its own terms.
  return podsExist || (s.affinityCounts.size === 0 && s.ownMatchesAllAffinityTerms);
}

function satisfiesAntiAffinity(s: FilterState, node: NodeInfo): boolean {
  for (const term of s.antiAffinityTerms) {
    if (!Object.hasOwn(node.labels, term.topologyKey)) continue;
    if ((s.antiAffinityCounts.get(pair(term.topologyKey, node.labels[term.topologyKey])) ?? 0) > 0) return false;
  }
  return true;
}

function satisfiesExistingAntiAffinity(s: FilterState, node: NodeInfo): boolean {
  if (s.existingAntiAffinityCounts.size === 0) return true;
  for (const [key, value] of Object.entries(node.labels)) {
    if ((s.existingAntiAffinityCounts.get(pair(key, value)) ?? 0) > 0) return false;
  }
  return true;
}

function filter(_cycle: Cycle, s: FilterState, node: NodeInfo): Code {
  if (!satisfiesAffinity(s, node)) return UNSCHEDULABLE_AND_UNRESOLVABLE;
  if (!satisfiesAntiAffinity(s, node)) return UNSCHEDULABLE;
  if (!satisfiesExistingAntiAffinity(s, node)) return UNSCHEDULABLE;
  return SUCCESS;
}

// ---- score --------------------------------------------------------------------------------------

interface ScoreState {
  /** Topology pair → summed weight; pairs touched by a term are present even when the sum is 0. */
  scores: PairCounts;
}

function preScore(cycle: Cycle): PreResult<ScoreState> {
  const { pod, cluster } = cycle;
  const namespaceLabels = cluster.namespaceLabels.get(pod.namespace) ?? NO_LABELS;
  const hasPreferred = pod.preferredAffinityTerms.length > 0 || pod.preferredAntiAffinityTerms.length > 0;
  const preferred = [
    ...pod.preferredAffinityTerms.map((w) => ({ term: withSelectedNamespaces(w.term, cluster), weight: w.weight })),
    ...pod.preferredAntiAffinityTerms.map((w) => ({
      term: withSelectedNamespaces(w.term, cluster),
      weight: -w.weight,
    })),
  ];
  const scores: PairCounts = new Map();
  const nodes = hasPreferred ? cluster.nodes : cluster.nodesWithAffinityPods;
  for (const node of nodes) {
    if (Object.keys(node.labels).length === 0) continue;
    for (const existing of hasPreferred ? node.pods : node.podsWithAffinity) {
      // The incoming pod's preferred terms, matched by the existing pod.
      for (const { term, weight } of preferred) {
        if (termMatches(term, existing, NO_LABELS)) addToPair(scores, node, term.topologyKey, weight);
      }
      // The existing pod's terms, matched by the incoming pod.
      for (const term of existing.requiredAffinityTerms) {
        if (termMatches(term, pod, namespaceLabels))
          addToPair(scores, node, term.topologyKey, HARD_POD_AFFINITY_WEIGHT);
      }
      for (const { term, weight } of existing.preferredAffinityTerms) {
        if (termMatches(term, pod, namespaceLabels)) addToPair(scores, node, term.topologyKey, weight);
      }
      for (const { term, weight } of existing.preferredAntiAffinityTerms) {
        if (termMatches(term, pod, namespaceLabels)) addToPair(scores, node, term.topologyKey, -weight);
      }
    }
  }
  return scores.size === 0 ? { code: SKIP } : { code: SUCCESS, state: { scores } };
}

function score(_cycle: Cycle, s: ScoreState, node: NodeInfo): number {
  let total = 0;
  for (const [key, value] of Object.entries(node.labels)) total += s.scores.get(pair(key, value)) ?? 0;
  return total;
}

function normalize(_cycle: Cycle, _s: ScoreState, scores: number[]): void {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const s of scores) {
    min = Math.min(min, s);
    max = Math.max(max, s);
  }
  const diff = max - min;
  for (let i = 0; i < scores.length; i++) {
    scores[i] = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((scores[i] - min) / diff)) : 0;
  }
}

export const interPodAffinity: BaselinePlugin<FilterState, ScoreState> = {
  name: 'InterPodAffinity',
  preFilter,
  filter,
  preScore,
  score,
  normalize,
};
