// `berth schedule --output table`: per pod, where it goes and why, for people.
import type { PodResult, ScheduleOutput } from '../engine/result.js';

const TOP_NODES = 3;

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function describePod(r: PodResult): string[] {
  const lines: string[] = [];
  if (r.refused) {
    lines.push(`${r.pod}  REFUSED by admission: ${r.refused.message}`);
    return lines;
  }
  if (r.gated) {
    lines.push(`${r.pod}  gated (spec.schedulingGates): not attempted`);
    return lines;
  }
  if (r.chosenNode === undefined) {
    lines.push(`${r.pod}  UNSCHEDULABLE  ${r.message ?? ''}`);
  } else {
    const how = r.scoringSkippedBecauseSingleFeasibleNode
      ? 'the only feasible node'
      : `score ${r.maxTotal}, ${r.feasibleNodes.length} feasible node(s)${r.bestNodes.length > 1 ? `, ${r.bestNodes.length} tied` : ''}`;
    lines.push(`${r.pod}  → ${r.chosenNode}  (${how})`);
    const failed = Object.keys(r.filterFailures).length;
    if (failed > 0) {
      const counts = new Map<string, number>();
      for (const f of Object.values(r.filterFailures))
        for (const reason of f.reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
      lines.push(
        `    rejected ${failed}: ${[...counts]
          .map(([k, n]) => `${n} ${k}`)
          .sort()
          .join(', ')}`,
      );
    }
    if (r.scores) {
      const ranked = Object.entries(r.scores).sort((a, b) => b[1].total - a[1].total || a[0].localeCompare(b[0]));
      const plugins = Object.keys(ranked[0]?.[1].plugins ?? {});
      const width = Math.max(4, ...ranked.slice(0, TOP_NODES).map(([n]) => n.length));
      lines.push(`    ${pad('node', width)}  total  ${plugins.map((p) => abbreviate(p)).join('  ')}`);
      for (const [node, s] of ranked.slice(0, TOP_NODES)) {
        const cells = plugins.map((p) => pad(String(s.plugins[p]?.weighted ?? 0), abbreviate(p).length));
        lines.push(`    ${pad(node, width)}  ${pad(String(s.total), 5)}  ${cells.join('  ')}`);
      }
    }
  }
  for (const note of r.notes ?? []) lines.push(`    note: ${note}`);
  return lines;
}

/** Plugin names shortened to their capitals (NodeResourcesFit → NRF), so a row fits a terminal. */
function abbreviate(plugin: string): string {
  return plugin.replace(/[a-z]/g, '');
}

export function formatScheduleTable(out: ScheduleOutput): string {
  const lines: string[] = [];
  const placed = out.results.filter((r) => r.chosenNode !== undefined).length;
  const refused = out.results.filter((r) => r.refused).length;
  lines.push(
    `profile ${out.profile.schedulerName}: ${placed}/${out.results.length} pending pods placed${refused > 0 ? `, ${refused} refused by admission` : ''} (kube-scheduler ${out.kubernetesVersion} semantics)`,
  );
  lines.push('');
  for (const r of out.results) lines.push(...describePod(r));
  const legend = out.profile.scoreOrder.map((p) => `${abbreviate(p)}=${p}×${out.profile.scoreWeights[p]}`).join(', ');
  lines.push('', `weighted scores: ${legend}`);
  return `${lines.join('\n')}\n`;
}
