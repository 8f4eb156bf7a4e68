// End-to-end replay benchmark (not part of npm test): a synthetic CSV trace of --pods pods on a
// synthetic cluster of --nodes nodes, replayed with every node filtered and scored
// (percentageOfNodesToScore: 100). Reports events/s, scheduling attempts/s, scheduled pods/s, the
// share of wall time spent inside the engine's scheduleOne, and peak RSS; scheduled pods per CPU
// second too, as wall time on a busy shared machine includes waiting for a core.
//   node dist/bench/replay.js --pods 20000 --nodes 5000      (quick)
//   node dist/bench/replay.js                                (1,000,000 pods on 5,000 nodes)

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { builtinRegistry } from '../plugins/index.js';
import { emptyCluster } from '../src/api/cluster.js';
import type { KubeSchedulerConfiguration, Node } from '../src/api/types.js';
import { Scheduler } from '../src/engine/scheduler.js';
import { chooseProfile } from '../src/framework/config-file.js';
import { Simulator } from '../src/sim/simulator.js';
import { generateTrace } from '../src/traces/generate.js';
import { openTrace } from '../src/traces/reader.js';
import { BufferedWriter } from '../src/traces/writer.js';

const { values } = parseArgs({
  options: {
    pods: { type: 'string', default: '1000000' },
    nodes: { type: 'string', default: '5000' },
    seed: { type: 'string', default: '1' },
    load: { type: 'string', default: '0.5' },
    percentage: { type: 'string', default: '100' },
  },
});
const pods = Number(values.pods);
const nodeCount = Number(values.nodes);
const load = Number(values.load);

/** The generator's mean pod: ~3,200 s and ~542m cpu (see src/traces/generate.ts). */
const MEAN_DURATION = 3200;
const MEAN_MILLI_CPU = 542;
const NODE_MILLI_CPU = 16000;

function nodes(n: number): Node[] {
  return Array.from({ length: n }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: `node-${i}`,
      labels: {
        'kubernetes.io/hostname': `node-${i}`,
        'topology.kubernetes.io/zone': `zone-${i % 3}`,
        'node.kubernetes.io/instance-type': 'm6i.4xlarge',
      },
    },
    spec: {},
    status: { allocatable: { cpu: '16', memory: '64Gi', pods: '110', 'ephemeral-storage': '100Gi' } },
  }));
}

// Arrivals spread so that running pods hold about `load` of the cluster's cpu on average.
const runningTarget = (load * nodeCount * NODE_MILLI_CPU) / MEAN_MILLI_CPU;
const hours = (pods * MEAN_DURATION) / runningTarget / 3600;
const dir = mkdtempSync(join(tmpdir(), 'berth-bench-'));
const tracePath = join(dir, 'trace.csv');
let t0 = performance.now();
const writer = BufferedWriter.open(tracePath);
generateTrace({ pods, seed: Number(values.seed), hours, gpuFraction: 0, workloads: false, format: 'csv' }, writer);
writer.close();
const genMs = performance.now() - t0;

const config: KubeSchedulerConfiguration = {
  apiVersion: 'kubescheduler.config.k8s.io/v1',
  kind: 'KubeSchedulerConfiguration',
  percentageOfNodesToScore: Number(values.percentage),
};
const profile = chooseProfile({ config, registry: builtinRegistry() });

// Time spent inside the engine, measured around every scheduleOne (including preemption's).
let engineMs = 0;
let attempts = 0;
const original = Scheduler.prototype.scheduleOne;
Scheduler.prototype.scheduleOne = function (this: Scheduler, ...args: Parameters<typeof original>) {
  const s = performance.now();
  try {
    return original.apply(this, args);
  } finally {
    engineMs += performance.now() - s;
    attempts++;
  }
};

let rows = 0;
const cluster = { ...emptyCluster(), nodes: nodes(nodeCount) };
const sim = new Simulator(cluster, {
  profile,
  seed: 1,
  traceName: tracePath,
  timeseries: { line: () => rows++ },
  onProgress: (p) => {
    if (process.stderr.isTTY)
      process.stderr.write(`\r${Math.round((100 * p.bytesRead) / p.size)}%  ${p.scheduled} scheduled`);
  },
});
t0 = performance.now();
const cpu0 = process.cpuUsage();
const reader = openTrace(tracePath);
const { summary } = sim.run(reader);
reader.close();
const wallMs = performance.now() - t0;
// CPU time of the process (user + system): on a shared machine wall time also counts waiting for a core.
const cpuUsed = process.cpuUsage(cpu0);
const cpuMs = (cpuUsed.user + cpuUsed.system) / 1000;
if (process.stderr.isTTY) process.stderr.write('\n');
const traceBytes = statSync(tracePath).size;
rmSync(dir, { recursive: true, force: true });

const rssMiB = process.resourceUsage().maxRSS / 1024;
const out = {
  pods,
  nodes: nodeCount,
  percentageOfNodesToScore: profile.percentageOfNodesToScore,
  simulatedHours: Math.round((summary.simulatedSeconds / 3600) * 10) / 10,
  traceMiB: Math.round(traceBytes / 1048576),
  generateSeconds: Math.round(genMs / 100) / 10,
  replaySeconds: Math.round(wallMs / 100) / 10,
  replayCpuSeconds: Math.round(cpuMs / 100) / 10,
  events: summary.events,
  eventsPerSecond: Math.round(summary.events / (wallMs / 1000)),
  schedulingAttempts: attempts,
  attemptsPerSecond: Math.round(attempts / (wallMs / 1000)),
  scheduled: summary.pods.scheduled,
  scheduledPerSecond: Math.round(summary.pods.scheduled / (wallMs / 1000)),
  scheduledPerCpuSecond: Math.round(summary.pods.scheduled / (cpuMs / 1000)),
  engineShare: Math.round((engineMs / wallMs) * 100) / 100,
  engineMicrosPerAttempt: Math.round((engineMs * 1000) / Math.max(1, attempts)),
  pendingAtEnd: summary.pods.pendingAtEnd,
  preempted: summary.pods.preempted,
  meanCpuAllocation: summary.resources.cpu.allocation.mean,
  timeseriesRows: rows,
  peakRssMiB: Math.round(rssMiB),
};
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
