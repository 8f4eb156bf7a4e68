// What the scheduler needs of a pod, computed once when the pod enters a snapshot: its requests
// as integers, its labels as interned pairs, its host ports, its priority. Plugins that need more
// (compiled affinity terms, say) compute it once per pod and keep it in `pluginData`. Pods sharing
// a frozen spec or labels object share the arrays derived from it (src/snapshot/pod-parts.ts).
import type { Labels, Pod } from '../api/types.js';
import type { PodParts, SpecParts } from './pod-parts.js';

export const PROTOCOL_TCP = 0;
export const PROTOCOL_UDP = 1;
export const PROTOCOL_SCTP = 2;

export interface HostPort {
  protocol: number;
  /** Host IP; '' and '0.0.0.0' both mean every address. */
  ip: string;
  port: number;
}

export interface PodInfo {
  readonly pod: Pod;
  /** `namespace/name`. */
  readonly key: string;
  readonly namespace: string;
  readonly labels: Labels;
  /** Labels as sorted (key id, value id) pairs in the snapshot's label interners. */
  readonly labelPairs: Int32Array;
  /** Resource ids (snapshot.resources) and integer amounts of every resource the pod names. */
  readonly requestIds: Int32Array;
  readonly requestAmounts: Float64Array;
  readonly nonZeroMilliCpu: number;
  readonly nonZeroMemory: number;
  readonly priority: number;
  readonly hostPorts: readonly HostPort[];
  /** Has a deletionTimestamp: still holds resources; PodTopologySpread ignores it (InterPodAffinity does not). */
  readonly terminating: boolean;
  /** Has pod affinity or anti-affinity (required or preferred). */
  readonly podAffinity: boolean;
  /**
   * Node-local cache keys built from its spec (src/snapshot/pod-keys.ts): one map for all the pods
   * that share a frozen spec, else its own.
   */
  readonly specKeys: Map<string, string>;
  /** Node index while bound or assumed, else -1. */
  node: number;
  /** Slot in the snapshot's pod table while bound, else -1. */
  slot: number;
  /** Per-plugin data computed once per pod, keyed by plugin name. */
  readonly pluginData: Map<string, unknown>;
}

const PROTOCOLS: Record<string, number> = { TCP: PROTOCOL_TCP, UDP: PROTOCOL_UDP, SCTP: PROTOCOL_SCTP };

/** Most pods use no host port: they share one empty list. */
const NO_HOST_PORTS: readonly HostPort[] = Object.freeze([]);

export function hostPortsOf(pod: Pod): readonly HostPort[] {
  const out: HostPort[] = [];
  for (const c of pod.spec.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      out.push({ protocol: PROTOCOLS[p.protocol ?? 'TCP'] ?? PROTOCOL_TCP, ip: p.hostIP ?? '', port: p.hostPort });
    }
  }
  return out.length === 0 ? NO_HOST_PORTS : out;
}

/**
 * Builds a PodInfo; `parts` (the snapshot's that will hold it) interns its labels and resource
 * names. `key` is the pod's `namespace/name` when the caller has it already.
 */
export function makePodInfo(pod: Pod, parts: PodParts, key?: string): PodInfo {
  return new BuiltPodInfo(pod, parts, key);
}

/**
 * A PodInfo whose pluginData map is made on first use: most pods never need one, and the replay
 * keeps tens of thousands of PodInfos alive, each copied by the young-generation collector. What
 * comes from the spec is read through the spec's shared parts rather than copied into each pod
 * (a smaller object to copy), and the fields binding and unbinding touch come first.
 */
class BuiltPodInfo implements PodInfo {
  node = -1;
  slot = -1;
  private readonly parts: SpecParts;
  readonly pod: Pod;
  readonly key: string;
  readonly namespace: string;
  readonly labels: Labels;
  readonly labelPairs: Int32Array;
  readonly priority: number;
  readonly terminating: boolean;
  private data: Map<string, unknown> | undefined = undefined;

  constructor(pod: Pod, parts: PodParts, key: string | undefined) {
    const namespace = pod.metadata.namespace ?? 'default';
    this.parts = parts.spec(pod);
    this.pod = pod;
    this.key = key ?? `${namespace}/${pod.metadata.name}`;
    this.namespace = namespace;
    this.labels = pod.metadata.labels ?? {};
    this.labelPairs = parts.labelPairs(pod.metadata.labels);
    this.priority = pod.spec.priority ?? 0;
    this.terminating = Boolean(pod.metadata.deletionTimestamp);
  }

  get requestIds(): Int32Array {
    return this.parts.requestIds;
  }

  get requestAmounts(): Float64Array {
    return this.parts.requestAmounts;
  }

  get nonZeroMilliCpu(): number {
    return this.parts.nonZeroMilliCpu;
  }

  get nonZeroMemory(): number {
    return this.parts.nonZeroMemory;
  }

  get hostPorts(): readonly HostPort[] {
    return this.parts.hostPorts;
  }

  get podAffinity(): boolean {
    return this.parts.podAffinity;
  }

  get specKeys(): Map<string, string> {
    return this.parts.keys;
  }

  get pluginData(): Map<string, unknown> {
    if (this.data === undefined) this.data = new Map();
    return this.data;
  }
}
