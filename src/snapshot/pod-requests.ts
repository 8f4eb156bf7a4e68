// A pod's resource requests as the scheduler computes them (k8s.io/component-helpers resource
// PodRequests): containers summed; each init container in order, where a sidecar (restartPolicy
// Always) joins the running sum and a plain init container needs its own request plus the sidecars
// started before it; the pod needs the per-resource max of the two; pod-level cpu/memory replace
// the container sums when set; overhead is added. Sums are exact (quantities), rounded up only at the end.

import { parseQuantity, type Quantity } from '../api/quantity.js';
import type { Container, Pod, ResourceList } from '../api/types.js';

export const CPU = 'cpu';
export const MEMORY = 'memory';
export const EPHEMERAL_STORAGE = 'ephemeral-storage';
export const PODS = 'pods';

/** Scoring's stand-ins for a container that names no cpu or memory request (schedutil). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

type QuantityMap = Map<string, Quantity>;

/** Pods repeat a handful of quantity strings; Quantity is immutable, so parse each once. */
const parsed = new Map<string, Quantity>();
const PARSED_LIMIT = 10_000;

function quantity(text: string): Quantity {
  let q = parsed.get(text);
  if (q === undefined) {
    q = parseQuantity(text);
    if (parsed.size >= PARSED_LIMIT) parsed.clear();
    parsed.set(text, q);
  }
  return q;
}

function toMap(list: ResourceList | undefined): QuantityMap {
  const out: QuantityMap = new Map();
  if (list) for (const [name, text] of Object.entries(list)) out.set(name, quantity(text));
  return out;
}

function addInto(target: QuantityMap, source: QuantityMap): void {
  for (const [name, q] of source) {
    const have = target.get(name);
    target.set(name, have ? have.add(q) : q);
  }
}

function maxInto(target: QuantityMap, source: QuantityMap): void {
  for (const [name, q] of source) {
    const have = target.get(name);
    if (!have || q.cmp(have) > 0) target.set(name, q);
  }
}

/** Fills cpu and memory with the scoring defaults where this container names none. */
function withDefaults(requests: QuantityMap, defaults: QuantityMap | null): QuantityMap {
  if (!defaults) return requests;
  let out = requests;
  for (const [name, q] of defaults) {
    if (!requests.has(name)) {
      if (out === requests) out = new Map(requests);
      out.set(name, q);
    }
  }
  return out;
}

type Which = 'requests' | 'limits';

function aggregateContainers(pod: Pod, defaults: QuantityMap | null, which: Which = 'requests'): QuantityMap {
  const sum: QuantityMap = new Map();
  for (const c of pod.spec.containers ?? []) addInto(sum, withDefaults(toMap(c.resources?.[which]), defaults));
  const sidecars: QuantityMap = new Map();
  const initPeak: QuantityMap = new Map();
  for (const c of pod.spec.initContainers ?? ([] as Container[])) {
    const own = withDefaults(toMap(c.resources?.[which]), defaults);
    if (c.restartPolicy === 'Always') {
      addInto(sum, own);
      addInto(sidecars, own);
      maxInto(initPeak, sidecars);
    } else {
      const need: QuantityMap = new Map();
      addInto(need, own);
      addInto(need, sidecars);
      maxInto(initPeak, need);
    }
  }
  maxInto(sum, initPeak);
  return sum;
}

function isPodLevelResource(name: string): boolean {
  return name === CPU || name === MEMORY || name.startsWith('hugepages-');
}

function podLevelRequestsSet(pod: Pod): boolean {
  return Object.keys(pod.spec.resources?.requests ?? {}).some(isPodLevelResource);
}

function podTotal(pod: Pod, defaults: QuantityMap | null): QuantityMap {
  const reqs = aggregateContainers(pod, defaults);
  if (podLevelRequestsSet(pod)) {
    for (const [name, text] of Object.entries(pod.spec.resources?.requests ?? {})) {
      if (isPodLevelResource(name)) reqs.set(name, quantity(text));
    }
  }
  if (pod.spec.overhead) addInto(reqs, toMap(pod.spec.overhead));
  return reqs;
}

/**
 * The pod's exact requests or limits as quota admission counts them (upstream PodRequests and
 * PodLimits): the scheduler's aggregation; overhead is added to limits only where a limit is set.
 */
export function podResourceTotals(pod: Pod, which: Which): Map<string, Quantity> {
  if (which === 'requests') return podTotal(pod, null);
  const limits = aggregateContainers(pod, null, 'limits');
  for (const [name, text] of Object.entries(pod.spec.resources?.limits ?? {})) {
    if (isPodLevelResource(name)) limits.set(name, quantity(text));
  }
  for (const [name, q] of toMap(pod.spec.overhead)) {
    const have = limits.get(name);
    if (have) limits.set(name, have.add(q));
  }
  return limits;
}

/** Integer requests: cpu in millicores, everything else in units, each rounded up. */
export interface PodRequests {
  /** Resource name → amount, for every resource the pod names (an explicit 0 stays, as 0). */
  amounts: Map<string, number>;
  /** Scoring's view of cpu (millicores) and memory (bytes): defaults for containers naming none. */
  nonZeroMilliCpu: number;
  nonZeroMemory: number;
}

function toInteger(name: string, q: Quantity): number {
  return name === CPU ? q.milliValueNumber() : q.valueNumber();
}

export function computePodRequests(pod: Pod): PodRequests {
  const exact = podTotal(pod, null);
  const amounts = new Map<string, number>();
  for (const [name, q] of exact) amounts.set(name, toInteger(name, q));

  // Pod-level requests set: defaults only for what neither pod nor containers name (upstream
  // getNonMissingContainerRequests); otherwise every container lacking cpu/memory gets them.
  const podLevel = podLevelRequestsSet(pod);
  const defaults: QuantityMap = new Map();
  if (!podLevel || !exact.has(CPU)) defaults.set(CPU, quantity(`${DEFAULT_MILLI_CPU_REQUEST}m`));
  if (!podLevel || !exact.has(MEMORY)) defaults.set(MEMORY, quantity(`${DEFAULT_MEMORY_REQUEST}`));
  const nonZero = defaults.size > 0 ? podTotal(pod, defaults) : exact;
  const cpu = nonZero.get(CPU);
  const mem = nonZero.get(MEMORY);
  return {
    amounts,
    nonZeroMilliCpu: cpu ? cpu.milliValueNumber() : 0,
    nonZeroMemory: mem ? mem.valueNumber() : 0,
  };
}
