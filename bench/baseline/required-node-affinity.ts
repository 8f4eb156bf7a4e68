// A pod's nodeSelector and required node affinity, parsed once per pod and matched against a
// NodeInfo's label map (upstream nodeaffinity.RequiredNodeAffinity). Parsing once is what
// kube-scheduler does: a term that does not parse never matches, so it is dropped here, and the
// remaining requirements are matched with the object-form matchers of src/api without being
// re-validated on every node.
import { matchesLabelRequirement } from '../../src/api/labels.js';
import {
  isNodeSelectorTermParsable,
  matchesNodeSelectorRequirement,
  NODE_NAME_FIELD,
} from '../../src/api/node-selector.js';
import type { LabelSelectorRequirement, Labels, NodeSelectorTerm, Pod } from '../../src/api/types.js';
import type { NodeInfo } from './node-info.js';

/** A term that parsed; `null` stands for one that never matches (empty or unparsable). */
export type ParsedTerm = NodeSelectorTerm | null;

export function parseTerm(term: NodeSelectorTerm): ParsedTerm {
  const empty = (term.matchExpressions ?? []).length === 0 && (term.matchFields ?? []).length === 0;
  return empty || !isNodeSelectorTermParsable(term) ? null : term;
}

export function parsedTermMatches(term: ParsedTerm, node: NodeInfo): boolean {
  if (term === null) return false;
  for (const req of term.matchExpressions ?? []) {
    const ok =
      req.operator === 'Gt' || req.operator === 'Lt'
        ? matchesNodeSelectorRequirement(req, node.labels)
        : matchesLabelRequirement(req as LabelSelectorRequirement, node.labels);
    if (!ok) return false;
  }
  if (node.name === '') return true;
  for (const req of term.matchFields ?? []) {
    const actual = req.key === NODE_NAME_FIELD ? node.name : '';
    const equal = actual === (req.values ?? [])[0];
    if (req.operator === 'In' ? !equal : equal) return false;
  }
  return true;
}

export class RequiredNodeAffinity {
  private readonly nodeSelector: Labels;
  /** null: no required node affinity; otherwise terms ORed (zero terms match nothing). */
  private readonly terms: ParsedTerm[] | null;

  constructor(pod: Pod) {
    this.nodeSelector = pod.spec.nodeSelector ?? {};
    const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    this.terms = required ? (required.nodeSelectorTerms ?? []).map(parseTerm) : null;
  }

  matches(node: NodeInfo): boolean {
    for (const [key, value] of Object.entries(this.nodeSelector)) {
      if (!Object.hasOwn(node.labels, key) || node.labels[key] !== value) return false;
    }
    return this.terms === null || this.terms.some((t) => parsedTermMatches(t, node));
  }
}
