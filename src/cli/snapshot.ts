// berth snapshot: read a live cluster through its API server into one snapshot file.
import type { Command } from 'commander';
import { runCommand } from './run.js';

export function register(program: Command): void {
  program
    .command('snapshot')
    .description(
      'capture a live cluster (nodes, pods, workloads, PDBs, priority classes, volumes) into one snapshot file',
    )
    .requiredOption('--out <file>', 'snapshot file to write (JSON, the conformance case format)')
    .option(
      '--kubeconfig <file>',
      'kubeconfig (default: KUBECONFIG, ~/.kube/config, then the in-cluster service account)',
    )
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .option(
      '--namespace <ns>',
      "only this namespace's namespaced objects (other namespaces' pods are then not counted)",
    )
    .option('--all-namespaces', 'every namespace (the default)')
    .option('--anonymize', 'replace names, namespaces, label values and images by keyed hashes (see --anonymize-key)')
    .option('--anonymize-key <key>', 'secret for the hashes: the same key gives the same names (default: random)')
    .option('--page-size <n>', 'objects per list page', '500')
    .action((opts) => runCommand(() => snapshot(opts)));
}

interface SnapshotOptions {
  out: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  allNamespaces?: boolean;
  anonymize?: boolean;
  anonymizeKey?: string;
  pageSize: string;
}

async function snapshot(opts: SnapshotOptions): Promise<void> {
  const [{ InputError }, { resolveKubeConfig }, { ApiClient, asInputError }, { captureSnapshot, writeFileAtomic }] =
    await Promise.all([
      import('../api/problem.js'),
      import('../capture/kubeconfig.js'),
      import('../capture/api-client.js'),
      import('../capture/snapshot.js'),
    ]);
  if (opts.namespace !== undefined && opts.allNamespaces) {
    throw new InputError([
      { code: 'option', path: '--namespace', message: 'give --namespace or --all-namespaces, not both' },
    ]);
  }
  const pageSize = Number(opts.pageSize);
  if (!Number.isInteger(pageSize) || pageSize < 1) {
    throw new InputError([
      {
        code: 'option',
        path: '--page-size',
        message: `expected a positive integer, got ${JSON.stringify(opts.pageSize)}`,
      },
    ]);
  }
  const client = new ApiClient(resolveKubeConfig(opts));
  let captured: Awaited<ReturnType<typeof captureSnapshot>>;
  try {
    captured = await captureSnapshot(client, { namespace: opts.namespace, pageSize });
  } catch (err) {
    throw asInputError(err);
  }
  if (opts.anonymize) {
    const { anonymizeSnapshot, randomKey } = await import('../capture/anonymize.js');
    captured = anonymizeSnapshot(captured, opts.anonymizeKey ?? randomKey()).snapshot;
  }
  writeFileAtomic(opts.out, `${JSON.stringify(captured, null, 1)}\n`);
  const counts = Object.entries(captured)
    .filter(([, items]) => items.length > 0)
    .map(([key, items]) => `${items.length} ${key}`);
  process.stderr.write(`wrote ${opts.out}: ${counts.join(', ')}\n`);
}
