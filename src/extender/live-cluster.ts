// The node cache fed from the API server instead of a file: informers (list+watch, resumed after
// disconnects and 410 Gone, see src/capture/informer.ts) on the objects scheduling reads, and a
// rebuild of the cache's cluster once a burst of changes settles. The rebuild goes through the
// loader, so API objects are checked and defaulted exactly like a snapshot file's; the cache swaps
// the new snapshot in with one assignment, as a file reload does.

import type { Logger } from 'pino';
import { type ApiClient, asInputError } from '../capture/api-client.js';
import { Informer } from '../capture/informer.js';
import type { KubeObject } from '../capture/list.js';
import { SNAPSHOT_RESOURCES } from '../capture/resources.js';
import { loadClusterFromText } from '../load/load.js';
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
  /** How long changes settle before a rebuild (a rollout changes many pods at once). */
  settleMs?: number;
  retryMs?: number;
  /** A failure retrying cannot fix (credentials, RBAC): the cache stops following the cluster. */
  onFatal?: (err: unknown) => void;
  /** After every rebuild (metrics, tests). */
  onRebuild?: (nodes: number, pods: number) => void;
}

export class LiveCluster {
  private readonly client: ApiClient;
  private readonly cache: NodeCache;
  private readonly opts: LiveClusterOptions;
  private readonly informers: Informer[] = [];
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  rebuilds = 0;

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
        onEvent: (e) => {
          if (!e.initial) this.changed();
        },
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

  private changed(): void {
    if (!this.started || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.rebuild();
    }, this.opts.settleMs ?? 100);
  }

  /** The informers' objects as a snapshot (bound, unfinished pods only), loaded and installed. */
  rebuild(): void {
    const snapshot: Record<string, KubeObject[]> = {};
    for (const informer of this.informers) {
      const items = [...informer.store.values()];
      snapshot[informer.resource.key] =
        informer.resource.kind === 'Pod'
          ? items.filter((p) => {
              const spec = p.spec as { nodeName?: unknown } | undefined;
              const phase = (p.status as { phase?: unknown } | undefined)?.phase;
              return (
                typeof spec?.nodeName === 'string' &&
                spec.nodeName !== '' &&
                phase !== 'Succeeded' &&
                phase !== 'Failed'
              );
            })
          : items;
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
