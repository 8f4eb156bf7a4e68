// The discrete-event replay. A virtual clock jumps from event to event: trace events (read one
// ahead from a streaming reader), pod completions, deletions of pods lost with a failed node,
// backoff expiries and the queue's 30-second flushes. At each instant: apply the events in
// (time, sequence) order, let the controllers act, then schedule every pod in activeQ through the
// engine (the same Scheduler as `berth schedule`), preempting lower-priority pods when that is the
// only way in; repeat until nothing changes at that instant. Scheduling takes no simulated time.
// An optional hook (a node autoscaling policy, src/autoscale) adds its wake-up times to the clock
// and acts once the cluster has settled at each instant: it may add nodes or drain them.
import { isDaemonPodOf } from '../api/daemonset.js';
import { InputError, type Problem } from '../api/problem.js';
import type {
  ClusterSnapshot,
  DaemonSet,
  Deployment,
  HorizontalPodAutoscaler,
  Job,
  Node,
  Pod,
  ReplicaSet,
  StatefulSet,
} from '../api/types.js';
import type { Profile } from '../framework/profile.js';
import { type PriorityTable, priorityTable } from '../load/priority.js';
import type { PodInfo } from '../snapshot/pod-info.js';
import type { TraceEvent, Workload } from '../traces/events.js';
import type { TraceReader } from '../traces/item.js';
import { type RefusalSummary, SimAdmission } from './admission.js';
import { LiveCluster } from './cluster.js';
import { type Controller, type ControllerHost, type GoneReason, workloadKey } from './controllers/controller.js';
import { DaemonSetController } from './controllers/daemonset.js';
import { DeploymentController } from './controllers/deployment.js';
import { JobController, type JobStatus } from './controllers/job.js';
import { ReplicaSetController } from './controllers/replicaset.js';
import { StatefulSetController } from './controllers/statefulset.js';
import { EventHeap } from './event-heap.js';
import { LivePods } from './live-pods.js';
import { HPA_SYNC_SECONDS, type HpaSummary, PodAutoscaling } from './pod-autoscaling.js';
import { findPreemption } from './preemption.js';
import { DEFAULT_QUEUE_OPTIONS, type QueueOptions, SchedulingQueue } from './queue.js';
import { type ChartSeries, type LineSink, Recorder, round } from './recorder.js';
import { scaleTargetOf } from './scale-target.js';
import { makeSimPod, podKey, type SimPod } from './sim-pod.js';
import { withPriority } from './with-priority.js';

/** Pods on a failed node are deleted after this long (the default not-ready/unreachable toleration). */
export const NODE_FAIL_EVICTION_SECONDS = 300;
/** A bug guard: rounds of controllers and scheduling at one instant. */
const MAX_ROUNDS_PER_INSTANT = 100_000;
/** Bad rows listed in the summary (all are counted). */
const BAD_ROWS_LISTED = 100;

export interface SimulatorOptions {
  profile: Profile;
  seed: number;
  queue?: QueueOptions;
  /** Count and list bad rows instead of stopping at the first. */
  skipBadRows?: boolean;
  /** The trace's name in problems and the summary. */
  traceName: string;
  timeseries?: LineSink | null;
  placements?: LineSink | null;
  /** Called every few thousand events (progress bars). */
  onProgress?: (p: Progress) => void;
  /**
   * When the replay ends, in simulated seconds. Default: at the last trace event (pods still
   * running or pending then are reported as such).
   */
  until?: number;
  /** Called once the cluster is settled at each instant (tests check invariants here). */
  onInstant?: (sim: Simulator) => void;
  /** A node autoscaling policy (src/autoscale): wakes the clock and acts once the cluster settles. */
  hook?: SimulatorHook;
}

/** What a policy plugged into the replay does: say when it next wants to act, and act. */
export interface SimulatorHook {
  /** The next simulated time it wants to act (Infinity when none). */
  nextWake(): number;
  /**
   * Called at each instant once the cluster is settled; may add or drain nodes. Returns true to be
   * called again at the same instant once the cluster has settled after its changes.
   */
  act(sim: Simulator): boolean;
}

export interface Progress {
  bytesRead: number;
  size: number;
  now: number;
  scheduled: number;
}

interface BaseEvent {
  t: number;
  seq: number;
}

type SimEvent = (BaseEvent & { kind: 'lost-delete'; pod: SimPod }) | (BaseEvent & { kind: 'hpa-sync' });

export interface ReplaySummary {
  trace: string;
  profile: string;
  seed: number;
  simulatedSeconds: number;
  events: number;
  pods: {
    created: number;
    scheduled: number;
    neverScheduled: number;
    pendingAtEnd: number;
    gatedAtEnd: number;
    runningAtEnd: number;
    completed: number;
    preempted: number;
    evictedByNodeRemoval: number;
    lostWithFailedNodes: number;
    deleted: number;
  };
  pendingSeconds: ReturnType<Recorder['pendingDistribution']>;
  resources: ReturnType<Recorder['allocationSummary']>;
  nodeHours: ReturnType<Recorder['nodeHours']>;
  /** Why pods still pending at the end failed their last attempt, most common first. */
  pendingReasons: { message: string; pods: number }[];
  jobs: JobStatus[];
  /** Pod creations refused by admission (LimitRange, ResourceQuota): never created, not pending. */
  refused: RefusalSummary;
  badRows: { count: number; listed: string[] };
  /** Only when the replay has HorizontalPodAutoscalers. */
  podAutoscalers?: HpaSummary[];
}

export interface SimulationResult {
  summary: ReplaySummary;
  chart: ChartSeries;
  resources: string[];
}

export class Simulator implements ControllerHost {
  now = 0;
  readonly cluster: LiveCluster;
  readonly queue: SchedulingQueue;
  readonly recorder: Recorder;
  /** Events; a pod's completion is the pod itself with its run number (no object per event). */
  private readonly events = new EventHeap<SimEvent, SimPod>();
  private seq = 0;
  private podSeq = 0;
  /** Live pods (queued, running or lost) by `namespace/name`. */
  private readonly pods = new LivePods();
  private readonly controllers = new Map<string, Controller>();
  private readonly dirty = new Set<Controller>();
  private readonly resync = new Set<Controller>();
  private readonly jobs: JobController[] = [];
  private readonly runningByPriority = new Map<number, number>();
  private running = 0;
  private clusterChanged = false;
  private eventCount = 0;
  private neverScheduled = 0;
  private readonly badRows: Problem[] = [];
  private badRowCount = 0;
  private reader: TraceReader | null = null;
  /**
   * The next trace event, read one ahead, with its (t, seq). It waits beside the event heap, not in
   * it (its time is about now, so pushing and popping it sifted through the whole heap), and is
   * taken before the heap's top when its (t, seq) is smaller: the order is the same.
   */
  private nextTrace: TraceEvent | null = null;
  private nextTraceT = 0;
  private nextTraceSeq = 0;
  private nextTraceLine = 0;
  private lastTraceTime = 0;
  private readonly priorities: PriorityTable;
  private readonly podAutoscaling = new PodAutoscaling();
  private hpaSyncScheduled = false;
  private readonly admission: SimAdmission;

  constructor(
    cluster: ClusterSnapshot,
    private readonly options: SimulatorOptions,
  ) {
    this.cluster = new LiveCluster(
      cluster,
      options.profile,
      {
        tieBreak: 'random',
        seed: options.seed,
        explain: false,
        choiceOnly: true,
      },
      this.pods,
    );
    this.queue = new SchedulingQueue(options.queue ?? DEFAULT_QUEUE_OPTIONS);
    this.recorder = new Recorder(cluster.nodes, options.timeseries ?? null);
    this.priorities = priorityTable(cluster.priorityClasses);
    this.admission = new SimAdmission(cluster);
    const daemonSets = cluster.daemonSets.map((ds) => new DaemonSetController(ds));
    for (const c of daemonSets) this.controllers.set(c.key, c);
    for (const pod of cluster.pods) {
      const n = this.cluster.nodeIndex(pod.spec.nodeName ?? '');
      if (n === undefined) continue;
      const sp = this.newPod(pod, {});
      this.pods.add(sp);
      this.admission.charge(sp.key, sp.pod);
      this.cluster.bind(sp, n);
      this.markRunning(sp);
      const owner = daemonSets.find((c) => isDaemonPodOf(pod, c.namespace, c.name));
      owner?.adopt(sp, pod.spec.nodeName!);
    }
    for (const pod of cluster.pendingPods) this.submit(pod, undefined);
    for (const hpa of cluster.horizontalPodAutoscalers) this.applyHpa(hpa, false);
    for (const c of daemonSets) this.dirty.add(c);
  }

  /** Live pods (queued, running, lost), in creation order. */
  livePods(): SimPod[] {
    return this.pods.inCreationOrder();
  }

  // ---- ControllerHost -----------------------------------------------------------------------

  createPod(pod: Pod, o: { owner: Controller; duration?: number; daemon?: boolean }): SimPod | null {
    const admitted = this.admit(pod, o.owner);
    if (!admitted) return null;
    const sp = this.newPod(admitted, o);
    if (this.pods.get(sp.pod.metadata.namespace ?? 'default', sp.pod.metadata.name))
      throw new Error(`controller ${o.owner.key} created ${sp.key} twice`);
    this.pods.add(sp);
    this.recorder.count('created');
    this.queue.add(sp, this.now);
    return sp;
  }

  deletePod(pod: SimPod): void {
    this.endPod(pod, 'deleted', false);
    if (pod.owner) this.markDirty(pod.owner as Controller);
  }

  nodes(): readonly Node[] {
    return this.cluster.live.nodes;
  }

  publishReplicaSet(rs: ReplicaSet): void {
    this.cluster.live.replicaSets.push(rs);
  }

  withdrawReplicaSet(rs: ReplicaSet): void {
    const list = this.cluster.live.replicaSets;
    const i = list.indexOf(rs);
    if (i >= 0) list.splice(i, 1);
  }

  resyncAfterScheduling(c: Controller): void {
    this.resync.add(c);
  }

  replicaSetScaled(rs: ReplicaSet, replicas: number): void {
    this.options.placements?.line(
      JSON.stringify({
        t: this.now,
        event: 'scaled',
        replicaSet: `${rs.metadata.namespace}/${rs.metadata.name}`,
        replicas,
      }),
    );
  }

  markDirty(c: Controller): void {
    this.dirty.add(c);
    if (c.parent) this.dirty.add(c.parent);
  }

  // ---- the run ----------------------------------------------------------------------------------

  run(reader: TraceReader): SimulationResult {
    this.reader = reader;
    this.settle();
    this.runHook();
    this.options.onInstant?.(this);
    const progressEvery = 4096;
    for (;;) {
      this.pullTrace();
      const traceDone = this.reader === null && this.nextTrace === null;
      const limit = this.options.until ?? (traceDone ? this.lastTraceTime : Number.POSITIVE_INFINITY);
      const t = Math.min(
        this.nextEventTime(),
        this.queue.nextBackoff(),
        this.queue.nextFlush(),
        this.options.hook?.nextWake() ?? Number.POSITIVE_INFINITY,
      );
      if (t === Number.POSITIVE_INFINITY || t > limit) break;
      this.recorder.advance(t, this.cluster.snapshot, this.running, this.queue.pendingCount);
      this.now = t;
      while (this.nextEventTime() === t) {
        if (this.traceComesFirst()) this.applyTrace();
        else {
          const e = this.events.pop()!;
          if (this.events.poppedPayload) this.completed(e as SimPod, this.events.poppedAux);
          else this.handle(e as SimEvent);
        }
        this.pullTrace();
        if (++this.eventCount % progressEvery === 0) this.progress();
      }
      this.queue.tick(t);
      this.settle();
      this.runHook();
      this.options.onInstant?.(this);
      this.cluster.compactIfNeeded();
    }
    const end = this.options.until ?? Math.max(this.now, this.lastTraceTime);
    this.recorder.finish(end, this.cluster.snapshot, this.running, this.queue.pendingCount);
    this.now = end;
    this.progress();
    const chart = this.recorder.chart;
    if (this.podAutoscaling.size > 0) chart.replicas = this.podAutoscaling.replicaHistory();
    return { summary: this.summary(), chart, resources: this.recorder.resources };
  }

  private runHook(): void {
    const hook = this.options.hook;
    if (!hook) return;
    for (let again = true; again; ) {
      again = hook.act(this);
      this.settle();
    }
  }

  // ---- what a policy hook may do ------------------------------------------------------------------

  /** Pods waiting to be scheduled that have failed at least once (DaemonSet pods excluded). */
  unschedulablePods(): SimPod[] {
    const out: SimPod[] = [];
    for (const sp of this.pods.inCreationOrder())
      if (!sp.daemon && sp.attempts > 0 && (sp.state === 'unschedulable' || sp.state === 'backoff')) out.push(sp);
    return out;
  }

  /** A running pod by key. */
  boundPod(key: string): SimPod | undefined {
    return this.cluster.boundPod(key);
  }

  /** A node the policy provisioned joins now. */
  addNode(node: Node): void {
    this.cluster.addNode(node);
    this.recorder.nodeAdded(node);
    this.nodesChanged();
  }

  /** A node the policy removes: its pods are evicted (owners replace them), then it goes. */
  drainNode(name: string): void {
    const problem = this.removeNode(name, false, 0);
    if (problem) throw new Error(problem.message);
  }

  private progress(): void {
    const r = this.reader;
    if (r && this.options.onProgress) {
      this.options.onProgress({
        bytesRead: r.bytesRead,
        size: r.size,
        now: this.now,
        scheduled: this.recorder.totals.scheduled,
      });
    }
  }

  /** Reads the next trace event ahead, unless one is waiting. */
  private pullTrace(): void {
    if (this.nextTrace !== null || !this.reader) return;
    for (let item = this.reader.next(); item; item = this.reader.next()) {
      if ('problems' in item) {
        this.badRow(item.problems);
        continue;
      }
      this.nextTrace = item.event;
      this.nextTraceT = Math.max(item.event.t, this.now);
      this.nextTraceSeq = this.seq++;
      this.nextTraceLine = item.line;
      return;
    }
    this.reader = null;
  }

  /** The earliest time of an event: in the heap, or the trace event waiting. */
  private nextEventTime(): number {
    const heap = this.events.peekTime();
    return this.nextTrace !== null && this.nextTraceT < heap ? this.nextTraceT : heap;
  }

  /** Whether the waiting trace event comes before the heap's top in (t, seq) order. */
  private traceComesFirst(): boolean {
    if (this.nextTrace === null) return false;
    if (this.events.size === 0) return true;
    const t = this.events.peekTime();
    return this.nextTraceT < t || (this.nextTraceT === t && this.nextTraceSeq < this.events.peekSeq());
  }

  private applyTrace(): void {
    const event = this.nextTrace!;
    this.nextTrace = null;
    this.lastTraceTime = this.nextTraceT;
    const problem = this.traceEvent(event, this.nextTraceLine);
    if (problem) this.badRow([problem]);
  }

  private badRow(problems: Problem[]): void {
    if (!this.options.skipBadRows) throw new InputError(problems);
    this.badRowCount++;
    if (this.badRows.length < BAD_ROWS_LISTED) this.badRows.push(problems[0]);
  }

  /** Controllers act and pods are scheduled until nothing changes at this instant. */
  private settle(): void {
    for (let round = 0; ; round++) {
      if (round > MAX_ROUNDS_PER_INSTANT)
        throw new Error(`no steady state at t=${this.now}: controllers keep changing`);
      while (this.dirty.size > 0) {
        const batch = [...this.dirty];
        this.dirty.clear();
        for (const c of batch) c.reconcile(this);
      }
      if (this.clusterChanged) {
        this.clusterChanged = false;
        this.queue.moveAllUnschedulable(this.now);
      }
      for (let pod = this.queue.pop(); pod; pod = this.queue.pop()) this.attempt(pod);
      // Guarded: iterating a Set allocates an iterator, and most instants have nothing to resync.
      if (this.resync.size > 0) {
        for (const c of this.resync) this.dirty.add(c);
        this.resync.clear();
      }
      if (this.dirty.size === 0 && !this.clusterChanged && !this.queue.hasActive) return;
    }
  }

  private attempt(sp: SimPod): void {
    const cluster = this.cluster;
    const info = cluster.infoOf(sp);
    const result = cluster.scheduler.scheduleOne(info);
    if (result.chosenNode !== undefined) {
      this.bindPod(sp, result.chosenIndex ?? cluster.nodeIndex(result.chosenNode)!);
      return;
    }
    sp.message = result.message;
    if (this.hasLowerPriorityPods(sp.priority)) {
      const plan = findPreemption(
        cluster.scheduler,
        cluster.snapshot,
        info,
        (v: PodInfo) => cluster.boundPod(v.key)?.boundAt ?? 0,
      );
      if (plan) {
        const node = cluster.snapshot.nodeNames[plan.node];
        for (const v of plan.victims) {
          const victim = cluster.boundPod(v.key)!;
          this.options.placements?.line(
            JSON.stringify({ t: this.now, event: 'preempted', pod: victim.key, node, by: sp.key }),
          );
          this.endPod(victim, 'preempted', true);
        }
        const again = cluster.scheduler.scheduleOne(cluster.infoOf(sp), Int32Array.of(cluster.nodeIndex(node)!));
        if (again.chosenNode !== undefined) {
          this.bindPod(sp, cluster.nodeIndex(again.chosenNode)!);
          return;
        }
      }
    }
    this.queue.failed(sp, this.now);
  }

  private hasLowerPriorityPods(priority: number): boolean {
    for (const [p, n] of this.runningByPriority) if (p < priority && n > 0) return true;
    return false;
  }

  private bindPod(sp: SimPod, node: number): void {
    this.cluster.bind(sp, node);
    this.markRunning(sp);
    const pending = this.now - sp.createdAt;
    this.recorder.podScheduled(pending);
    this.options.placements?.line(
      JSON.stringify({
        t: this.now,
        event: 'scheduled',
        pod: sp.key,
        node: sp.node,
        pendingSeconds: round(pending),
        attempts: sp.attempts + 1,
      }),
    );
    if (sp.owner) this.markDirty(sp.owner as Controller);
  }

  private markRunning(sp: SimPod): void {
    sp.state = 'running';
    sp.boundAt = this.now;
    sp.runGen++;
    this.running++;
    this.runningByPriority.set(sp.priority, (this.runningByPriority.get(sp.priority) ?? 0) + 1);
    if (sp.duration !== undefined) this.events.pushPayload(this.now + sp.duration, this.seq++, sp, sp.runGen);
  }

  /** A pod ends; its owner hears of it (unless the owner deleted it), bare owned pods are replaced. */
  private endPod(sp: SimPod, reason: GoneReason, notify: boolean): void {
    if (sp.state === 'gone') return;
    if (sp.state === 'running') {
      this.cluster.unbind(sp);
      this.running--;
      this.runningByPriority.set(sp.priority, (this.runningByPriority.get(sp.priority) ?? 1) - 1);
      this.clusterChanged = true;
    } else if (sp.state !== 'lost') {
      if (sp.boundAt < 0) this.neverScheduled++;
      this.queue.remove(sp);
    }
    const was = sp.state;
    const wasLost = was === 'lost';
    sp.state = 'gone';
    this.pods.delete(sp);
    for (const c of this.admission.release(sp.key, sp.pod)) this.markDirty(c);
    switch (wasLost ? 'lost' : reason) {
      case 'completed':
        this.recorder.count('completed');
        break;
      case 'preempted':
        this.recorder.count('preempted');
        break;
      case 'evicted':
        this.recorder.count('evicted');
        break;
      case 'lost':
        break;
      case 'deleted':
        this.recorder.count('deleted');
        break;
    }
    if (sp.owner) {
      if (notify) {
        (sp.owner as Controller).podGone(sp, reason);
        this.markDirty(sp.owner as Controller);
      }
    } else if (reason !== 'completed' && reason !== 'deleted' && (sp.pod.metadata.ownerReferences?.length ?? 0) > 0) {
      const ranFor =
        was === 'running'
          ? this.now - sp.boundAt
          : wasLost
            ? Math.max(0, this.now - NODE_FAIL_EVICTION_SECONDS - sp.boundAt)
            : 0;
      const left = sp.duration === undefined ? undefined : Math.max(0, sp.duration - ranFor);
      this.submit(sp.pod, left);
    }
  }

  // ---- events -------------------------------------------------------------------------------------

  /** A pod's run ends (unless the pod has since stopped, or runs again). */
  private completed(pod: SimPod, run: number): void {
    if (pod.state === 'running' && pod.runGen === run) this.endPod(pod, 'completed', true);
  }

  private handle(e: SimEvent): void {
    switch (e.kind) {
      case 'lost-delete':
        if (e.pod.state === 'lost') this.endPod(e.pod, 'lost', true);
        return;
      case 'hpa-sync':
        this.syncHpas();
        return;
    }
  }

  private problem(line: number, path: string, message: string): Problem {
    return { code: 'trace', file: this.options.traceName, line, path, message };
  }

  /** Applies one trace event; a problem when the event cannot apply to the cluster as it is. */
  private traceEvent(ev: TraceEvent, line: number): Problem | undefined {
    switch (ev.type) {
      case 'pod-create': {
        const namespace = ev.pod.metadata.namespace ?? 'default';
        const key = `${namespace}/${ev.pod.metadata.name}`;
        if (this.pods.get(namespace, ev.pod.metadata.name))
          return this.problem(line, 'pod.metadata.name', `pod ${key} already exists (it has not ended yet)`);
        this.submit(ev.pod, ev.duration, key);
        return;
      }
      case 'pod-delete': {
        const sp = this.pods.get(ev.namespace, ev.name);
        if (sp) this.endPod(sp, 'deleted', true);
        return;
      }
      case 'pod-ungate': {
        const sp = this.pods.get(ev.namespace, ev.name);
        if (sp?.state !== 'gated') return;
        sp.pod.spec = { ...sp.pod.spec, schedulingGates: [] };
        this.queue.ungate(sp, this.now);
        return;
      }
      case 'node-add':
        if (this.cluster.nodeIndex(ev.node.metadata.name) !== undefined) {
          return this.problem(line, 'node.metadata.name', `node ${ev.node.metadata.name} already exists`);
        }
        this.cluster.addNode(ev.node);
        this.recorder.nodeAdded(ev.node);
        this.nodesChanged();
        return;
      case 'node-cordon':
      case 'node-uncordon':
        if (!this.cluster.setUnschedulable(ev.name, ev.type === 'node-cordon'))
          return this.problem(line, 'name', `no node named ${ev.name}`);
        if (ev.type === 'node-uncordon') this.clusterChanged = true;
        return;
      case 'node-remove':
      case 'node-fail':
        return this.removeNode(ev.name, ev.type === 'node-fail', line);
      case 'workload-create':
      case 'workload-update':
        return this.applyWorkload(ev.object, ev.duration, ev.type === 'workload-update', line);
      case 'workload-scale': {
        const c = this.controllers.get(workloadKey(ev.kind, ev.namespace, ev.name));
        if (!c) return this.problem(line, 'name', `no ${ev.kind} ${ev.namespace}/${ev.name}`);
        if (c instanceof DeploymentController) c.scale(ev.replicas);
        else if (c instanceof ReplicaSetController || c instanceof StatefulSetController) c.replicas = ev.replicas;
        this.markDirty(c);
        return;
      }
      case 'metric':
        this.podAutoscaling.record(ev);
        return;
      case 'workload-delete': {
        if (ev.kind === 'HorizontalPodAutoscaler') {
          if (!this.podAutoscaling.remove(ev.namespace, ev.name))
            return this.problem(line, 'name', `no HorizontalPodAutoscaler ${ev.namespace}/${ev.name}`);
          return;
        }
        const key = workloadKey(ev.kind, ev.namespace, ev.name);
        const c = this.controllers.get(key);
        if (!c) return this.problem(line, 'name', `no ${ev.kind} ${ev.namespace}/${ev.name}`);
        c.remove(this);
        this.controllers.delete(key);
        this.dirty.delete(c);
        if (c instanceof DaemonSetController) this.withdrawDaemonSet(c.ds);
        return;
      }
    }
  }

  private removeNode(name: string, failed: boolean, line: number): Problem | undefined {
    const n = this.cluster.nodeIndex(name);
    if (n === undefined) return this.problem(line, 'name', `no node named ${name}`);
    const node = this.cluster.live.nodes[n];
    const onNode = this.cluster.snapshot.podsOnNode[n].map((info) => this.cluster.boundPod(info.key)!);
    for (const sp of onNode) {
      this.options.placements?.line(
        JSON.stringify({ t: this.now, event: failed ? 'lost' : 'evicted', pod: sp.key, node: name }),
      );
      if (!failed) {
        this.endPod(sp, 'evicted', true);
        continue;
      }
      this.cluster.unbind(sp);
      this.running--;
      this.runningByPriority.set(sp.priority, (this.runningByPriority.get(sp.priority) ?? 1) - 1);
      sp.state = 'lost';
      this.recorder.count('lost');
      this.events.push({ t: this.now + NODE_FAIL_EVICTION_SECONDS, seq: this.seq++, kind: 'lost-delete', pod: sp });
    }
    this.cluster.removeNode(name);
    this.recorder.nodeRemoved(node);
    this.nodesChanged();
  }

  private nodesChanged(): void {
    this.clusterChanged = true;
    for (const c of this.controllers.values()) if (c instanceof DaemonSetController) this.dirty.add(c);
  }

  private applyWorkload(
    obj: Workload,
    duration: number | undefined,
    update: boolean,
    line: number,
  ): Problem | undefined {
    const ns = obj.metadata.namespace ?? 'default';
    if (obj.kind === 'HorizontalPodAutoscaler') {
      if (!this.applyHpa(obj, update))
        return this.problem(
          line,
          'object.metadata.name',
          `HorizontalPodAutoscaler ${ns}/${obj.metadata.name} already exists`,
        );
      return;
    }
    const key = workloadKey(obj.kind!, ns, obj.metadata.name);
    const existing = this.controllers.get(key);
    if (existing && !update)
      return this.problem(line, 'object.metadata.name', `${obj.kind} ${ns}/${obj.metadata.name} already exists`);
    let c: Controller;
    if (existing) {
      c = existing;
      if (c instanceof DeploymentController) c.update(obj as Deployment, duration);
      else if (c instanceof ReplicaSetController) {
        c.rs.spec = { ...(obj as ReplicaSet).spec };
        if (duration !== undefined) c.duration = duration;
      } else if (c instanceof StatefulSetController) {
        c.ss = obj as StatefulSet;
        if (duration !== undefined) c.duration = duration;
      } else if (c instanceof DaemonSetController) {
        this.withdrawDaemonSet(c.ds);
        c.ds = obj as DaemonSet;
        this.cluster.live.daemonSets.push(c.ds);
      } else if (c instanceof JobController) {
        const job = obj as Job;
        c.job = { ...c.job, spec: { ...job.spec, template: c.job.spec.template } };
        if (duration !== undefined) c.duration = duration;
      }
    } else {
      switch (obj.kind) {
        case 'Deployment':
          c = new DeploymentController(obj, duration);
          break;
        case 'ReplicaSet':
          c = new ReplicaSetController(obj, duration);
          break;
        case 'StatefulSet':
          c = new StatefulSetController(obj, duration);
          break;
        case 'DaemonSet':
          c = new DaemonSetController(obj);
          this.cluster.live.daemonSets.push(obj);
          break;
        default: {
          const job = new JobController(obj as Job, duration ?? 0, this.now);
          this.jobs.push(job);
          c = job;
        }
      }
      this.controllers.set(key, c);
    }
    this.markDirty(c);
  }

  // ---- pod autoscaling ----------------------------------------------------------------------------

  private applyHpa(hpa: HorizontalPodAutoscaler, update: boolean): boolean {
    if (!this.podAutoscaling.apply(hpa, update)) return false;
    if (!this.hpaSyncScheduled) {
      this.hpaSyncScheduled = true;
      this.events.push({ t: this.now, seq: this.seq++, kind: 'hpa-sync' });
    }
    return true;
  }

  /** Every HPA decides; the next sync is one period later while any HPA exists. */
  private syncHpas(): void {
    const changes = this.podAutoscaling.sync(this.now, (kind, ns, name) => {
      const c = this.controllers.get(workloadKey(kind, ns, name));
      return c && scaleTargetOf(c, () => this.markDirty(c));
    });
    for (const ch of changes) this.options.placements?.line(JSON.stringify({ t: this.now, event: 'hpa-scale', ...ch }));
    this.hpaSyncScheduled = this.podAutoscaling.size > 0;
    if (this.hpaSyncScheduled) this.events.push({ t: this.now + HPA_SYNC_SECONDS, seq: this.seq++, kind: 'hpa-sync' });
  }

  private withdrawDaemonSet(ds: DaemonSet): void {
    const list = this.cluster.live.daemonSets;
    const i = list.indexOf(ds);
    if (i >= 0) list.splice(i, 1);
  }

  // ---- pods ---------------------------------------------------------------------------------------

  /** Admission's Priority plugin: the pod's class, else its explicit priority, else the global default. */
  private priorityOf(pod: Pod): number {
    const name = pod.spec.priorityClassName;
    const cls = name ? this.priorities.byName.get(name) : undefined;
    return cls?.value ?? pod.spec.priority ?? this.priorities.globalDefault?.value ?? 0;
  }

  private newPod(pod: Pod, o: { owner?: Controller; duration?: number; daemon?: boolean; key?: string }): SimPod {
    const priority = this.priorityOf(pod);
    return makeSimPod(withPriority(pod, priority), {
      id: this.podSeq++,
      priority,
      daemon: o.daemon,
      owner: o.owner ?? null,
      duration: o.duration,
      now: this.now,
      key: o.key,
    });
  }

  /** A pod from the trace (or its replacement) enters the queue. */
  private submit(pod: Pod, duration: number | undefined, key = podKey(pod)): void {
    const admitted = this.admit(pod, null, key);
    if (!admitted) return;
    const sp = this.newPod(admitted, { duration, key });
    this.pods.add(sp);
    this.recorder.count('created');
    this.queue.add(sp, this.now);
  }

  /** Admission (LimitRange, ResourceQuota) of a pod being created: the admitted pod, or null. */
  private admit(pod: Pod, owner: Controller | null, key = podKey(pod)): Pod | null {
    return this.admission.admit(key, pod, owner, (message) =>
      this.options.placements?.line(JSON.stringify({ t: this.now, event: 'refused', pod: key, message })),
    );
  }

  // ---- summary ------------------------------------------------------------------------------------

  private summary(): ReplaySummary {
    const totals = this.recorder.totals;
    const reasons = new Map<string, number>();
    let pendingAtEnd = 0;
    let runningAtEnd = 0;
    const live = this.pods.inCreationOrder();
    for (const sp of live) {
      if (sp.state === 'running') {
        runningAtEnd++;
        continue;
      }
      if (sp.state === 'lost') continue;
      pendingAtEnd++;
      const why = sp.state === 'gated' ? 'waiting for scheduling gates' : (sp.message ?? 'not attempted yet');
      reasons.set(why, (reasons.get(why) ?? 0) + 1);
    }
    const pendingReasons = [...reasons]
      .map(([message, pods]) => ({ message, pods }))
      .sort((a, b) => b.pods - a.pods || (a.message < b.message ? -1 : 1))
      .slice(0, 20);
    let neverBoundPending = 0;
    for (const sp of live) if (sp.boundAt < 0 && sp.state !== 'running' && sp.state !== 'lost') neverBoundPending++;
    return {
      trace: this.options.traceName,
      profile: this.options.profile.schedulerName,
      seed: this.options.seed,
      simulatedSeconds: round(this.now),
      events: this.eventCount,
      pods: {
        created: totals.created,
        scheduled: totals.scheduled,
        neverScheduled: this.neverScheduled + neverBoundPending,
        pendingAtEnd,
        gatedAtEnd: this.queue.gatedCount,
        runningAtEnd,
        completed: totals.completed,
        preempted: totals.preempted,
        evictedByNodeRemoval: totals.evicted,
        lostWithFailedNodes: totals.lost,
        deleted: totals.deleted,
      },
      pendingSeconds: this.recorder.pendingDistribution(),
      resources: this.recorder.allocationSummary(),
      nodeHours: this.recorder.nodeHours(),
      pendingReasons,
      jobs: this.jobs.map((j) => ({ ...j.status })),
      ...(this.podAutoscaling.size > 0 ? { podAutoscalers: this.podAutoscaling.summary() } : {}),
      refused: this.admission.summary(),
      badRows: {
        count: this.badRowCount,
        listed: this.badRows.map(
          (p) => `${p.file ?? ''}${p.line ? `:${p.line}` : ''}${p.path ? ` ${p.path}` : ''}: ${p.message}`,
        ),
      },
    };
  }
}
