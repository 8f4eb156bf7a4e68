// The LimitRanger admission plugin (plugin/pkg/admission/limitranger): first each Container item's
// defaults fill in the limits and requests a container does not name, then every item is enforced:
// min and max per container (type Container) or summed over the pod (type Pod), and
// maxLimitRequestRatio. Messages are upstream's, word for word (the double space included).
// Past admission, pod validation refuses a container whose request now exceeds its limit.

import { parseQuantity, type Quantity } from '../api/quantity.js';
import type { Container, LimitRange, Pod, ResourceList } from '../api/types.js';
import { podResourceTotals } from '../snapshot/pod-requests.js';
import { type AdmissionResult, aggregate } from './refusal.js';

/** Limits and defaults a pod's containers get from the namespace's LimitRanges. */
export function applyLimitRangeDefaults(pod: Pod, ranges: readonly LimitRange[]): Pod {
  let defaultLimits: ResourceList = {};
  let defaultRequests: ResourceList = {};
  for (const lr of ranges) {
    for (const item of lr.spec.limits) {
      if (item.type !== 'Container') continue;
      defaultLimits = { ...defaultLimits, ...item.default };
      defaultRequests = { ...defaultRequests, ...item.defaultRequest };
    }
  }
  if (Object.keys(defaultLimits).length === 0 && Object.keys(defaultRequests).length === 0) return pod;
  const merge = (c: Container): Container => {
    const limits = { ...defaultLimits, ...c.resources?.limits };
    const requests = { ...defaultRequests, ...c.resources?.requests };
    return { ...c, resources: { ...c.resources, requests, limits } };
  };
  return {
    ...pod,
    spec: {
      ...pod.spec,
      containers: pod.spec.containers.map(merge),
      ...(pod.spec.initContainers ? { initContainers: pod.spec.initContainers.map(merge) } : {}),
    },
  };
}

type Lists = { requests: Map<string, Quantity>; limits: Map<string, Quantity> };

function parsedList(list: ResourceList | undefined): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  for (const [name, text] of Object.entries(list ?? {})) out.set(name, parseQuantity(text));
  return out;
}

/** upstream requestLimitEnforcedValues: milli-units unless the enforced value is too large for them. */
function observed(q: Quantity | undefined, enforced: Quantity): bigint {
  if (!q) return 0n;
  return enforced.value() <= MAX_MILLI_VALUE ? q.milliValue() : q.value();
}
const MAX_MILLI_VALUE = (2n ** 63n - 1n) / 1000n;

function minError(kind: string, name: string, enforced: Quantity, o: Lists): string | undefined {
  const req = o.requests.get(name);
  const lim = o.limits.get(name);
  if (!req) return `minimum ${name} usage per ${kind} is ${enforced}.  No request is specified`;
  const e = observed(enforced, enforced);
  if (observed(req, enforced) < e) return `minimum ${name} usage per ${kind} is ${enforced}, but request is ${req}`;
  if (lim && observed(lim, enforced) < e)
    return `minimum ${name} usage per ${kind} is ${enforced}, but limit is ${lim}`;
  return undefined;
}

function maxError(kind: string, name: string, enforced: Quantity, o: Lists): string | undefined {
  const req = o.requests.get(name);
  const lim = o.limits.get(name);
  if (!lim) return `maximum ${name} usage per ${kind} is ${enforced}.  No limit is specified`;
  const e = observed(enforced, enforced);
  if (observed(lim, enforced) > e) return `maximum ${name} usage per ${kind} is ${enforced}, but limit is ${lim}`;
  if (req && observed(req, enforced) > e)
    return `maximum ${name} usage per ${kind} is ${enforced}, but request is ${req}`;
  return undefined;
}

function ratioError(kind: string, name: string, enforced: Quantity, o: Lists): string | undefined {
  const head = `${name} max limit to request ratio per ${kind} is ${enforced}`;
  const req = o.requests.get(name);
  const lim = o.limits.get(name);
  if (!req || req.isZero()) return `${head}, but no request is specified or request is 0`;
  if (!lim || lim.isZero()) return `${head}, but no limit is specified or limit is 0`;
  // limit / request > ratio, compared exactly in milli-units: limit × 1000 > ratio(milli) × request.
  const l = lim.milliValue();
  const r = req.milliValue();
  if (l * 1000n > enforced.milliValue() * r)
    return `${head}, but provided ratio is ${(Number(l) / Number(r)).toFixed(6)}`;
  return undefined;
}

function enforce(kind: string, item: LimitRange['spec']['limits'][number], o: Lists, out: Violation[]): void {
  const checks: [ResourceList | undefined, typeof minError][] = [
    [item.min, minError],
    [item.max, maxError],
    [item.maxLimitRequestRatio, ratioError],
  ];
  for (const [list, check] of checks) {
    for (const [name, text] of Object.entries(list ?? {})) {
      const message = check(kind, name, parseQuantity(text), o);
      if (message) out.push({ message, resource: name });
    }
  }
}

interface Violation {
  message: string;
  resource: string;
}

function containerLists(c: Container): Lists {
  return { requests: parsedList(c.resources?.requests), limits: parsedList(c.resources?.limits) };
}

/** Requests above limits after defaulting: pod validation's message for the first such container. */
function requestOverLimit(pod: Pod): Violation | undefined {
  const groups: [string, Container[] | undefined][] = [
    ['containers', pod.spec.containers],
    ['initContainers', pod.spec.initContainers],
  ];
  for (const [field, containers] of groups) {
    for (const [i, c] of (containers ?? []).entries()) {
      const { requests, limits } = containerLists(c);
      for (const [name, req] of requests) {
        const lim = limits.get(name);
        if (lim && req.cmp(lim) > 0) {
          return {
            resource: name,
            message: `Pod "${pod.metadata.name}" is invalid: spec.${field}[${i}].resources.requests: Invalid value: "${c.resources!.requests![name]}": must be less than or equal to ${name} limit of ${c.resources!.limits![name]}`,
          };
        }
      }
    }
  }
  return undefined;
}

/**
 * LimitRanger on a pod being created: defaults, then every item's constraints. The defaulted pod,
 * or a refusal naming every violation (upstream aggregates them into one message).
 */
export function admitLimitRanges(pod: Pod, ranges: readonly LimitRange[]): AdmissionResult<Pod> {
  if (ranges.length === 0) return { admitted: true, pod };
  const defaulted = applyLimitRangeDefaults(pod, ranges);
  const violations: Violation[] = [];
  for (const lr of ranges) {
    for (const item of lr.spec.limits) {
      if (item.type === 'Container') {
        for (const c of [...defaulted.spec.containers, ...(defaulted.spec.initContainers ?? [])])
          enforce('Container', item, containerLists(c), violations);
      } else if (item.type === 'Pod') {
        const o = {
          requests: podResourceTotals(defaulted, 'requests'),
          limits: podResourceTotals(defaulted, 'limits'),
        };
        enforce('Pod', item, o, violations);
      }
    }
  }
  if (violations.length > 0) {
    return {
      admitted: false,
      refusal: {
        by: 'LimitRanger',
        message: `pods "${pod.metadata.name}" is forbidden: ${aggregate(violations.map((v) => v.message))}`,
        resources: [...new Set(violations.map((v) => v.resource))].sort(),
      },
    };
  }
  const invalid = requestOverLimit(defaulted);
  if (invalid)
    return { admitted: false, refusal: { by: 'validation', message: invalid.message, resources: [invalid.resource] } };
  return { admitted: true, pod: defaulted };
}
