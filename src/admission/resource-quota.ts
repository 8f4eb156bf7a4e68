// The ResourceQuota admission plugin's pod evaluator (pkg/quota/v1/evaluator/core/pods.go): what a
// pod adds to a quota's usage, whether a quota's scopes select the pod, and the backward-compatible
// constraint that a quota on cpu or memory requires every container to name them. Usage may reach
// the hard limit exactly; only going past it refuses.

import { parseQuantity, type Quantity, quantityFromValue } from '../api/quantity.js';
import type { Pod, ResourceQuota, ScopedResourceSelectorRequirement } from '../api/types.js';
import { podResourceTotals } from '../snapshot/pod-requests.js';

export type Usage = Map<string, Quantity>;

const ONE = quantityFromValue(1n, 'DecimalSI');
const STANDARD = ['cpu', 'memory', 'ephemeral-storage'];
/** Quota resources that require every container to name the matching request or limit. */
const CONSTRAINED = new Set(['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']);

/** Extended resources: a qualified name outside kubernetes.io (example.com/gpu), not requests.*. */
function isExtended(name: string): boolean {
  const slash = name.indexOf('/');
  if (slash < 0 || name.startsWith('requests.')) return false;
  const domain = name.slice(0, slash);
  return domain !== 'kubernetes.io' && !domain.endsWith('.kubernetes.io');
}

/** upstream podComputeUsageHelper over PodRequests and PodLimits, plus the object count. */
export function podUsage(pod: Pod): Usage {
  const requests = podResourceTotals(pod, 'requests');
  const limits = podResourceTotals(pod, 'limits');
  const usage: Usage = new Map([
    ['pods', ONE],
    ['count/pods', ONE],
  ]);
  for (const name of STANDARD) {
    const req = requests.get(name);
    if (req) {
      usage.set(name, req);
      usage.set(`requests.${name}`, req);
    }
    const lim = limits.get(name);
    if (lim) usage.set(`limits.${name}`, lim);
  }
  for (const [name, req] of requests) {
    if (name.startsWith('hugepages-')) {
      usage.set(name, req);
      usage.set(`requests.${name}`, req);
    } else if (isExtended(name)) {
      usage.set(`requests.${name}`, req);
    }
  }
  return usage;
}

/** QoS class BestEffort: no container (or init container) names a cpu or memory request or limit. */
export function isBestEffort(pod: Pod): boolean {
  for (const c of [...pod.spec.containers, ...(pod.spec.initContainers ?? [])]) {
    for (const list of [c.resources?.requests, c.resources?.limits]) {
      for (const [name, text] of Object.entries(list ?? {})) {
        if ((name === 'cpu' || name === 'memory') && parseQuantity(text).sign() > 0) return false;
      }
    }
  }
  return true;
}

function scopeMatches(req: ScopedResourceSelectorRequirement, pod: Pod): boolean {
  let selected: boolean;
  switch (req.scopeName) {
    case 'BestEffort':
      selected = isBestEffort(pod);
      break;
    case 'NotBestEffort':
      selected = !isBestEffort(pod);
      break;
    case 'Terminating':
      selected = pod.spec.activeDeadlineSeconds !== undefined && pod.spec.activeDeadlineSeconds >= 0;
      break;
    case 'NotTerminating':
      selected = pod.spec.activeDeadlineSeconds === undefined;
      break;
    case 'PriorityClass': {
      const cls = pod.spec.priorityClassName ?? '';
      switch (req.operator) {
        case 'In':
          return (req.values ?? []).includes(cls);
        case 'NotIn':
          return !(req.values ?? []).includes(cls);
        case 'Exists':
          return cls !== '';
        default:
          return cls === '';
      }
    }
  }
  return req.operator === 'DoesNotExist' ? !selected : selected;
}

/** Every scope (spec.scopes, each as Exists, and scopeSelector's expressions) selects the pod. */
export function quotaSelects(quota: ResourceQuota, pod: Pod): boolean {
  const reqs: ScopedResourceSelectorRequirement[] = [
    ...(quota.spec.scopes ?? []).map((scopeName) => ({ scopeName, operator: 'Exists' as const })),
    ...(quota.spec.scopeSelector?.matchExpressions ?? []),
  ];
  return reqs.every((r) => scopeMatches(r, pod));
}

/** The quota's hard resources a pod can use (upstream MatchingResources). */
export function trackedByQuota(quota: ResourceQuota): string[] {
  return Object.keys(quota.spec.hard ?? {}).filter(
    (name) =>
      name === 'pods' ||
      name === 'count/pods' ||
      STANDARD.includes(name) ||
      name.startsWith('requests.') ||
      name.startsWith('limits.') ||
      name.startsWith('hugepages-'),
  );
}

/**
 * upstream podEvaluator.Constraints: with cpu or memory quotaed, each container must name them.
 * `must specify limits.cpu for: app; requests.memory for: app,sidecar`, or undefined.
 */
export function missingRequirements(
  pod: Pod,
  tracked: readonly string[],
): { message: string; resources: string[] } | undefined {
  const required = tracked.filter((r) => CONSTRAINED.has(r));
  if (required.length === 0) return undefined;
  const missing = new Map<string, Set<string>>();
  for (const c of [...pod.spec.containers, ...(pod.spec.initContainers ?? [])]) {
    const has = new Set<string>();
    for (const name of ['cpu', 'memory']) {
      if (c.resources?.requests?.[name] !== undefined) has.add(name).add(`requests.${name}`);
      if (c.resources?.limits?.[name] !== undefined) has.add(`limits.${name}`);
    }
    for (const r of required) {
      if (has.has(r)) continue;
      const names = missing.get(r) ?? new Set<string>();
      names.add(c.name);
      missing.set(r, names);
    }
  }
  if (missing.size === 0) return undefined;
  const resources = [...missing.keys()].sort();
  const parts = resources.map((r) => `${r} for: ${[...missing.get(r)!].sort().join(',')}`);
  return { message: `must specify ${parts.join('; ')}`, resources };
}

/** upstream prettyPrint: `name=value` pairs in name order, comma-separated. */
export function prettyPrint(names: readonly string[], list: Usage): string {
  return [...names]
    .sort()
    .map((n) => `${n}=${list.get(n) ?? '0'}`)
    .join(',');
}
