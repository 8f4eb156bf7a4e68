// Putting an extender together: profile, node cache, verbs, metrics, logger, server. Used by
// `berth serve` and, in-process, by the tests.
import type { Logger } from 'pino';
import type { ClusterSnapshot } from '../api/types.js';
import type { ApiClient } from '../capture/api-client.js';
import type { ExecutorChoice } from '../engine/executor.js';
import type { ProfileSpec } from '../engine/pool/messages.js';
import type { TieBreak } from '../engine/scheduler.js';
import type { Profile } from '../framework/profile.js';
import { apiBinder } from './api-binder.js';
import { type ClusterLoader, emptyCluster, NodeCache } from './cache.js';
import { LiveCluster } from './live-cluster.js';
import { ExtenderMetrics } from './metrics.js';
import { PoolEvaluator } from './pool-evaluator.js';
import { ExtenderServer, type TlsFiles } from './server.js';
import { Extender } from './verbs.js';

export const DEFAULT_MAX_BODY = 64 * 1024 * 1024;
export const DEFAULT_DEADLINE_MS = 4000;

export interface StartOptions {
  profile: Profile;
  logger: Logger;
  host: string;
  port: number;
  prefix?: string;
  maxBody?: number;
  deadlineMs?: number;
  tls?: TlsFiles;
  tieBreak?: TieBreak;
  seed?: number;
  /** A snapshot file to load into the node cache, and watch for changes. */
  snapshot?: { path: string; load: ClusterLoader; watch?: boolean };
  /** A cluster to start from instead (tests). */
  cluster?: ClusterSnapshot;
  /** Follow a live cluster instead: list+watch through this API client. */
  live?: { client: ApiClient; settleMs?: number; retryMs?: number };
  /** Be the binder: bind creates the Binding through this API client. */
  bindVia?: ApiClient;
  /** Add Node.js process metrics (memory, event loop lag) to /metrics. */
  processMetrics?: boolean;
  /** Single thread or worker pool for filter and prioritize (default: one thread). */
  executor?: ExecutorChoice;
  /** How pool workers rebuild `profile` (configuration, profile name, --plugin modules). */
  profileSpec?: ProfileSpec;
}

export interface RunningExtender {
  server: ExtenderServer;
  cache: NodeCache;
  extender: Extender;
  metrics: ExtenderMetrics;
  /** The base URL of the verbs. */
  url: string;
  port: number;
  /** Settles once the node cache is loaded (or rejects when the first load fails). */
  loaded: Promise<void>;
  shutdown(graceMs?: number): Promise<void>;
}

/** Starts listening at once; the node cache loads after, and /readyz says when it is done. */
export async function startExtender(o: StartOptions): Promise<RunningExtender> {
  const cache = new NodeCache({ profile: o.profile, tieBreak: o.tieBreak ?? 'random', seed: o.seed ?? 1 });
  const pool = await poolEvaluator(o, cache);
  const extender = new Extender({ cache, binder: o.bindVia ? apiBinder(o.bindVia) : undefined, pool });
  const metrics = new ExtenderMetrics(cache, { processMetrics: o.processMetrics, pool });
  const server = new ExtenderServer({
    extender,
    cache,
    metrics,
    logger: o.logger,
    prefix: o.prefix ?? '',
    maxBody: o.maxBody ?? DEFAULT_MAX_BODY,
    deadlineMs: o.deadlineMs ?? DEFAULT_DEADLINE_MS,
    tls: o.tls,
  });
  const address = await server.listen(o.host, o.port);
  o.logger.info({ url: server.url(), tls: Boolean(o.tls), clientAuth: Boolean(o.tls?.clientCa) }, 'extender listening');

  const snap = o.snapshot;
  let loaded: Promise<void>;
  let live: LiveCluster | undefined;
  if (snap) {
    loaded = cache.load(snap.path, snap.load).then((state) => {
      metrics.reloads.inc({ result: 'ok' });
      o.logger.info(
        { file: snap.path, nodes: state.snapshot.nodeCount, pods: state.snapshot.podByKey.size },
        'node cache loaded',
      );
      if (snap.watch !== false) {
        cache.watch(snap.path, snap.load, {
          onReload: (s) => {
            metrics.reloads.inc({ result: 'ok' });
            o.logger.info(
              { file: snap.path, nodes: s.snapshot.nodeCount, pods: s.snapshot.podByKey.size },
              'node cache reloaded',
            );
          },
          onError: (err) => {
            metrics.reloads.inc({ result: 'error' });
            o.logger.error(
              { file: snap.path, err: (err as Error)?.message ?? String(err) },
              'reloading the snapshot failed; keeping the previous one',
            );
          },
        });
      }
    });
  } else if (o.live) {
    const follow = new LiveCluster(o.live.client, cache, {
      logger: o.logger,
      settleMs: o.live.settleMs,
      retryMs: o.live.retryMs,
      onRebuild: () => metrics.reloads.inc({ result: 'ok' }),
      gate: pool ? (apply) => afterPoolWork(pool, apply, o.logger) : undefined,
      onFatal: () => metrics.reloads.inc({ result: 'error' }),
    });
    live = follow;
    loaded = follow.start().then(() => {
      o.logger.info(
        { server: o.live?.client.server, nodes: cache.current.snapshot.nodeCount },
        'node cache following the API server',
      );
    });
  } else {
    cache.replace(o.cluster ?? emptyCluster());
    loaded = Promise.resolve();
  }
  return {
    server,
    cache,
    extender,
    metrics,
    url: server.url(),
    port: address.port,
    loaded,
    shutdown: async (graceMs = 10_000) => {
      live?.stop();
      await server.shutdown(graceMs);
      await pool?.close();
    },
  };
}

/** The worker pool evaluator when the executor choice can use one (never for `single`). */
async function poolEvaluator(o: StartOptions, cache: NodeCache): Promise<PoolEvaluator | undefined> {
  const choice = o.executor;
  if (!choice || choice.executor === 'single' || choice.workers < 1) return undefined;
  const pool = new PoolEvaluator({ cache, choice, profile: o.profileSpec ?? { plugins: [] } });
  await pool.start();
  return pool;
}

/** Runs `apply` (a cache change) once the pool evaluation in flight, if any, has finished. */
function afterPoolWork(pool: PoolEvaluator, apply: () => void, logger: Logger): void {
  const failed = (err: unknown) =>
    logger.error({ err: (err as Error)?.message ?? String(err) }, 'applying changes from the API server failed');
  try {
    const out = pool.exclusive(apply);
    if (out instanceof Promise) out.catch(failed);
  } catch (err) {
    failed(err);
  }
}
