// Node selectors and required node affinity in object form, exactly as kube-scheduler v1.35 evaluates
// them (k8s.io/component-helpers/scheduling/corev1/nodeaffinity, k8s.io/apimachinery labels and
// fields). This is the reference the compiled form in src/snapshot is checked against.
//
// Upstream parses each term once (labels.NewRequirement) and a term with any parse error never
// matches (the error is swallowed "for backwards compatibility"). The API server accepts some of
// those terms, so parse failures are part of the matching semantics here:
// - a matchExpressions requirement fails to parse when its key is not a label key, its operator is
//   unknown, In/NotIn have no values, Exists/DoesNotExist have values, Gt/Lt do not have exactly one
//   value that Go's strconv.ParseInt(v, 10, 64) accepts, or ANY value is not a label value. So `Gt
//   "-1"` and `Gt "+5"` never match (`-1` and `+5` are not label values), nor does `NotIn ["a b"]`;
// - a matchFields requirement fails to parse unless its operator is In or NotIn with exactly one value.
// Matching a parsed matchFields requirement reads the node's fields, which hold only `metadata.name`
// (and nothing when the node's name is empty, in which case matchFields are skipped altogether); a
// field other than metadata.name reads as "": `{key: spec.foo, operator: In, values: [""]}` matches
// every node and `NotIn ["x"]` too. The API server rejects keys other than metadata.name, and so does
// validateNodeSelector below.
import {
  dnsSubdomainErrors,
  isValidLabelKey,
  isValidLabelValue,
  labelKeyErrors,
  labelKeyProblem,
  labelValue,
  labelValueErrors,
  labelValueProblem,
} from './labels.js';
import type { Problem } from './problem.js';
import type { Labels, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, PodSpec } from './types.js';

/** What a node selector reads from a node. */
export interface SelectableNode {
  name: string;
  labels?: Labels;
}

/** The field selector key a node's name is matched on. */
export const NODE_NAME_FIELD = 'metadata.name';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Go strconv.ParseInt(s, 10, 64): an optional `+` or `-`, then one or more ASCII digits (leading
 * zeros allowed, no spaces, no `_`), within int64; otherwise null.
 */
export function parseInt64(s: string): bigint | null {
  if (!/^[+-]?[0-9]+$/.test(s)) return null;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? null : n;
}

/** Whether labels.NewRequirement accepts this matchExpressions entry (see the file comment). */
function requirementParses(req: NodeSelectorRequirement): boolean {
  if (!isValidLabelKey(req.key)) return false;
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) return false;
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length !== 0) return false;
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1 || parseInt64(values[0]) === null) return false;
      break;
    default:
      return false;
  }
  return values.every(isValidLabelValue);
}

function fieldRequirementParses(req: NodeSelectorRequirement): boolean {
  return (req.operator === 'In' || req.operator === 'NotIn') && (req.values ?? []).length === 1;
}

/**
 * One matchExpressions entry against node labels: In (key present, value listed), NotIn (key absent
 * or value not listed), Exists, DoesNotExist, Gt/Lt (key present and both the label value and the
 * single requirement value parse as int64; a label value that does not parse does not match). A
 * requirement that upstream fails to parse never matches; within a term (ANDed) that is the same as
 * upstream dropping the whole term.
 */
export function matchesNodeSelectorRequirement(req: NodeSelectorRequirement, labels: Labels | undefined): boolean {
  if (!requirementParses(req)) return false;
  const value = labelValue(labels, req.key);
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    default: {
      if (value === undefined) return false;
      const actual = parseInt64(value);
      if (actual === null) return false;
      const bound = parseInt64(values[0]) as bigint;
      return req.operator === 'Gt' ? actual > bound : actual < bound;
    }
  }
}

/** Whether every requirement of the term parses upstream; a term that does not never matches. */
export function isNodeSelectorTermParsable(term: NodeSelectorTerm): boolean {
  return (
    (term.matchExpressions ?? []).every(requirementParses) && (term.matchFields ?? []).every(fieldRequirementParses)
  );
}

/**
 * A term: matchExpressions ANDed, matchFields ANDed (In/NotIn against the node name), both must hold.
 * A term with neither matches nothing. A node with an empty name skips matchFields (upstream).
 */
export function matchesNodeSelectorTerm(term: NodeSelectorTerm, node: SelectableNode): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) return false;
  if (!isNodeSelectorTermParsable(term)) return false;
  for (const req of expressions) {
    if (!matchesNodeSelectorRequirement(req, node.labels)) return false;
  }
  if (node.name === '') return true;
  for (const req of fields) {
    const actual = req.key === NODE_NAME_FIELD ? node.name : '';
    const equal = actual === (req.values as string[])[0];
    if (req.operator === 'In' ? !equal : equal) return false;
  }
  return true;
}

/** Terms ORed. null/undefined means no constraint (true); a selector with zero terms matches nothing. */
export function matchesNodeSelector(sel: NodeSelector | null | undefined, node: SelectableNode): boolean {
  if (sel == null) return true;
  return (sel.nodeSelectorTerms ?? []).some((term) => matchesNodeSelectorTerm(term, node));
}

/**
 * RequiredNodeAffinity.Match: every `spec.nodeSelector` pair equal on the node (no key validation,
 * like labels.SelectorFromSet), and the required node affinity, when present.
 */
export function matchesPodNodeSelectorAndAffinity(
  spec: Pick<PodSpec, 'nodeSelector' | 'affinity'>,
  node: SelectableNode,
): boolean {
  const nodeSelector = spec.nodeSelector;
  if (nodeSelector) {
    for (const key of Object.keys(nodeSelector)) {
      if (labelValue(node.labels, key) !== nodeSelector[key]) return false;
    }
  }
  return matchesNodeSelector(spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution, node);
}

/**
 * The node names NodeAffinity's PreFilter narrows a pod to (pkg/scheduler/framework/plugins/
 * nodeaffinity, v1.35), given the pod's required node affinity:
 * - no selector, or zero terms → null (no narrowing; with zero terms Filter then rejects every node);
 * - for each term, the intersection of the values of its `metadata.name In` matchFields (NotIn and
 *   other keys are ignored; values are not parse-checked, so `In [a, b]` pins {a, b} even though the
 *   term can never match); a term without one (including an empty term) → null, since terms are ORed;
 * - otherwise the union over the terms. An EMPTY set means the terms conflict: upstream's PreFilter
 *   then returns UnschedulableAndUnresolvable "pod affinity terms conflict"; a non-empty set limits
 *   Filter to those nodes (names that are not nodes simply match nothing).
 * `spec.nodeSelector` plays no part here.
 */
export function nodeNamesPinnedByAffinity(nodeSelector: NodeSelector | null | undefined): Set<string> | null {
  const terms = nodeSelector?.nodeSelectorTerms ?? [];
  if (terms.length === 0) return null;
  const union = new Set<string>();
  for (const term of terms) {
    const pins = (term.matchFields ?? []).filter((req) => req.key === NODE_NAME_FIELD && req.operator === 'In');
    if (pins.length === 0) return null;
    const [first, ...rest] = pins;
    for (const name of new Set(first.values ?? [])) {
      if (rest.every((req) => (req.values ?? []).includes(name))) union.add(name);
    }
  }
  return union;
}

// ---- validation --------------------------------------------------------------------------------

/**
 * The API server's rules (core validation ValidateNodeSelector), plus one of kube-scheduler's parse
 * rules: at least one term; per matchExpressions entry a known operator, In/NotIn at least one value,
 * Exists/DoesNotExist none, Gt/Lt exactly one value that is an integer (the API server does not check
 * the integer, the scheduler silently never matches otherwise), a valid label key and label values;
 * per matchFields entry key metadata.name, In/NotIn, exactly one value that is a node name.
 */
export function validateNodeSelector(sel: NodeSelector, path: string): Problem[] {
  const terms = sel.nodeSelectorTerms ?? [];
  if (terms.length === 0) {
    return [
      { code: 'required', path: `${path}.nodeSelectorTerms`, message: 'must have at least one node selector term' },
    ];
  }
  return terms.flatMap((term, i) => validateNodeSelectorTerm(term, `${path}.nodeSelectorTerms[${i}]`));
}

/** One term (also used for preferred terms' `preference`); an empty term is valid and matches nothing. */
export function validateNodeSelectorTerm(term: NodeSelectorTerm, path: string): Problem[] {
  const problems: Problem[] = [];
  (term.matchExpressions ?? []).forEach((req, j) => {
    problems.push(...validateExpression(req, `${path}.matchExpressions[${j}]`));
  });
  (term.matchFields ?? []).forEach((req, j) => {
    problems.push(...validateField(req, `${path}.matchFields[${j}]`));
  });
  return problems;
}

function validateExpression(req: NodeSelectorRequirement, path: string): Problem[] {
  const problems: Problem[] = [];
  const values = req.values ?? [];
  const valuesProblem = (message: string) => problems.push({ code: 'values', path: `${path}.values`, message });
  switch (req.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) valuesProblem(`must be specified when operator is ${req.operator}`);
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) valuesProblem(`must be empty when operator is ${req.operator}`);
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) valuesProblem(`must have exactly one value when operator is ${req.operator}`);
      else if (parseInt64(values[0]) === null) {
        problems.push({
          code: 'values',
          path: `${path}.values[0]`,
          message: `${JSON.stringify(values[0])} is not an integer (required when operator is ${req.operator})`,
        });
      }
      break;
    default:
      problems.push({
        code: 'operator',
        path: `${path}.operator`,
        message: `${JSON.stringify(req.operator)} is not a node selector operator (expected In, NotIn, Exists, DoesNotExist, Gt or Lt)`,
      });
  }
  for (const m of labelKeyErrors(req.key)) problems.push(labelKeyProblem(`${path}.key`, req.key, m));
  values.forEach((v, i) => {
    for (const m of labelValueErrors(v)) problems.push(labelValueProblem(`${path}.values[${i}]`, v, m));
  });
  return problems;
}

function validateField(req: NodeSelectorRequirement, path: string): Problem[] {
  const problems: Problem[] = [];
  const values = req.values ?? [];
  if (req.operator !== 'In' && req.operator !== 'NotIn') {
    problems.push({
      code: 'operator',
      path: `${path}.operator`,
      message: `${JSON.stringify(req.operator)} is not a node field selector operator (expected In or NotIn)`,
    });
  } else if (values.length !== 1) {
    problems.push({
      code: 'values',
      path: `${path}.values`,
      message: `must have exactly one value when operator is ${req.operator}`,
    });
  }
  if (req.key !== NODE_NAME_FIELD) {
    problems.push({
      code: 'field',
      path: `${path}.key`,
      message: `${JSON.stringify(req.key)} is not a node field selector key (only ${NODE_NAME_FIELD})`,
    });
  } else {
    values.forEach((v, i) => {
      for (const m of dnsSubdomainErrors(v)) {
        problems.push({
          code: 'node-name',
          path: `${path}.values[${i}]`,
          message: `${JSON.stringify(v)} is not a node name: ${m}`,
        });
      }
    });
  }
  return problems;
}
