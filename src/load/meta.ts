// metadata, label maps and label selectors as the API server checks them.

import {
  labelKeyErrors,
  labelKeyProblem,
  labelValueErrors,
  labelValueProblem,
  validateLabelSelector,
} from '../api/labels.js';
import type { LabelSelector, ObjectMeta, OwnerReference } from '../api/types.js';
import { type Checker, knownFields, type Obj } from './check.js';
import { child } from './path.js';

// Label keys and values repeat across a cluster: remember the valid ones (bounded).
const validKeys = new Set<string>();
const validValues = new Set<string>();
const CACHE_LIMIT = 100_000;

function remember(set: Set<string>, s: string): void {
  if (set.size >= CACHE_LIMIT) set.clear();
  set.add(s);
}

/** A label key (also topology keys and matchLabelKeys entries). */
export function checkLabelKey(c: Checker, key: string, path: string): boolean {
  if (validKeys.has(key)) return true;
  const errors = labelKeyErrors(key);
  if (errors.length === 0) {
    remember(validKeys, key);
    return true;
  }
  for (const m of errors) c.addErrors([labelKeyProblem(path, key, m)]);
  return false;
}

function checkLabelValue(c: Checker, value: string, path: string): boolean {
  if (validValues.has(value)) return true;
  const errors = labelValueErrors(value);
  if (errors.length === 0) {
    remember(validValues, value);
    return true;
  }
  for (const m of errors) c.addErrors([labelValueProblem(path, value, m)]);
  return false;
}

/** A string → string map whose keys and values are valid labels (labels, nodeSelector, selectors). */
export function checkLabels(c: Checker, v: unknown, path: string): boolean {
  if (!c.object(v, path)) return false;
  let ok = true;
  for (const key of Object.keys(v)) {
    const p = child(path, key);
    const value = v[key];
    if (!checkLabelKey(c, key, p)) ok = false;
    if (!c.string(value, p, true)) ok = false;
    else if (!checkLabelValue(c, value, p)) ok = false;
  }
  return ok;
}

/** A string → string map (annotations). */
function checkStringMap(c: Checker, v: unknown, path: string): void {
  if (!c.object(v, path)) return;
  for (const key of Object.keys(v)) c.string(v[key], child(path, key));
}

/** A list of strings; true when it is one. */
export function checkStrings(c: Checker, v: unknown, path: string, required = false): v is string[] {
  if (!c.array(v, path, required)) return false;
  let ok = true;
  v.forEach((s, i) => {
    if (!c.string(s, `${path}[${i}]`, true)) ok = false;
  });
  return ok;
}

const SELECTOR_FIELDS = knownFields<LabelSelector>()(['matchLabels', 'matchExpressions']);
const REQUIREMENT_FIELDS = new Set(['key', 'operator', 'values']);

/**
 * A metav1.LabelSelector: shape first (objects, arrays, strings), then the rules of
 * validateLabelSelector (operators, values per operator, label syntax). `null` is allowed.
 */
export function checkLabelSelector(c: Checker, v: unknown, path: string, required = false): v is LabelSelector {
  if (!c.object(v, path, required)) return false;
  c.fields(v, path, SELECTOR_FIELDS);
  let ok = true;
  const ml = v.matchLabels;
  const mlPath = child(path, 'matchLabels');
  if (c.object(ml, mlPath)) {
    for (const key of Object.keys(ml)) if (!c.string(ml[key], `${mlPath}[${key}]`, true)) ok = false;
  } else if (ml !== undefined && ml !== null) ok = false;
  const me = v.matchExpressions;
  const mePath = child(path, 'matchExpressions');
  if (c.array(me, mePath)) {
    me.forEach((req, i) => {
      const p = `${mePath}[${i}]`;
      if (!c.object(req, p, true)) {
        ok = false;
        return;
      }
      c.fields(req, p, REQUIREMENT_FIELDS);
      if (!c.string(req.key, child(p, 'key'), true)) ok = false;
      if (!c.string(req.operator, child(p, 'operator'), true)) ok = false;
      if (req.values !== undefined && req.values !== null && !checkStrings(c, req.values, child(p, 'values')))
        ok = false;
    });
  } else if (me !== undefined && me !== null) ok = false;
  if (!ok) return false;
  const problems = validateLabelSelector(v as LabelSelector, path);
  c.addErrors(problems);
  return problems.length === 0;
}

// ---- metadata ----------------------------------------------------------------------------------

const META_FIELDS = knownFields<ObjectMeta>()(
  [
    'name',
    'namespace',
    'uid',
    'labels',
    'annotations',
    'ownerReferences',
    'creationTimestamp',
    'deletionTimestamp',
    'generateName',
  ],
  ['selfLink', 'resourceVersion', 'generation', 'deletionGracePeriodSeconds', 'finalizers', 'managedFields'],
);

const OWNER_FIELDS = knownFields<OwnerReference>()(
  ['apiVersion', 'kind', 'name', 'uid', 'controller'],
  ['blockOwnerDeletion'],
);

export interface MetaOptions {
  /** A pod template's metadata: no name needed. */
  template?: boolean;
}

/** `metadata`: name required (except in templates), labels valid, the rest well typed. */
export function checkMeta(c: Checker, obj: Obj, path: string, opts: MetaOptions = {}): ObjectMeta | undefined {
  const p = child(path, 'metadata');
  const meta = obj.metadata;
  if (!c.object(meta, p, !opts.template)) return undefined;
  c.fields(meta, p, META_FIELDS);
  if (opts.template) c.string(meta.name, child(p, 'name'));
  else c.name(meta.name, child(p, 'name'));
  for (const key of ['namespace', 'uid', 'generateName', 'creationTimestamp', 'deletionTimestamp']) {
    c.string(meta[key], child(p, key));
  }
  if (meta.labels !== undefined && meta.labels !== null) checkLabels(c, meta.labels, child(p, 'labels'));
  if (meta.annotations !== undefined && meta.annotations !== null)
    checkStringMap(c, meta.annotations, child(p, 'annotations'));
  const owners = meta.ownerReferences;
  const oPath = child(p, 'ownerReferences');
  if (c.array(owners, oPath)) {
    owners.forEach((o, i) => {
      const op = `${oPath}[${i}]`;
      if (!c.object(o, op, true)) return;
      c.fields(o, op, OWNER_FIELDS);
      for (const key of ['apiVersion', 'kind', 'name']) c.string(o[key], child(op, key), true);
      c.string(o.uid, child(op, 'uid'));
      c.boolean(o.controller, child(op, 'controller'));
    });
  }
  return meta as unknown as ObjectMeta;
}
