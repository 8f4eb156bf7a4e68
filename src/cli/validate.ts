// berth validate: check manifests and snapshots as the API server would, then say what they hold
// (objects per kind, the nodes' total allocatable) or list every problem and exit with status 2.
import type { Command } from 'commander';
import type { ClusterSnapshot } from '../api/types.js';
import { runCommand } from './run.js';

export function register(program: Command): void {
  program
    .command('validate')
    .description('check manifests, Lists, directories and snapshots; print what they hold, or every problem')
    .argument('<file...>', 'YAML or JSON files (multi-document, List, snapshot), or directories of them')
    .option('--strict', 'report unknown fields as errors')
    .action((files: string[], opts: { strict?: boolean }) => runCommand(() => validate(files, opts)));
}

async function validate(files: string[], opts: { strict?: boolean }): Promise<void> {
  const [{ loadCluster }, { formatProblem }, { parseQuantity }] = await Promise.all([
    import('../load/load.js'),
    import('../api/problem.js'),
    import('../api/quantity.js'),
  ]);
  const { cluster, warnings } = await loadCluster(files, { strict: opts.strict });
  for (const w of warnings) process.stderr.write(`warning: ${formatProblem(w)}\n`);
  process.stdout.write(summarize(cluster, (q) => parseQuantity(q).milliValue()));
}

const KIND_LABELS: [keyof ClusterSnapshot, string][] = [
  ['namespaces', 'namespaces'],
  ['services', 'services'],
  ['replicaSets', 'replica sets'],
  ['replicationControllers', 'replication controllers'],
  ['statefulSets', 'stateful sets'],
  ['deployments', 'deployments'],
  ['daemonSets', 'daemon sets'],
  ['jobs', 'jobs'],
  ['podDisruptionBudgets', 'disruption budgets'],
  ['priorityClasses', 'priority classes'],
  ['horizontalPodAutoscalers', 'pod autoscalers'],
  ['limitRanges', 'limit ranges'],
  ['resourceQuotas', 'resource quotas'],
  ['persistentVolumes', 'persistent volumes (kept, not modelled)'],
  ['persistentVolumeClaims', 'persistent volume claims (kept, not modelled)'],
  ['storageClasses', 'storage classes (kept, not modelled)'],
];

/** Resources shown in binary units (Gi) rather than as counts. */
function isBytes(name: string): boolean {
  return name === 'memory' || name === 'ephemeral-storage' || name === 'storage' || name.startsWith('hugepages-');
}

/** `1.5`, `12`, `0.25`: a fixed-point bigint (`scaled` / 10^digits) without trailing zeros. */
function decimal(scaled: bigint, digits: number): string {
  const unit = 10n ** BigInt(digits);
  const whole = scaled / unit;
  const frac = (scaled % unit).toString().padStart(digits, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : `${whole}`;
}

/** A resource total for people: cpu in cores, bytes in Gi (two decimals, rounded), others as counts. */
export function formatResource(name: string, milli: bigint): string {
  if (name === 'cpu') return `${decimal(milli, 3)} cores`;
  const units = (milli + 999n) / 1000n;
  if (isBytes(name)) {
    const gi = 1n << 30n;
    return `${decimal((units * 100n + gi / 2n) / gi, 2)} Gi`;
  }
  return units.toString();
}

/** What a validated cluster holds, as printed by `berth validate`. */
export function summarize(cluster: ClusterSnapshot, milliOf: (quantity: string) => bigint): string {
  const bound = cluster.pods.length;
  const pending = cluster.pendingPods.length;
  const rows: [string, string][] = [
    ['nodes', String(cluster.nodes.length)],
    ['pods', `${bound + pending} (${bound} bound, ${pending} pending)`],
  ];
  for (const [key, label] of KIND_LABELS) {
    const n = cluster[key]?.length ?? 0;
    if (n > 0) rows.push([label, String(n)]);
  }
  const totals = new Map<string, bigint>();
  for (const node of cluster.nodes) {
    for (const [name, q] of Object.entries(node.status?.allocatable ?? {})) {
      totals.set(name, (totals.get(name) ?? 0n) + milliOf(q));
    }
  }
  const order = (name: string) => ['cpu', 'memory', 'ephemeral-storage', 'pods'].indexOf(name) >>> 0;
  const names = [...totals.keys()].sort((a, b) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0));
  const width = Math.max(12, ...rows.map(([l]) => l.length), ...names.map((n) => n.length)) + 2;
  let out = 'loaded:\n';
  for (const [label, value] of rows) out += `  ${label.padEnd(width)}${value}\n`;
  if (names.length > 0) {
    out += `allocatable, all nodes:\n`;
    for (const name of names) out += `  ${name.padEnd(width)}${formatResource(name, totals.get(name) ?? 0n)}\n`;
  }
  return out;
}
