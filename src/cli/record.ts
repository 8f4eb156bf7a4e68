// berth record: watch a live cluster and write what happens as a trace that berth replay reads.
import type { Command } from 'commander';
import { InputError } from '../api/problem.js';
import { runCommand } from './run.js';

export function register(program: Command): void {
  program
    .command('record')
    .description('watch a live cluster (nodes, workloads, pods) and write its events as a JSON Lines trace')
    .requiredOption('--out <file>', 'trace file to write (JSON Lines, docs/traces.md)')
    .option('--duration <d>', 'stop after this long: 90s, 30m, 1h, 1h30m (default: until Ctrl-C)')
    .option(
      '--kubeconfig <file>',
      'kubeconfig (default: KUBECONFIG, ~/.kube/config, then the in-cluster service account)',
    )
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .option('--namespace <ns>', "only this namespace's workloads and pods")
    .option('--all-namespaces', 'every namespace (the default)')
    .action((opts) => runCommand(() => record(opts)));
}

interface RecordOptions {
  out: string;
  duration?: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  allNamespaces?: boolean;
}

/** `90s`, `30m`, `1h30m`, `2h`, or plain seconds, as seconds. */
export function parseDuration(text: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(text);
  const plain = /^\d+(?:\.\d+)?$/.test(text) ? Number(text) : undefined;
  const seconds =
    plain ?? (m && text !== '' ? Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0) : undefined);
  if (seconds === undefined || !(seconds > 0)) {
    throw new InputError([
      {
        code: 'option',
        path: '--duration',
        message: `expected a duration like 90s, 30m or 1h, got ${JSON.stringify(text)}`,
      },
    ]);
  }
  return seconds;
}

async function record(opts: RecordOptions): Promise<void> {
  if (opts.namespace !== undefined && opts.allNamespaces) {
    throw new InputError([
      { code: 'option', path: '--namespace', message: 'give --namespace or --all-namespaces, not both' },
    ]);
  }
  const seconds = opts.duration === undefined ? undefined : parseDuration(opts.duration);
  const [{ resolveKubeConfig }, { ApiClient, asInputError }, { TraceRecorder }] = await Promise.all([
    import('../capture/kubeconfig.js'),
    import('../capture/api-client.js'),
    import('../capture/trace-recorder.js'),
  ]);
  const client = new ApiClient(resolveKubeConfig(opts));
  let finish: (err?: unknown) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    finish = (err) => (err === undefined ? resolve() : reject(err));
  });
  // A fatal error can arrive while the first lists are still read: it is awaited below.
  done.catch(() => {});
  const recorder = new TraceRecorder(opts.out, {
    namespace: opts.namespace,
    onFatal: (err) => finish(asInputError(err)),
    onResync: (resource, why) => process.stderr.write(`record: ${resource} watch ${why}, resuming\n`),
  });
  const stop = () => finish();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const timer = seconds === undefined ? undefined : setTimeout(stop, seconds * 1000);
  try {
    await recorder.start(client);
    process.stderr.write(`record: watching ${client.server}, writing ${opts.out} (Ctrl-C to stop)\n`);
    await done;
  } catch (err) {
    throw asInputError(err);
  } finally {
    if (timer) clearTimeout(timer);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    recorder.close();
    process.stderr.write(`record: ${recorder.lines} events written to ${opts.out}\n`);
  }
}
