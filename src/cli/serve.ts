// berth serve: kube-scheduler's HTTP extender (filter, prioritize, preempt, bind) over berth's engine.
import type { Command } from 'commander';
import { Option } from 'commander';
import { InputError } from '../api/problem.js';
import { runCommand } from './run.js';

export function register(program: Command): void {
  program
    .command('serve')
    .description('serve the kube-scheduler extender verbs (filter, prioritize, preempt, bind) over HTTP(S)')
    .option('--listen <host:port>', 'address to listen on', '127.0.0.1:8888')
    .option('--prefix <path>', "path the verbs live under (the path of the extender's urlPrefix)", '/scheduler')
    .option('--snapshot <file>', 'cluster snapshot for the node cache (nodeCacheCapable); reloaded when it changes')
    .option('--config <file>', 'KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1) whose profile berth runs')
    .option('--profile <name>', 'schedulerName of the profile to use (default: the first)')
    .option('--plugin <module...>', "ES module(s) exporting custom plugins, enabled by name in the config's profiles")
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM)')
    .option('--tls-key <file>', 'private key of --tls-cert (PEM)')
    .option('--client-ca <file>', 'require verb requests to present a client certificate signed by this CA (PEM)')
    .option('--max-body <size>', 'largest request body accepted (e.g. 64Mi, 10M, 1000000)', '64Mi')
    .option('--deadline <duration>', "time allowed per request; keep it under kube-scheduler's httpTimeout (5s)", '4s')
    .option('--shutdown-grace <duration>', 'on SIGTERM, how long requests in flight may take to finish', '10s')
    .addOption(
      new Option('--tie-break <how>', 'among top-scoring nodes (only matters for explanations)')
        .choices(['random', 'first'])
        .default('random'),
    )
    .option('--seed <n>', 'seed for random tie-breaks', '1')
    .option('--live', 'node cache from the API server by list+watch (kubeconfig or in-cluster), instead of --snapshot')
    .option('--kubeconfig <file>', 'kubeconfig for --live and --bind (default: KUBECONFIG, ~/.kube/config, in-cluster)')
    .option('--context <name>', 'kubeconfig context for --live and --bind')
    .option(
      '--bind',
      'be the binder: the bind verb creates the Binding through the API server (POST pods/NAME/binding)',
    )
    .addOption(
      new Option(
        '--executor <kind>',
        'filter and prioritize on one thread, on the worker pool, or by offered node count (auto)',
      )
        .choices(['single', 'pool', 'auto'])
        .default('auto'),
    )
    .option('--workers <n>', 'threads of work with the pool: the main thread and n - 1 pool threads', '2')
    .option(
      '--worker-heap <size>',
      "each pool thread's heap limit (e.g. 512Mi): a plugin that exceeds it costs one request and its worker, not the process",
    )
    .addOption(
      new Option('--log-level <level>', 'JSON log level')
        .choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
        .default('info'),
    )
    .action((opts) => runCommand(() => serve(opts)));
}

interface ServeOptions {
  listen: string;
  prefix: string;
  snapshot?: string;
  config?: string;
  profile?: string;
  plugin?: string[];
  tlsCert?: string;
  tlsKey?: string;
  clientCa?: string;
  maxBody: string;
  deadline: string;
  shutdownGrace: string;
  tieBreak: 'random' | 'first';
  seed: string;
  logLevel: string;
  live?: boolean;
  kubeconfig?: string;
  context?: string;
  bind?: boolean;
  executor: 'single' | 'pool' | 'auto';
  workers: string;
  workerHeap?: string;
}

function optionError(option: string, message: string): InputError {
  return new InputError([{ code: 'option', path: option, message }]);
}

/** `127.0.0.1:8888`, `[::1]:8888`, `:8888` (every address), `8888`. */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d+)$/.exec(text) ?? /^()()(\d+)$/.exec(text);
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || !Number.isInteger(port) || port > 65535) {
    throw optionError(
      '--listen',
      `expected host:port (e.g. 127.0.0.1:8888, [::1]:8888, :8888), got ${JSON.stringify(text)}`,
    );
  }
  return { host: m[1] || m[2] || '0.0.0.0', port };
}

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };

/** `64Mi`, `64MiB`, `10M`, `1000000` → bytes. */
export function parseSize(text: string, option = '--max-body'): number {
  const m = /^(\d+)(k|M|G|Ki|Mi|Gi)?B?$/.exec(text.trim());
  if (!m || Number(m[1]) <= 0)
    throw optionError(option, `expected a size such as 64Mi, 10M or 1000000, got ${JSON.stringify(text)}`);
  return Number(m[1]) * SIZE_UNITS[m[2] ?? ''];
}

/** Below this a worker cannot even load the engine and its replica of a small cluster. */
const MIN_WORKER_HEAP_MB = 32;

/** --worker-heap: a size, as MiB for Node's resourceLimits. */
export function parseWorkerHeap(text: string): number {
  const mb = Math.floor(parseSize(text, '--worker-heap') / 1024 ** 2);
  if (mb < MIN_WORKER_HEAP_MB)
    throw optionError('--worker-heap', `expected at least ${MIN_WORKER_HEAP_MB}Mi, got ${JSON.stringify(text)}`);
  return mb;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** `4s`, `500ms`, `1.5s`, `1m` → milliseconds. */
export function parseDuration(text: string, option: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text.trim());
  if (!m) throw optionError(option, `expected a duration such as 4s or 500ms, got ${JSON.stringify(text)}`);
  return Math.round(Number(m[1]) * DURATION_UNITS[m[2]]);
}

async function serve(opts: ServeOptions): Promise<void> {
  const { host, port } = parseListen(opts.listen);
  const maxBody = parseSize(opts.maxBody);
  const deadlineMs = parseDuration(opts.deadline, '--deadline');
  const graceMs = parseDuration(opts.shutdownGrace, '--shutdown-grace');
  if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined)) {
    throw optionError('--tls-cert', '--tls-cert and --tls-key go together');
  }
  if (opts.clientCa && !opts.tlsCert)
    throw optionError('--client-ca', 'client certificates need TLS: add --tls-cert and --tls-key');
  if (opts.live && opts.snapshot) throw optionError('--live', 'give --live or --snapshot, not both');
  const api = opts.live || opts.bind ? await apiClientFor(opts) : undefined;

  const [
    { readFile },
    { default: pino },
    { loadCluster },
    { startExtender },
    { parseSeed, parseWorkers, profileFromOptions },
    { resolve },
  ] = await Promise.all([
    import('node:fs/promises'),
    import('pino'),
    import('../load/load.js'),
    import('../extender/start.js'),
    import('./options.js'),
    import('node:path'),
  ]);
  const seed = parseSeed(opts.seed);
  const workers = parseWorkers(opts.workers);
  const workerHeapMb = opts.workerHeap === undefined ? undefined : parseWorkerHeap(opts.workerHeap);
  const logger = pino({ level: opts.logLevel, base: { service: 'berth-extender' } });
  const { config, profile } = await profileFromOptions(opts);

  const read = async (file: string, option: string): Promise<Buffer> => {
    try {
      return await readFile(file);
    } catch (err) {
      throw optionError(option, `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
  };
  const tls =
    opts.tlsCert && opts.tlsKey
      ? {
          cert: await read(opts.tlsCert, '--tls-cert'),
          key: await read(opts.tlsKey, '--tls-key'),
          clientCa: opts.clientCa ? await read(opts.clientCa, '--client-ca') : undefined,
        }
      : undefined;

  const load = async (path: string) => {
    const { cluster, warnings } = await loadCluster([path]);
    for (const w of warnings.slice(0, 20)) logger.warn({ file: w.file, line: w.line, path: w.path }, w.message);
    return cluster;
  };
  const running = await startExtender({
    profile,
    logger,
    host,
    port,
    prefix: opts.prefix,
    maxBody,
    deadlineMs,
    tls,
    tieBreak: opts.tieBreak,
    seed,
    snapshot: opts.snapshot ? { path: opts.snapshot, load } : undefined,
    live: opts.live && api ? { client: api } : undefined,
    bindVia: opts.bind ? api : undefined,
    processMetrics: true,
    executor: { executor: opts.executor, workers, workerHeapMb },
    profileSpec: {
      config,
      configFile: opts.config,
      profileName: opts.profile,
      plugins: (opts.plugin ?? []).map((p) => resolve(p)),
    },
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs }, 'shutting down');
    running.shutdown(graceMs).then(() => logger.info('stopped'));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));

  try {
    await running.loaded;
  } catch (err) {
    await running.shutdown(0);
    throw err;
  }
}

/** The API client for --live and --bind, from the kubeconfig options. */
async function apiClientFor(opts: ServeOptions) {
  const [{ resolveKubeConfig }, { ApiClient }] = await Promise.all([
    import('../capture/kubeconfig.js'),
    import('../capture/api-client.js'),
  ]);
  return new ApiClient(resolveKubeConfig(opts));
}
