// The simulator's cluster: the live objects, the Snapshot the engine reads, and the Scheduler over
// it. A Snapshot can add nodes but not remove them, so removing a node rebuilds the Snapshot from
// the live objects (node events are rare next to pod events); the same rebuild compacts the
// Snapshot's pod table, whose freed slots are not reused, once holes outnumber live pods.
// Cordoning writes the Snapshot's `unschedulable` column in place.
//
// Each compaction also reseeds the tie-break, so when compactions happen is part of the replay's
// decisions. Most of them only reseed: the Scheduler draws from the new seed and walks from node 0
// as a new one would, over the same Snapshot (decisions never depend on pod slot numbers), and
// the table's length is counted as if it had been compacted. The table is really compacted once it
// holds COMPACT_FACTOR times what a compaction would leave plus the slack (memory stays bounded by
// the live pods); that saves rebuilding the Snapshot and the engine's caches every time.
import type { ClusterSnapshot, Node } from '../api/types.js';
import { Scheduler, type SchedulerOptions } from '../engine/scheduler.js';
import type { Profile } from '../framework/profile.js';
import type { PodInfo } from '../snapshot/pod-info.js';
import { Snapshot } from '../snapshot/snapshot.js';
import type { LivePods } from './live-pods.js';
import type { SimPod } from './sim-pod.js';

/** Compact (reseed) once the pod table holds this many more slots than twice the bound pods. */
const COMPACT_SLACK = 50_000;
/** Really rebuild when the table is this many times larger than the compaction bound. */
const COMPACT_FACTOR = 4;

export class LiveCluster {
  /** Nodes in snapshot order; `pods` stays empty (bound pods are bound one by one). */
  readonly live: ClusterSnapshot;
  snapshot: Snapshot;
  scheduler: Scheduler;
  /** Bumped on every rebuild: PodInfos of older generations belong to a discarded Snapshot. */
  generation = 0;
  /** Pods bound now. */
  private boundCount = 0;
  /** Compactions and rebuilds so far: the tie-break seed of each is derived from this. */
  private reseeds = 0;
  /** Pod table slots a compaction that only reseeded would have dropped. */
  private droppedSlots = 0;

  constructor(
    cluster: ClusterSnapshot,
    private readonly profile: Profile,
    private readonly options: SchedulerOptions,
    private readonly livePods: LivePods,
  ) {
    this.live = { ...cluster, nodes: [...cluster.nodes], pods: [], pendingPods: [] };
    this.snapshot = new Snapshot(this.live);
    this.scheduler = new Scheduler(profile, this.snapshot, options);
  }

  get nodeCount(): number {
    return this.snapshot.nodeCount;
  }

  nodeIndex(name: string): number | undefined {
    return this.snapshot.nodeIndex.get(name);
  }

  /** The pod's PodInfo in the current Snapshot. */
  infoOf(pod: SimPod): PodInfo {
    if (pod.infoGen !== this.generation || !pod.info) {
      pod.info = this.snapshot.podInfo(pod.pod, pod.key);
      pod.infoGen = this.generation;
    }
    return pod.info;
  }

  /**
   * The bound pod with `key`, to map the Snapshot's PodInfos back to simulator pods: looked up among
   * the simulator's live pods (a pod is bound while its node is set), so binding touches no second map.
   */
  boundPod(key: string): SimPod | undefined {
    const pod = this.livePods.getKey(key);
    return pod !== undefined && pod.node !== null ? pod : undefined;
  }

  bind(pod: SimPod, node: number): void {
    this.snapshot.bind(this.infoOf(pod), node);
    pod.node = this.snapshot.nodeNames[node];
    this.boundCount++;
  }

  unbind(pod: SimPod): void {
    if (pod.info && pod.infoGen === this.generation) this.snapshot.unbind(pod.info);
    if (pod.node !== null) this.boundCount--;
    pod.node = null;
  }

  addNode(node: Node): number {
    this.live.nodes.push(node);
    return this.snapshot.addNode(node);
  }

  /** Cordons or uncordons; returns false when the node does not exist. */
  setUnschedulable(name: string, unschedulable: boolean): boolean {
    const n = this.snapshot.nodeIndex.get(name);
    if (n === undefined) return false;
    const node = this.live.nodes[n];
    const updated: Node = { ...node, spec: { ...node.spec, unschedulable } };
    this.live.nodes[n] = updated;
    this.snapshot.setUnschedulable(n, unschedulable);
    return true;
  }

  /** Removes a node that has no bound pods left, rebuilding the Snapshot. */
  removeNode(name: string): void {
    const n = this.snapshot.nodeIndex.get(name);
    if (n === undefined) return;
    if (this.snapshot.podsOnNode[n].length > 0) throw new Error(`node ${name} still has pods`);
    this.live.nodes.splice(n, 1);
    this.rebuild();
  }

  /** Compacts the Snapshot when freed pod slots pile up. */
  compactIfNeeded(): void {
    const slots = this.snapshot.pods.length;
    const bound = 2 * this.boundCount + COMPACT_SLACK;
    if (slots - this.droppedSlots <= bound) return;
    if (slots > COMPACT_FACTOR * bound) {
      this.rebuild();
      return;
    }
    // A compaction leaves one slot per bound pod.
    this.droppedSlots = slots - this.boundCount;
    this.scheduler.reseed(this.nextSeed());
  }

  private nextSeed(): number {
    this.reseeds++;
    return (this.options.seed + Math.imul(this.reseeds, 0x9e3779b1)) >>> 0;
  }

  private rebuild(): void {
    const old = this.snapshot;
    const order: SimPod[] = [];
    for (let n = 0; n < old.nodeCount; n++) {
      for (const info of old.podsOnNode[n]) {
        const pod = this.boundPod(info.key);
        if (pod) order.push(pod);
      }
    }
    this.generation++;
    this.droppedSlots = 0;
    this.snapshot = new Snapshot(this.live);
    this.scheduler = new Scheduler(this.profile, this.snapshot, { ...this.options, seed: this.nextSeed() });
    for (const pod of order) {
      const n = this.snapshot.nodeIndex.get(pod.node!);
      if (n === undefined) throw new Error(`pod ${pod.key} is bound to missing node ${pod.node}`);
      this.snapshot.bind(this.infoOf(pod), n);
    }
  }
}
