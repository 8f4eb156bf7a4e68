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
import {
  barPath,
  CHART_CSS,
  count,
  esc,
  figure,
  hours,
  PALETTE,
  percent,
  svgOpen,
  type TimeChartSpec,
  type TimeSeries,
  timeChart,
} from './svg-chart.js';

// Taller than the replay charts and wider on the left for dollar labels.
const SIZE = { width: 900, height: 260, pad: { left: 64, right: 16, top: 16, bottom: 36 } };

/** Horizontal bars of cost and node-hours per scenario. */
function comparisonChart(rows: readonly ComparisonRow[]): string {
  const { width, pad } = SIZE;
  const barH = 18;
  const labelW = 200;
  const half = (width - labelW - 40) / 2;
  const height = pad.top + rows.length * (barH + 8) + 24;
  const maxCost = Math.max(1e-9, ...rows.map((r) => r.cost));
  const maxHours = Math.max(1e-9, ...rows.map((r) => r.nodeHours));
  const title = 'Cost and node-hours per scenario';
  const parts = [
    svgOpen('comparison', title, width, height),
    `<text x="${labelW}" y="12">cost ($)</text><text x="${labelW + half + 20}" y="12">node-hours</text>`,
  ];
  rows.forEach((r, i) => {
    const top = pad.top + 4 + i * (barH + 8);
    const color = PALETTE[i % PALETTE.length];
    // At least a pixel wide, so a zero still shows as a drawn bar.
    const wc = Math.max(1, (r.cost / maxCost) * (half - 60));
    const wh = Math.max(1, (r.nodeHours / maxHours) * (half - 60));
    parts.push(
      `<text x="${labelW - 8}" y="${top + 13}" text-anchor="end">${esc(r.scenario)}</text>`,
      barPath(labelW, top, wc, barH, color),
      `<text x="${(labelW + wc + 4).toFixed(1)}" y="${top + 13}">${r.cost}</text>`,
      barPath(labelW + half + 20, top, wh, barH, color),
      `<text x="${(labelW + half + 24 + wh).toFixed(1)}" y="${top + 13}">${r.nodeHours}</text>`,
    );
  });
  parts.push('</svg>');
  return figure(title, parts.join(''));
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
  const perScenario = (pick: (r: ScenarioResult) => TimeSeries) => results.map(pick);
  const totalNodes = (r: ScenarioResult): number[] => {
    const s = r.policy.series;
    return s.t.map((_, i) => Object.values(s.nodesByGroup).reduce((a, g) => a + g[i], 0));
  };
  const chart = (spec: TimeChartSpec) => timeChart({ ...SIZE, ...spec });
  const counts = { y: { minStep: 1 }, yFormat: count };
  const charts = [
    chart({
      name: 'nodes',
      title: 'Nodes over time (all groups)',
      lines: perScenario((r) => ({ name: r.name, t: r.policy.series.t, values: totalNodes(r) })),
      ...counts,
    }),
    chart({
      name: 'pending',
      title: 'Pending pods',
      lines: perScenario((r) => ({ name: r.name, t: r.chart.t, values: r.chart.pending })),
      ...counts,
    }),
    ...['cpu', 'memory'].map((res) =>
      chart({
        name: `allocation-${res}`,
        title: `Allocated share of ${res} (requests / allocatable)`,
        lines: perScenario((r) => ({ name: r.name, t: r.chart.t, values: r.chart.allocation[res] ?? [] })),
        y: { max: 1 },
        yFormat: percent,
      }),
    ),
    chart({
      name: 'cost',
      title: 'Cost accumulating ($)',
      lines: perScenario((r) => ({ name: r.name, t: r.policy.series.t, values: r.policy.series.cost })),
      y: { minStep: 0.01 },
      yFormat: (v) => `$${Math.round(v * 100) / 100}`,
    }),
  ];
  const groupCharts = results.map((r) =>
    chart({
      name: 'nodes-per-group',
      title: `Nodes per group: ${r.name}`,
      lines: Object.entries(r.policy.series.nodesByGroup).map(([g, values]) => ({
        name: g,
        t: r.policy.series.t,
        values,
      })),
      ...counts,
      attrs: ` data-scenario="${esc(r.name)}"`,
    }),
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
th{font-weight:600}
${CHART_CSS}
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
