// `report.html` of a replay: one self-contained page (inline CSS and SVG, no script, no network)
// with the summary's headline figures and charts over simulated time: allocated share per
// resource, pending pods, running pods and nodes. Each chart is an `<svg data-chart="NAME">` with
// one `<path>` per series, so a browser test can find and measure every chart by name.
import type { ChartSeries } from '../sim/recorder.js';
import type { ReplaySummary } from '../sim/simulator.js';

const WIDTH = 900;
const HEIGHT = 220;
const PAD = { left: 56, right: 16, top: 12, bottom: 30 };
const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function hours(seconds: number): string {
  return `${Math.round((seconds / 3600) * 10) / 10} h`;
}

interface Line {
  name: string;
  values: number[];
}

interface ChartSpec {
  /** The `data-chart` name. */
  name: string;
  title: string;
  lines: Line[];
  /** A fixed top of scale (shares); otherwise it follows the data. */
  yMax: number | null;
  yFormat: (v: number) => string;
  /** Counts change in steps between samples; shares are drawn as straight segments. */
  steps: boolean;
  /** The first series is filled down to zero. */
  area?: boolean;
}

/** A top of scale for counts whose quarter ticks are whole numbers: 4 × 1, 2 or 5 × 10^k, at least `v`. */
function countScale(v: number): number {
  const q = Math.max(1, v / 4);
  const p = 10 ** Math.floor(Math.log10(q));
  for (const m of [1, 2, 5, 10]) if (m * p >= q) return 4 * m * p;
  return 40 * p;
}

/** A line chart as inline SVG: grid, axes labels, one path per series. */
function chart(spec: ChartSpec, t: number[]): string {
  const w = WIDTH - PAD.left - PAD.right;
  const h = HEIGHT - PAD.top - PAD.bottom;
  // A single sample still draws a segment across the chart.
  const times = t.length === 1 ? [0, Math.max(1, t[0])] : t;
  const lines = spec.lines.map((l) => (t.length === 1 ? { ...l, values: [l.values[0], l.values[0]] } : l));
  const tMax = Math.max(1, times[times.length - 1] ?? 1);
  let max = spec.yMax ?? 0;
  if (spec.yMax === null) {
    for (const l of lines) for (const v of l.values) max = Math.max(max, v);
    max = countScale(max);
  }
  const x = (s: number) => (PAD.left + (s / tMax) * w).toFixed(1);
  const y = (v: number) => (PAD.top + h - (v / max) * h).toFixed(1);
  const parts: string[] = [
    `<svg data-chart="${esc(spec.name)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${esc(spec.title)}">`,
  ];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    parts.push(
      `<line x1="${PAD.left}" x2="${PAD.left + w}" y1="${y(v)}" y2="${y(v)}" class="grid"/>`,
      `<text x="${PAD.left - 6}" y="${(Number(y(v)) + 4).toFixed(1)}" text-anchor="end">${esc(spec.yFormat(v))}</text>`,
    );
  }
  for (let i = 0; i <= 6; i++) {
    const s = (tMax * i) / 6;
    parts.push(`<text x="${x(s)}" y="${HEIGHT - 10}" text-anchor="middle">${esc(hours(s))}</text>`);
  }
  lines.forEach((l, k) => {
    const color = COLORS[k % COLORS.length];
    const d: string[] = [];
    l.values.forEach((v, i) => {
      if (i === 0) d.push(`M${x(times[0])} ${y(v)}`);
      else if (spec.steps) d.push(`H${x(times[i])}V${y(v)}`);
      else d.push(`L${x(times[i])} ${y(v)}`);
    });
    const path = d.join('');
    if (spec.area && k === 0 && l.values.length > 0) {
      const base = y(0);
      parts.push(
        `<path class="area" fill="${color}" fill-opacity="0.12" stroke="none" d="${path}V${base}H${x(times[0])}Z"/>`,
      );
    }
    parts.push(`<path class="series" fill="none" stroke="${color}" stroke-width="1.5" d="${path}"/>`);
  });
  parts.push('</svg>');
  const legend = spec.lines
    .map(
      (l, k) =>
        `<span class="key"><span class="swatch" style="background:${COLORS[k % COLORS.length]}"></span>${esc(l.name)}</span>`,
    )
    .join(' ');
  return `<figure><figcaption>${esc(spec.title)}</figcaption>${parts.join('')}<div class="legend">${legend}</div></figure>`;
}

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
  const pct = (v: number) => `${Math.round(v * 1000) / 10}%`;
  const count = (v: number) => String(Math.round(v * 10) / 10);
  const charts = [
    chart(
      {
        name: 'allocation',
        title: 'Allocated share of each resource (requests / allocatable)',
        lines: resources.map((r) => ({ name: r, values: chartData.allocation[r] })),
        yMax: 1,
        yFormat: (v) => `${Math.round(v * 100)}%`,
        steps: false,
      },
      chartData.t,
    ),
    chart(
      {
        name: 'pending',
        title: 'Pending pods',
        lines: [{ name: 'pending', values: chartData.pending }],
        yMax: null,
        yFormat: count,
        steps: true,
        area: true,
      },
      chartData.t,
    ),
    chart(
      {
        name: 'running',
        title: 'Running pods',
        lines: [{ name: 'running', values: chartData.running }],
        yMax: null,
        yFormat: count,
        steps: true,
        area: true,
      },
      chartData.t,
    ),
    chart(
      {
        name: 'nodes',
        title: 'Nodes',
        lines: [{ name: 'nodes', values: chartData.nodes }],
        yMax: null,
        yFormat: count,
        steps: true,
        area: true,
      },
      chartData.t,
    ),
  ];
  if (chartData.replicas && chartData.replicas.length > 0) {
    charts.push(
      chart(
        {
          name: 'replicas',
          title: 'Replicas set by each HorizontalPodAutoscaler',
          lines: chartData.replicas.map((h) => ({ name: h.name, values: stepsAt(h.points, chartData.t) })),
          yMax: null,
          yFormat: count,
          steps: true,
        },
        chartData.t,
      ),
    );
  }
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
      return `<tr><th>${esc(r)}</th><td>${pct(s.allocation.mean)}</td><td>${pct(s.allocation.p95)}</td><td>${pct(s.allocation.max)}</td><td>${pct(s.fragmentation.mean)}</td></tr>`;
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
th{font-weight:600}svg{display:block;max-width:100%;height:auto}svg text{font-size:11px;fill:#444}.grid{stroke:#e5e7eb}
figure{margin:0 0 1.5rem}figcaption{font-weight:600;margin-bottom:4px}
.legend{margin-top:2px}.key{margin-right:1rem}.swatch{display:inline-block;width:10px;height:10px;margin-right:4px}
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
