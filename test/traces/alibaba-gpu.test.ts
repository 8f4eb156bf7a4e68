// The Alibaba GPU trace reader: nodes with devices, tasks as pods, and bad rows named by line and column.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { GPU_MILLI, GPU_MODEL_LABEL, GPU_SPEC_ANNOTATION } from '../../src/api/gpu.js';
import { formatProblem, InputError } from '../../src/api/problem.js';
import { readGpuNodes, readGpuTasks, taskPod } from '../../src/traces/alibaba-gpu.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-alibaba-'));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputError) return err.problems.map(formatProblem);
    throw err;
  }
  assert.fail('expected an InputError');
}

describe('readGpuNodes', () => {
  test('a node with N GPUs offers N × 1000 GPU milli, names its model, and lists its devices', () => {
    const path = file(
      'nodes.csv',
      'sn,cpu_milli,memory_mib,gpu,model\nn0,32000,262144,0,\nn1,96000,786432,2,V100M16\n',
    );
    const { nodes, devices } = readGpuNodes(path);
    assert.equal(nodes.length, 2);
    assert.deepEqual(nodes[1].status!.allocatable, {
      cpu: '96000m',
      memory: '786432Mi',
      pods: '10000',
      [GPU_MILLI]: '2000',
    });
    assert.equal(nodes[1].metadata.labels![GPU_MODEL_LABEL], 'V100M16');
    assert.equal(nodes[0].metadata.labels![GPU_MODEL_LABEL], undefined);
    assert.deepEqual(devices, [
      { node: 'n1', index: 0, model: 'V100M16' },
      { node: 'n1', index: 1, model: 'V100M16' },
    ]);
  });

  test('bad rows: file:line column: expected …, every one of them', () => {
    const path = file('bad-nodes.csv', 'sn,cpu_milli,memory_mib,gpu,model\nn0,lots,1,0,\nn1,1,1,2,\nn1,1,1,99,G2\n');
    assert.deepEqual(
      problems(() => readGpuNodes(path)),
      [
        `${path}:2 cpu_milli: expected a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, got "lots"`,
        `${path}:3 model: expected the GPU model of a node with GPUs`,
        `${path}:4 gpu: expected a whole number from 0 to 16, got "99"`,
      ],
    );
  });

  test('a missing column is named in the header problem', () => {
    const path = file('no-model.csv', 'sn,cpu_milli,memory_mib,gpu\nn0,1,1,0\n');
    assert.deepEqual(
      problems(() => readGpuNodes(path)),
      [`${path}:1: expected columns model in the header`],
    );
  });
});

describe('readGpuTasks', () => {
  test('tasks become pods asking for num_gpu × gpu_milli, the gpu_spec as an annotation', () => {
    const path = file(
      'tasks.csv',
      'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec\nt0,12000,16384,1,460,V100M16|V100M32\nt1,4000,100,0,0,\nt2,8000,100,4,1000,\n',
    );
    const tasks = readGpuTasks(path);
    assert.equal(tasks.length, 3);
    const shared = taskPod(tasks[0], 't0');
    assert.deepEqual(shared.spec.containers[0].resources!.requests, {
      cpu: '12000m',
      memory: '16384Mi',
      [GPU_MILLI]: '460',
    });
    assert.equal(shared.metadata.annotations![GPU_SPEC_ANNOTATION], 'V100M16|V100M32');
    assert.equal(taskPod(tasks[1], 't1').spec.containers[0].resources!.requests![GPU_MILLI], undefined);
    assert.equal(taskPod(tasks[2], 't2').spec.containers[0].resources!.requests![GPU_MILLI], '4000');
  });

  test('files without gpu_spec read as any model', () => {
    const path = file('multi.csv', 'name,cpu_milli,memory_mib,num_gpu,gpu_milli\nt0,1,1,2,1000\n');
    assert.equal(readGpuTasks(path)[0].gpuSpec, '');
  });

  test('bad rows name line and column and what was expected', () => {
    const path = file(
      'bad-tasks.csv',
      'name,cpu_milli,memory_mib,num_gpu,gpu_milli\nt0,1,1,2,500\nt1,1,1,0,300\nt2,1,1,1,0\nt3,1,1,1,1200\nt4,1,1\n',
    );
    assert.deepEqual(
      problems(() => readGpuTasks(path)),
      [
        `${path}:2 gpu_milli: expected 1000 for a task of several whole GPUs, got 500`,
        `${path}:3 gpu_milli: expected 0 for a task without GPUs, got 300`,
        `${path}:4 gpu_milli: expected 1 to 1000 for a task of one GPU, got 0`,
        `${path}:5 gpu_milli: expected a whole number from 0 to 1000, got "1200"`,
        `${path}:6: expected 5 cells, got 3`,
      ],
    );
  });
});
