// Prometheus metrics of the extender, in a registry of its own (several servers may share a
// process in tests): requests and latency per verb, errors per code, what the node cache holds.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { NodeCache } from './cache.js';

/** What /metrics reports of a worker pool (`berth serve --executor pool`). */
export interface PoolStats {
  queueDepth(): number;
  readonly restarts: number;
}

/** Latency buckets in seconds, around kube-scheduler's 5 s extender timeout. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 5, 10];

export class ExtenderMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'verb' | 'status'>;
  readonly duration: Histogram<'verb'>;
  readonly errors: Counter<'verb' | 'code'>;
  readonly reloads: Counter<'result'>;

  constructor(cache: NodeCache, options: { processMetrics?: boolean; pool?: PoolStats } = {}) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'berth_extender_requests_total',
      help: 'Extender requests served, by verb (filter, prioritize, preempt, bind, or other) and HTTP status.',
      labelNames: ['verb', 'status'],
      registers,
    });
    this.duration = new Histogram({
      name: 'berth_extender_request_duration_seconds',
      help: 'Time from a request arriving to its reply being written, by verb.',
      labelNames: ['verb'],
      buckets: BUCKETS,
      registers,
    });
    this.errors = new Counter({
      name: 'berth_extender_errors_total',
      help: 'Requests answered with an error, by verb and error code (BAD_JSON, DEADLINE_EXCEEDED, ...).',
      labelNames: ['verb', 'code'],
      registers,
    });
    this.reloads = new Counter({
      name: 'berth_extender_cache_reloads_total',
      help: 'Reloads of the snapshot file, by result (ok or error).',
      labelNames: ['result'],
      registers,
    });
    new Gauge({
      name: 'berth_extender_cache_nodes',
      help: 'Nodes in the node cache.',
      registers,
      collect() {
        this.set(cache.current.snapshot.nodeCount);
      },
    });
    new Gauge({
      name: 'berth_extender_cache_pods',
      help: 'Bound pods in the node cache.',
      registers,
      collect() {
        this.set(cache.current.snapshot.podByKey.size);
      },
    });
    new Gauge({
      name: 'berth_extender_cache_ready',
      help: '1 once the node cache is loaded.',
      registers,
      collect() {
        this.set(cache.ready ? 1 : 0);
      },
    });
    const pool = options.pool;
    if (pool) {
      new Gauge({
        name: 'berth_extender_pool_queue_depth',
        help: 'Worker pool tasks waiting for a free worker.',
        registers,
        collect() {
          this.set(pool.queueDepth());
        },
      });
      new Counter({
        name: 'berth_extender_pool_worker_restarts_total',
        help: 'Pool workers that died or were stopped (crash, exit, out of memory, stuck past the deadline) and replaced.',
        registers,
        collect() {
          this.reset();
          this.inc(pool.restarts);
        },
      });
    }
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'berth_' });
  }
}
