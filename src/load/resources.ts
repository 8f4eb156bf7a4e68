// Quantities in requests, limits, overhead, capacity and allocatable: parsed once per distinct text
// (a cluster repeats a few hundred values across a million fields), checked as the API server does.

import { parseQuantity, type Quantity, QuantityError } from '../api/quantity.js';
import type { ResourceRequirements } from '../api/types.js';
import { type Checker, describe, knownFields, type Obj } from './check.js';
import { child } from './path.js';

/** Each distinct quantity text seen: its value, or the message saying why it is not a quantity. */
interface Parsed {
  q: Quantity;
  milli: bigint;
}
const parsed = new Map<string, Parsed | string>();
const CACHE_LIMIT = 100_000;
const INT64_MAX = 2n ** 63n - 1n;

function parse(text: string): Parsed | string {
  const known = parsed.get(text);
  if (known !== undefined) return known;
  let r: Parsed | string;
  try {
    const q = parseQuantity(text);
    const milli = q.milliValue();
    r = milli > INT64_MAX || milli < -INT64_MAX ? `${JSON.stringify(text)} is too large` : { q, milli };
  } catch (err) {
    if (err instanceof RangeError) r = `${JSON.stringify(text)} is too large`;
    else if (err instanceof QuantityError) r = `${JSON.stringify(text)} is not a quantity${suggestion(text)}`;
    else throw err;
  }
  if (parsed.size >= CACHE_LIMIT) parsed.clear();
  parsed.set(text, r);
  return r;
}

const SUFFIX_FIXES: Record<string, string[]> = {
  k: ['k', 'Ki'],
  kb: ['k', 'Ki'],
  ki: ['Ki'],
  kib: ['Ki'],
  mb: ['M', 'Mi'],
  mi: ['Mi'],
  mib: ['Mi'],
  g: ['G', 'Gi'],
  gb: ['G', 'Gi'],
  gi: ['Gi'],
  gib: ['Gi'],
  t: ['T', 'Ti'],
  tb: ['T', 'Ti'],
  ti: ['Ti'],
  tib: ['Ti'],
  p: ['P', 'Pi'],
  pb: ['P', 'Pi'],
  pi: ['Pi'],
  pib: ['Pi'],
  eb: ['E', 'Ei'],
  ei: ['Ei'],
  eib: ['Ei'],
};

/** ` (did you mean "12G" or "12Gi"?)` for the usual slips: byte units, wrong case, a space. */
function suggestion(text: string): string {
  const m = /^\s*([+-]?[0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]+)\s*$/.exec(text);
  if (!m) return '';
  const fixes = (SUFFIX_FIXES[m[2].toLowerCase()] ?? [m[2]]).map((s) => m[1] + s).filter((s) => s !== text);
  const valid = fixes.filter((s) => {
    try {
      parseQuantity(s);
      return true;
    } catch {
      return false;
    }
  });
  if (valid.length === 0) return '';
  return ` (did you mean ${valid.map((s) => JSON.stringify(s)).join(' or ')}?)`;
}

/** The text of a number given where a quantity belongs. */
function numberText(n: number): string {
  if (Number.isSafeInteger(n)) return String(n);
  if (Number.isInteger(n)) return BigInt(n).toString();
  return String(n).replace('e+', 'e');
}

/**
 * Checks `holder[key]` as a non-negative quantity. A number is rewritten in place as its string
 * (`cpu: 2` in YAML is accepted, as kubectl does), so past the loader every quantity is a string.
 */
export function checkQuantity(c: Checker, holder: Obj, key: string, path: string): Parsed | undefined {
  let v = holder[key];
  if (typeof v === 'number' && Number.isFinite(v)) {
    v = numberText(v);
    holder[key] = v;
  }
  if (typeof v !== 'string') {
    c.error('type', path, `expected a quantity such as "500m" or "2Gi", got ${describe(v)}`);
    return undefined;
  }
  const r = parse(v);
  if (typeof r === 'string') {
    c.error('quantity', path, r);
    return undefined;
  }
  if (r.q.sign() < 0) {
    c.error('negative', path, `${JSON.stringify(v)} must not be negative`);
    return undefined;
  }
  return r;
}

/** A resource list (`requests`, `allocatable`, ...): each valid entry by name. */
export function checkResourceList(c: Checker, holder: Obj, key: string, path: string): Map<string, Parsed> | undefined {
  const list = holder[key];
  const listPath = child(path, key);
  if (!c.object(list, listPath)) return undefined;
  const out = new Map<string, Parsed>();
  for (const name of Object.keys(list)) {
    const r = checkQuantity(c, list, name, child(listPath, name));
    if (r !== undefined) out.set(name, r);
  }
  return out;
}

// ---- container and pod-level requirements ------------------------------------------------------

const STANDARD_CONTAINER_RESOURCES = ['cpu', 'memory', 'ephemeral-storage'];

function isHugePages(name: string): boolean {
  return name.startsWith('hugepages-');
}

/** Native resources (no domain, or a kubernetes.io one) other than hugepages may be overcommitted. */
function overcommitAllowed(name: string): boolean {
  if (isHugePages(name)) return false;
  const slash = name.indexOf('/');
  if (slash < 0) return true;
  const domain = name.slice(0, slash);
  return domain === 'kubernetes.io' || domain.endsWith('.kubernetes.io');
}

function checkResourceName(c: Checker, name: string, path: string): boolean {
  if (STANDARD_CONTAINER_RESOURCES.includes(name) || isHugePages(name)) return true;
  const slash = name.indexOf('/');
  if (slash > 0 && slash < name.length - 1 && !name.startsWith('requests.')) return true;
  c.error(
    'resource-name',
    path,
    `unknown resource ${JSON.stringify(name)}: use cpu, memory, ephemeral-storage, hugepages-<size>, or a qualified name such as example.com/gpu`,
  );
  return false;
}

const REQUIREMENTS_FIELDS = knownFields<ResourceRequirements>()(['requests', 'limits'], ['claims']);

/**
 * `resources` of a container (or of the pod, `podLevel`): valid quantities, requests within limits,
 * requests equal to limits where overcommit is not allowed. Then the API server's defaulting:
 * a resource with a limit and no request gets request = limit.
 */
export function checkRequirements(c: Checker, holder: Obj, path: string, podLevel = false): void {
  const resources = holder.resources;
  const rPath = child(path, 'resources');
  if (!c.object(resources, rPath)) return;
  c.fields(resources, rPath, REQUIREMENTS_FIELDS);
  const requests = checkResourceList(c, resources, 'requests', rPath);
  const limits = checkResourceList(c, resources, 'limits', rPath);
  const reqPath = child(rPath, 'requests');
  const limPath = child(rPath, 'limits');
  if (!podLevel) {
    if (isObjLike(resources.requests))
      for (const n of Object.keys(resources.requests)) checkResourceName(c, n, child(reqPath, n));
    if (isObjLike(resources.limits))
      for (const n of Object.keys(resources.limits)) checkResourceName(c, n, child(limPath, n));
  }
  if (requests) {
    const reqList = resources.requests as Record<string, string>;
    const limList = (resources.limits ?? {}) as Record<string, string>;
    for (const [name, req] of requests) {
      const lim = limits?.get(name);
      const p = child(reqPath, name);
      if (lim === undefined) {
        if (!overcommitAllowed(name) && !(limits && name in limList)) {
          c.error('limit-required', p, `${name} needs a limit equal to its request (it cannot be overcommitted)`);
        }
        continue;
      }
      const order = req.q.cmp(lim.q);
      if (!overcommitAllowed(name) && order !== 0) {
        c.error(
          'request-limit',
          p,
          `${JSON.stringify(reqList[name])} must equal the ${name} limit ${JSON.stringify(limList[name])}`,
        );
      } else if (order > 0) {
        c.error(
          'request-limit',
          p,
          `${JSON.stringify(reqList[name])} must be less than or equal to the ${name} limit ${JSON.stringify(limList[name])}`,
        );
      }
      if (!overcommitAllowed(name) && !isHugePages(name) && req.milli % 1000n !== 0n) {
        c.error('quantity', p, `${JSON.stringify(reqList[name])} must be a whole number for ${name}`);
      }
    }
  }
  if (limits && limits.size > 0) {
    if (resources.requests === undefined || resources.requests === null) resources.requests = {};
    if (!isObjLike(resources.requests)) return;
    const reqList = resources.requests as Record<string, string>;
    const limList = resources.limits as Record<string, string>;
    for (const name of limits.keys()) {
      if (!(name in reqList)) {
        reqList[name] = limList[name];
        const milli = limits.get(name)?.milli ?? 0n;
        if (!overcommitAllowed(name) && !isHugePages(name) && milli % 1000n !== 0n) {
          c.error(
            'quantity',
            child(limPath, name),
            `${JSON.stringify(limList[name])} must be a whole number for ${name}`,
          );
        }
      }
    }
  }
}

function isObjLike(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
