// The cluster as columns. Node state lives in typed arrays indexed by node number; labels, taints
// and images are interned to integers. Bound pods are PodInfos in a slot table, listed per node.
// Binding or removing a pod touches only that pod's node. Layout follows ARCHITECTURE.md.
//
// The numeric per-node columns live in SharedArrayBuffers so that worker threads read them in place
// (src/engine/pool). A replica in a worker is built with `attached: true`: it keeps its own object
// state (node objects, pod lists, ports) by replaying the owner's changes, but never writes the
// shared columns; the owner publishes new buffers when a column grows or appears (sharedColumns()).

import { parseQuantity } from '../api/quantity.js';
import type { ClusterSnapshot, Labels, Node, Pod, TaintEffect } from '../api/types.js';
import { ABSENT, Interner } from './interner.js';
import { NodeChangeLog } from './node-change-log.js';
import { type HostPort, makePodInfo, type PodInfo } from './pod-info.js';
import { PodParts } from './pod-parts.js';
import { CPU, EPHEMERAL_STORAGE, MEMORY, PODS } from './pod-requests.js';
import { internLabels } from './selector.js';
import { sharedF64, sharedI32, sharedU8, sharedU32 } from './shared-arrays.js';
import { raggedF64, raggedI32 } from './shared-ragged.js';

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

/** Told about every change an owner snapshot makes, so a replica (a worker's) can replay it. */
export interface SnapshotObserver {
  nodeAdded(node: Node): void;
  bound(info: PodInfo, node: number): void;
  unbound(info: PodInfo): void;
  cordoned(node: number, unschedulable: boolean): void;
}

/** Parses a Go base-10 int64 the way strconv.ParseInt does (optional sign, digits only). */
export function parseGoInt(text: string): number {
  return /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
}

/**
 * Plugin-owned per-node state that has to follow the cluster (GPU devices, say): created through
 * Snapshot.extension(), then told about every node added and every pod bound or removed, after
 * the snapshot's own accounting and before nodeGeneration readers see the change.
 */
export interface SnapshotExtension {
  nodeAdded(node: number): void;
  /** `info` was bound to `node` (sign 1) or is being removed from it (sign -1). */
  podChanged(info: PodInfo, node: number, sign: 1 | -1): void;
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
  nonZeroMilliCpu = sharedF64(0);
  nonZeroMemory = sharedF64(0);
  podCount = sharedI32(0);
  unschedulable = sharedU8(0);
  /** Per label key id: each node's value id, or ABSENT. */
  private readonly labelColumns: (Int32Array | undefined)[] = [];
  /** Per node: sorted (key id, value id) pairs; views into a shared pool, as nodeTaints. */
  readonly nodeLabelPairs: Int32Array[] = [];
  /**
   * Per node: flat (key id, value id, effect) triples; value '' is interned like any value. Views
   * into one shared pool (taintPool at taintStart[n], taintLength[n] entries).
   */
  readonly nodeTaints: Int32Array[] = [];
  /**
   * Per node: image ids (names exactly as the node lists them) and sizes in bytes (a later entry of
   * the same name wins). Views into shared pools, as nodeTaints.
   */
  readonly nodeImageIds: Int32Array[] = [];
  readonly nodeImageSizes: Float64Array[] = [];
  private readonly labelPairPool = raggedI32();
  private readonly taintPool = raggedI32();
  private readonly imageIdPool = raggedI32();
  private readonly imageSizePool = raggedF64();
  /** Per node: where its taints and images start in the pools, and how many entries they have. */
  private labelPairStart = sharedI32(0);
  private labelPairLength = sharedI32(0);
  private taintStart = sharedI32(0);
  private taintLength = sharedI32(0);
  private imageStart = sharedI32(0);
  private imageLength = sharedI32(0);
  /** Per image id: how many nodes have it. */
  imageNodeCount = sharedI32(0);
  /** Per node: host ports in use by its pods. */
  readonly usedPorts: HostPort[][] = [];

  // ---- pods ---------------------------------------------------------------------------------

  /** Bound pods by key: built from the pod table on first use, then kept current. */
  get podByKey(): ReadonlyMap<string, PodInfo> {
    if (this.keyIndex === null) {
      const index = new Map<string, PodInfo>();
      for (const p of this.pods) if (p) index.set(p.key, p);
      this.keyIndex = index;
    }
    return this.keyIndex;
  }
  /** Bound (and assumed) pods by slot; a freed slot holds undefined. */
  readonly pods: (PodInfo | undefined)[] = [];
  readonly podsOnNode: PodInfo[][] = [];
  /** Bound pods by key once someone asked (the extender); the replay never does, and binds faster. */
  private keyIndex: Map<string, PodInfo> | null = null;
  private capacity = 0;

  // ---- other objects scheduling reads --------------------------------------------------------
  readonly namespaceLabels = new Map<string, Labels>();
  readonly cluster: ClusterSnapshot;
  /** Bumped on every change; plugins may key caches on it. */
  version = 0;
  /**
   * Bumped whenever a pod with pod affinity or anti-affinity is bound or removed: readers that
   * follow only such pods (InterPodAffinity's existing terms) need not look at other changes.
   */
  podAffinityChanges = 0;
  /** Per node: bumped whenever a pod is bound to or removed from it, so caches can recount only that node. */
  nodeGeneration = sharedU32(0);
  /**
   * Every nodeGeneration bump, in order. Kept per copy (not shared): a worker's copy notes the
   * changes as it replays them, so its journals re-read the same nodes the main thread's do.
   */
  readonly nodeChanges = new NodeChangeLog();

  private readonly valueIntCache: number[] = [];
  private readonly podParts = new PodParts(
    (l) => this.internLabels(l),
    (r) => this.resourceId(r),
  );
  private readonly extensions = new Map<string, SnapshotExtension>();

  /** A worker's replica: numeric columns are the owner's shared buffers, attached, never written. */
  readonly attached: boolean;
  /** Told about every change (set by a worker pool session). */
  observer: SnapshotObserver | null = null;

  constructor(cluster: ClusterSnapshot, options: { attached?: boolean } = {}) {
    this.cluster = cluster;
    this.attached = options.attached ?? false;
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
    while (!this.attached && this.allocatable.length <= id) {
      this.allocatable.push(sharedF64(this.capacity));
      this.requested.push(sharedF64(this.capacity));
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

  /** A PodInfo whose ids belong to this snapshot (not yet bound); `key` is its `namespace/name` when known. */
  podInfo(pod: Pod, key?: string): PodInfo {
    return makePodInfo(pod, this.podParts, key);
  }

  /**
   * The extension named `name`, made by `create` on first use; `create` builds it from the nodes
   * and bound pods already here, and from then on it hears of every change.
   */
  extension<T extends SnapshotExtension>(name: string, create: (snapshot: Snapshot) => T): T {
    let ext = this.extensions.get(name);
    if (!ext) {
      ext = create(this);
      this.extensions.set(name, ext);
    }
    return ext as T;
  }

  // ---- nodes --------------------------------------------------------------------------------

  /**
   * Every shared column by a stable name (`alloc.<resource id>`, `label.<key id>`, …). A worker pool
   * sends a replica the entries whose buffer changed since it last looked (growth makes new ones).
   */
  sharedColumns(): Map<string, Float64Array | Int32Array | Uint32Array | Uint8Array> {
    const m = new Map<string, Float64Array | Int32Array | Uint32Array | Uint8Array>();
    for (let r = 0; r < this.allocatable.length; r++) {
      m.set(`alloc.${r}`, this.allocatable[r]);
      m.set(`req.${r}`, this.requested[r]);
    }
    m.set('nzCpu', this.nonZeroMilliCpu);
    m.set('nzMem', this.nonZeroMemory);
    m.set('podCount', this.podCount);
    m.set('unschedulable', this.unschedulable);
    m.set('generation', this.nodeGeneration);
    m.set('imageNodeCount', this.imageNodeCount);
    m.set('labelPairPool', this.labelPairPool.pool);
    m.set('labelPairStart', this.labelPairStart);
    m.set('labelPairLength', this.labelPairLength);
    m.set('taintPool', this.taintPool.pool);
    m.set('taintStart', this.taintStart);
    m.set('taintLength', this.taintLength);
    m.set('imageIdPool', this.imageIdPool.pool);
    m.set('imageSizePool', this.imageSizePool.pool);
    m.set('imageStart', this.imageStart);
    m.set('imageLength', this.imageLength);
    for (let k = 0; k < this.labelColumns.length; k++) {
      const col = this.labelColumns[k];
      if (col) m.set(`label.${k}`, col);
    }
    return m;
  }

  /**
   * A replica takes the owner's column `name` (see sharedColumns). After a batch of columns that
   * moved the taint or image pools, call refreshViews().
   */
  attachColumn(name: string, column: Float64Array | Int32Array | Uint32Array | Uint8Array): void {
    const dot = name.indexOf('.');
    const kind = dot < 0 ? name : name.slice(0, dot);
    const index = dot < 0 ? 0 : Number(name.slice(dot + 1));
    switch (kind) {
      case 'alloc':
        this.allocatable[index] = column as Float64Array;
        break;
      case 'req':
        this.requested[index] = column as Float64Array;
        break;
      case 'nzCpu':
        this.nonZeroMilliCpu = column as Float64Array;
        break;
      case 'nzMem':
        this.nonZeroMemory = column as Float64Array;
        break;
      case 'podCount':
        this.podCount = column as Int32Array;
        break;
      case 'unschedulable':
        this.unschedulable = column as Uint8Array;
        break;
      case 'generation':
        this.nodeGeneration = column as Uint32Array;
        break;
      case 'imageNodeCount':
        this.imageNodeCount = column as Int32Array;
        break;
      case 'label':
        this.labelColumns[index] = column as Int32Array;
        break;
      case 'labelPairPool':
        this.labelPairPool.pool = column as Int32Array;
        break;
      case 'labelPairStart':
        this.labelPairStart = column as Int32Array;
        break;
      case 'labelPairLength':
        this.labelPairLength = column as Int32Array;
        break;
      case 'taintPool':
        this.taintPool.pool = column as Int32Array;
        break;
      case 'taintStart':
        this.taintStart = column as Int32Array;
        break;
      case 'taintLength':
        this.taintLength = column as Int32Array;
        break;
      case 'imageIdPool':
        this.imageIdPool.pool = column as Int32Array;
        break;
      case 'imageSizePool':
        this.imageSizePool.pool = column as Float64Array;
        break;
      case 'imageStart':
        this.imageStart = column as Int32Array;
        break;
      case 'imageLength':
        this.imageLength = column as Int32Array;
        break;
      default:
        throw new Error(`unknown snapshot column ${name}`);
    }
  }

  /** Rebuilds every node's taint and image views over the current pools (after one moved). */
  refreshViews(): void {
    for (let n = 0; n < this.nodeCount; n++) this.refreshNodeViews(n);
  }

  private refreshNodeViews(n: number): void {
    this.nodeLabelPairs[n] = this.labelPairPool.view(this.labelPairStart[n], this.labelPairLength[n]);
    this.nodeTaints[n] = this.taintPool.view(this.taintStart[n], this.taintLength[n]);
    this.nodeImageIds[n] = this.imageIdPool.view(this.imageStart[n], this.imageLength[n]);
    this.nodeImageSizes[n] = this.imageSizePool.view(this.imageStart[n], this.imageLength[n]);
  }

  private reserve(count: number): void {
    if (count <= this.capacity) return;
    const cap = Math.max(count, this.capacity * 2, 16);
    if (this.attached) {
      this.capacity = cap;
      return;
    }
    const growF = (a: Float64Array) => {
      const b = sharedF64(cap);
      b.set(a);
      return b;
    };
    const growI = (a: Int32Array, fill: number) => {
      const b = sharedI32(cap).fill(fill);
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
    const g = sharedU32(cap);
    g.set(this.nodeGeneration);
    this.nodeGeneration = g;
    const u = sharedU8(cap);
    u.set(this.unschedulable);
    this.unschedulable = u;
    this.labelPairStart = growI(this.labelPairStart, 0);
    this.labelPairLength = growI(this.labelPairLength, 0);
    this.taintStart = growI(this.taintStart, 0);
    this.taintLength = growI(this.taintLength, 0);
    this.imageStart = growI(this.imageStart, 0);
    this.imageLength = growI(this.imageLength, 0);
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
    const owner = !this.attached;

    for (const [name, text] of Object.entries(node.status?.allocatable ?? {})) {
      const r = this.resourceId(name);
      if (!owner) continue;
      this.allocatable[r][n] = allocatableAmount(text, r === RESOURCE_CPU);
    }
    if (owner) this.unschedulable[n] = node.spec?.unschedulable ? 1 : 0;

    const pairs = this.internLabels(node.metadata.labels);
    for (let i = 0; owner && i < pairs.length; i += 2) {
      let col = this.labelColumns[pairs[i]];
      if (!col) {
        col = sharedI32(this.capacity).fill(ABSENT);
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

    const seen = new Map<number, number>();
    for (const image of node.status?.images ?? []) {
      for (const name of image.names ?? []) {
        seen.set(this.images.id(name), image.sizeBytes ?? 0);
      }
    }
    if (owner && this.imageNodeCount.length < this.images.size) {
      const grown = sharedI32(Math.max(this.images.size, this.imageNodeCount.length * 2));
      grown.set(this.imageNodeCount);
      this.imageNodeCount = grown;
    }
    if (owner) for (const id of seen.keys()) this.imageNodeCount[id]++;
    let moved = false;
    if (owner) {
      const labelled = this.labelPairPool.append(pairs);
      this.labelPairStart[n] = labelled.start;
      this.labelPairLength[n] = pairs.length;
      const placed = this.taintPool.append(t);
      this.taintStart[n] = placed.start;
      this.taintLength[n] = t.length;
      const ids = this.imageIdPool.append(Int32Array.from(seen.keys()));
      const sizes = this.imageSizePool.append(Float64Array.from(seen.values()));
      this.imageStart[n] = ids.start;
      this.imageLength[n] = seen.size;
      moved = labelled.moved || placed.moved || ids.moved || sizes.moved;
    }
    // A replica's views may point into pools it has not attached yet: the owner's next columns
    // batch brings them, and the worker refreshes every view then.
    this.nodeLabelPairs.push(this.labelPairPool.view(this.labelPairStart[n], this.labelPairLength[n]));
    this.nodeTaints.push(this.taintPool.view(this.taintStart[n], this.taintLength[n]));
    this.nodeImageIds.push(this.imageIdPool.view(this.imageStart[n], this.imageLength[n]));
    this.nodeImageSizes.push(this.imageSizePool.view(this.imageStart[n], this.imageLength[n]));
    // A pool that moved leaves every earlier node's views on the old buffer.
    if (moved) this.refreshViews();

    this.usedPorts.push([]);
    this.podsOnNode.push([]);
    for (const ext of this.extensions.values()) ext.nodeAdded(n);
    this.version++;
    this.observer?.nodeAdded(node);
    return n;
  }

  /** Cordons or uncordons `node` (spec.unschedulable), replacing its source object. */
  setUnschedulable(node: number, unschedulable: boolean): void {
    const source = this.nodes[node];
    this.nodes[node] = { ...source, spec: { ...source.spec, unschedulable } };
    if (!this.attached) {
      this.unschedulable[node] = unschedulable ? 1 : 0;
      this.nodeGeneration[node]++;
    }
    this.nodeChanges.note(node);
    this.version++;
    this.observer?.cordoned(node, unschedulable);
  }

  // ---- pods ---------------------------------------------------------------------------------

  /** Adds a pod to node `node` (binding, or assuming during a scheduling run). */
  bind(info: PodInfo, node: number): void {
    info.node = node;
    info.slot = this.pods.length;
    this.pods.push(info);
    this.podsOnNode[node].push(info);
    this.keyIndex?.set(info.key, info);
    this.account(info, node, 1);
    this.observer?.bound(info, node);
  }

  /** Removes a bound pod from its node. */
  unbind(info: PodInfo): void {
    if (info.slot < 0) return;
    this.observer?.unbound(info);
    const node = info.node;
    removeFrom(this.podsOnNode[node], info);
    this.pods[info.slot] = undefined;
    this.keyIndex?.delete(info.key);
    this.account(info, node, -1);
    info.node = -1;
    info.slot = -1;
  }

  private account(info: PodInfo, node: number, sign: 1 | -1): void {
    if (!this.attached) {
      for (let i = 0; i < info.requestIds.length; i++) {
        this.requested[info.requestIds[i]][node] += sign * info.requestAmounts[i];
      }
      this.nonZeroMilliCpu[node] += sign * info.nonZeroMilliCpu;
      this.nonZeroMemory[node] += sign * info.nonZeroMemory;
      this.podCount[node] += sign;
      this.nodeGeneration[node]++;
    }
    this.nodeChanges.note(node);
    if (info.podAffinity) this.podAffinityChanges++;
    if (info.hostPorts.length > 0) {
      const ports = this.usedPorts[node];
      for (const p of info.hostPorts) {
        if (sign > 0) ports.push(p);
        else ports.splice(ports.indexOf(p), 1);
      }
    }
    if (this.extensions.size > 0) for (const ext of this.extensions.values()) ext.podChanged(info, node, sign);
    this.version++;
  }

  /** Every bound pod, in slot order. */
  *boundPods(): IterableIterator<PodInfo> {
    for (const p of this.pods) if (p) yield p;
  }
}

/** Allocatable amounts by quantity text: nodes repeat a few, and the replay rebuilds snapshots. */
const milliAmounts = new Map<string, number>();
const unitAmounts = new Map<string, number>();
const AMOUNTS_LIMIT = 10_000;

/** A quantity as an integer amount: millicores for cpu, units otherwise. */
function allocatableAmount(text: string, milli: boolean): number {
  const memo = milli ? milliAmounts : unitAmounts;
  let amount = memo.get(text);
  if (amount === undefined) {
    const q = parseQuantity(text);
    amount = milli ? q.milliValueNumber() : q.valueNumber();
    if (memo.size >= AMOUNTS_LIMIT) memo.clear();
    memo.set(text, amount);
  }
  return amount;
}

/** Removes `item` from `list` keeping the order of the rest (splice without its result array). */
function removeFrom<T>(list: T[], item: T): void {
  const at = list.indexOf(item);
  if (at < 0) return;
  for (let k = at + 1; k < list.length; k++) list[k - 1] = list[k];
  list.pop();
}

export function buildSnapshot(cluster: ClusterSnapshot): Snapshot {
  return new Snapshot(cluster);
}
