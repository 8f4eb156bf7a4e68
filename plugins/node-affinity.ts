// NodeAffinity: the pod's nodeSelector and required node affinity must match the node (filter);
// matching preferred terms add their weights (score, default normalisation). PreFilter narrows the
// candidates when every required term pins node names through matchFields metadata.name.
// Args: addedAffinity, a node affinity the scheduler enforces on every pod of the profile.

import { nodeNamesPinnedByAffinity } from '../src/api/node-selector.js';
import type { Problem } from '../src/api/problem.js';
import type { NodeAffinity as NodeAffinitySpec, PreferredSchedulingTerm } from '../src/api/types.js';
import { type Cycle, defaultNormalize, definePlugin } from '../src/framework/plugin.js';
import { type Code, SKIP, SUCCESS, UNSCHEDULABLE_AND_UNRESOLVABLE } from '../src/framework/status.js';
import {
  type CompiledNodeSelector,
  type CompiledTerm,
  compileNodeSelector,
  compileRequiredNodeAffinity,
  compileTerm,
  nodeSelectorMatches,
  type RequiredNodeAffinity,
  requiredNodeAffinityMatches,
  termMatches,
} from '../src/snapshot/node-selector.js';
import { nodeAffinityKey } from '../src/snapshot/pod-keys.js';
import type { Snapshot } from '../src/snapshot/snapshot.js';

export const NAME = 'NodeAffinity';

export interface NodeAffinityArgs {
  addedAffinity?: NodeAffinitySpec;
}

const REASON_POD = "node(s) didn't match Pod's node affinity/selector";
const REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity";

interface FilterState {
  required: RequiredNodeAffinity;
  added: CompiledNodeSelector;
}

interface ScoreState {
  terms: CompiledTerm[];
  weights: Int32Array;
}

function preferredWeight(snap: Snapshot, state: ScoreState, node: number): number {
  let sum = 0;
  for (let i = 0; i < state.terms.length; i++) if (termMatches(state.terms[i], snap, node)) sum += state.weights[i];
  return sum;
}

function compilePreferred(terms: PreferredSchedulingTerm[], snap: Snapshot): ScoreState {
  const kept = terms.filter((t) => t.weight !== 0);
  return {
    terms: kept.map((t) => compileTerm(t.preference, snap)),
    weights: Int32Array.from(kept.map((t) => t.weight)),
  };
}

function parseArgs(raw: unknown, path: string): { args: NodeAffinityArgs; problems: Problem[] } {
  if (raw === undefined || raw === null) return { args: {}, problems: [] };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { args: {}, problems: [{ code: 'type', path, message: 'expected an object' }] };
  }
  const added = (raw as { addedAffinity?: unknown }).addedAffinity;
  if (added !== undefined && (typeof added !== 'object' || added === null || Array.isArray(added))) {
    return {
      args: {},
      problems: [{ code: 'type', path: `${path}.addedAffinity`, message: 'expected a NodeAffinity object' }],
    };
  }
  return { args: { addedAffinity: added as NodeAffinitySpec | undefined }, problems: [] };
}

export default definePlugin<NodeAffinityArgs>({
  name: NAME,
  description: "Matches the pod's nodeSelector and node affinity; scores preferred terms by weight.",
  parseArgs,
  create(args) {
    const addedRequired = args.addedAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    const addedPreferred = args.addedAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    return {
      name: NAME,
      nodeLocalKeyBySpec: true,
      nodeLocalKey: (cycle: Cycle) => nodeAffinityKey(cycle.pod),
      preFilter(cycle: Cycle) {
        const spec = cycle.pod.pod.spec;
        const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
        if (!required && !addedRequired && !spec.nodeSelector) return { code: SKIP };
        const snap = cycle.snapshot;
        const state: FilterState = {
          required: compileRequiredNodeAffinity(cycle.pod.pod, snap),
          added: addedRequired ? compileNodeSelector(addedRequired, snap) : null,
        };
        const pinned = nodeNamesPinnedByAffinity(required);
        if (pinned === null) return { code: SUCCESS, state };
        if (pinned.size === 0)
          return { code: UNSCHEDULABLE_AND_UNRESOLVABLE, reasons: ['pod affinity terms conflict'] };
        const nodes: number[] = [];
        for (const name of pinned) {
          const n = snap.nodeIndex.get(name);
          if (n !== undefined) nodes.push(n);
        }
        return { code: SUCCESS, state, nodes: Int32Array.from(nodes.sort((a, b) => a - b)) };
      },
      filter(cycle: Cycle, state: FilterState, node: number): Code {
        const snap = cycle.snapshot;
        if (state.added !== null && !nodeSelectorMatches(state.added, snap, node))
          return UNSCHEDULABLE_AND_UNRESOLVABLE;
        return requiredNodeAffinityMatches(state.required, snap, node) ? SUCCESS : UNSCHEDULABLE_AND_UNRESOLVABLE;
      },
      filterBatch(cycle: Cycle, state: FilterState, nodes: Int32Array, count: number, codes: Uint8Array) {
        const snap = cycle.snapshot;
        for (let i = 0; i < count; i++) {
          const node = nodes[i];
          const ok =
            (state.added === null || nodeSelectorMatches(state.added, snap, node)) &&
            requiredNodeAffinityMatches(state.required, snap, node);
          codes[i] = ok ? SUCCESS : UNSCHEDULABLE_AND_UNRESOLVABLE;
        }
      },
      filterReasons(cycle: Cycle, state: FilterState, node: number) {
        const enforced = state.added !== null && !nodeSelectorMatches(state.added, cycle.snapshot, node);
        return [enforced ? REASON_ENFORCED : REASON_POD];
      },

      preScore(cycle: Cycle) {
        const preferred = cycle.pod.pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
        if (!preferred && addedPreferred.length === 0) return { code: SKIP };
        return { code: SUCCESS, state: compilePreferred([...addedPreferred, ...(preferred ?? [])], cycle.snapshot) };
      },
      score: (cycle: Cycle, state: ScoreState, node: number) => preferredWeight(cycle.snapshot, state, node),
      scoreBatch(cycle: Cycle, state: ScoreState, nodes: Int32Array, count: number, scores: Float64Array) {
        const snap = cycle.snapshot;
        for (let i = 0; i < count; i++) scores[i] = preferredWeight(snap, state, nodes[i]);
      },
      normalizeScore: (_cycle, _state, _feasible, scores) => defaultNormalize(scores, false),
    };
  },
});
