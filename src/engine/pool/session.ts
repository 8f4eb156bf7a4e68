// The main thread's side of a pool session: one owner snapshot, replayed on every worker. It
// records the snapshot's changes as replica operations (SnapshotObserver), numbers pods once, and
// hands each task the operations its worker may not have seen yet (from the least advanced worker's
// position: piscina gives a task to whichever worker is free).
import type { PodInfo } from '../../snapshot/pod-info.js';
import type { Snapshot, SnapshotObserver } from '../../snapshot/snapshot.js';
import type { ProfileSpec, ReplicaOp, ResultBuffers, SharedColumn, TaskReply } from './messages.js';

let nextSession = 1;

export class PoolSession implements SnapshotObserver {
  readonly id = nextSession++;
  private readonly ops: ReplicaOp[] = [];
  private readonly podIds = new WeakMap<PodInfo, number>();
  private nextPod = 0;
  private readonly internSizes: [number, number, number, number] = [0, 0, 0, 0];
  private readonly published = new Map<string, SharedColumn>();
  /** Per worker thread: how many ops it has applied. */
  private readonly applied = new Map<number, number>();

  constructor(
    readonly snapshot: Snapshot,
    profile: ProfileSpec,
  ) {
    const { nodes: _n, pods: _p, pendingPods: _q, ...rest } = snapshot.cluster;
    this.ops.push({ k: 'start', cluster: rest, profile });
    this.syncColumns();
    for (const node of snapshot.nodes) {
      this.syncInterners();
      this.ops.push({ k: 'node', node });
    }
    this.syncColumns();
    for (const info of snapshot.boundPods()) this.bound(info, info.node);
    snapshot.observer = this;
  }

  /** Operations recorded so far (every new worker replays them all). */
  get length(): number {
    return this.ops.length;
  }

  detach(): void {
    if (this.snapshot.observer === this) this.snapshot.observer = null;
  }

  // ---- SnapshotObserver -----------------------------------------------------------------------

  nodeAdded(node: import('../../api/types.js').Node): void {
    this.syncInterners();
    this.ops.push({ k: 'node', node });
  }

  bound(info: PodInfo, node: number): void {
    const id = this.podId(info);
    this.ops.push({ k: 'bind', id, node });
  }

  unbound(info: PodInfo): void {
    const id = this.podIds.get(info);
    if (id !== undefined) this.ops.push({ k: 'unbind', id });
  }

  cordoned(node: number, on: boolean): void {
    this.ops.push({ k: 'cordon', node, on });
  }

  // ---- tasks ----------------------------------------------------------------------------------

  /** The pod's id in the session's pod table; the pod object goes to the workers once. */
  podId(info: PodInfo): number {
    let id = this.podIds.get(info);
    if (id === undefined) {
      id = this.nextPod++;
      this.podIds.set(info, id);
      this.syncInterners();
      this.ops.push({ k: 'pod', id, pod: info.pod });
    }
    return id;
  }

  /** Brings interners and columns up to date, then the ops the least advanced of `threads` lacks. */
  pending(threads: readonly number[]): { seq: number; ops: ReplicaOp[] } {
    this.syncInterners();
    this.syncColumns();
    let seq = this.ops.length;
    for (const t of threads) seq = Math.min(seq, this.applied.get(t) ?? 0);
    return { seq, ops: seq === this.ops.length ? [] : this.ops.slice(seq) };
  }

  /** Tells the workers where results go from now on. */
  useBuffers(buffers: ResultBuffers): void {
    this.ops.push({ k: 'buffers', buffers });
  }

  acknowledge(reply: TaskReply): void {
    if ((this.applied.get(reply.threadId) ?? 0) < reply.seq) this.applied.set(reply.threadId, reply.seq);
  }

  /** Strings interned since the last sync, as one op (ids are positions, so replicas must match). */
  private syncInterners(): void {
    const snap = this.snapshot;
    const tables = [snap.labelKeys, snap.labelValues, snap.resources, snap.images];
    const sizes = this.internSizes;
    if (tables.every((t, i) => t.size === sizes[i])) return;
    const from: [number, number, number, number] = [sizes[0], sizes[1], sizes[2], sizes[3]];
    const strings = tables.map((t, i) => t.strings.slice(sizes[i])) as [string[], string[], string[], string[]];
    tables.forEach((t, i) => {
      sizes[i] = t.size;
    });
    this.ops.push({ k: 'intern', from, strings });
  }

  /** Columns whose buffer changed since last published (growth, a new label key or resource). */
  private syncColumns(): void {
    const changed: [string, SharedColumn][] = [];
    for (const [name, column] of this.snapshot.sharedColumns()) {
      if (this.published.get(name) !== column) {
        this.published.set(name, column);
        changed.push([name, column]);
      }
    }
    if (changed.length > 0) this.ops.push({ k: 'columns', columns: changed });
  }
}
