// NodeAffinity: nodeSelector and required node affinity must match (filter); preferred terms add
// their weights (score, default normalisation). PreFilter narrows to the nodes that every required
// term pins by metadata.name.
import { nodeNamesPinnedByAffinity } from '../../../src/api/node-selector.js';
import { type Code, SKIP, SUCCESS, UNSCHEDULABLE_AND_UNRESOLVABLE } from '../../../src/framework/status.js';
import { type BaselinePlugin, type Cycle, defaultNormalize, type PreResult } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import { type ParsedTerm, parsedTermMatches, parseTerm, RequiredNodeAffinity } from '../required-node-affinity.js';

interface Preferred {
  term: ParsedTerm;
  weight: number;
}

export const nodeAffinity: BaselinePlugin<RequiredNodeAffinity, Preferred[]> = {
  name: 'NodeAffinity',
  preFilter(cycle: Cycle): PreResult<RequiredNodeAffinity> {
    const spec = cycle.pod.pod.spec;
    const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    if (!required && !spec.nodeSelector) return { code: SKIP };
    const state = new RequiredNodeAffinity(cycle.pod.pod);
    const pinned = nodeNamesPinnedByAffinity(required);
    if (pinned === null) return { code: SUCCESS, state };
    if (pinned.size === 0) return { code: UNSCHEDULABLE_AND_UNRESOLVABLE };
    const nodes = cycle.cluster.nodes.filter((n) => pinned.has(n.name));
    return { code: SUCCESS, state, nodes };
  },
  filter: (_cycle: Cycle, state: RequiredNodeAffinity, node: NodeInfo): Code =>
    state.matches(node) ? SUCCESS : UNSCHEDULABLE_AND_UNRESOLVABLE,

  preScore(cycle: Cycle): PreResult<Preferred[]> {
    const preferred = cycle.pod.pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
    if (!preferred) return { code: SKIP };
    const state = preferred
      .filter((p) => p.weight !== 0)
      .map((p) => ({ term: parseTerm(p.preference), weight: p.weight }));
    return { code: SUCCESS, state };
  },
  score(_cycle: Cycle, state: Preferred[], node: NodeInfo): number {
    let sum = 0;
    for (const p of state) if (parsedTermMatches(p.term, node)) sum += p.weight;
    return sum;
  },
  normalize: (_cycle, _state, scores) => defaultNormalize(scores, false),
};
