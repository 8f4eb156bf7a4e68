// berth capacity survive: remove nodes (named, a zone, or the worst K) and report what no longer fits.
import type { Command } from 'commander';
import { formatProblem, InputError } from '../api/problem.js';
import type { ClusterSnapshot } from '../api/types.js';
import { addPlacementOptions, type PlacementOptions } from './options.js';
import { runCommand } from './run.js';

const ZONE_LABEL = 'topology.kubernetes.io/zone';

export function registerSurvive(capacity: Command): void {
  addPlacementOptions(
    capacity
      .command('survive')
      .description('remove nodes, reschedule their pods by priority with the full engine, report what no longer fits')
      .requiredOption(
        '--snapshot <file...>',
        'cluster snapshot: manifests, the conformance case format, or a directory',
      )
      .option('--nodes <names>', 'comma-separated node names to remove')
      .option('--zone <zone>', `remove every node whose ${ZONE_LABEL} is this`)
      .option('--worst <k>', 'search for the K nodes whose loss strands the most requests'),
  ).action((opts) => runCommand(() => surviveCommand(opts)));
}

interface SurviveCliOptions extends PlacementOptions {
  snapshot: string[];
  nodes?: string;
  zone?: string;
  worst?: string;
}

function optionProblem(path: string, message: string): InputError {
  return new InputError([{ code: 'option', path, message }]);
}

export type Selection =
  | { mode: 'nodes'; nodes: string[] }
  | { mode: 'zone'; zone: string; nodes: string[] }
  | { mode: 'worst'; k: number };

/** The nodes asked for, checked against the cluster: unknown names and empty zones are errors. */
export function selectNodes(cluster: ClusterSnapshot, o: { nodes?: string; zone?: string; worst?: string }): Selection {
  const given = [o.nodes && '--nodes', o.zone && '--zone', o.worst && '--worst'].filter(Boolean);
  if (given.length !== 1) throw optionProblem('--nodes', 'give exactly one of --nodes, --zone, --worst');
  const names = new Set(cluster.nodes.map((n) => n.metadata.name));
  if (o.nodes) {
    const nodes = o.nodes
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const unknown = nodes.filter((n) => !names.has(n));
    if (nodes.length === 0 || unknown.length > 0)
      throw optionProblem(
        '--nodes',
        `no node named ${unknown.map((n) => JSON.stringify(n)).join(', ') || '""'} in the snapshot`,
      );
    return { mode: 'nodes', nodes };
  }
  if (o.zone) {
    const nodes = cluster.nodes.filter((n) => n.metadata.labels?.[ZONE_LABEL] === o.zone).map((n) => n.metadata.name);
    if (nodes.length === 0) {
      const zones = [...new Set(cluster.nodes.map((n) => n.metadata.labels?.[ZONE_LABEL]).filter(Boolean))].sort();
      throw optionProblem('--zone', `no node has ${ZONE_LABEL}=${o.zone} (zones: ${zones.join(', ') || 'none'})`);
    }
    return { mode: 'zone', zone: o.zone, nodes };
  }
  const k = Number(o.worst);
  if (!/^\d+$/.test(o.worst ?? '') || k < 1 || k > cluster.nodes.length)
    throw optionProblem(
      '--worst',
      `expected a node count from 1 to ${cluster.nodes.length}, got ${JSON.stringify(o.worst)}`,
    );
  return { mode: 'worst', k };
}

async function surviveCommand(opts: SurviveCliOptions): Promise<void> {
  const [{ loadCluster }, { parseSeed, profileFromOptions }] = await Promise.all([
    import('../load/load.js'),
    import('./options.js'),
  ]);
  const [{ survive }, { worstNodes }, { formatSurvive }] = await Promise.all([
    import('../capacity/survive.js'),
    import('../capacity/worst.js'),
    import('../report/survive-table.js'),
  ]);
  const seed = parseSeed(opts.seed);
  const { profile } = await profileFromOptions(opts);
  const { cluster, warnings } = await loadCluster(opts.snapshot);
  for (const w of warnings) process.stderr.write(`warning: ${formatProblem(w)}\n`);
  const selection = selectNodes(cluster, opts);
  const o = { profile, tieBreak: opts.tieBreak, seed };
  let report: Parameters<typeof formatSurvive>[0];
  if (selection.mode === 'worst') {
    const w = worstNodes(cluster, selection.k, o);
    report = {
      selection: {
        mode: 'worst',
        k: selection.k,
        search: w.method,
        candidateNodes: w.candidates,
        nodeSetsEvaluated: w.evaluated,
        score: w.score,
      },
      ...w.result,
    };
  } else {
    report = { selection, ...survive(cluster, new Set(selection.nodes), o) };
  }
  process.stdout.write(opts.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatSurvive(report));
}
