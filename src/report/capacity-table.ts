// Plain-text answers of `berth capacity fit|drain|plan` (the `table` output).
import type { DrainResult } from '../capacity/drain.js';
import type { FitResult } from '../capacity/fit.js';
import type { PlanResult } from '../capacity/plan.js';

const pct = (v: number) => `${Math.round(v * 1000) / 10}%`;

function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return `${cells
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

export function formatFit(r: FitResult): string {
  const head =
    r.stoppedBy === 'limit'
      ? `${r.replicas} more replicas of ${r.pod} fit (stopped at the --max limit; more may fit)\n`
      : `${r.replicas} more replicas of ${r.pod} fit on ${r.nodes} nodes\n`;
  const why = r.reason ? `the next one does not: ${r.reason}\n` : '';
  const rows = r.perNode.map((n) => [n.node, n.replicas]);
  return `${head}${why}${rows.length ? `\n${table(['NODE', 'REPLICAS'], rows)}` : ''}`;
}

export function formatDrain(r: DrainResult): string {
  const head = r.removable
    ? `node ${r.node} can be removed: every pod has somewhere to go\n`
    : `node ${r.node} cannot be removed\n`;
  const rows = r.pods.map((p) => [p.pod, p.outcome, p.to ?? '', p.reason ?? '']);
  return `${head}${rows.length ? `\n${table(['POD', 'OUTCOME', 'TO', 'WHY'], rows)}` : ''}`;
}

export function formatPlan(r: PlanResult): string {
  const lines = [`${r.nodes} nodes of type ${r.nodeType} hold ${r.podsPlaced} pods`];
  if (r.daemonSetPodsPerNode > 0) {
    const overhead = Object.entries(r.daemonSetOverhead)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    lines.push(`each node also runs ${r.daemonSetPodsPerNode} DaemonSet pods (${overhead})`);
  }
  lines.push(`requested share of allocatable: cpu ${pct(r.allocation.cpu)}, memory ${pct(r.allocation.memory)}`);
  if (r.hitNodeLimit) lines.push('stopped at the node limit: the plan is incomplete');
  for (const u of r.unplaceable)
    lines.push(`${u.replicas} replicas of ${u.workload} fit no node of this type: ${u.reason}`);
  const rows = r.perNode.map((n) => [n.node, n.pods, pct(n.cpu), pct(n.memory)]);
  return `${lines.join('\n')}\n${rows.length ? `\n${table(['NODE', 'PODS', 'CPU', 'MEMORY'], rows)}` : ''}`;
}
