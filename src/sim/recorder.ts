// What a replay measures: pod counts, pending times, per-resource allocation and fragmentation
// sampled every simulated minute, node-hours. Rows stream out as they are sampled (timeseries.csv),
// so memory holds only one number per scheduled pod (its pending time, for exact percentiles) and
// a thinned copy of the series for the report's chart.
import type { Node } from '../api/types.js';
import { RESOURCE_CPU, RESOURCE_MEMORY, RESOURCE_PODS, type Snapshot } from '../snapshot/snapshot.js';

export const SAMPLE_SECONDS = 60;
/** A node whose free cpu, memory or pod slots fall under this share of allocatable is full. */
export const FULL_THRESHOLD = 0.05;
/** Points kept for the report's chart (the series is thinned by halves beyond this). */
const CHART_POINTS = 2000;

export interface LineSink {
  line(text: string): void;
}

export interface Counters {
  created: number;
  scheduled: number;
  completed: number;
  preempted: number;
  evicted: number;
  lost: number;
  deleted: number;
}

export interface ChartSeries {
  /** Simulated seconds of each point. */
  t: number[];
  running: number[];
  pending: number[];
  nodes: number[];
  /** Per resource: allocated share (0..1). */
  allocation: Record<string, number[]>;
  /** Replicas each HorizontalPodAutoscaler set, as steps (only when there are HPAs). */
  replicas?: { name: string; points: [number, number][] }[];
}

export interface Distribution {
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function newCounters(): Counters {
  return { created: 0, scheduled: 0, completed: 0, preempted: 0, evicted: 0, lost: 0, deleted: 0 };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function distribution(values: Float64Array): Distribution {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    mean: sorted.length ? round(sum / sorted.length) : 0,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.length ? sorted[sorted.length - 1] : 0),
  };
}

/** Six significant decimals: enough for shares and seconds, and prints the same everywhere. */
export function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

class Growable {
  data = new Float64Array(1024);
  length = 0;

  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }

  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

export class Recorder {
  readonly totals = newCounters();
  private minute = newCounters();
  private readonly pendingTimes = new Growable();
  /** Resource names sampled (cpu, memory, then extended resources of the initial nodes). */
  readonly resources: string[];
  private readonly allocationSamples: Growable[];
  private readonly fragmentationSamples: Growable[];
  readonly chart: ChartSeries;
  private chartStride = 1;
  private sampleIndex = 0;
  private readonly nodeTypes = new Map<string, number>();
  private readonly nodeSeconds = new Map<string, number>();
  private clock = 0;
  private nextSample = 0;

  constructor(
    initialNodes: readonly Node[],
    private readonly timeseries: LineSink | null,
  ) {
    const extended = new Set<string>();
    for (const node of initialNodes) {
      for (const name of Object.keys(node.status?.allocatable ?? {})) if (name.includes('/')) extended.add(name);
    }
    this.resources = ['cpu', 'memory', ...[...extended].sort()];
    this.allocationSamples = this.resources.map(() => new Growable());
    this.fragmentationSamples = this.resources.map(() => new Growable());
    this.chart = {
      t: [],
      running: [],
      pending: [],
      nodes: [],
      allocation: Object.fromEntries(this.resources.map((r) => [r, []])),
    };
    for (const node of initialNodes) this.nodeAdded(node);
    const resourceColumns = this.resources.flatMap((r) => [`alloc_${r}`, `frag_${r}`]);
    timeseries?.line(
      [
        'minute',
        'time_s',
        'nodes',
        'running',
        'pending',
        'created',
        'scheduled',
        'completed',
        'preempted',
        'evicted',
        ...resourceColumns,
      ].join(','),
    );
  }

  count(what: keyof Counters): void {
    this.totals[what]++;
    this.minute[what]++;
  }

  podScheduled(pendingSeconds: number): void {
    this.count('scheduled');
    this.pendingTimes.push(pendingSeconds);
  }

  nodeAdded(node: Node): void {
    const type = instanceType(node);
    this.nodeTypes.set(type, (this.nodeTypes.get(type) ?? 0) + 1);
    if (!this.nodeSeconds.has(type)) this.nodeSeconds.set(type, 0);
  }

  nodeRemoved(node: Node): void {
    const type = instanceType(node);
    this.nodeTypes.set(type, (this.nodeTypes.get(type) ?? 1) - 1);
  }

  /**
   * Moves the clock to `t`, first writing a sample for every minute boundary before `t` (the state
   * then is the current state: nothing happened in between).
   */
  advance(t: number, snap: Snapshot, running: number, pending: number): void {
    while (this.nextSample < t) {
      this.accrue(this.nextSample);
      this.sample(this.nextSample, snap, running, pending);
      this.nextSample += SAMPLE_SECONDS;
    }
    this.accrue(t);
  }

  /** The end of the replay: samples up to and including `t`. */
  finish(t: number, snap: Snapshot, running: number, pending: number): void {
    this.advance(t, snap, running, pending);
    if (this.nextSample === t) {
      this.sample(t, snap, running, pending);
      this.nextSample += SAMPLE_SECONDS;
    }
  }

  private accrue(t: number): void {
    const dt = t - this.clock;
    if (dt <= 0) return;
    for (const [type, count] of this.nodeTypes)
      this.nodeSeconds.set(type, (this.nodeSeconds.get(type) ?? 0) + count * dt);
    this.clock = t;
  }

  private sample(t: number, snap: Snapshot, running: number, pending: number): void {
    const shares: number[] = [];
    const cells: string[] = [];
    this.resources.forEach((name, i) => {
      const r = snap.resources.find(name);
      const { allocated, fragmented } = r < 0 ? { allocated: 0, fragmented: 0 } : measure(snap, r);
      shares.push(allocated);
      this.allocationSamples[i].push(allocated);
      this.fragmentationSamples[i].push(fragmented);
      cells.push(fmt(allocated), fmt(fragmented));
    });
    const m = this.minute;
    this.timeseries?.line(
      [
        t / SAMPLE_SECONDS,
        t,
        snap.nodeCount,
        running,
        pending,
        m.created,
        m.scheduled,
        m.completed,
        m.preempted,
        m.evicted + m.lost,
        ...cells,
      ].join(','),
    );
    this.minute = newCounters();
    if (this.sampleIndex++ % this.chartStride === 0) {
      const c = this.chart;
      c.t.push(t);
      c.running.push(running);
      c.pending.push(pending);
      c.nodes.push(snap.nodeCount);
      this.resources.forEach((name, i) => {
        c.allocation[name].push(shares[i]);
      });
      if (c.t.length >= CHART_POINTS) this.thinChart();
    }
  }

  private thinChart(): void {
    const keep = <T>(a: T[]) => a.filter((_, i) => i % 2 === 0);
    const c = this.chart;
    c.t = keep(c.t);
    c.running = keep(c.running);
    c.pending = keep(c.pending);
    c.nodes = keep(c.nodes);
    for (const name of this.resources) c.allocation[name] = keep(c.allocation[name]);
    this.chartStride *= 2;
  }

  pendingDistribution(): Distribution {
    return distribution(this.pendingTimes.values());
  }

  allocationSummary(): Record<string, { allocation: Distribution; fragmentation: Distribution }> {
    const out: Record<string, { allocation: Distribution; fragmentation: Distribution }> = {};
    this.resources.forEach((name, i) => {
      out[name] = {
        allocation: distribution(this.allocationSamples[i].values()),
        fragmentation: distribution(this.fragmentationSamples[i].values()),
      };
    });
    return out;
  }

  nodeHours(): { total: number; byInstanceType: Record<string, number> } {
    let total = 0;
    const byInstanceType: Record<string, number> = {};
    for (const type of [...this.nodeSeconds.keys()].sort()) {
      const hours = (this.nodeSeconds.get(type) ?? 0) / 3600;
      byInstanceType[type] = round(hours);
      total += hours;
    }
    return { total: round(total), byInstanceType };
  }
}

function instanceType(node: Node): string {
  return node.metadata.labels?.['node.kubernetes.io/instance-type'] ?? 'unknown';
}

function fmt(x: number): string {
  return String(Math.round(x * 10000) / 10000);
}

/**
 * Allocated share of resource `r` (requested / allocatable over all nodes), and how fragmented
 * its free capacity is: the share of it stranded on nodes already full in cpu, memory or pod slots.
 */
export function measure(snap: Snapshot, r: number): { allocated: number; fragmented: number } {
  const alloc = snap.allocatable[r];
  const req = snap.requested[r];
  const cpuA = snap.allocatable[RESOURCE_CPU];
  const cpuR = snap.requested[RESOURCE_CPU];
  const memA = snap.allocatable[RESOURCE_MEMORY];
  const memR = snap.requested[RESOURCE_MEMORY];
  const podsA = snap.allocatable[RESOURCE_PODS];
  const pods = snap.podCount;
  let total = 0;
  let used = 0;
  let free = 0;
  let stranded = 0;
  for (let n = 0; n < snap.nodeCount; n++) {
    const a = alloc[n];
    if (a <= 0) continue;
    total += a;
    used += Math.min(req[n], a);
    const f = Math.max(0, a - req[n]);
    if (f === 0) continue;
    free += f;
    const full =
      (r !== RESOURCE_CPU && cpuA[n] > 0 && cpuA[n] - cpuR[n] < FULL_THRESHOLD * cpuA[n]) ||
      (r !== RESOURCE_MEMORY && memA[n] > 0 && memA[n] - memR[n] < FULL_THRESHOLD * memA[n]) ||
      (podsA[n] > 0 && podsA[n] - pods[n] < FULL_THRESHOLD * podsA[n]);
    if (full) stranded += f;
  }
  return { allocated: total > 0 ? used / total : 0, fragmented: free > 0 ? stranded / free : 0 };
}
