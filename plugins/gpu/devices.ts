// The device-level GPU model as a snapshot extension: per node, how many GPUs it has, their model
// and each device's free milli, kept in typed arrays and updated when a pod is bound or removed.
// A shared pod (below 1000 milli) takes milli on one device; a whole-GPU pod takes whole free
// devices. Which device a shared pod gets is the `chooseShared` strategy, which a scoring policy
// may replace (FGD picks the device that fragments least); the default is best fit.
import { GPU_MILLI, GPU_MODEL_LABEL, GPU_SPEC_ANNOTATION, MILLI_PER_GPU } from '../../src/api/gpu.js';
import { Interner } from '../../src/snapshot/interner.js';
import type { PodInfo } from '../../src/snapshot/pod-info.js';
import { RESOURCE_CPU, type Snapshot, type SnapshotExtension } from '../../src/snapshot/snapshot.js';

/** Devices per node the arrays leave room for. */
export const MAX_DEVICES = 16;
const EXTENSION = 'GpuDevices';
const REQUEST_DATA = 'GpuDevices.request';
const ASSIGNED_DATA = 'GpuDevices.assigned';

/** What a pod asks of GPUs: `count` devices with at least `milli` free each, of a model in `mask`. */
export interface GpuRequest {
  /** Milli per device: below 1000 for a shared pod, 1000 for whole GPUs, 0 for none. */
  readonly milli: number;
  /** Devices: 1 for a shared pod, the number of whole GPUs, or 0. */
  readonly count: number;
  /** Bit per accepted model id; 0 means any model. */
  readonly mask: number;
  /** The pod's GPU_MILLI request (milli × count). */
  readonly total: number;
  /** Key of (milli, count, models), for per-node caches. */
  readonly key: string;
}

/** Picks the device a shared pod of `milli` gets on `node`, or -1 when none fits. */
export type SharedDeviceChoice = (devices: GpuDevices, node: number, milli: number) => number;

/** Best fit: the device with the least free milli that still fits, the lowest index on ties. */
export const bestFitDevice: SharedDeviceChoice = (devices, node, milli) => {
  const base = node * MAX_DEVICES;
  const free = devices.free;
  let best = -1;
  for (let d = 0; d < devices.count[node]; d++) {
    const f = free[base + d];
    if (f >= milli && (best < 0 || f < free[base + best])) best = d;
  }
  return best;
};

export class GpuDevices implements SnapshotExtension {
  readonly snapshot: Snapshot;
  /** GPU model names to ids (bits in a request's mask). */
  readonly models = new Interner();
  /** Per node: number of devices, model id (-1 without GPUs), free milli in total. */
  count = new Uint8Array(0);
  model = new Int32Array(0);
  freeTotal = new Int32Array(0);
  /** Per node × MAX_DEVICES: free milli of each device. */
  free = new Int32Array(0);
  /** Largest GPU milli and CPU millicores a node has, for policies that normalise by them. */
  maxGpuMilli = 0;
  maxCpu = 0;
  /** Cluster totals: GPU milli on all nodes, and allocated. */
  capacityMilli = 0;
  allocatedMilli = 0;
  chooseShared: SharedDeviceChoice = bestFitDevice;
  private readonly resource: number;
  private readonly modelLabel: number;

  /** The snapshot's GPU devices, built from its nodes and pods on first use. */
  static of(snapshot: Snapshot): GpuDevices {
    return snapshot.extension(EXTENSION, (s) => new GpuDevices(s));
  }

  private constructor(snapshot: Snapshot) {
    this.snapshot = snapshot;
    this.resource = snapshot.resourceId(GPU_MILLI);
    this.modelLabel = snapshot.labelKeys.id(GPU_MODEL_LABEL);
    for (let n = 0; n < snapshot.nodeCount; n++) this.nodeAdded(n);
    for (const info of snapshot.boundPods()) this.podChanged(info, info.node, 1);
  }

  nodeAdded(node: number): void {
    if (node >= this.count.length) this.grow(Math.max(16, node * 2));
    const snap = this.snapshot;
    const milli = snap.allocatable[this.resource][node];
    const count = Math.min(MAX_DEVICES, Math.floor(milli / MILLI_PER_GPU));
    this.count[node] = count;
    const label = snap.nodeLabel(node, this.modelLabel);
    this.model[node] = count > 0 && label >= 0 ? this.models.id(snap.labelValues.str(label)) : -1;
    for (let d = 0; d < count; d++) this.free[node * MAX_DEVICES + d] = MILLI_PER_GPU;
    this.freeTotal[node] = count * MILLI_PER_GPU;
    this.capacityMilli += count * MILLI_PER_GPU;
    this.maxGpuMilli = Math.max(this.maxGpuMilli, count * MILLI_PER_GPU);
    this.maxCpu = Math.max(this.maxCpu, snap.allocatable[RESOURCE_CPU][node]);
  }

  private grow(size: number): void {
    const count = new Uint8Array(size);
    count.set(this.count);
    const model = new Int32Array(size).fill(-1);
    model.set(this.model);
    const freeTotal = new Int32Array(size);
    freeTotal.set(this.freeTotal);
    const free = new Int32Array(size * MAX_DEVICES);
    free.set(this.free);
    this.count = count;
    this.model = model;
    this.freeTotal = freeTotal;
    this.free = free;
  }

  /** The pod's GPU request, computed once per pod. */
  request(info: PodInfo): GpuRequest {
    let req = info.pluginData.get(REQUEST_DATA) as GpuRequest | undefined;
    if (req) return req;
    let total = 0;
    for (let i = 0; i < info.requestIds.length; i++)
      if (info.requestIds[i] === this.resource) total = info.requestAmounts[i];
    const shared = total > 0 && total < MILLI_PER_GPU;
    const milli = total === 0 ? 0 : shared ? total : MILLI_PER_GPU;
    const count = total === 0 ? 0 : shared ? 1 : Math.ceil(total / MILLI_PER_GPU);
    const spec = info.pod.metadata.annotations?.[GPU_SPEC_ANNOTATION] ?? '';
    let mask = 0;
    for (const name of spec.split('|')) {
      const model = name.trim();
      if (model === '') continue;
      const id = this.models.id(model);
      if (id >= 31) throw new Error(`more than 31 GPU models (${model})`);
      mask |= 1 << id;
    }
    req = { milli, count, mask, total, key: `${milli}x${count}:${mask}` };
    info.pluginData.set(REQUEST_DATA, req);
    return req;
  }

  /** Whether `node` has a model the request accepts (any node does for a pod without GPUs). */
  accessible(node: number, req: GpuRequest): boolean {
    if (req.count === 0 || req.mask === 0) return true;
    const model = this.model[node];
    return model >= 0 && (req.mask & (1 << model)) !== 0;
  }

  /** How many devices of `node` have at least `milli` free. */
  devicesWith(node: number, milli: number): number {
    const base = node * MAX_DEVICES;
    let n = 0;
    for (let d = 0; d < this.count[node]; d++) if (this.free[base + d] >= milli) n++;
    return n;
  }

  /** Whether the request fits on `node`'s devices (model and free milli). */
  fits(node: number, req: GpuRequest): boolean {
    if (req.count === 0) return true;
    return this.accessible(node, req) && this.devicesWith(node, req.milli) >= req.count;
  }

  /** Devices assigned to a bound pod (empty for pods without GPUs). */
  assigned(info: PodInfo): readonly number[] {
    return (info.pluginData.get(ASSIGNED_DATA) as number[] | undefined) ?? [];
  }

  podChanged(info: PodInfo, node: number, sign: 1 | -1): void {
    const req = this.request(info);
    if (req.count === 0) return;
    const base = node * MAX_DEVICES;
    if (sign < 0) {
      for (const d of this.assigned(info)) this.free[base + d] += req.milli;
      info.pluginData.delete(ASSIGNED_DATA);
    } else {
      const devices: number[] = [];
      if (req.milli < MILLI_PER_GPU) {
        const d = this.chooseShared(this, node, req.milli);
        if (d >= 0) devices.push(d);
      } else {
        for (let d = 0; d < this.count[node] && devices.length < req.count; d++) {
          if (this.free[base + d] === MILLI_PER_GPU) devices.push(d);
        }
      }
      if (devices.length < req.count) {
        throw new Error(`pod ${info.key} bound to ${this.snapshot.nodeNames[node]} without GPU devices to hold it`);
      }
      for (const d of devices) this.free[base + d] -= req.milli;
      info.pluginData.set(ASSIGNED_DATA, devices);
    }
    const delta = sign * req.milli * req.count;
    this.freeTotal[node] -= delta;
    this.allocatedMilli += delta;
  }
}
