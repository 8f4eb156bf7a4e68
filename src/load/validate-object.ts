// One object at a time, for callers that receive objects rather than files (the extender's request
// bodies, the simulator's generated pods): the same checks and defaulting as the loader.

import type { Problem } from '../api/problem.js';
import type { Node, Pod, PriorityClass } from '../api/types.js';
import { Checker, type CheckOptions, isObj } from './check.js';
import { checkNode } from './node.js';
import { checkPod } from './pod.js';
import { priorityTable, resolvePriority } from './priority.js';

export interface ValidateOptions extends CheckOptions {
  /** PriorityClasses to resolve priorityClassName against (the built-in system classes are always known). */
  priorityClasses?: readonly PriorityClass[];
}

export interface Validated<T> {
  /** The object, validated and defaulted in place; undefined when there are problems. */
  value: T | undefined;
  problems: Problem[];
  warnings: Problem[];
}

/**
 * Validates one Pod and applies the API server's defaulting and admission (in place): namespace,
 * uid, requests from limits, toleration operators, port protocols, matchLabelKeys, priority.
 * `path` prefixes field paths (e.g. `Pod` for an extender body); `file` names the source.
 */
export function validatePod(obj: unknown, path = '', file?: string, opts: ValidateOptions = {}): Validated<Pod> {
  const c = new Checker(file, opts);
  const pod = checkPod(c, obj, path);
  if (pod && isObj(pod.spec)) resolvePriority(c, pod, path, priorityTable(opts.priorityClasses ?? []));
  return { value: c.errors.length === 0 ? pod : undefined, problems: c.errors, warnings: c.warnings };
}

/** Validates one Node and applies the API server's defaulting (allocatable from capacity), in place. */
export function validateNode(obj: unknown, path = '', file?: string, opts: CheckOptions = {}): Validated<Node> {
  const c = new Checker(file, opts);
  const node = checkNode(c, obj, path);
  return { value: c.errors.length === 0 ? node : undefined, problems: c.errors, warnings: c.warnings };
}
