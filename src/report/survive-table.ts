// `berth capacity survive --output table`: the verdict first, then what is stranded and by whom.
import { formatBytes, formatCpuMillis } from '../api/quantity.js';
import type { SurviveResult, Totals } from '../capacity/survive.js';

export interface SurviveReport extends SurviveResult {
  selection:
    | { mode: 'nodes'; nodes: string[] }
    | { mode: 'zone'; zone: string; nodes: string[] }
    | {
        mode: 'worst';
        k: number;
        search: 'exact' | 'greedy';
        candidateNodes: number;
        nodeSetsEvaluated: number;
        score: number;
      };
}

const totals = (t: Totals) =>
  `${t.pods} pod${t.pods === 1 ? '' : 's'} · cpu ${formatCpuMillis(t.cpuMillis)} · memory ${formatBytes(t.memoryBytes)}`;

function describeSelection(r: SurviveReport): string {
  const s = r.selection;
  const nodes = r.removedNodes.join(', ');
  if (s.mode === 'zone') return `lose zone ${s.zone}: ${nodes}`;
  if (s.mode === 'nodes') return `lose ${nodes}`;
  const how =
    s.search === 'exact'
      ? `exact search over every set of ${s.k}, ${s.nodeSetsEvaluated} rescheduled`
      : `greedy search among the ${s.candidateNodes} most requested nodes, ${s.nodeSetsEvaluated} sets rescheduled; not proven worst`;
  return `lose the worst ${s.k} node${s.k === 1 ? '' : 's'} (${how}): ${nodes}`;
}

export function formatSurvive(r: SurviveReport): string {
  const lines = [
    describeSelection(r),
    `${r.displaced} pod${r.displaced === 1 ? '' : 's'} displaced · ${r.rescheduled.length} rescheduled · ${r.preempted.length} preempted · ${r.stranded.length} stranded`,
    `verdict: ${r.survivable ? 'SURVIVABLE, every re-created pod fits' : `NOT SURVIVABLE, stranded ${totals(r.strandedTotals)}`}`,
  ];
  if (r.stranded.length > 0) {
    lines.push('', 'stranded');
    const width = Math.max(...r.stranded.map((s) => s.pod.length));
    for (const s of r.stranded) {
      lines.push(
        `  ${s.pod.padEnd(width)}  ${s.owner}  priority ${s.priority}  cpu ${formatCpuMillis(s.cpuMillis)}  memory ${formatBytes(s.memoryBytes)}`,
        `  ${' '.repeat(width)}  ${s.reason}`,
      );
    }
    lines.push('', 'by namespace');
    for (const [ns, t] of Object.entries(r.byNamespace)) lines.push(`  ${ns.padEnd(20)} ${totals(t)}`);
    lines.push('', 'by owner');
    for (const [owner, t] of Object.entries(r.byOwner)) lines.push(`  ${owner.padEnd(32)} ${totals(t)}`);
  }
  if (r.rescheduled.length > 0) {
    lines.push('', 'rescheduled');
    for (const p of r.rescheduled) lines.push(`  ${p.pod} → ${p.node}`);
  }
  for (const p of r.preempted) lines.push(`  preempted ${p.pod} on ${p.node} for ${p.by}`);
  if (r.pdbViolations.length > 0) {
    lines.push('', 'disruption budgets broken (a failure is not an eviction: nothing stops it)');
    for (const v of r.pdbViolations)
      lines.push(`  ${v.pdb}: allows ${v.allowed} disruption(s), loses ${v.lost}: ${v.pods.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}
