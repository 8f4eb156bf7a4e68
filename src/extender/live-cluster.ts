// The node cache fed from the API server instead of a file: informers (list+watch, resumed after
// disconnects and 410 Gone, see src/capture/informer.ts) on the objects scheduling reads.
// Most changes are pods being bound, finishing or going: those are applied to the current snapshot
// in place (bind/unbind, as the bind verb records a binding), costing microseconds. Changes that
// alter what the whole snapshot is built from (a node's labels, taints or allocatable, a Service's
// selector, a PriorityClass, ...) rebuild the cluster through the loader and swap it in, as a file
// reload does. Updates that change nothing scheduling reads (status heartbeats, readiness) are
// ignored. Changes arriving together (a rollout) are applied together once they settle, and never
// while a worker pool evaluation reads the snapshot (the `gate`).

import type { Logger } from 'pino';
import type { PriorityClass } from '../api/types.js';
import { type ApiClient, asInputError } from '../capture/api-client.js';
import { Informer, type InformerEvent, objectKey } from '../capture/informer.js';
import type { KubeObject } from '../capture/list.js';
import { SNAPSHOT_RESOURCES } from '../capture/resources.js';
import { loadClusterFromText, validatePod } from '../load/load.js';
import type { NodeCache } from './cache.js';

/** Snapshot keys the extender needs: placement, spreading defaults, namespaces, priorities, budgets. */
const LIVE_KEYS = new Set([
  'nodes',
  'pods',
  'namespaces',
  'services',
  'replicaSets',
  'statefulSets',
  'podDisruptionBudgets',
  'priorityClasses',
]);

export const LIVE_SOURCE = 'api-server';

export interface LiveClusterOptions {
  logger: Logger;
  /** How long changes settle before they are applied (a rollout changes many pods at once). */
  settleMs?: number;
  retryMs?: number;
  /** A failure retrying cannot fix (credentials, RBAC): the cache stops following the cluster. */
  onFatal?: (err: unknown) => void;
  /** After every full rebuild (metrics, tests). */
  onRebuild?: (nodes: number, pods: number) => void;
  /**
   * Runs each batch of changes when the snapshot may change: with a worker pool, after the
   * evaluation in flight (whose workers read the snapshot) has finished. Default: at once.
   */
  gate?: (apply: () => void) => void;
}

type Json = Record<string, unknown>;

function nodeNameOf(pod: KubeObject | undefined): string | undefined {
  const name = (pod?.spec as Json | undefined)?.nodeName;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

function isFinished(pod: KubeObject): boolean {
  const phase = (pod.status as Json | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** A bound, unfinished pod holds resources on its node; others are not in the snapshot. */
function isPlaced(pod: KubeObject | undefined): boolean {
  return pod !== undefined && nodeNameOf(pod) !== undefined && !isFinished(pod);
}

/** What scheduling reads of an object: equal fingerprints, equal snapshots. */
function fingerprint(o: KubeObject | undefined): string {
  if (o === undefined) return '';
  const m = o.metadata ?? {};
  switch (o.kind) {
    case 'Pod':
      return JSON.stringify([isPlaced(o), m.labels ?? null, o.spec ?? null]);
    case 'Node': {
      const spec = (o.spec ?? {}) as Json;
      const status = (o.status ?? {}) as Json;
      return JSON.stringify([
        m.labels ?? null,
        spec.unschedulable ?? false,
        spec.taints ?? null,
        status.allocatable ?? null,
        status.capacity ?? null,
        status.images ?? null,
      ]);
    }
    case 'PodDisruptionBudget':
      return JSON.stringify([m.labels ?? null, o.spec ?? null, o.status ?? null]);
    case 'PriorityClass':
      return JSON.stringify([o.value, o.globalDefault ?? false, o.preemptionPolicy ?? null]);
    default:
      return JSON.stringify([m.labels ?? null, o.spec ?? null]);
  }
}

export class LiveCluster {
  private readonly client: ApiClient;
  private readonly cache: NodeCache;
  private readonly opts: LiveClusterOptions;
  private readonly informers: Informer[] = [];
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  /** A change only a rebuild can apply is waiting. */
  private rebuildDue = false;
  /** Pods changed since the last flush, by `namespace/name`: the newest object, or undefined when gone. */
  private readonly podChanges = new Map<string, KubeObject | undefined>();
  rebuilds = 0;
  podUpdates = 0;

  constructor(client: ApiClient, cache: NodeCache, opts: LiveClusterOptions) {
    this.client = client;
    this.cache = cache;
    this.opts = opts;
  }

  /** Lists everything, installs the first cluster, then follows changes. */
  async start(): Promise<void> {
    for (const resource of SNAPSHOT_RESOURCES.filter((r) => LIVE_KEYS.has(r.key))) {
      const informer = new Informer(this.client, resource, {
        retryMs: this.opts.retryMs,
        onEvent: (e) => this.changed(e),
        onFatal: (err) => {
          const e = asInputError(err) as Error;
          this.opts.logger.error({ err: e.message }, 'the live node cache stopped following the API server');
          this.opts.onFatal?.(e);
        },
        onResync: (why) => this.opts.logger.info({ resource: resource.plural, why }, 'watch resumed'),
      });
      this.informers.push(informer);
    }
    try {
      await Promise.all(this.informers.map((i) => i.start()));
    } catch (err) {
      this.stop();
      throw asInputError(err);
    }
    this.started = true;
    this.rebuild();
  }

  stop(): void {
    clearTimeout(this.timer);
    for (const i of this.informers) i.stop();
  }

  private changed(e: InformerEvent): void {
    if (e.initial || !this.started) return;
    const now = e.type === 'deleted' ? undefined : e.object;
    if (fingerprint(e.old) === fingerprint(now)) return;
    if (e.object.kind === 'Pod') this.podChanges.set(objectKey(e.object), now);
    else this.rebuildDue = true;
    this.timer ??= setTimeout(() => this.flush(), this.opts.settleMs ?? 100);
  }

  private flush(): void {
    this.timer = undefined;
    if (this.opts.gate) this.opts.gate(() => this.apply());
    else this.apply();
  }

  /**
   * Applies what changed since the last flush: pod by pod when it can, else by a rebuild. Changes
   * that arrive while a gated batch waits join it.
   */
  private apply(): void {
    if (!this.rebuildDue && this.podChanges.size === 0) return;
    if (!this.rebuildDue) {
      const classes = this.store('priorityClasses') as unknown as PriorityClass[];
      for (const [key, pod] of this.podChanges) {
        if (!this.applyPod(key, pod, classes)) {
          this.rebuildDue = true;
          break;
        }
      }
    }
    this.podChanges.clear();
    if (this.rebuildDue) this.rebuild();
  }

  /** One pod's change applied to the current snapshot; false when only a rebuild can apply it. */
  private applyPod(key: string, pod: KubeObject | undefined, classes: PriorityClass[]): boolean {
    this.podUpdates++;
    if (pod === undefined || !isPlaced(pod)) {
      this.cache.removePod(key);
      return true;
    }
    const { value } = validatePod(structuredClone(pod), '', LIVE_SOURCE, { priorityClasses: classes });
    if (!value) return false;
    return this.cache.recordBinding(value, nodeNameOf(pod) as string);
  }

  private store(key: string): KubeObject[] {
    const informer = this.informers.find((i) => i.resource.key === key);
    return informer ? [...informer.store.values()] : [];
  }

  /** The informers' objects as a snapshot (bound, unfinished pods only), loaded and installed. */
  rebuild(): void {
    this.rebuildDue = false;
    const snapshot: Record<string, KubeObject[]> = {};
    for (const informer of this.informers) {
      const items = [...informer.store.values()];
      snapshot[informer.resource.key] = informer.resource.kind === 'Pod' ? items.filter(isPlaced) : items;
    }
    try {
      const { cluster } = loadClusterFromText(JSON.stringify(snapshot), LIVE_SOURCE);
      const state = this.cache.replace(cluster, LIVE_SOURCE);
      this.rebuilds++;
      this.opts.onRebuild?.(state.snapshot.nodeCount, state.snapshot.podByKey.size);
    } catch (err) {
      this.opts.logger.error(
        { err: (err as Error).message },
        'objects from the API server did not load; keeping the previous cluster',
      );
    }
  }
}
