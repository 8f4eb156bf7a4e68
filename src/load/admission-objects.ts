// LimitRange and ResourceQuota (core/v1), validated as the API server validates them, with the
// API server's defaulting of a Container LimitRangeItem (default from max, defaultRequest from
// default, then from min), so admission reads complete items.

import type { LimitRangeItem } from '../api/types.js';
import { type Checker, isObj, type Obj, TOP_LEVEL_FIELDS } from './check.js';
import { checkMeta } from './meta.js';
import { child } from './path.js';
import { checkResourceList } from './resources.js';

const LIMIT_ITEM_FIELDS = new Set(['type', 'max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']);
const LIST_KEYS = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const;

function begin(c: Checker, v: unknown, path: string): Obj | undefined {
  if (!c.object(v, path, true)) return undefined;
  c.fields(v, path, TOP_LEVEL_FIELDS);
  checkMeta(c, v, path);
  const meta = v.metadata;
  if (isObj(meta) && (meta.namespace === undefined || meta.namespace === null || meta.namespace === '')) {
    meta.namespace = 'default';
  }
  return v;
}

/** upstream SetDefaults_LimitRangeItem, for Container items. */
function defaultContainerItem(item: LimitRangeItem): void {
  const def = { ...item.max, ...item.default };
  const defReq = { ...item.min, ...def, ...item.defaultRequest };
  if (Object.keys(def).length > 0) item.default = def;
  if (Object.keys(defReq).length > 0) item.defaultRequest = defReq;
}

export function checkLimitRange(c: Checker, v: unknown, path: string): object | undefined {
  const lr = begin(c, v, path);
  if (!lr) return undefined;
  const sPath = child(path, 'spec');
  if (!c.object(lr.spec, sPath, true)) return lr;
  const lPath = child(sPath, 'limits');
  const limits = lr.spec.limits;
  if (!c.array(limits, lPath, true)) return lr;
  limits.forEach((item, i) => {
    const p = `${lPath}[${i}]`;
    if (!c.object(item, p, true)) return;
    c.fields(item, p, LIMIT_ITEM_FIELDS);
    const errorsBefore = c.errors.length;
    const typeOk = c.oneOf(item.type, child(p, 'type'), ['Container', 'Pod', 'PersistentVolumeClaim'], true);
    const lists = new Map<string, Map<string, { q: { cmp(o: unknown): number } }>>();
    for (const key of LIST_KEYS) {
      if (item[key] === undefined || item[key] === null) continue;
      const parsed = checkResourceList(c, item, key, p);
      if (parsed) lists.set(key, parsed as never);
    }
    if (item.type === 'Pod') {
      for (const key of ['default', 'defaultRequest'] as const) {
        if (lists.has(key)) c.error('limit-range', child(p, key), 'may not be specified when type is Pod');
      }
    }
    const min = lists.get('min');
    const max = lists.get('max');
    if (min && max) {
      for (const [name, lo] of min) {
        const hi = max.get(name);
        if (hi && lo.q.cmp(hi.q) > 0)
          c.error('limit-range', child(child(p, 'min'), name), `min value must be less than or equal to max value`);
      }
    }
    if (typeOk && item.type === 'Container' && c.errors.length === errorsBefore)
      defaultContainerItem(item as unknown as LimitRangeItem);
  });
  return lr;
}

const QUOTA_SPEC_FIELDS = new Set(['hard', 'scopes', 'scopeSelector']);
const SCOPES = ['BestEffort', 'NotBestEffort', 'Terminating', 'NotTerminating', 'PriorityClass'] as const;
const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

export function checkResourceQuota(c: Checker, v: unknown, path: string): object | undefined {
  const rq = begin(c, v, path);
  if (!rq) return undefined;
  const sPath = child(path, 'spec');
  if (!c.object(rq.spec, sPath, true)) return rq;
  const spec = rq.spec;
  c.fields(spec, sPath, QUOTA_SPEC_FIELDS);
  if (spec.hard !== undefined && spec.hard !== null) checkResourceList(c, spec, 'hard', sPath);
  const scPath = child(sPath, 'scopes');
  if (c.array(spec.scopes, scPath)) {
    for (const [i, s] of spec.scopes.entries()) c.oneOf(s, `${scPath}[${i}]`, SCOPES, true);
  }
  const selPath = child(sPath, 'scopeSelector');
  if (c.object(spec.scopeSelector, selPath)) {
    const exPath = child(selPath, 'matchExpressions');
    const exprs = spec.scopeSelector.matchExpressions;
    if (c.array(exprs, exPath)) {
      exprs.forEach((e, i) => {
        const p = `${exPath}[${i}]`;
        if (!c.object(e, p, true)) return;
        c.oneOf(e.scopeName, child(p, 'scopeName'), SCOPES, true);
        const opOk = c.oneOf(e.operator, child(p, 'operator'), SELECTOR_OPERATORS, true);
        const vPath = child(p, 'values');
        const values = e.values;
        if (c.array(values, vPath)) for (const [j, x] of values.entries()) c.string(x, `${vPath}[${j}]`, true);
        const count = Array.isArray(values) ? values.length : 0;
        if (opOk && (e.operator === 'In' || e.operator === 'NotIn') && count === 0)
          c.error('scope-selector', vPath, `must be at least one value when operator is ${e.operator}`);
        if (opOk && (e.operator === 'Exists' || e.operator === 'DoesNotExist') && count > 0)
          c.error('scope-selector', vPath, `must be no values when operator is ${e.operator}`);
        if (e.scopeName !== 'PriorityClass' && (e.operator === 'In' || e.operator === 'NotIn'))
          c.error(
            'scope-selector',
            child(p, 'operator'),
            `must be Exists or DoesNotExist for scope ${String(e.scopeName)}`,
          );
      });
    }
  }
  return rq;
}
