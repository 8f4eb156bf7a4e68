// Admission in the replay: every pod the trace or a controller creates passes LimitRange and
// ResourceQuota first. A refused pod is never created; it is counted per namespace and resource.
// A controller refused is not retried until quota is released in its namespace (the real
// controllers retry with backoff; without a release the answer could not change).

import { Admission } from '../admission/admission.js';
import type { ClusterSnapshot, Pod } from '../api/types.js';
import type { Controller } from './controllers/controller.js';

/** Refusal messages listed in the summary (all are counted). */
const MESSAGES_LISTED = 20;

export interface RefusalSummary {
  /** Pod creations refused (a controller retrying after a release counts again). */
  pods: number;
  /** namespace → refusals, and refusals per resource named (a refusal may name several). */
  byNamespace: Record<string, { pods: number; resources: Record<string, number> }>;
  /** The most common messages, most common first. */
  messages: { message: string; pods: number }[];
}

const NONE: readonly Controller[] = [];

export class SimAdmission {
  private readonly admission: Admission;
  private readonly byNamespace = new Map<string, { pods: number; resources: Map<string, number> }>();
  private readonly messages = new Map<string, number>();
  private readonly waiting = new Map<string, Set<Controller>>();
  private refused = 0;

  constructor(cluster: Pick<ClusterSnapshot, 'limitRanges' | 'resourceQuotas'>) {
    this.admission = new Admission(cluster);
  }

  /** A pod already running at the start: its usage counts. */
  charge(key: string, pod: Pod): void {
    if (this.admission.active) this.admission.charge(key, pod);
  }

  /** The pod as admitted (LimitRange defaults applied), or null when refused. */
  admit(key: string, pod: Pod, owner: Controller | null, log?: (message: string) => void): Pod | null {
    if (!this.admission.active) return pod;
    const ns = pod.metadata.namespace ?? 'default';
    if (owner && this.waiting.get(ns)?.has(owner)) return null;
    const r = this.admission.admit(key, pod);
    if (r.admitted) return r.pod;
    this.refused++;
    const entry = this.byNamespace.get(ns) ?? { pods: 0, resources: new Map<string, number>() };
    entry.pods++;
    for (const name of r.refusal.resources) entry.resources.set(name, (entry.resources.get(name) ?? 0) + 1);
    this.byNamespace.set(ns, entry);
    this.messages.set(r.refusal.message, (this.messages.get(r.refusal.message) ?? 0) + 1);
    if (owner) {
      const set = this.waiting.get(ns) ?? new Set<Controller>();
      set.add(owner);
      this.waiting.set(ns, set);
    }
    log?.(r.refusal.message);
    return null;
  }

  /**
   * A pod ended: its quota usage is released; controllers refused in its namespace may try again.
   * Takes the pod rather than its namespace so that, without admission, the pod is not read.
   */
  release(key: string, pod: Pod): readonly Controller[] {
    if (!this.admission.active) return NONE;
    this.admission.release(key);
    const namespace = pod.metadata.namespace ?? 'default';
    const waiting = this.waiting.get(namespace);
    if (!waiting) return NONE;
    this.waiting.delete(namespace);
    return [...waiting];
  }

  summary(): RefusalSummary {
    const byNamespace: RefusalSummary['byNamespace'] = {};
    for (const ns of [...this.byNamespace.keys()].sort()) {
      const e = this.byNamespace.get(ns)!;
      const resources: Record<string, number> = {};
      for (const r of [...e.resources.keys()].sort()) resources[r] = e.resources.get(r)!;
      byNamespace[ns] = { pods: e.pods, resources };
    }
    const messages = [...this.messages]
      .map(([message, pods]) => ({ message, pods }))
      .sort((a, b) => b.pods - a.pods || (a.message < b.message ? -1 : 1))
      .slice(0, MESSAGES_LISTED);
    return { pods: this.refused, byNamespace, messages };
  }
}
