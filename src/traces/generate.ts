// Seeded synthetic traces: arrivals follow a day/night cycle (a Poisson process whose rate peaks at
// noon, thinned from its maximum), durations are heavy-tailed (lognormal batch pods, Pareto
// long-running service pods), pod sizes come from a mix of classes. Same options and seed, same
// bytes. `workloads` adds a DaemonSet, a Deployment rolled and scaled during the trace, a Job, a
// gated pod, and a node that is added, cordoned, uncordoned and fails, to exercise the simulator.
import type { Pod } from '../api/types.js';
import { Rng } from '../engine/rng.js';
import { controllerOwner } from './csv.js';
import type { TraceEvent } from './events.js';
import type { TraceFormat } from './reader.js';

export interface GenerateOptions {
  pods: number;
  seed: number;
  /** Span over which arrivals are spread (the last arrival lands near it). */
  hours: number;
  /** Share of pods asking for one nvidia.com/gpu (they tolerate the nvidia.com/gpu taint). */
  gpuFraction: number;
  /** Add workload and node events (JSON Lines only). */
  workloads: boolean;
  format: TraceFormat;
}

export const DEFAULT_GENERATE: Omit<GenerateOptions, 'pods' | 'seed' | 'format'> = {
  hours: 24,
  gpuFraction: 0,
  workloads: false,
};

const DAY = 86400;
/** Peak-to-mean swing of the arrival rate: 0.6 means the noon rate is 1.6× the mean, midnight 0.4×. */
const DIURNAL_AMPLITUDE = 0.6;

interface SizeClass {
  weight: number;
  milliCpu: number;
  memMi: number;
}

const SIZES: readonly SizeClass[] = [
  { weight: 20, milliCpu: 50, memMi: 64 },
  { weight: 35, milliCpu: 250, memMi: 512 },
  { weight: 25, milliCpu: 500, memMi: 1024 },
  { weight: 12, milliCpu: 1000, memMi: 4096 },
  { weight: 6, milliCpu: 2000, memMi: 8192 },
  { weight: 2, milliCpu: 4000, memMi: 16384 },
];
const SIZE_TOTAL = SIZES.reduce((s, c) => s + c.weight, 0);

/** Share of pods that are long-running services (the rest are batch). */
const SERVICE_SHARE = 0.3;
const SERVICE_GROUPS = 20;
const BATCH_GROUP_SIZE = 10;

/** The rate multiplier at time t: 1 − A·cos(2πt/day), lowest at midnight, highest at noon. */
export function diurnalFactor(t: number): number {
  return 1 - DIURNAL_AMPLITUDE * Math.cos((2 * Math.PI * t) / DAY);
}

function normal(rng: Rng): number {
  // Box–Muller; 1 − u keeps the logarithm finite.
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function lognormal(rng: Rng, median: number, sigma: number): number {
  return median * Math.exp(sigma * normal(rng));
}

function pareto(rng: Rng, min: number, alpha: number): number {
  return min / (1 - rng.next()) ** (1 / alpha);
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/** Rounded to the millisecond, so every number prints short and the same everywhere. */
function ms(x: number): number {
  return Math.round(x * 1000) / 1000;
}

interface PodRow {
  t: number;
  duration: number;
  milliCpu: number;
  memMi: number;
  gpu: number;
  priority: number;
  labels: Record<string, string>;
  ownerKind: string;
  ownerName: string;
  namespace: string;
  name: string;
}

function podRow(rng: Rng, t: number, seq: number, gpuFraction: number): PodRow {
  if (gpuFraction > 0 && rng.next() < gpuFraction) {
    const group = `train-${Math.floor(seq / BATCH_GROUP_SIZE)}`;
    return {
      t,
      duration: ms(clamp(lognormal(rng, 3600, 0.8), 300, 2 * DAY)),
      milliCpu: 4000,
      memMi: 16384,
      gpu: 1,
      priority: 0,
      labels: { app: group, tier: 'gpu' },
      ownerKind: 'Job',
      ownerName: group,
      namespace: 'batch',
      name: `gpu-${seq}`,
    };
  }
  let pick = rng.next() * SIZE_TOTAL;
  let size = SIZES[SIZES.length - 1];
  for (const s of SIZES) {
    pick -= s.weight;
    if (pick < 0) {
      size = s;
      break;
    }
  }
  if (rng.next() < SERVICE_SHARE) {
    const group = `svc-${rng.int(SERVICE_GROUPS)}`;
    return {
      t,
      duration: ms(clamp(pareto(rng, 1800, 1.3), 1800, 7 * DAY)),
      milliCpu: size.milliCpu,
      memMi: size.memMi,
      gpu: 0,
      priority: 1000,
      labels: { app: group, tier: 'service' },
      ownerKind: 'ReplicaSet',
      ownerName: group,
      namespace: 'shop',
      name: `${group}-${seq}`,
    };
  }
  const group = `batch-${Math.floor(seq / BATCH_GROUP_SIZE)}`;
  return {
    t,
    duration: ms(clamp(lognormal(rng, 600, 1.2), 5, 2 * DAY)),
    milliCpu: size.milliCpu,
    memMi: size.memMi,
    gpu: 0,
    priority: rng.next() < 0.15 ? -100 : 0,
    labels: { app: group, tier: 'batch' },
    ownerKind: 'Job',
    ownerName: group,
    namespace: 'batch',
    name: `job-${seq}`,
  };
}

function rowPod(r: PodRow): Pod {
  const requests: Record<string, string> = { cpu: `${r.milliCpu}m`, memory: `${r.memMi}Mi` };
  const limits: Record<string, string> = {};
  if (r.gpu > 0) {
    requests['nvidia.com/gpu'] = String(r.gpu);
    limits['nvidia.com/gpu'] = String(r.gpu);
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: r.name,
      namespace: r.namespace,
      labels: r.labels,
      ownerReferences: [controllerOwner(r.ownerKind, r.ownerName)],
    },
    spec: {
      containers: [
        {
          name: 'main',
          image: `example.com/${r.labels.tier}:1`,
          resources: { requests, ...(r.gpu > 0 ? { limits } : {}) },
        },
      ],
      priority: r.priority,
      ...(r.gpu > 0 ? { tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] } : {}),
    },
  };
}

function csvRow(r: PodRow): string {
  const labels = Object.entries(r.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(';');
  const extended = r.gpu > 0 ? `nvidia.com/gpu=${r.gpu}` : '';
  return `${r.t},${r.duration},${r.milliCpu}m,${r.memMi}Mi,${extended},${r.priority},${labels},${r.ownerKind}/${r.ownerName},${r.namespace},${r.name}`;
}

export const CSV_HEADER = 'submit_time,duration,cpu,memory,extended,priority,labels,owner,namespace,name';

function template(app: string, milliCpu: number, memMi: number, image: string) {
  return {
    metadata: { labels: { app } },
    spec: {
      containers: [{ name: 'main', image, resources: { requests: { cpu: `${milliCpu}m`, memory: `${memMi}Mi` } } }],
    },
  };
}

/** The workload and node events of `workloads`, at fixed fractions of the span. */
export function workloadEvents(span: number): TraceEvent[] {
  const at = (f: number) => ms(span * f);
  const web = (image: string) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment' as const,
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate' as const, rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: template('web', 250, 512, image),
    },
  });
  const gated: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'gated-report', namespace: 'batch', labels: { app: 'gated-report' } },
    spec: {
      containers: [
        { name: 'main', image: 'example.com/report:1', resources: { requests: { cpu: '500m', memory: '1Gi' } } },
      ],
      schedulingGates: [{ name: 'example.com/quota' }],
    },
  };
  return [
    {
      t: 0,
      type: 'workload-create',
      object: {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'node-agent', namespace: 'kube-system' },
        spec: {
          selector: { matchLabels: { app: 'node-agent' } },
          template: template('node-agent', 100, 128, 'example.com/agent:1'),
        },
      },
    },
    { t: 0, type: 'workload-create', object: web('example.com/web:1') },
    {
      t: at(0.05),
      type: 'workload-create',
      object: {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'nightly-etl', namespace: 'batch' },
        spec: { completions: 12, parallelism: 3, template: template('nightly-etl', 1000, 2048, 'example.com/etl:1') },
      },
      duration: 1200,
    },
    {
      t: at(0.25),
      type: 'node-add',
      node: {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name: 'burst-1',
          labels: { 'kubernetes.io/hostname': 'burst-1', 'node.kubernetes.io/instance-type': 'burst.2xlarge' },
        },
        spec: {},
        status: { allocatable: { cpu: '8', memory: '32Gi', pods: '110' } },
      },
    },
    { t: at(0.3), type: 'pod-create', pod: gated, duration: 1800 },
    { t: at(0.35), type: 'pod-ungate', namespace: 'batch', name: 'gated-report' },
    { t: at(0.4), type: 'workload-update', object: web('example.com/web:2') },
    { t: at(0.5), type: 'node-cordon', name: 'burst-1' },
    { t: at(0.55), type: 'node-uncordon', name: 'burst-1' },
    { t: at(0.7), type: 'workload-scale', kind: 'Deployment', namespace: 'shop', name: 'web', replicas: 8 },
    { t: at(0.8), type: 'node-fail', name: 'burst-1' },
    { t: at(0.9), type: 'workload-scale', kind: 'Deployment', namespace: 'shop', name: 'web', replicas: 4 },
  ];
}

/** Generates the trace line by line into `out` (memory stays constant whatever the pod count). */
export function generateTrace(opts: GenerateOptions, out: { line(text: string): void }): void {
  const rng = new Rng(opts.seed);
  const span = opts.hours * 3600;
  const meanRate = opts.pods / span;
  const maxRate = meanRate * (1 + DIURNAL_AMPLITUDE);
  const extra = opts.workloads && opts.format === 'jsonl' ? workloadEvents(span) : [];
  let nextExtra = 0;
  const emitExtrasUpTo = (t: number) => {
    while (nextExtra < extra.length && extra[nextExtra].t <= t) out.line(JSON.stringify(extra[nextExtra++]));
  };
  if (opts.format === 'csv') out.line(CSV_HEADER);
  let t = 0;
  for (let seq = 0; seq < opts.pods; ) {
    t += -Math.log(1 - rng.next()) / maxRate;
    if (rng.next() * (1 + DIURNAL_AMPLITUDE) > diurnalFactor(t)) continue;
    const row = podRow(rng, ms(t), seq++, opts.gpuFraction);
    if (opts.format === 'csv') {
      out.line(csvRow(row));
    } else {
      emitExtrasUpTo(row.t);
      out.line(JSON.stringify({ t: row.t, type: 'pod-create', pod: rowPod(row), duration: row.duration }));
    }
  }
  emitExtrasUpTo(Number.POSITIVE_INFINITY);
}
