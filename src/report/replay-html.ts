// `report.html` of a replay: one self-contained page (inline CSS and SVG, no script, no network)
// with the summary's headline figures and charts over simulated time: allocated share per
// resource, pending pods, running pods and nodes. Each chart is an `<svg data-chart="NAME">` with
// one `<path>` per series, so a browser test can find and measure every chart by name.
import type { ChartSeries } from '../sim/recorder.js';
import type { ReplaySummary } from '../sim/simulator.js';
import { CHART_CSS, count, esc, hours, percent, percent1, type TimeChartSpec, timeChart } from './svg-chart.js';

/** A step series ([time, value] at each change) read at the chart's sample times. */
function stepsAt(points: [number, number][], t: number[]): number[] {
  const out: number[] = [];
  let k = -1;
  for (const s of t) {
    while (k + 1 < points.length && points[k + 1][0] <= s) k++;
    out.push(k < 0 ? 0 : points[k][1]);
  }
  return out;
}

function row(label: string, value: string | number): string {
  return `<tr><th>${esc(label)}</th><td>${esc(String(value))}</td></tr>`;
}

export function replayReportHtml(summary: ReplaySummary, chartData: ChartSeries, resources: string[]): string {
  const p = summary.pods;
  const ps = summary.pendingSeconds;
  const t = chartData.t;
  const counts = (name: string, title: string, values: number[]): TimeChartSpec => ({
    name,
    title,
    lines: [{ name, t, values }],
    y: { minStep: 1 },
    yFormat: count,
    steps: true,
    area: true,
  });
  const specs: TimeChartSpec[] = [
    {
      name: 'allocation',
      title: 'Allocated share of each resource (requests / allocatable)',
      lines: resources.map((r) => ({ name: r, t, values: chartData.allocation[r] })),
      y: { max: 1 },
      yFormat: percent,
    },
    counts('pending', 'Pending pods', chartData.pending),
    counts('running', 'Running pods', chartData.running),
    counts('nodes', 'Nodes', chartData.nodes),
  ];
  if (chartData.replicas && chartData.replicas.length > 0) {
    specs.push({
      name: 'replicas',
      title: 'Replicas set by each HorizontalPodAutoscaler',
      lines: chartData.replicas.map((h) => ({ name: h.name, t, values: stepsAt(h.points, t) })),
      y: { minStep: 1 },
      yFormat: count,
      steps: true,
    });
  }
  const charts = specs.map(timeChart);
  const hpaRows = (summary.podAutoscalers ?? [])
    .map(
      (h) =>
        `<tr><td>${esc(h.hpa)}</td><td>${esc(h.target)}</td><td>${h.minReplicas}–${h.maxReplicas}</td><td>${h.replicasAtEnd ?? '—'}</td><td>${h.highestReplicas ?? '—'}</td><td>${h.scaleUps} / ${h.scaleDowns}</td></tr>`,
    )
    .join('');
  const hpas = hpaRows
    ? `<h2>Horizontal pod autoscalers</h2><table><tr><th>HPA</th><th>target</th><th>min–max</th><th>replicas at the end</th><th>highest</th><th>scale-ups / downs</th></tr>${hpaRows}</table>`
    : '';
  const resourceRows = resources
    .map((r) => {
      const s = summary.resources[r];
      return `<tr><th>${esc(r)}</th><td>${percent1(s.allocation.mean)}</td><td>${percent1(s.allocation.p95)}</td><td>${percent1(s.allocation.max)}</td><td>${percent1(s.fragmentation.mean)}</td></tr>`;
    })
    .join('');
  const reasons = summary.pendingReasons.map((r) => `<tr><td>${r.pods}</td><td>${esc(r.message)}</td></tr>`).join('');
  const refused =
    summary.refused.pods > 0
      ? `<h2>Refused by admission (${summary.refused.pods}, never created)</h2><table>${summary.refused.messages.map((m) => `<tr><td>${m.pods}</td><td>${esc(m.message)}</td></tr>`).join('')}</table>`
      : '';
  const bad =
    summary.badRows.count > 0
      ? `<h2>Skipped rows (${summary.badRows.count})</h2><pre>${esc(summary.badRows.listed.join('\n'))}</pre>`
      : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>berth replay: ${esc(summary.trace)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#111;max-width:960px}
table{border-collapse:collapse;margin:0 0 1.5rem}th,td{padding:2px 12px 2px 0;text-align:left}
th{font-weight:600}
${CHART_CSS}
pre{background:#f3f4f6;padding:8px;overflow:auto}
</style></head><body>
<h1>berth replay</h1>
<p>Trace <code>${esc(summary.trace)}</code>, profile <code>${esc(summary.profile)}</code>, seed ${summary.seed}: ${summary.events} events over ${hours(summary.simulatedSeconds)} of simulated time.</p>
<table>
${row('pods created', p.created)}
${row('scheduled', p.scheduled)}
${row('never scheduled', p.neverScheduled)}
${row('pending at the end', p.pendingAtEnd)}
${row('preempted', p.preempted)}
${row('refused by admission', summary.refused.pods)}
${row('evicted (node removed) / lost (node failed)', `${p.evictedByNodeRemoval} / ${p.lostWithFailedNodes}`)}
${row('pending time p50 / p95 / p99 / max', `${ps.p50} s / ${ps.p95} s / ${ps.p99} s / ${ps.max} s`)}
${row('node-hours', summary.nodeHours.total)}
</table>
${charts.join('\n')}
${hpas}
<h2>Resources</h2>
<table><tr><th></th><th>mean allocated</th><th>p95</th><th>max</th><th>mean fragmentation</th></tr>${resourceRows}</table>
<p>Fragmentation: the share of a resource's free capacity that sits on nodes already full (under 5% free) in cpu, memory or pod slots.</p>
${reasons ? `<h2>Why pods were still pending at the end</h2><table>${reasons}</table>` : ''}
${refused}
${bad}
</body></html>
`;
}
