// kube-scheduler's scheduling queue (pkg/scheduler/backend/queue), in simulated time:
// - activeQ: PrioritySort order (higher priority first, then earlier queue time); berth adds one
//   rule: DaemonSet pods go before ordinary pods of the same priority, as the controller's
//   system priority classes make them in real clusters;
// - a failed pod waits in unschedulablePods; a cluster change (a pod deleted or completed, a node
//   added or uncordoned) moves every such pod to backoffQ if its backoff has not expired, else to
//   activeQ; pods left there 5 minutes are moved anyway (checked every 30 s, as upstream);
// - backoff is 1 s doubled per failed attempt up to 10 s (podInitialBackoffSeconds,
//   podMaxBackoffSeconds);
// - pods with spec.schedulingGates wait, gated, until their gates are removed.
// Upstream filters moves with per-plugin queueing hints; berth moves every unschedulable pod,
// which can only retry more often, never less.
import { Heap } from './heap.js';
import type { SimPod } from './sim-pod.js';

export const UNSCHEDULABLE_MAX_SECONDS = 300;
export const FLUSH_INTERVAL_SECONDS = 30;

export interface QueueOptions {
  initialBackoffSeconds: number;
  maxBackoffSeconds: number;
}

export const DEFAULT_QUEUE_OPTIONS: QueueOptions = { initialBackoffSeconds: 1, maxBackoffSeconds: 10 };

interface Entry {
  pod: SimPod;
  gen: number;
}

function activeLess(a: Entry, b: Entry): boolean {
  const p = a.pod;
  const q = b.pod;
  if (p.priority !== q.priority) return p.priority > q.priority;
  if (p.daemon !== q.daemon) return p.daemon;
  if (p.queueTime !== q.queueTime) return p.queueTime < q.queueTime;
  return p.id < q.id;
}

function backoffLess(a: Entry, b: Entry): boolean {
  if (a.pod.backoffUntil !== b.pod.backoffUntil) return a.pod.backoffUntil < b.pod.backoffUntil;
  return a.pod.id < b.pod.id;
}

export class SchedulingQueue {
  private readonly active = new Heap<Entry>(activeLess);
  private readonly backoff = new Heap<Entry>(backoffLess);
  /** In insertion order, which is also the order of unschedulableSince. */
  private readonly unschedulable = new Set<SimPod>();
  private readonly gated = new Set<SimPod>();
  private activeCount = 0;
  private backoffCount = 0;

  constructor(private readonly options: QueueOptions = DEFAULT_QUEUE_OPTIONS) {}

  /** Pods waiting in any part of the queue. */
  get pendingCount(): number {
    return this.activeCount + this.backoffCount + this.unschedulable.size + this.gated.size;
  }

  get gatedCount(): number {
    return this.gated.size;
  }

  get hasActive(): boolean {
    return this.activeCount > 0;
  }

  /** A new pod: gated if it has scheduling gates, else active. */
  add(pod: SimPod, now: number): void {
    pod.queueTime = now;
    if ((pod.pod.spec.schedulingGates?.length ?? 0) > 0) {
      pod.state = 'gated';
      this.gated.add(pod);
    } else {
      this.pushActive(pod);
    }
  }

  /** The gates were removed: the pod joins activeQ. */
  ungate(pod: SimPod, now: number): void {
    if (!this.gated.delete(pod)) return;
    pod.queueTime = now;
    this.pushActive(pod);
  }

  /** The next pod to attempt, or undefined. */
  pop(): SimPod | undefined {
    for (let e = this.active.pop(); e; e = this.active.pop()) {
      if (e.gen !== e.pod.queueGen || e.pod.state !== 'active') continue;
      this.activeCount--;
      e.pod.state = 'unschedulable';
      e.pod.queueGen++;
      return e.pod;
    }
    return undefined;
  }

  /** The attempt failed: the pod waits for a cluster change or the periodic flush. */
  failed(pod: SimPod, now: number): void {
    pod.attempts++;
    pod.backoffUntil = now + this.backoffSeconds(pod.attempts);
    pod.queueTime = now;
    pod.unschedulableSince = now;
    pod.state = 'unschedulable';
    this.unschedulable.add(pod);
  }

  /** upstream calculateBackoffDuration: initial × 2^(attempts−1), at most max. */
  backoffSeconds(attempts: number): number {
    let d = this.options.initialBackoffSeconds;
    for (let i = 1; i < attempts && d < this.options.maxBackoffSeconds; i++) d *= 2;
    return Math.min(d, this.options.maxBackoffSeconds);
  }

  /** Takes a pod out of the queue (it was deleted). */
  remove(pod: SimPod): void {
    switch (pod.state) {
      case 'active':
        this.activeCount--;
        break;
      case 'backoff':
        this.backoffCount--;
        break;
      case 'unschedulable':
        this.unschedulable.delete(pod);
        break;
      case 'gated':
        this.gated.delete(pod);
        break;
      default:
        return;
    }
    pod.queueGen++;
    pod.state = 'gone';
  }

  /** A cluster change: every unschedulable pod moves to backoffQ or activeQ. */
  moveAllUnschedulable(now: number): void {
    if (this.unschedulable.size === 0) return;
    const pods = [...this.unschedulable];
    this.unschedulable.clear();
    for (const pod of pods) this.requeue(pod, now);
  }

  /** Moves pods whose backoff expired to activeQ, and pods unschedulable for 5 minutes out. */
  tick(now: number): void {
    for (
      let e = this.backoff.peek();
      e && (e.gen !== e.pod.queueGen || e.pod.backoffUntil <= now);
      e = this.backoff.peek()
    ) {
      this.backoff.pop();
      if (e.gen !== e.pod.queueGen || e.pod.state !== 'backoff') continue;
      this.backoffCount--;
      this.pushActive(e.pod);
    }
    if (now % FLUSH_INTERVAL_SECONDS !== 0) return;
    for (const pod of this.unschedulable) {
      if (now - pod.unschedulableSince < UNSCHEDULABLE_MAX_SECONDS) break;
      this.unschedulable.delete(pod);
      this.requeue(pod, now);
    }
  }

  /** The earliest backoff expiry, or Infinity. */
  nextBackoff(): number {
    for (let e = this.backoff.peek(); e; e = this.backoff.peek()) {
      if (e.gen === e.pod.queueGen && e.pod.state === 'backoff') return e.pod.backoffUntil;
      this.backoff.pop();
    }
    return Number.POSITIVE_INFINITY;
  }

  /** The flush tick that will move the oldest unschedulable pod, or Infinity. */
  nextFlush(): number {
    for (const pod of this.unschedulable) {
      const due = pod.unschedulableSince + UNSCHEDULABLE_MAX_SECONDS;
      return Math.ceil(due / FLUSH_INTERVAL_SECONDS) * FLUSH_INTERVAL_SECONDS;
    }
    return Number.POSITIVE_INFINITY;
  }

  private requeue(pod: SimPod, now: number): void {
    if (pod.backoffUntil > now) {
      pod.state = 'backoff';
      pod.queueGen++;
      this.backoffCount++;
      this.backoff.push({ pod, gen: pod.queueGen });
    } else {
      this.pushActive(pod);
    }
  }

  private pushActive(pod: SimPod): void {
    pod.state = 'active';
    pod.queueGen++;
    this.activeCount++;
    this.active.push({ pod, gen: pod.queueGen });
  }
}
