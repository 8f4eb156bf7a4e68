// Reader for the Alibaba GPU cluster trace (cluster-trace-gpu-v2023, the FGD study's data): the
// node list becomes Nodes offering N GPUs (GPU_MILLI = N × 1000, the model in a label) plus a
// table of their devices; the task lists become GPU tasks, turned into pods on demand. Every bad
// row is reported as `file:line column: expected …`, all of them before anything runs.
import { readFileSync } from 'node:fs';
import { GPU_MILLI, GPU_MODEL_LABEL, GPU_SPEC_ANNOTATION, MILLI_PER_GPU } from '../api/gpu.js';
import { InputError, type Problem } from '../api/problem.js';
import type { Node, Pod } from '../api/types.js';
import { splitCsv } from './csv.js';

/** Devices a trace node may have (the trace has 0, 1, 2, 4 and 8). */
export const MAX_TRACE_GPUS = 16;
/** Pods per node are not a limit in this trace; kube's default of 110 would be one. */
const PODS_PER_NODE = '10000';

export interface GpuDevice {
  node: string;
  index: number;
  model: string;
}

export interface GpuCluster {
  nodes: Node[];
  devices: GpuDevice[];
}

export interface GpuTask {
  name: string;
  /** 1-based line in the file. */
  line: number;
  cpuMilli: number;
  memoryMib: number;
  numGpu: number;
  /** Milli of each GPU: below 1000 for a shared task (numGpu 1), 1000 for whole GPUs, 0 without. */
  gpuMilli: number;
  /** Accepted GPU models, `|`-separated; empty for any. */
  gpuSpec: string;
}

interface Table {
  rows: { line: number; get(column: string): string }[];
  problems: Problem[];
}

function readTable(file: string, required: readonly string[]): Table {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError([{ code: 'read', file, message: `cannot read: ${(err as Error).message}` }]);
  }
  const lines = text.split(/\r?\n/);
  const header = splitCsv(lines[0] ?? '') ?? [];
  const problems: Problem[] = [];
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new InputError([
      { code: 'csv-header', file, line: 1, message: `expected columns ${missing.join(', ')} in the header` },
    ]);
  }
  const index = new Map(header.map((c, i) => [c, i]));
  const rows: Table['rows'] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const cells = splitCsv(lines[i]);
    if (!cells) {
      problems.push({ code: 'csv', file, line: i + 1, message: 'expected a CSV row (unbalanced quotes)' });
      continue;
    }
    if (cells.length !== header.length) {
      problems.push({
        code: 'csv',
        file,
        line: i + 1,
        message: `expected ${header.length} cells, got ${cells.length}`,
      });
      continue;
    }
    rows.push({ line: i + 1, get: (column) => cells[index.get(column) ?? -1] ?? '' });
  }
  return { rows, problems };
}

/** Problems in file order (row-shape problems are found before value problems). */
function byLine(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

/** A whole number in [min, max] from `column`, or undefined after recording a problem. */
function wholeNumber(
  file: string,
  row: Table['rows'][number],
  column: string,
  min: number,
  max: number,
  problems: Problem[],
): number | undefined {
  const text = row.get(column);
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= min && n <= max)) {
    problems.push({
      code: 'csv-value',
      file,
      line: row.line,
      path: column,
      message: `expected a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`,
    });
    return undefined;
  }
  return n;
}

/** Reads openb_node_list_*.csv (sn, cpu_milli, memory_mib, gpu, model). */
export function readGpuNodes(file: string): GpuCluster {
  const { rows, problems } = readTable(file, ['sn', 'cpu_milli', 'memory_mib', 'gpu', 'model']);
  const nodes: Node[] = [];
  const devices: GpuDevice[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const name = row.get('sn');
    const before = problems.length;
    if (name === '' || seen.has(name)) {
      problems.push({
        code: 'csv-value',
        file,
        line: row.line,
        path: 'sn',
        message: `expected a unique node name, got ${JSON.stringify(name)}`,
      });
    }
    const cpu = wholeNumber(file, row, 'cpu_milli', 0, Number.MAX_SAFE_INTEGER, problems);
    const memory = wholeNumber(file, row, 'memory_mib', 0, Number.MAX_SAFE_INTEGER, problems);
    const gpus = wholeNumber(file, row, 'gpu', 0, MAX_TRACE_GPUS, problems);
    const model = row.get('model');
    if (gpus !== undefined && gpus > 0 && model === '') {
      problems.push({
        code: 'csv-value',
        file,
        line: row.line,
        path: 'model',
        message: 'expected the GPU model of a node with GPUs',
      });
    }
    if (problems.length > before) continue;
    seen.add(name);
    const labels: Record<string, string> = { 'kubernetes.io/hostname': name };
    if (gpus! > 0) labels[GPU_MODEL_LABEL] = model;
    nodes.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels },
      spec: {},
      status: {
        allocatable: {
          cpu: `${cpu}m`,
          memory: `${memory}Mi`,
          pods: PODS_PER_NODE,
          [GPU_MILLI]: String(gpus! * MILLI_PER_GPU),
        },
      },
    });
    for (let d = 0; d < gpus!; d++) devices.push({ node: name, index: d, model });
  }
  if (problems.length > 0) throw new InputError(byLine(problems));
  return { nodes, devices };
}

/** Reads openb_pod_list_*.csv (name, cpu_milli, memory_mib, num_gpu, gpu_milli[, gpu_spec]). */
export function readGpuTasks(file: string): GpuTask[] {
  const { rows, problems } = readTable(file, ['name', 'cpu_milli', 'memory_mib', 'num_gpu', 'gpu_milli']);
  const tasks: GpuTask[] = [];
  for (const row of rows) {
    const before = problems.length;
    const cpuMilli = wholeNumber(file, row, 'cpu_milli', 0, Number.MAX_SAFE_INTEGER, problems);
    const memoryMib = wholeNumber(file, row, 'memory_mib', 0, Number.MAX_SAFE_INTEGER, problems);
    const numGpu = wholeNumber(file, row, 'num_gpu', 0, MAX_TRACE_GPUS, problems);
    const gpuMilli = wholeNumber(file, row, 'gpu_milli', 0, MILLI_PER_GPU, problems);
    if (numGpu !== undefined && gpuMilli !== undefined) {
      const expected =
        numGpu === 0
          ? 'expected 0 for a task without GPUs'
          : numGpu > 1
            ? 'expected 1000 for a task of several whole GPUs'
            : 'expected 1 to 1000 for a task of one GPU';
      const ok = numGpu === 0 ? gpuMilli === 0 : numGpu > 1 ? gpuMilli === MILLI_PER_GPU : gpuMilli > 0;
      if (!ok)
        problems.push({
          code: 'csv-value',
          file,
          line: row.line,
          path: 'gpu_milli',
          message: `${expected}, got ${gpuMilli}`,
        });
    }
    if (problems.length > before) continue;
    tasks.push({
      name: row.get('name') || `task-${row.line}`,
      line: row.line,
      cpuMilli: cpuMilli!,
      memoryMib: memoryMib!,
      numGpu: numGpu!,
      gpuMilli: gpuMilli!,
      gpuSpec: row.get('gpu_spec'),
    });
  }
  if (problems.length > 0) throw new InputError(byLine(problems));
  return tasks;
}

/** GPU milli the task asks for in all (num_gpu × gpu_milli). */
export function taskGpuMilli(task: GpuTask): number {
  return task.numGpu * task.gpuMilli;
}

/** The task as a pod named `name` (tasks sampled more than once need distinct names). */
export function taskPod(task: GpuTask, name: string): Pod {
  const requests: Record<string, string> = { cpu: `${task.cpuMilli}m`, memory: `${task.memoryMib}Mi` };
  if (task.numGpu > 0) requests[GPU_MILLI] = String(taskGpuMilli(task));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      annotations: task.gpuSpec ? { [GPU_SPEC_ANNOTATION]: task.gpuSpec } : undefined,
    },
    spec: { containers: [{ name: 'task', image: 'task', resources: { requests } }] },
  };
}
