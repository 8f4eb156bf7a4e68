// `berth record`: informers on nodes, workloads and pods, their changes translated into the native
// trace format (docs/traces.md) as they happen. The state found at start is written at t = 0
// (nodes, then workloads, then pods), so the trace replays from an empty cluster. Pods that the
// replay's own controllers create (those of ReplicaSets and DaemonSets) are left to them; other
// pods (bare, Job, StatefulSet) are recorded, and end with a pod-delete when they finish or go.
// Each event is one write of one line: a trace cut off at any moment is a complete trace.

import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { ApiClient } from './api-client.js';
import { Informer, type InformerEvent, objectKey } from './informer.js';
import type { KubeObject } from './list.js';
import { DAEMON_SETS, DEPLOYMENTS, NODES, PODS, REPLICA_SETS, type ResourceType } from './resources.js';
import { tidy } from './snapshot.js';

type Json = Record<string, unknown>;

/** Owners whose pods the replay's controllers create themselves. */
const SIMULATED_OWNERS = new Set(['ReplicaSet', 'DaemonSet']);

export interface RecorderOptions {
  namespace?: string;
  pageSize?: number;
  /** Seconds since the start, for each event: a clock the tests can drive. */
  clock?: () => number;
  retryMs?: number;
  onFatal: (err: unknown) => void;
  onResync?: (resource: string, why: string) => void;
}

function controllerOf(o: KubeObject): Json | undefined {
  const refs = o.metadata?.ownerReferences;
  if (!Array.isArray(refs)) return undefined;
  return refs.find((r) => (r as Json).controller === true) as Json | undefined;
}

function meta(o: KubeObject): { name: string; namespace: string } {
  return { name: String(o.metadata?.name), namespace: String(o.metadata?.namespace ?? 'default') };
}

function isFinished(pod: KubeObject): boolean {
  const phase = (pod.status as Json | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

function gated(pod: KubeObject): boolean {
  const gates = (pod.spec as Json | undefined)?.schedulingGates;
  return Array.isArray(gates) && gates.length > 0;
}

/** An object as the trace carries it: no status (the replay decides), no server bookkeeping. */
function forTrace(o: KubeObject): KubeObject {
  const { status: _s, ...rest } = tidy(o);
  const m = { ...(rest.metadata ?? {}) };
  delete m.resourceVersion;
  delete m.uid;
  return { ...rest, metadata: m };
}

export class TraceRecorder {
  private readonly fd: number;
  private readonly clock: () => number;
  private readonly opts: RecorderOptions;
  private readonly informers: Informer[] = [];
  private lastT = 0;
  /** Pods recorded as created and not yet deleted. */
  private readonly livePods = new Set<string>();
  lines = 0;

  constructor(file: string, opts: RecorderOptions) {
    this.fd = openSync(file, 'w');
    this.opts = opts;
    const start = performance.now();
    this.clock = opts.clock ?? (() => (performance.now() - start) / 1000);
  }

  /** Lists nodes, workloads and pods in that order (writing the initial state), then watches all. */
  async start(client: ApiClient): Promise<void> {
    const watched: [ResourceType, (e: InformerEvent) => void][] = [
      [NODES, (e) => this.node(e)],
      [DEPLOYMENTS, (e) => this.workload(e)],
      [REPLICA_SETS, (e) => this.workload(e)],
      [DAEMON_SETS, (e) => this.workload(e)],
      [PODS, (e) => this.pod(e)],
    ];
    for (const [resource, onEvent] of watched) {
      const informer = new Informer(client, resource, {
        namespace: resource.namespaced ? this.opts.namespace : undefined,
        pageSize: this.opts.pageSize,
        retryMs: this.opts.retryMs,
        onEvent,
        onFatal: (err) => this.opts.onFatal(err),
        onResync: (why) => this.opts.onResync?.(resource.plural, why),
      });
      this.informers.push(informer);
      await informer.start();
    }
  }

  /** Stops watching, and makes what was written durable. */
  close(): void {
    for (const i of this.informers) i.stop();
    try {
      fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
    }
  }

  private emit(initial: boolean, event: Json): void {
    const t = initial ? 0 : Math.max(this.lastT, Math.round(this.clock() * 1000) / 1000);
    this.lastT = t;
    writeSync(this.fd, `${JSON.stringify({ t, ...event })}\n`);
    this.lines++;
  }

  private node(e: InformerEvent): void {
    const name = String(e.object.metadata?.name);
    if (e.type === 'added') {
      this.emit(e.initial, { type: 'node-add', node: tidy(e.object) });
    } else if (e.type === 'deleted') {
      this.emit(e.initial, { type: 'node-remove', name });
    } else {
      const was = (e.old?.spec as Json | undefined)?.unschedulable === true;
      const is = (e.object.spec as Json | undefined)?.unschedulable === true;
      if (was !== is) this.emit(false, { type: is ? 'node-cordon' : 'node-uncordon', name });
    }
  }

  private workload(e: InformerEvent): void {
    const o = e.object;
    const owner = controllerOf(o);
    if (o.kind === 'ReplicaSet' && owner?.kind === 'Deployment') return;
    const kind = String(o.kind);
    if (e.type === 'added') {
      this.emit(e.initial, { type: 'workload-create', object: forTrace(o) });
    } else if (e.type === 'deleted') {
      this.emit(e.initial, { type: 'workload-delete', kind, ...meta(o) });
    } else if (o.metadata?.generation !== e.old?.metadata?.generation) {
      const { replicas: before, ...restBefore } = (e.old?.spec ?? {}) as Json;
      const { replicas: after, ...restAfter } = (o.spec ?? {}) as Json;
      const onlyScaled =
        kind !== 'DaemonSet' && before !== after && JSON.stringify(restBefore) === JSON.stringify(restAfter);
      if (onlyScaled) this.emit(false, { type: 'workload-scale', kind, ...meta(o), replicas: after ?? 1 });
      else this.emit(false, { type: 'workload-update', object: forTrace(o) });
    }
  }

  private pod(e: InformerEvent): void {
    const o = e.object;
    const owner = controllerOf(o);
    if (owner && SIMULATED_OWNERS.has(String(owner.kind))) return;
    const key = objectKey(o);
    const live = this.livePods.has(key);
    const ended = e.type === 'deleted' || isFinished(o) || o.metadata?.deletionTimestamp !== undefined;
    if (ended) {
      if (live) {
        this.livePods.delete(key);
        this.emit(e.initial, { type: 'pod-delete', ...meta(o) });
      }
      return;
    }
    if (!live) {
      this.livePods.add(key);
      this.emit(e.initial, { type: 'pod-create', pod: forTrace(o) });
      return;
    }
    if (e.old && gated(e.old) && !gated(o)) this.emit(false, { type: 'pod-ungate', ...meta(o) });
  }
}
