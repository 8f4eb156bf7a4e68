// What a PodInfo derives from its spec (request vectors, host ports) and its labels (interned
// pairs), computed once per object when many pods share that object (src/api/shared-objects.ts:
// a CSV trace's rows of one shape), and per pod otherwise. Ids are a snapshot's, so each Snapshot
// has its own PodParts. The typed arrays are shared between PodInfos and never written.
import { isSharedFrozen, sharedMemo } from '../api/shared-objects.js';
import type { Labels, Pod, PodSpec } from '../api/types.js';
import { type HostPort, hostPortsOf } from './pod-info.js';
import { computePodRequests } from './pod-requests.js';

export interface SpecParts {
  readonly requestIds: Int32Array;
  readonly requestAmounts: Float64Array;
  readonly nonZeroMilliCpu: number;
  readonly nonZeroMemory: number;
  readonly hostPorts: readonly HostPort[];
  /** Has required or preferred pod affinity or anti-affinity terms. */
  readonly podAffinity: boolean;
  /** Node-local cache keys built from the spec (src/snapshot/pod-keys.ts), by key name. */
  readonly keys: Map<string, string>;
}

export class PodParts {
  private readonly bySpec = new WeakMap<PodSpec, SpecParts>();

  constructor(
    private readonly internLabels: (labels: Labels | undefined) => Int32Array,
    private readonly resourceId: (name: string) => number,
  ) {}

  /** The parts of `pod` that come from its spec alone. */
  spec(pod: Pod): SpecParts {
    const spec = pod.spec;
    if (!isSharedFrozen(spec)) return this.computeSpec(pod);
    let parts = this.bySpec.get(spec);
    if (parts === undefined) {
      parts = this.computeSpec(pod);
      this.bySpec.set(spec, parts);
    }
    return parts;
  }

  labelPairs(labels: Labels | undefined): Int32Array {
    // Shared labels come and go with every few rows of a trace: a one-slot memo on the object.
    const memo = sharedMemo(labels);
    if (memo === undefined) return this.internLabels(labels);
    if (memo.owner !== this) {
      memo.value = this.internLabels(labels);
      memo.owner = this;
    }
    return memo.value as Int32Array;
  }

  private computeSpec(pod: Pod): SpecParts {
    const req = computePodRequests(pod);
    const names = [...req.amounts.keys()];
    const affinity = pod.spec.affinity;
    return {
      requestIds: Int32Array.from(names.map(this.resourceId)),
      requestAmounts: Float64Array.from(names.map((n) => req.amounts.get(n) ?? 0)),
      nonZeroMilliCpu: req.nonZeroMilliCpu,
      nonZeroMemory: req.nonZeroMemory,
      hostPorts: hostPortsOf(pod),
      podAffinity: Boolean(affinity && (affinity.podAffinity || affinity.podAntiAffinity)),
      keys: new Map(),
    };
  }
}
