// The FGD study's experiment on one trace: the trace's tasks arrive in order, followed by tasks
// drawn from it with replacement (a seeded generator), until their GPU requests add up to
// `targetLoad` × the cluster's GPU capacity; nothing departs and a task that fits nowhere is dropped. After each arrival that crosses a whole percent of
// capacity, the GPU allocation ratio (allocated GPU milli / cluster GPU milli) is recorded. Every
// task goes through berth's engine with NodeResourcesFit, GpuShare and the policy's score plugin.

import { GpuDevices } from '../../plugins/gpu/devices.js';
import type { TaskShapeArgs } from '../../plugins/gpu/gpu-args.js';
import { GPU_POLICIES, type GpuPolicy } from '../../plugins/gpu/index.js';
import { builtinRegistry } from '../../plugins/index.js';
import { emptyCluster } from '../api/cluster.js';
import { InputError } from '../api/problem.js';
import { Rng } from '../engine/rng.js';
import { Scheduler } from '../engine/scheduler.js';
import type { Handle, Plugin } from '../framework/plugin.js';
import type { Profile } from '../framework/profile.js';
import { Snapshot } from '../snapshot/snapshot.js';
import { type GpuCluster, type GpuTask, taskGpuMilli, taskPod } from '../traces/alibaba-gpu.js';

export interface ExperimentSpec {
  cluster: GpuCluster;
  tasks: readonly GpuTask[];
  policy: GpuPolicy;
  /** Total GPU request to reach, as a multiple of cluster GPU capacity (the study uses 1.3). */
  targetLoad: number;
  seed: number;
}

export interface ExperimentResult {
  /** allocation[k-1]: GPU allocation ratio once arrived GPU requests reached k% of capacity. */
  allocation: Float64Array;
  arrived: number;
  scheduled: number;
  failed: number;
  /** GPU requests of the failed tasks, in GPUs. */
  failedGpus: number;
}

/**
 * Indices of the arriving tasks: the trace in its order, then tasks drawn from it at random with
 * replacement (the study's simulator appends such clones to inflate the workload), until the GPU
 * requests reach `targetLoad` × capacity. A trace that reaches the target alone is cut there.
 */
export function sampleTasks(
  tasks: readonly GpuTask[],
  capacityMilli: number,
  targetLoad: number,
  seed: number,
): Int32Array {
  const totalMilli = tasks.reduce((s, t) => s + taskGpuMilli(t), 0);
  if (totalMilli === 0) throw new InputError([{ code: 'trace', message: 'the task list has no task asking for GPUs' }]);
  const target = targetLoad * capacityMilli;
  const order: number[] = [];
  let sum = 0;
  for (let i = 0; i < tasks.length && sum < target; i++) {
    order.push(i);
    sum += taskGpuMilli(tasks[i]);
  }
  const rng = new Rng(seed);
  while (sum < target) {
    const i = rng.int(tasks.length);
    order.push(i);
    sum += taskGpuMilli(tasks[i]);
  }
  return Int32Array.from(order);
}

/** The workload's GPU task shapes and how often each occurs in the trace (FGD's distribution). */
export function taskShapes(tasks: readonly GpuTask[]): TaskShapeArgs[] {
  const shapes = new Map<string, TaskShapeArgs>();
  for (const t of tasks) {
    if (t.numGpu === 0) continue;
    const key = `${t.cpuMilli}:${t.gpuMilli}:${t.numGpu}:${t.gpuSpec}`;
    const s = shapes.get(key);
    if (s) s.weight++;
    else shapes.set(key, { cpu: t.cpuMilli, gpuMilli: t.gpuMilli, numGpu: t.numGpu, gpuSpec: t.gpuSpec, weight: 1 });
  }
  return [...shapes.values()];
}

/** NodeResourcesFit and GpuShare as filters, the policy as the only score plugin; every node scored. */
export function gpuProfile(policy: GpuPolicy, tasks: readonly GpuTask[], seed: number): Profile {
  const registry = builtinRegistry();
  const handle: Handle = { schedulerName: 'gpu', ignoredResources: new Set() };
  const make = (name: string, raw?: unknown): Plugin => {
    const def = registry.get(name)!;
    const parsed = def.parseArgs ? def.parseArgs(raw, name) : { args: undefined, problems: [] };
    if (parsed.problems.length > 0) throw new InputError(parsed.problems);
    return def.create(parsed.args, handle);
  };
  const scoreName = GPU_POLICIES[policy];
  const args = policy === 'fgd' ? { tasks: taskShapes(tasks) } : policy === 'random' ? { seed } : undefined;
  const fit = make('NodeResourcesFit');
  const share = make('GpuShare');
  const score = make(scoreName, args);
  const filters = [fit, share];
  return {
    schedulerName: handle.schedulerName,
    percentageOfNodesToScore: 100,
    preFilter: [...filters, ...(score.preFilter ? [score] : [])],
    filter: filters,
    preScore: score.preScore ? [score] : [],
    score: [{ plugin: score, weight: 1 }],
    plugins: new Map([fit, share, score].map((p) => [p.name, p])),
  };
}

export function runExperiment(spec: ExperimentSpec): ExperimentResult {
  const snapshot = new Snapshot({ ...emptyCluster(), nodes: spec.cluster.nodes });
  const devices = GpuDevices.of(snapshot);
  const capacity = devices.capacityMilli;
  const order = sampleTasks(spec.tasks, capacity, spec.targetLoad, spec.seed);
  const scheduler = new Scheduler(gpuProfile(spec.policy, spec.tasks, spec.seed), snapshot, {
    tieBreak: 'random',
    seed: spec.seed,
    explain: false,
    failureMessages: false,
  });
  const points = Math.round(spec.targetLoad * 100);
  const allocation = new Float64Array(points);
  let arrivedMilli = 0;
  let next = 1;
  let scheduled = 0;
  let failedMilli = 0;
  for (let i = 0; i < order.length; i++) {
    const task = spec.tasks[order[i]];
    const info = snapshot.podInfo(taskPod(task, `${task.name}-${i}`));
    const result = scheduler.scheduleOne(info);
    if (result.chosenNode !== undefined) {
      snapshot.bind(info, snapshot.nodeIndex.get(result.chosenNode)!);
      scheduled++;
    } else {
      failedMilli += taskGpuMilli(task);
    }
    arrivedMilli += taskGpuMilli(task);
    while (next <= points && arrivedMilli >= (next / 100) * capacity) {
      allocation[next - 1] = devices.allocatedMilli / capacity;
      next++;
    }
  }
  return {
    allocation,
    arrived: order.length,
    scheduled,
    failed: order.length - scheduled,
    failedGpus: failedMilli / 1000,
  };
}
