// The extender wire format (k8s.io/kube-scheduler/extender/v1). kube-scheduler writes the wrapper
// structs with Go's encoding/json and no JSON tags: PascalCase names, `null` for a missing map,
// slice or pointer. Go reads object keys case-insensitively (an exact match first), so berth does
// the same for the wrappers, and answers in PascalCase. The Kubernetes objects inside (v1.Pod,
// v1.Node) are ordinary API JSON, checked and defaulted by the loader's validators.
import { formatProblem } from '../api/problem.js';
import type { Node, Pod, PriorityClass } from '../api/types.js';
import { describe, isObj, type Obj } from '../load/check.js';
import { validateNode, validatePod } from '../load/load.js';
import { RequestError } from './errors.js';

/** Where a problem in a request body is reported from. */
export const REQUEST_BODY = 'request body';

/** A field of a Go struct as encoding/json finds it: exact name first, then any case. */
export function field(obj: Obj, name: string): unknown {
  if (Object.hasOwn(obj, name)) return obj[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(obj)) if (key.toLowerCase() === lower) return obj[key];
  return undefined;
}

function badRequest(path: string, message: string): RequestError {
  return new RequestError('BAD_REQUEST', `${path}: ${message}`);
}

function requireObject(v: unknown, path: string): Obj {
  if (isObj(v)) return v;
  throw badRequest(path, `expected an object, got ${describe(v)}`);
}

/** Removes `null` members in place, as Go leaves a field unset when it reads `null`. */
export function dropNulls(v: unknown): void {
  if (Array.isArray(v)) {
    for (const item of v) if (typeof item === 'object' && item !== null) dropNulls(item);
    return;
  }
  if (typeof v !== 'object' || v === null) return;
  const obj = v as Obj;
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    if (value === null) delete obj[key];
    else if (typeof value === 'object') dropNulls(value);
  }
}

/** How many problems an error message lists before "and N more". */
const MAX_PROBLEMS_SHOWN = 5;

/** What reading a request needs from the cluster berth knows. */
export interface ReadOptions {
  /** To resolve the pod's priorityClassName, as admission did before kube-scheduler saw it. */
  priorityClasses?: readonly PriorityClass[];
  /**
   * Full mode: the cached Node a request's node object stands for, when they schedule alike; such
   * a node is taken as the cached one, without validating it again.
   */
  knownNode?: (name: string, raw: Obj) => Node | undefined;
  /**
   * Full mode: items read before from the same bytes (args-reader.ts), by index into
   * `Nodes.items`; the body holds a placeholder there, and the item is taken as it is.
   */
  reusedItems?: readonly (RequestNode | undefined)[];
}

/** Checks and defaults the request's Pod as the loader does for a pod in a file. */
export function readPod(v: unknown, opts: ReadOptions = {}, path = 'Pod'): Pod {
  if (v === undefined || v === null) throw badRequest(path, 'is required (a v1.Pod)');
  requireObject(v, path);
  dropNulls(v);
  const { value, problems } = validatePod(v, path, REQUEST_BODY, { priorityClasses: opts.priorityClasses });
  if (problems.length > 0 || !value) {
    const shown = problems.slice(0, MAX_PROBLEMS_SHOWN).map(formatProblem);
    const more = problems.length > MAX_PROBLEMS_SHOWN ? `; and ${problems.length - MAX_PROBLEMS_SHOWN} more` : '';
    throw new RequestError('INVALID_POD', `invalid pod: ${shown.join('; ')}${more}`);
  }
  return value;
}

/** A node of a request's NodeList: valid, or the reason it is not (it then fails the filter). */
export type RequestNode =
  | { name: string; raw: Obj; node: Node; problem?: undefined; known?: boolean }
  | { name: string; raw: Obj; node?: undefined; problem: string; known?: undefined };

export interface ExtenderArgs {
  pod: Pod;
  /** Full mode: the v1.NodeList's items, each checked on its own. */
  nodes: RequestNode[] | null;
  /** The NodeList itself minus its items (apiVersion, kind, metadata), echoed in the reply. */
  nodeListHead: Obj | null;
  /** nodeCacheCapable mode: names into berth's node cache. */
  nodeNames: string[] | null;
}

function readNodeList(v: unknown, opts: ReadOptions): { head: Obj; nodes: RequestNode[] } {
  const list = requireObject(v, 'Nodes');
  const items = field(list, 'items');
  const head: Obj = {};
  for (const key of Object.keys(list)) if (key.toLowerCase() !== 'items') head[key] = list[key];
  if (items === undefined || items === null) return { head, nodes: [] };
  if (!Array.isArray(items)) throw badRequest('Nodes.items', `expected an array, got ${describe(items)}`);
  const reused = opts.reusedItems;
  const nodes = items.map((item, i): RequestNode => {
    const again = reused?.[i];
    if (again) return again;
    const path = `Nodes.items[${i}]`;
    const raw = requireObject(item, path);
    const meta = raw.metadata;
    const name = isObj(meta) ? meta.name : undefined;
    if (typeof name !== 'string' || name === '') throw badRequest(`${path}.metadata.name`, 'a node needs a name');
    // A node standing for a cached one keeps its nulls (the comparison reads them as absent); the
    // filter verb drops them from the nodes it echoes.
    const known = opts.knownNode?.(name, raw);
    // `known`: raw is as the request sent it (not validated, so not defaulted).
    if (known) return { name, raw, node: known, known: true };
    dropNulls(raw);
    const { value, problems } = validateNode(raw, path, REQUEST_BODY);
    if (problems.length > 0 || !value)
      return { name, raw, problem: `invalid node: ${problems.map(formatProblem).join('; ')}` };
    return { name, raw, node: value };
  });
  return { head, nodes };
}

function readStrings(v: unknown, path: string): string[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) throw badRequest(path, `expected an array of node names, got ${describe(v)}`);
  v.forEach((s, i) => {
    if (typeof s !== 'string') throw badRequest(`${path}[${i}]`, `expected a node name, got ${describe(s)}`);
  });
  return v as string[];
}

/** extenderv1.ExtenderArgs: the filter and prioritize request. */
export function readExtenderArgs(body: unknown, opts: ReadOptions = {}): ExtenderArgs {
  const obj = requireObject(body, 'body (ExtenderArgs)');
  const pod = readPod(field(obj, 'Pod'), opts);
  const nodesField = field(obj, 'Nodes');
  const list = nodesField === undefined || nodesField === null ? null : readNodeList(nodesField, opts);
  return {
    pod,
    nodes: list ? list.nodes : null,
    nodeListHead: list ? list.head : null,
    nodeNames: readStrings(field(obj, 'NodeNames'), 'NodeNames'),
  };
}

/** One node's victims as kube-scheduler proposed them: pod UIDs, and PDB violations it counted. */
export interface ProposedVictims {
  uids: string[];
  numPDBViolations: number;
}

export interface PreemptionArgs {
  pod: Pod;
  /** Node name → the victims kube-scheduler found there, in the order it sent the nodes. */
  nodes: Map<string, ProposedVictims>;
  /** True when the request named nodes with NodeNameToMetaVictims (nodeCacheCapable). */
  meta: boolean;
}

function readVictims(v: unknown, path: string, meta: boolean): ProposedVictims {
  if (v === undefined || v === null) return { uids: [], numPDBViolations: 0 };
  const obj = requireObject(v, path);
  const count = field(obj, 'NumPDBViolations');
  if (count !== undefined && count !== null && !Number.isInteger(count)) {
    throw badRequest(`${path}.NumPDBViolations`, `expected an integer, got ${describe(count)}`);
  }
  const pods = field(obj, 'Pods');
  const uids: string[] = [];
  if (pods !== undefined && pods !== null) {
    if (!Array.isArray(pods)) throw badRequest(`${path}.Pods`, `expected an array, got ${describe(pods)}`);
    pods.forEach((p, i) => {
      const pPath = `${path}.Pods[${i}]`;
      const pod = requireObject(p, pPath);
      const uid = meta ? field(pod, 'UID') : isObj(pod.metadata) ? pod.metadata.uid : undefined;
      if (typeof uid !== 'string')
        throw badRequest(meta ? `${pPath}.UID` : `${pPath}.metadata.uid`, `expected a pod UID, got ${describe(uid)}`);
      uids.push(uid);
    });
  }
  return { uids, numPDBViolations: typeof count === 'number' ? count : 0 };
}

/** extenderv1.ExtenderPreemptionArgs. */
export function readPreemptionArgs(body: unknown, opts: ReadOptions = {}): PreemptionArgs {
  const obj = requireObject(body, 'body (ExtenderPreemptionArgs)');
  const pod = readPod(field(obj, 'Pod'), opts);
  const metaField = field(obj, 'NodeNameToMetaVictims');
  const fullField = field(obj, 'NodeNameToVictims');
  const meta = metaField !== undefined && metaField !== null;
  const source = meta ? metaField : fullField;
  const name = meta ? 'NodeNameToMetaVictims' : 'NodeNameToVictims';
  const nodes = new Map<string, ProposedVictims>();
  if (source !== undefined && source !== null) {
    const map = requireObject(source, name);
    for (const node of Object.keys(map))
      nodes.set(node, readVictims(map[node], `${name}[${JSON.stringify(node)}]`, meta));
  }
  return { pod, nodes, meta };
}

/** extenderv1.ExtenderBindingArgs. */
export interface BindingArgs {
  podName: string;
  podNamespace: string;
  podUID: string;
  node: string;
}

export function readBindingArgs(body: unknown): BindingArgs {
  const obj = requireObject(body, 'body (ExtenderBindingArgs)');
  const str = (name: string, required: boolean): string => {
    const v = field(obj, name);
    if (v === undefined || v === null || v === '') {
      if (required) throw badRequest(name, 'is required');
      return '';
    }
    if (typeof v !== 'string') throw badRequest(name, `expected a string, got ${describe(v)}`);
    return v;
  };
  return {
    podName: str('PodName', true),
    podNamespace: str('PodNamespace', false) || 'default',
    podUID: str('PodUID', false),
    node: str('Node', true),
  };
}

// ---- replies ---------------------------------------------------------------------------------------

/** extenderv1.ExtenderFilterResult, field for field. */
export interface FilterResult {
  Nodes: Obj | null;
  NodeNames: string[] | null;
  FailedNodes: Record<string, string>;
  FailedAndUnresolvableNodes: Record<string, string>;
  Error: string;
}

export function filterError(message: string): FilterResult {
  return { Nodes: null, NodeNames: null, FailedNodes: {}, FailedAndUnresolvableNodes: {}, Error: message };
}

/** extenderv1.HostPriority; the prioritize reply is a bare array of them. */
export interface HostPriority {
  Host: string;
  Score: number;
}

export interface MetaVictims {
  Pods: { UID: string }[];
  NumPDBViolations: number;
}

/** extenderv1.ExtenderPreemptionResult: always NodeNameToMetaVictims. */
export interface PreemptionResult {
  NodeNameToMetaVictims: Record<string, MetaVictims>;
}

/** extenderv1.ExtenderBindingResult. */
export interface BindingResult {
  Error: string;
}
