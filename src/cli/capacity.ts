// berth capacity: questions answered by short simulations over a copy of a snapshot. Each
// subcommand registers through a small helper so further ones can join in their own lines.
import { type Command, Option } from 'commander';
import { InputError } from '../api/problem.js';
import { registerSurvive } from './capacity-survive.js';
import { runCommand } from './run.js';

export function register(program: Command): void {
  const capacity = program
    .command('capacity')
    .description('capacity questions over a snapshot: fit, drain, plan, survive');
  registerFit(capacity);
  registerDrain(capacity);
  registerPlan(capacity);
  registerSurvive(capacity);
}

interface Common {
  config?: string;
  profile?: string;
  output: 'json' | 'table';
  strict?: boolean;
}

function common(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1)')
    .option('--profile <name>', 'schedulerName of the profile to use (default: the first)')
    .addOption(new Option('--output <format>', 'output format').choices(['json', 'table']).default('table'))
    .option('--strict', 'report unknown fields in the inputs as errors');
}

async function profileOf(opts: Common) {
  const { profileFromOptions } = await import('./options.js');
  return (await profileFromOptions(opts)).profile;
}

async function load(path: string, strict?: boolean) {
  const [{ loadCluster }, { formatProblem }] = await Promise.all([
    import('../load/load.js'),
    import('../api/problem.js'),
  ]);
  const { cluster, warnings } = await loadCluster([path], { strict });
  for (const w of warnings) process.stderr.write(`warning: ${formatProblem(w)}\n`);
  return cluster;
}

function print<T>(opts: Common, result: T, table: (r: T) => string): void {
  process.stdout.write(opts.output === 'json' ? `${JSON.stringify(result, null, 2)}\n` : table(result));
}

function parseCount(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text)))
    throw new InputError([
      { code: 'option', path: option, message: `expected a whole number of 1 or more, got ${JSON.stringify(text)}` },
    ]);
  return Number(text);
}

export function registerFit(capacity: Command): void {
  common(
    capacity
      .command('fit')
      .description(
        'how many more replicas of a pod fit, placed one by one with the full engine, and why the next does not',
      )
      .requiredOption('--snapshot <file>', 'the cluster: manifests, a snapshot, or a directory')
      .requiredOption('--pod <file>', 'a Pod, or a Deployment/ReplicaSet/StatefulSet/Job whose template is the pod')
      .option('--max <n>', 'stop after this many replicas'),
  ).action((opts: Common & { snapshot: string; pod: string; max?: string }) =>
    runCommand(async () => {
      const max = parseCount(opts.max, '--max');
      const [{ capacityFit }, { singlePod }, { formatFit }] = await Promise.all([
        import('../capacity/fit.js'),
        import('../capacity/pod-source.js'),
        import('../report/capacity-table.js'),
      ]);
      const profile = await profileOf(opts);
      const cluster = await load(opts.snapshot, opts.strict);
      const pod = singlePod(await load(opts.pod, opts.strict), opts.pod, '--pod');
      print(opts, capacityFit(cluster, pod, profile, max), formatFit);
    }),
  );
}

export function registerDrain(capacity: Command): void {
  common(
    capacity
      .command('drain')
      .description('can a node be removed: where each of its pods would go, or what blocks it')
      .requiredOption('--snapshot <file>', 'the cluster: manifests, a snapshot, or a directory')
      .requiredOption('--node <name>', 'the node to drain'),
  ).action((opts: Common & { snapshot: string; node: string }) =>
    runCommand(async () => {
      const [{ capacityDrain }, { formatDrain }] = await Promise.all([
        import('../capacity/drain.js'),
        import('../report/capacity-table.js'),
      ]);
      const profile = await profileOf(opts);
      const result = capacityDrain(await load(opts.snapshot, opts.strict), opts.node, profile);
      print(opts, result, formatDrain);
      if (!result.removable) process.exitCode = 1;
    }),
  );
}

export function registerPlan(capacity: Command): void {
  common(
    capacity
      .command('plan')
      .description('how many nodes of one type hold a workload, DaemonSet pods on every node included')
      .requiredOption(
        '--workload <file>',
        'Pods, Deployments, ReplicaSets, StatefulSets, Jobs, and the DaemonSets every node runs',
      )
      .requiredOption('--node-type <type>', 'a Node manifest (file or inline YAML) or an instance type, e.g. m5.xlarge')
      .option('--max-nodes <n>', 'give up beyond this many nodes', '10000'),
  ).action((opts: Common & { workload: string; nodeType: string; maxNodes: string }) =>
    runCommand(async () => {
      const maxNodes = parseCount(opts.maxNodes, '--max-nodes');
      const [{ capacityPlan }, { readNodeType }, { formatPlan }] = await Promise.all([
        import('../capacity/plan.js'),
        import('../capacity/node-type.js'),
        import('../report/capacity-table.js'),
      ]);
      const profile = await profileOf(opts);
      const nodeType = await readNodeType(opts.nodeType);
      print(opts, capacityPlan(await load(opts.workload, opts.strict), nodeType, profile, maxNodes), formatPlan);
    }),
  );
}
