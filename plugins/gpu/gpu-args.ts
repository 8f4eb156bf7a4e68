// Args shared by the GPU policies that need the workload's task shapes (FGD), checked into
// Problems that name the field.
import type { Problem } from '../../src/api/problem.js';
import type { ArgsResult } from '../../src/framework/plugin.js';

/** A task shape as configured: cpu in millicores, gpuMilli per device, numGpu devices, how often. */
export interface TaskShapeArgs {
  cpu: number;
  gpuMilli: number;
  numGpu: number;
  /** Accepted GPU models, `|`-separated; empty for any. */
  gpuSpec: string;
  weight: number;
}

export interface TaskShapesArgs {
  tasks: TaskShapeArgs[];
}

function isNumber(v: unknown, min: number): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= min;
}

export function parseTaskShapes(raw: unknown, path: string): ArgsResult<TaskShapesArgs> {
  const problems: Problem[] = [];
  const tasks: TaskShapeArgs[] = [];
  const list = (raw as { tasks?: unknown } | undefined)?.tasks;
  if (raw !== undefined && !Array.isArray(list)) {
    problems.push({ code: 'args', path: `${path}.tasks`, message: 'expected a list of task shapes' });
  }
  (Array.isArray(list) ? list : []).forEach((t: Record<string, unknown>, i) => {
    const at = `${path}.tasks[${i}]`;
    const shape = {
      cpu: t?.cpu ?? 0,
      gpuMilli: t?.gpuMilli,
      numGpu: t?.numGpu ?? 1,
      gpuSpec: t?.gpuSpec ?? '',
      weight: t?.weight ?? 1,
    };
    if (!isNumber(shape.cpu, 0))
      problems.push({ code: 'args', path: `${at}.cpu`, message: 'expected millicores (0 or more)' });
    if (!isNumber(shape.gpuMilli, 1) || shape.gpuMilli > 1000) {
      problems.push({ code: 'args', path: `${at}.gpuMilli`, message: 'expected milli of one GPU, 1 to 1000' });
    }
    if (!Number.isInteger(shape.numGpu) || (shape.numGpu as number) < 1) {
      problems.push({ code: 'args', path: `${at}.numGpu`, message: 'expected a whole number of GPUs, 1 or more' });
    }
    if (typeof shape.gpuSpec !== 'string')
      problems.push({ code: 'args', path: `${at}.gpuSpec`, message: 'expected a string' });
    if (!isNumber(shape.weight, 0))
      problems.push({ code: 'args', path: `${at}.weight`, message: 'expected a weight (0 or more)' });
    tasks.push(shape as TaskShapeArgs);
  });
  return { args: { tasks }, problems };
}
