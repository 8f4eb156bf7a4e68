// A sweep worker thread: runs the experiments it is sent, one at a time, and posts their curves.
// Node and task files are read once per worker.
import { parentPort } from 'node:worker_threads';
import { InputError } from '../api/problem.js';
import { type GpuCluster, type GpuTask, readGpuNodes, readGpuTasks } from '../traces/alibaba-gpu.js';
import { runExperiment } from './experiment.js';
import type { SweepJob, WorkerReply } from './sweep.js';

const clusters = new Map<string, GpuCluster>();
const taskLists = new Map<string, GpuTask[]>();

function cached<T>(map: Map<string, T>, key: string, read: (k: string) => T): T {
  let v = map.get(key);
  if (v === undefined) {
    v = read(key);
    map.set(key, v);
  }
  return v;
}

parentPort!.on('message', (job: SweepJob) => {
  let reply: WorkerReply;
  try {
    const cluster = cached(clusters, job.nodesFile, readGpuNodes);
    const tasks = cached(taskLists, job.tasksFile, readGpuTasks);
    const r = runExperiment({ cluster, tasks, policy: job.policy, targetLoad: job.targetLoad, seed: job.seed });
    reply = { id: job.id, allocation: Array.from(r.allocation), arrived: r.arrived, failed: r.failed };
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    reply = { id: job.id, problems: err.problems };
  }
  parentPort!.postMessage(reply);
});
