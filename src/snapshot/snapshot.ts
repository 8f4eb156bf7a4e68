// The cluster as columns. Node state lives in typed arrays indexed by node number; labels, taints
// and images are interned to integers. Bound pods are PodInfos in a slot table, listed per node.
// Binding or removing a pod touches only that pod's node. Layout follows ARCHITECTURE.md.

import { parseQuantity } from '../api/quantity.js';
import type { ClusterSnapshot, Labels, Node, Pod, TaintEffect } from '../api/types.js';
import { ABSENT, Interner } from './interner.js';
import { NodeChangeLog } from './node-change-log.js';
import { type HostPort, makePodInfo, type PodInfo } from './pod-info.js';
import { CPU, EPHEMERAL_STORAGE, MEMORY, PODS } from './pod-requests.js';
import { internLabels } from './selector.js';

export const RESOURCE_CPU = 0;
export const RESOURCE_MEMORY = 1;
export const RESOURCE_EPHEMERAL_STORAGE = 2;
export const RESOURCE_PODS = 3;

export const EFFECT_NO_SCHEDULE = 0;
export const EFFECT_PREFER_NO_SCHEDULE = 1;
export const EFFECT_NO_EXECUTE = 2;
export const EFFECTS: Record<TaintEffect, number> = {
  NoSchedule: EFFECT_NO_SCHEDULE,
  PreferNoSchedule: EFFECT_PREFER_NO_SCHEDULE,
  NoExecute: EFFECT_NO_EXECUTE,
};

/** A pod's image without a tag means `:latest` (ImageLocality's normalisation; node names stay as listed). */
export function normalizeImageName(name: string): string {
  return name.lastIndexOf(':') <= name.lastIndexOf('/') ? `${name}:latest` : name;
}

/** Parses a Go base-10 int64 the way strconv.ParseInt does (optional sign, digits only). */
export function parseGoInt(text: string): number {
  return /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
}

export class Snapshot {
  // ---- interners --------------------------------------------------------------------------
  readonly labelKeys = new Interner();
  readonly labelValues = new Interner();
  /** Resource names; cpu, memory, ephemeral-storage and pods always have ids 0..3. */
  readonly resources = new Interner();
  readonly images = new Interner();

  // ---- nodes --------------------------------------------------------------------------------
  nodeCount = 0;
  readonly nodes: Node[] = [];
  readonly nodeNames: string[] = [];
  readonly nodeIndex = new Map<string, number>();
  /** Per resource id, per node. cpu in millicores, the rest in units. */
  readonly allocatable: Float64Array[] = [];
  readonly requested: Float64Array[] = [];
  nonZeroMilliCpu = new Float64Array(0);
  nonZeroMemory = new Float64Array(0);
  podCount = new Int32Array(0);
  unschedulable = new Uint8Array(0);
  /** Per label key id: each node's value id, or ABSENT. */
  private readonly labelColumns: (Int32Array | undefined)[] = [];
  /** Per node: sorted (key id, value id) pairs. */
  readonly nodeLabelPairs: Int32Array[] = [];
  /** Per node: flat (key id, value id, effect) triples; value '' is interned like any value. */
  readonly nodeTaints: Int32Array[] = [];
  /** Per node: image ids (names exactly as the node lists them) and sizes in bytes (a later entry of the same name wins). */
  readonly nodeImageIds: Int32Array[] = [];
  readonly nodeImageSizes: Float64Array[] = [];
  /** Per image id: how many nodes have it. */
  imageNodeCount = new Int32Array(0);
  /** Per node: host ports in use by its pods. */
  readonly usedPorts: HostPort[][] = [];

  // ---- pods ---------------------------------------------------------------------------------
  /** Bound (and assumed) pods by slot; a freed slot holds undefined. */
  readonly pods: (PodInfo | undefined)[] = [];
  readonly podsOnNode: PodInfo[][] = [];
  readonly podByKey = new Map<string, PodInfo>();
  private capacity = 0;

  // ---- other objects scheduling reads --------------------------------------------------------
  readonly namespaceLabels = new Map<string, Labels>();
  readonly cluster: ClusterSnapshot;
  /** Bumped on every change; plugins may key caches on it. */
  version = 0;
  /** Per node: bumped whenever a pod is bound to or removed from it, so caches can recount only that node. */
  nodeGeneration = new Uint32Array(0);
  /** Every nodeGeneration bump, in order. */
  readonly nodeChanges = new NodeChangeLog();

  private readonly valueIntCache: number[] = [];

  constructor(cluster: ClusterSnapshot) {
    this.cluster = cluster;
    for (const name of [CPU, MEMORY, EPHEMERAL_STORAGE, PODS]) this.resourceId(name);
    for (const ns of cluster.namespaces) this.namespaceLabels.set(ns.metadata.name, ns.metadata.labels ?? {});
    this.reserve(cluster.nodes.length);
    for (const node of cluster.nodes) this.addNode(node);
    for (const pod of cluster.pods) {
      const node = this.nodeIndex.get(pod.spec.nodeName ?? '');
      if (node !== undefined) this.bind(this.podInfo(pod), node);
    }
  }

  // ---- lookups ------------------------------------------------------------------------------

  resourceId(name: string): number {
    const id = this.resources.id(name);
    while (this.allocatable.length <= id) {
      this.allocatable.push(new Float64Array(this.capacity));
      this.requested.push(new Float64Array(this.capacity));
    }
    return id;
  }

  /** Each node's value id for a label key, or undefined when no node has the key. */
  labelColumn(key: number): Int32Array | undefined {
    return this.labelColumns[key];
  }

  /** The value id of `key` on `node`, or ABSENT. */
  nodeLabel(node: number, key: number): number {
    const col = this.labelColumns[key];
    return col ? col[node] : ABSENT;
  }

  /** A label value id as a Go int64, or NaN when it is not one (Gt/Lt). */
  valueAsInt(value: number): number {
    let n = this.valueIntCache[value];
    if (n === undefined) {
      n = parseGoInt(this.labelValues.str(value));
      this.valueIntCache[value] = n;
    }
    return n;
  }

  internLabels(labels: Labels | undefined): Int32Array {
    return internLabels(labels, this.labelKeys, this.labelValues);
  }

  /** A PodInfo whose ids belong to this snapshot (not yet bound). */
  podInfo(pod: Pod): PodInfo {
    return makePodInfo(
      pod,
      (l) => this.internLabels(l),
      (r) => this.resourceId(r),
    );
  }

  // ---- nodes --------------------------------------------------------------------------------

  private reserve(count: number): void {
    if (count <= this.capacity) return;
    const cap = Math.max(count, this.capacity * 2, 16);
    const growF = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const growI = (a: Int32Array, fill: number) => {
      const b = new Int32Array(cap).fill(fill);
      b.set(a);
      return b;
    };
    for (let r = 0; r < this.allocatable.length; r++) {
      this.allocatable[r] = growF(this.allocatable[r]);
      this.requested[r] = growF(this.requested[r]);
    }
    this.nonZeroMilliCpu = growF(this.nonZeroMilliCpu);
    this.nonZeroMemory = growF(this.nonZeroMemory);
    this.podCount = growI(this.podCount, 0);
    const g = new Uint32Array(cap);
    g.set(this.nodeGeneration);
    this.nodeGeneration = g;
    const u = new Uint8Array(cap);
    u.set(this.unschedulable);
    this.unschedulable = u;
    for (let k = 0; k < this.labelColumns.length; k++) {
      const col = this.labelColumns[k];
      if (col) this.labelColumns[k] = growI(col, ABSENT);
    }
    this.capacity = cap;
  }

  addNode(node: Node): number {
    const n = this.nodeCount;
    this.reserve(n + 1);
    this.nodeCount++;
    this.nodes.push(node);
    this.nodeNames.push(node.metadata.name);
    this.nodeIndex.set(node.metadata.name, n);

    for (const [name, text] of Object.entries(node.status?.allocatable ?? {})) {
      const r = this.resourceId(name);
      const q = parseQuantity(text);
      this.allocatable[r][n] = r === RESOURCE_CPU ? q.milliValueNumber() : q.valueNumber();
    }
    this.unschedulable[n] = node.spec?.unschedulable ? 1 : 0;

    const pairs = this.internLabels(node.metadata.labels);
    this.nodeLabelPairs.push(pairs);
    for (let i = 0; i < pairs.length; i += 2) {
      let col = this.labelColumns[pairs[i]];
      if (!col) {
        col = new Int32Array(this.capacity).fill(ABSENT);
        this.labelColumns[pairs[i]] = col;
      }
      col[n] = pairs[i + 1];
    }

    const taints = node.spec?.taints ?? [];
    const t = new Int32Array(taints.length * 3);
    taints.forEach((taint, i) => {
      t[3 * i] = this.labelKeys.id(taint.key);
      t[3 * i + 1] = this.labelValues.id(taint.value ?? '');
      t[3 * i + 2] = EFFECTS[taint.effect];
    });
    this.nodeTaints.push(t);

    const seen = new Map<number, number>();
    for (const image of node.status?.images ?? []) {
      for (const name of image.names ?? []) {
        seen.set(this.images.id(name), image.sizeBytes ?? 0);
      }
    }
    if (this.imageNodeCount.length < this.images.size) {
      const grown = new Int32Array(Math.max(this.images.size, this.imageNodeCount.length * 2));
      grown.set(this.imageNodeCount);
      this.imageNodeCount = grown;
    }
    for (const id of seen.keys()) this.imageNodeCount[id]++;
    this.nodeImageIds.push(Int32Array.from(seen.keys()));
    this.nodeImageSizes.push(Float64Array.from(seen.values()));

    this.usedPorts.push([]);
    this.podsOnNode.push([]);
    this.version++;
    return n;
  }

  /** Cordons or uncordons `node` (spec.unschedulable), replacing its source object. */
  setUnschedulable(node: number, unschedulable: boolean): void {
    const source = this.nodes[node];
    this.nodes[node] = { ...source, spec: { ...source.spec, unschedulable } };
    this.unschedulable[node] = unschedulable ? 1 : 0;
    this.nodeGeneration[node]++;
    this.nodeChanges.note(node);
    this.version++;
  }

  // ---- pods ---------------------------------------------------------------------------------

  /** Adds a pod to node `node` (binding, or assuming during a scheduling run). */
  bind(info: PodInfo, node: number): void {
    info.node = node;
    info.slot = this.pods.length;
    this.pods.push(info);
    this.podsOnNode[node].push(info);
    this.podByKey.set(info.key, info);
    this.account(info, node, 1);
  }

  /** Removes a bound pod from its node. */
  unbind(info: PodInfo): void {
    if (info.slot < 0) return;
    const node = info.node;
    const list = this.podsOnNode[node];
    list.splice(list.indexOf(info), 1);
    this.pods[info.slot] = undefined;
    this.podByKey.delete(info.key);
    this.account(info, node, -1);
    info.node = -1;
    info.slot = -1;
  }

  private account(info: PodInfo, node: number, sign: 1 | -1): void {
    for (let i = 0; i < info.requestIds.length; i++) {
      this.requested[info.requestIds[i]][node] += sign * info.requestAmounts[i];
    }
    this.nonZeroMilliCpu[node] += sign * info.nonZeroMilliCpu;
    this.nonZeroMemory[node] += sign * info.nonZeroMemory;
    this.podCount[node] += sign;
    this.nodeGeneration[node]++;
    this.nodeChanges.note(node);
    const ports = this.usedPorts[node];
    for (const p of info.hostPorts) {
      if (sign > 0) ports.push(p);
      else ports.splice(ports.indexOf(p), 1);
    }
    this.version++;
  }

  /** Every bound pod, in slot order. */
  *boundPods(): IterableIterator<PodInfo> {
    for (const p of this.pods) if (p) yield p;
  }
}

export function buildSnapshot(cluster: ClusterSnapshot): Snapshot {
  return new Snapshot(cluster);
}
