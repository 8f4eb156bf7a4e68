// A pool worker (piscina): keeps a replica of each session's snapshot (shared numeric columns
// attached, object state replayed from the owner's operations), builds the session's profile once
// (built-in plugins plus the user's --plugin modules), and answers filter and score tasks over node
// ranges with the same Scheduler code the main thread runs inline.
import { threadId } from 'node:worker_threads';
import { builtinRegistry } from '../../../plugins/index.js';
import { chooseProfile } from '../../framework/config-file.js';
import type { Interner } from '../../snapshot/interner.js';
import type { PodInfo } from '../../snapshot/pod-info.js';
import { Snapshot } from '../../snapshot/snapshot.js';
import type { Prepared } from '../cycle-steps.js';
import { Scheduler } from '../scheduler.js';
import type { ReplicaOp, ResultBuffers, Task, TaskReply } from './messages.js';

interface Session {
  snapshot: Snapshot | null;
  scheduler: Scheduler | null;
  pods: (PodInfo | undefined)[];
  /** Ops applied. */
  seq: number;
  /** The cycle the worker last prepared (PreFilter), and for which cache mode. */
  cycle: number;
  cached: boolean;
  prepared: Prepared | null;
  buffers: ResultBuffers | null;
}

/** Sessions kept; an older one is dropped (its owner has moved on). */
const MAX_SESSIONS = 4;
const sessions = new Map<number, Session>();

function sessionOf(id: number): Session {
  let s = sessions.get(id);
  if (!s) {
    s = { snapshot: null, scheduler: null, pods: [], seq: 0, cycle: -1, cached: false, prepared: null, buffers: null };
    sessions.set(id, s);
    for (const k of sessions.keys()) if (sessions.size > MAX_SESSIONS) sessions.delete(k);
  }
  return s;
}

function syncInterner(interner: Interner, from: number, strings: string[]): void {
  for (let i = 0; i < strings.length; i++) {
    const at = from + i;
    if (at < interner.size) {
      if (interner.str(at) !== strings[i]) throw new Error(`replica interner differs at ${at}`);
    } else if (interner.id(strings[i]) !== at) {
      throw new Error(`replica interner out of step at ${at}`);
    }
  }
}

async function apply(s: Session, op: ReplicaOp): Promise<void> {
  if (op.k === 'start') {
    const registry = builtinRegistry();
    for (const path of op.profile.plugins) await registry.loadModule(path);
    const profile = chooseProfile({
      config: op.profile.config,
      configFile: op.profile.configFile,
      profileName: op.profile.profileName,
      registry,
    });
    s.snapshot = new Snapshot({ ...op.cluster, nodes: [], pods: [], pendingPods: [] }, { attached: true });
    s.scheduler = new Scheduler(profile, s.snapshot, { tieBreak: 'first', seed: 1, explain: false });
    return;
  }
  const snap = s.snapshot;
  if (!snap) throw new Error('replica operation before the session started');
  switch (op.k) {
    case 'intern': {
      const tables = [snap.labelKeys, snap.labelValues, snap.resources, snap.images];
      tables.forEach((t, i) => {
        syncInterner(t, op.from[i], op.strings[i]);
      });
      break;
    }
    case 'columns':
      for (const [name, column] of op.columns) snap.attachColumn(name, column);
      snap.refreshViews();
      break;
    case 'node':
      snap.addNode(op.node);
      break;
    case 'pod':
      s.pods[op.id] = snap.podInfo(op.pod);
      break;
    case 'bind':
      snap.bind(s.pods[op.id]!, op.node);
      break;
    case 'unbind':
      snap.unbind(s.pods[op.id]!);
      break;
    case 'cordon':
      snap.setUnschedulable(op.node, op.on);
      break;
    case 'buffers':
      s.buffers = op.buffers;
      break;
  }
}

export default async function run(task: Task): Promise<TaskReply> {
  const s = sessionOf(task.session);
  if (task.seq > s.seq) throw new Error(`replica missed operations ${s.seq}..${task.seq}`);
  for (let i = s.seq - task.seq; i < task.ops.length; i++) await apply(s, task.ops[i]);
  s.seq = Math.max(s.seq, task.seq + task.ops.length);
  const scheduler = s.scheduler!;
  // PreFilter once per cycle (and cache mode) on this worker, as the main thread ran it.
  if (s.cycle !== task.cycle || s.cached !== task.cached || !s.prepared) {
    s.prepared = scheduler.prepare(s.pods[task.pod]!, task.only, task.cached);
    s.cycle = task.cycle;
    s.cached = task.cached;
  }
  const b = s.buffers!;
  if (task.kind === 'filter') {
    scheduler.filterPositions(s.prepared, task.start, task.from, task.to, b.plugin, b.code);
  } else {
    scheduler.scorePositions(s.prepared, b.feasible.subarray(0, task.count), task.from, task.to, b.raw, b.partial);
  }
  return { threadId, seq: s.seq };
}
