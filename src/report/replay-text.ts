// The replay summary for a terminal: what happened to the pods, how long they waited, how full
// the cluster was, what it cost in node-hours, and why pods were left pending.
import type { ReplaySummary } from '../sim/simulator.js';

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

function duration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function formatReplaySummary(s: ReplaySummary, outDir: string, placements = false): string {
  const p = s.pods;
  const w = s.pendingSeconds;
  const lines = [
    `replayed ${s.events} events over ${duration(s.simulatedSeconds)} of simulated time (profile ${s.profile}, seed ${s.seed})`,
    '',
    `pods       ${p.created} created · ${p.scheduled} scheduled · ${p.completed} completed · ${p.runningAtEnd} running at the end`,
    `           ${p.neverScheduled} never scheduled · ${p.preempted} preempted · ${p.lostWithFailedNodes} lost with failed nodes · ${p.evictedByNodeRemoval} evicted by node removal`,
    `waiting    p50 ${duration(w.p50)} · p95 ${duration(w.p95)} · p99 ${duration(w.p99)} · max ${duration(w.max)}`,
    '',
    'allocation (requests ÷ allocatable over time)',
  ];
  for (const [name, r] of Object.entries(s.resources)) {
    lines.push(
      `  ${name.padEnd(16)} mean ${pct(r.allocation.mean).padStart(4)} · p95 ${pct(r.allocation.p95).padStart(4)} · max ${pct(r.allocation.max).padStart(4)}   fragmented (p95) ${pct(r.fragmentation.p95)}`,
    );
  }
  lines.push('', `node-hours ${s.nodeHours.total.toFixed(1)}`);
  for (const [type, hours] of Object.entries(s.nodeHours.byInstanceType))
    lines.push(`  ${type.padEnd(16)} ${hours.toFixed(1)}`);
  if (s.podAutoscalers && s.podAutoscalers.length > 0) {
    lines.push('', 'horizontal pod autoscalers');
    for (const h of s.podAutoscalers)
      lines.push(
        `  ${h.hpa} → ${h.target}: ${h.replicasAtEnd ?? '—'} replicas at the end (highest ${h.highestReplicas ?? '—'}, range ${h.minReplicas}–${h.maxReplicas}) · ${h.scaleUps} scale-ups · ${h.scaleDowns} scale-downs`,
      );
  }
  if (s.pendingReasons.length > 0) {
    lines.push('', 'left pending');
    for (const r of s.pendingReasons.slice(0, 5)) lines.push(`  ${String(r.pods).padStart(4)} pod(s): ${r.message}`);
  }
  if (s.refused.pods > 0) {
    lines.push('', `refused by admission ${s.refused.pods} (never created)`);
    for (const [ns, r] of Object.entries(s.refused.byNamespace)) {
      const why = Object.entries(r.resources)
        .map(([name, n]) => `${name} ${n}`)
        .join(' · ');
      lines.push(`  ${ns.padEnd(16)} ${String(r.pods).padStart(4)}   ${why}`);
    }
  }
  if (s.badRows.count > 0) lines.push('', `skipped ${s.badRows.count} bad rows (listed in summary.json)`);
  lines.push(
    '',
    `wrote ${outDir}/summary.json, timeseries.csv, report.html${placements ? ', placements.jsonl' : ''}`,
    `open ${outDir}/report.html for the charts`,
    '',
  );
  return lines.join('\n');
}
