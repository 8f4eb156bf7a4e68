// Admission of pods being created, as kube-apiserver runs it: LimitRanger first (defaults, then
// min/max/ratio), then ResourceQuota over every quota of the namespace whose scopes select the pod.
// Usage is charged when a pod is admitted (or found already running) and released when it ends.
// A refused pod is never created.

import { parseQuantity } from '../api/quantity.js';
import type { ClusterSnapshot, LimitRange, Pod, ResourceQuota } from '../api/types.js';
import { admitLimitRanges } from './limit-range.js';
import type { AdmissionResult } from './refusal.js';
import {
  missingRequirements,
  podUsage,
  prettyPrint,
  quotaSelects,
  trackedByQuota,
  type Usage,
} from './resource-quota.js';

interface QuotaState {
  quota: ResourceQuota;
  name: string;
  hard: Usage;
  tracked: string[];
  used: Usage;
}

interface Charge {
  quotas: QuotaState[];
  usage: Usage;
}

function namespaceOf(o: { metadata: { namespace?: string } }): string {
  return o.metadata.namespace ?? 'default';
}

export class Admission {
  private readonly limitRanges = new Map<string, LimitRange[]>();
  private readonly quotas = new Map<string, QuotaState[]>();
  private readonly charged = new Map<string, Charge>();

  constructor(cluster: Pick<ClusterSnapshot, 'limitRanges' | 'resourceQuotas'>) {
    for (const lr of cluster.limitRanges ?? []) {
      const list = this.limitRanges.get(namespaceOf(lr)) ?? [];
      list.push(lr);
      this.limitRanges.set(namespaceOf(lr), list);
    }
    const sorted = [...(cluster.resourceQuotas ?? [])].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    for (const quota of sorted) {
      const hard: Usage = new Map();
      for (const [name, text] of Object.entries(quota.spec.hard ?? {})) hard.set(name, parseQuantity(text));
      const state = { quota, name: quota.metadata.name, hard, tracked: trackedByQuota(quota), used: new Map() };
      const list = this.quotas.get(namespaceOf(quota)) ?? [];
      list.push(state);
      this.quotas.set(namespaceOf(quota), list);
    }
  }

  /** Whether any LimitRange or ResourceQuota exists (without them admission admits everything as is). */
  get active(): boolean {
    return this.limitRanges.size > 0 || this.quotas.size > 0;
  }

  /** Current usage of each quota, `namespace/name` → resource → quantity string (reports, tests). */
  usage(): Record<string, Record<string, string>> {
    const out: Record<string, Record<string, string>> = {};
    for (const [ns, list] of this.quotas) {
      for (const q of list) {
        const used: Record<string, string> = {};
        for (const name of q.tracked) used[name] = String(q.used.get(name) ?? '0');
        out[`${ns}/${q.name}`] = used;
      }
    }
    return out;
  }

  /** A pod that exists already (bound at the start): its usage counts, nothing is checked. */
  charge(key: string, pod: Pod): void {
    const quotas = (this.quotas.get(namespaceOf(pod)) ?? []).filter((q) => quotaSelects(q.quota, pod));
    if (quotas.length === 0) return;
    const usage = podUsage(pod);
    for (const q of quotas) add(q, usage, 1);
    this.charged.set(key, { quotas, usage });
  }

  /** A pod ended (completed, deleted, evicted): its usage is released. */
  release(key: string): void {
    const c = this.charged.get(key);
    if (!c) return;
    for (const q of c.quotas) add(q, c.usage, -1);
    this.charged.delete(key);
  }

  /** Admits a pod being created (`key` is namespace/name): the defaulted pod, charged, or a refusal. */
  admit(key: string, pod: Pod): AdmissionResult<Pod> {
    const ns = namespaceOf(pod);
    const limited = admitLimitRanges(pod, this.limitRanges.get(ns) ?? []);
    if (!limited.admitted) return limited;
    const admitted = limited.pod;
    const forbidden = (message: string, resources: string[]): AdmissionResult<Pod> => ({
      admitted: false,
      refusal: { by: 'ResourceQuota', message: `pods "${pod.metadata.name}" is forbidden: ${message}`, resources },
    });
    const selected: QuotaState[] = [];
    for (const q of this.quotas.get(ns) ?? []) {
      if (q.tracked.length === 0 || !quotaSelects(q.quota, admitted)) continue;
      const missing = missingRequirements(admitted, q.tracked);
      if (missing) return forbidden(`failed quota: ${q.name}: ${missing.message}`, missing.resources);
      selected.push(q);
    }
    if (selected.length === 0) return { admitted: true, pod: admitted };
    const usage = podUsage(admitted);
    for (const q of selected) {
      const requested = q.tracked.filter((name) => usage.has(name)).sort();
      const exceeded = requested.filter((name) => {
        const next = (q.used.get(name) ?? ZERO).add(usage.get(name)!);
        return next.cmp(q.hard.get(name)!) > 0;
      });
      if (exceeded.length > 0) {
        const used: Usage = new Map(exceeded.map((n) => [n, q.used.get(n) ?? ZERO]));
        return forbidden(
          `exceeded quota: ${q.name}, requested: ${prettyPrint(exceeded, usage)}, used: ${prettyPrint(exceeded, used)}, limited: ${prettyPrint(exceeded, q.hard)}`,
          exceeded,
        );
      }
    }
    for (const q of selected) add(q, usage, 1);
    this.charged.set(key, { quotas: selected, usage });
    return { admitted: true, pod: admitted };
  }
}

const ZERO = parseQuantity('0');

function add(q: QuotaState, usage: Usage, sign: 1 | -1): void {
  for (const name of q.tracked) {
    const u = usage.get(name);
    if (!u) continue;
    const have = q.used.get(name) ?? ZERO;
    q.used.set(name, sign > 0 ? have.add(u) : have.sub(u));
  }
}
