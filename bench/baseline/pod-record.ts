// The baseline's view of a pod, built once when the pod is queued (upstream framework.PodInfo):
// labels as a map, requests as a map, host ports, and the four affinity term lists with their
// namespaces resolved. Plain objects and strings throughout: nothing is interned.
import type { LabelSelector, Labels, Pod, PodAffinityTerm, WeightedPodAffinityTerm } from '../../src/api/types.js';
import { computePodRequests } from '../../src/snapshot/pod-requests.js';

/** upstream fwk.AffinityTerm. */
export interface AffinityTerm {
  namespaces: Set<string>;
  /** null selects nothing; `{}` selects everything. */
  selector: LabelSelector | null;
  namespaceSelector: LabelSelector | null;
  topologyKey: string;
}

export interface WeightedAffinityTerm {
  term: AffinityTerm;
  weight: number;
}

export interface HostPort {
  protocol: string;
  /** '' and '0.0.0.0' both mean every address. */
  ip: string;
  port: number;
}

export interface PodRecord {
  readonly pod: Pod;
  readonly key: string;
  readonly namespace: string;
  readonly labels: Labels;
  /** Resource name → integer amount (cpu in millicores). */
  readonly requests: Map<string, number>;
  /** Scoring's view: 100m / 200Mi for containers that name no cpu / memory. */
  readonly nonZeroMilliCpu: number;
  readonly nonZeroMemory: number;
  readonly hostPorts: HostPort[];
  readonly priority: number;
  readonly terminating: boolean;
  readonly requiredAffinityTerms: AffinityTerm[];
  readonly requiredAntiAffinityTerms: AffinityTerm[];
  readonly preferredAffinityTerms: WeightedAffinityTerm[];
  readonly preferredAntiAffinityTerms: WeightedAffinityTerm[];
}

/** upstream getNamespacesFromPodAffinityTerm: the listed namespaces, or the pod's own when none are listed and there is no selector. */
function affinityTerm(term: PodAffinityTerm, ownNamespace: string): AffinityTerm {
  const listed = term.namespaces ?? [];
  const namespaceSelector = term.namespaceSelector ?? null;
  const namespaces = new Set(listed.length === 0 && namespaceSelector === null ? [ownNamespace] : listed);
  return { namespaces, selector: term.labelSelector ?? null, namespaceSelector, topologyKey: term.topologyKey };
}

function weighted(terms: WeightedPodAffinityTerm[] | undefined, ns: string): WeightedAffinityTerm[] {
  return (terms ?? []).map((w) => ({ term: affinityTerm(w.podAffinityTerm, ns), weight: w.weight }));
}

function hostPorts(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  for (const c of pod.spec.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.hostPort && p.hostPort > 0)
        out.push({ protocol: p.protocol ?? 'TCP', ip: p.hostIP ?? '', port: p.hostPort });
    }
  }
  return out;
}

export function podRecord(pod: Pod): PodRecord {
  const namespace = pod.metadata.namespace ?? 'default';
  const requests = computePodRequests(pod);
  const affinity = pod.spec.affinity;
  return {
    pod,
    key: `${namespace}/${pod.metadata.name}`,
    namespace,
    labels: pod.metadata.labels ?? {},
    requests: requests.amounts,
    nonZeroMilliCpu: requests.nonZeroMilliCpu,
    nonZeroMemory: requests.nonZeroMemory,
    hostPorts: hostPorts(pod),
    priority: pod.spec.priority ?? 0,
    terminating: Boolean(pod.metadata.deletionTimestamp),
    requiredAffinityTerms: (affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) =>
      affinityTerm(t, namespace),
    ),
    requiredAntiAffinityTerms: (affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map(
      (t) => affinityTerm(t, namespace),
    ),
    preferredAffinityTerms: weighted(affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution, namespace),
    preferredAntiAffinityTerms: weighted(
      affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution,
      namespace,
    ),
  };
}

export function hasAffinity(p: PodRecord): boolean {
  return (
    p.requiredAffinityTerms.length > 0 ||
    p.requiredAntiAffinityTerms.length > 0 ||
    p.preferredAffinityTerms.length > 0 ||
    p.preferredAntiAffinityTerms.length > 0
  );
}
