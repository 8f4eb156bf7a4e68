// `report.html` of a what-if: one self-contained page (inline CSS and SVG, no script, no network)
// comparing scenarios on the same trace. Every chart is an <svg data-chart="NAME"> with one
// `<path class="series">` per line or bar (as the replay report, for the browser test):
//   comparison        cost and node-hours per scenario (bars), beside the comparison table
//   nodes             nodes over time, one line per scenario
//   nodes-per-group   nodes of each group over time, one chart per scenario (data-scenario)
//   pending           pending pods over time, one line per scenario
//   allocation-RES    allocated share of cpu / memory over time, one line per scenario
//   cost              cost accumulating over time, one line per scenario
import { type ComparisonRow, tableCells, tableHeader } from '../whatif/compare.js';
import type { ScenarioResult } from '../whatif/run-scenario.js';

const WIDTH = 900;
const HEIGHT = 260;
const PAD = { left: 64, right: 16, top: 16, bottom: 36 };
const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563', '#ca8a04'];

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function hours(seconds: number): string {
  return `${Math.round((seconds / 3600) * 10) / 10} h`;
}

interface Line {
  name: string;
  t: readonly number[];
  values: readonly number[];
}

function legend(names: readonly string[]): string {
  return names
    .map(
      (n, k) =>
        `<span class="key"><span class="swatch" style="background:${COLORS[k % COLORS.length]}"></span>${esc(n)}</span>`,
    )
    .join(' ');
}

/** A line chart; `yMax` fixes the scale (shares), otherwise it follows the data. */
function lineChart(
  name: string,
  title: string,
  lines: readonly Line[],
  yMax: number | null,
  yFormat: (v: number) => string,
  attrs = '',
): string {
  const w = WIDTH - PAD.left - PAD.right;
  const h = HEIGHT - PAD.top - PAD.bottom;
  let tMax = 1;
  for (const l of lines) tMax = Math.max(tMax, l.t[l.t.length - 1] ?? 1);
  let max = yMax ?? 0;
  if (yMax === null) for (const l of lines) for (const v of l.values) max = Math.max(max, v);
  if (max <= 0) max = 1;
  const x = (s: number) => PAD.left + (s / tMax) * w;
  const y = (v: number) => PAD.top + h - (v / max) * h;
  const parts = [
    `<svg data-chart="${esc(name)}"${attrs} viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${esc(title)}">`,
  ];
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
    const d = l.values.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(l.t[i]).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    parts.push(`<path class="series" fill="none" stroke="${COLORS[k % COLORS.length]}" stroke-width="1.5" d="${d}"/>`);
  });
  parts.push('</svg>');
  return `<figure><figcaption>${esc(title)}</figcaption>${parts.join('')}<div class="legend">${legend(lines.map((l) => l.name))}</div></figure>`;
}

/** Horizontal bars of cost and node-hours per scenario. */
function comparisonChart(rows: readonly ComparisonRow[]): string {
  const barH = 18;
  const labelW = 200;
  const half = (WIDTH - labelW - 40) / 2;
  const height = PAD.top + rows.length * (barH + 8) + 24;
  const maxCost = Math.max(1e-9, ...rows.map((r) => r.cost));
  const maxHours = Math.max(1e-9, ...rows.map((r) => r.nodeHours));
  const parts = [
    `<svg data-chart="comparison" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="cost and node-hours per scenario">`,
    `<text x="${labelW}" y="12">cost ($)</text><text x="${labelW + half + 20}" y="12">node-hours</text>`,
  ];
  rows.forEach((r, i) => {
    const top = PAD.top + 4 + i * (barH + 8);
    const color = COLORS[i % COLORS.length];
    // At least a pixel wide, so a zero still shows as a drawn bar.
    const wc = Math.max(1, (r.cost / maxCost) * (half - 60));
    const wh = Math.max(1, (r.nodeHours / maxHours) * (half - 60));
    const bar = (x0: number, w: number) =>
      `<path class="series" fill="${color}" d="M${x0},${top} h${w.toFixed(1)} v${barH} h${(-w).toFixed(1)} Z"/>`;
    parts.push(
      `<text x="${labelW - 8}" y="${top + 13}" text-anchor="end">${esc(r.scenario)}</text>`,
      bar(labelW, wc),
      `<text x="${(labelW + wc + 4).toFixed(1)}" y="${top + 13}">${r.cost}</text>`,
      bar(labelW + half + 20, wh),
      `<text x="${(labelW + half + 24 + wh).toFixed(1)}" y="${top + 13}">${r.nodeHours}</text>`,
    );
  });
  parts.push('</svg>');
  return `<figure><figcaption>Cost and node-hours per scenario</figcaption>${parts.join('')}</figure>`;
}

export function whatifReportHtml(
  trace: string,
  results: readonly ScenarioResult[],
  rows: readonly ComparisonRow[],
): string {
  const table = `<table class="cmp"><tr>${tableHeader()
    .map((h) => `<th>${esc(h)}</th>`)
    .join('')}</tr>${rows
    .map(
      (r) =>
        `<tr>${tableCells(r)
          .map((c) => `<td>${esc(c)}</td>`)
          .join('')}</tr>`,
    )
    .join('')}</table>`;
  const perScenario = (pick: (r: ScenarioResult) => Line) => results.map(pick);
  const totalNodes = (r: ScenarioResult): number[] => {
    const s = r.policy.series;
    return s.t.map((_, i) => Object.values(s.nodesByGroup).reduce((a, g) => a + g[i], 0));
  };
  const count = (v: number) => String(Math.round(v * 10) / 10);
  const share = (v: number) => `${Math.round(v * 100)}%`;
  const charts = [
    lineChart(
      'nodes',
      'Nodes over time (all groups)',
      perScenario((r) => ({ name: r.name, t: r.policy.series.t, values: totalNodes(r) })),
      null,
      count,
    ),
    lineChart(
      'pending',
      'Pending pods',
      perScenario((r) => ({ name: r.name, t: r.chart.t, values: r.chart.pending })),
      null,
      count,
    ),
    ...['cpu', 'memory'].map((res) =>
      lineChart(
        `allocation-${res}`,
        `Allocated share of ${res} (requests / allocatable)`,
        perScenario((r) => ({ name: r.name, t: r.chart.t, values: r.chart.allocation[res] ?? [] })),
        1,
        share,
      ),
    ),
    lineChart(
      'cost',
      'Cost accumulating ($)',
      perScenario((r) => ({ name: r.name, t: r.policy.series.t, values: r.policy.series.cost })),
      null,
      (v) => `$${Math.round(v * 100) / 100}`,
    ),
  ];
  const groupCharts = results.map((r) =>
    lineChart(
      'nodes-per-group',
      `Nodes per group: ${r.name}`,
      Object.entries(r.policy.series.nodesByGroup).map(([g, values]) => ({ name: g, t: r.policy.series.t, values })),
      null,
      count,
      ` data-scenario="${esc(r.name)}"`,
    ),
  );
  const details = results
    .map((r) => {
      const events = r.policy.events
        .slice(0, 40)
        .map(
          (e) =>
            `<tr><td>${hours(e.t)}</td><td>${e.kind}</td><td>${esc(e.group)}</td><td>${e.nodes}</td><td>${esc(e.detail)}</td></tr>`,
        )
        .join('');
      const blocked = Object.entries(r.policy.blocked)
        .map(([why, n]) => `<li>${esc(why)}: ${n}</li>`)
        .join('');
      const nofit = r.policy.podsNoGroupFitsListed.map((k) => `<code>${esc(k)}</code>`).join(' ');
      return `<h3>${esc(r.name)} <small>(${esc(r.file)}, ${esc(r.policy.policy)}, seed ${r.seed})</small></h3>
${r.policy.podsNoGroupFits > 0 ? `<p>Pods no node group can hold (never triggered a scale-up): ${r.policy.podsNoGroupFits} ${nofit}</p>` : ''}
${blocked ? `<p>Candidate nodes left alone by scale-down / consolidation (distinct nodes per reason):</p><ul>${blocked}</ul>` : ''}
<table><tr><th>time</th><th>event</th><th>group</th><th>nodes</th><th>detail</th></tr>${events}</table>
${r.policy.events.length > 40 ? `<p>… ${r.policy.events.length - 40} more events in comparison.json</p>` : ''}`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>berth what-if: ${esc(trace)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#111;max-width:1100px}
table.cmp{font-size:12px}
table{border-collapse:collapse;margin:0 0 1.5rem}th,td{padding:2px 10px 2px 0;text-align:left;vertical-align:top}
table.cmp td,table.cmp th{border-bottom:1px solid #e5e7eb;padding:3px 8px}
th{font-weight:600}svg text{font-size:11px;fill:#444}.grid{stroke:#e5e7eb}
figure{margin:0 0 1.5rem}figcaption{font-weight:600;margin-bottom:4px}
.legend{margin-top:2px}.key{margin-right:1rem}.swatch{display:inline-block;width:10px;height:10px;margin-right:4px}
</style></head><body>
<h1>berth what-if</h1>
<p>Trace <code>${esc(trace)}</code>, ${results.length} scenarios.</p>
<h2>Comparison</h2>
${table}
${comparisonChart(rows)}
${charts.join('\n')}
<h2>Nodes per group</h2>
${groupCharts.join('\n')}
<h2>Scale events</h2>
${details}
</body></html>
`;
}
