// `report.html` of a replay: one self-contained page (inline CSS and SVG, no script, no network)
// with the summary's headline figures and two charts over simulated time: allocated share per
// resource, and running and pending pods.
import type { ChartSeries } from '../sim/recorder.js';
import type { ReplaySummary } from '../sim/simulator.js';

const WIDTH = 900;
const HEIGHT = 260;
const PAD = { left: 56, right: 16, top: 16, bottom: 36 };
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

/** A line chart as inline SVG; `yMax` fixes the scale (shares), otherwise it follows the data. */
function chart(title: string, t: number[], lines: Line[], yMax: number | null, yFormat: (v: number) => string): string {
  const w = WIDTH - PAD.left - PAD.right;
  const h = HEIGHT - PAD.top - PAD.bottom;
  const tMax = Math.max(1, t[t.length - 1] ?? 1);
  let max = yMax ?? 0;
  if (yMax === null) for (const l of lines) for (const v of l.values) max = Math.max(max, v);
  if (max <= 0) max = 1;
  const x = (s: number) => PAD.left + (s / tMax) * w;
  const y = (v: number) => PAD.top + h - (v / max) * h;
  const parts: string[] = [];
  parts.push(
    `<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${esc(title)}">`,
  );
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    parts.push(
      `<line x1="${PAD.left}" x2="${PAD.left + w}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="grid"/>`,
      `<text x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${esc(yFormat(v))}</text>`,
    );
  }
  for (let i = 0; i <= 6; i++) {
    const s = (tMax * i) / 6;
    parts.push(`<text x="${x(s).toFixed(1)}" y="${HEIGHT - 12}" text-anchor="middle">${esc(hours(s))}</text>`);
  }
  lines.forEach((l, k) => {
    const points = l.values.map((v, i) => `${x(t[i]).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${COLORS[k % COLORS.length]}" stroke-width="1.5" points="${points}"/>`);
  });
  parts.push('</svg>');
  const legend = lines
    .map(
      (l, k) =>
        `<span class="key"><span class="swatch" style="background:${COLORS[k % COLORS.length]}"></span>${esc(l.name)}</span>`,
    )
    .join(' ');
  return `<figure><figcaption>${esc(title)}</figcaption>${parts.join('')}<div class="legend">${legend}</div></figure>`;
}

function row(label: string, value: string | number): string {
  return `<tr><th>${esc(label)}</th><td>${esc(String(value))}</td></tr>`;
}

export function replayReportHtml(summary: ReplaySummary, chartData: ChartSeries, resources: string[]): string {
  const p = summary.pods;
  const ps = summary.pendingSeconds;
  const pct = (v: number) => `${Math.round(v * 1000) / 10}%`;
  const allocation = chart(
    'Allocated share of each resource (requests / allocatable)',
    chartData.t,
    resources.map((r) => ({ name: r, values: chartData.allocation[r] })),
    1,
    (v) => `${Math.round(v * 100)}%`,
  );
  const pods = chart(
    'Pods running and pending',
    chartData.t,
    [
      { name: 'running', values: chartData.running },
      { name: 'pending', values: chartData.pending },
    ],
    null,
    (v) => String(Math.round(v)),
  );
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
th{font-weight:600}svg text{font-size:11px;fill:#444}.grid{stroke:#e5e7eb}
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
${allocation}
${pods}
<h2>Resources</h2>
<table><tr><th></th><th>mean allocated</th><th>p95</th><th>max</th><th>mean fragmentation</th></tr>${resourceRows}</table>
<p>Fragmentation: the share of a resource's free capacity that sits on nodes already full (under 5% free) in cpu, memory or pod slots.</p>
${reasons ? `<h2>Why pods were still pending at the end</h2><table>${reasons}</table>` : ''}
${refused}
${bad}
</body></html>
`;
}
