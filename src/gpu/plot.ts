// The sweep's plot: one small panel per trace, GPU allocation ratio against arrived workload (both
// in % of cluster GPU capacity), one line per policy (mean over seeds). Curves agree until the
// cluster fills, so the panels show the part from 60% arrived and 60% allocated upward.
import type { GpuPolicy } from '../../plugins/gpu/index.js';
import {
  esc,
  evenTicks,
  legendSvg,
  linear,
  linePath,
  percent,
  seriesPath,
  stepTicks,
  xAxis,
  yAxis,
} from '../report/svg-chart.js';
import type { SweepRun } from './sweep.js';

// Its own palette, not the reports': grey first, so the random baseline recedes behind the policies.
const COLORS = ['#888888', '#1f77b4', '#ff7f0e', '#9467bd', '#2ca02c', '#d62728'];
const PANEL_W = 260;
const PANEL_H = 180;
const PAD = 34;
const X_FROM = 60;
const Y_FROM = 0.6;

export function allocationPlotSvg(runs: readonly SweepRun[], policies: readonly GpuPolicy[]): string {
  const traces = [...new Set(runs.map((r) => r.job.trace))];
  const mean = new Map<string, number[]>();
  const counts = new Map<string, number>();
  for (const r of runs) {
    const key = `${r.job.trace}\u0000${r.job.policy}`;
    const m = mean.get(key) ?? new Array<number>(r.allocation.length).fill(0);
    r.allocation.forEach((a, i) => {
      m[i] += a;
    });
    mean.set(key, m);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const cols = Math.min(5, traces.length);
  const rows = Math.ceil(traces.length / cols);
  const width = cols * PANEL_W;
  const legend = 28;
  const height = rows * PANEL_H + legend;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="10">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  out.push(legendSvg(policies, 10, 15, 110, COLORS));
  traces.forEach((trace, t) => {
    const box = {
      left: (t % cols) * PANEL_W + PAD,
      top: legend + Math.floor(t / cols) * PANEL_H + 16,
      width: PANEL_W - PAD - 10,
      height: PANEL_H - 16 - 24,
    };
    let xTo = X_FROM + 1;
    for (const p of policies) xTo = Math.max(xTo, mean.get(`${trace}\u0000${p}`)?.length ?? 0);
    const sx = linear(X_FROM, xTo, box.left, box.left + box.width);
    const toY = linear(Y_FROM, 1, box.top + box.height, box.top);
    const sy = (y: number) => toY(Math.max(y, Y_FROM));
    out.push(
      `<text x="${box.left + box.width / 2}" y="${box.top - 4}" text-anchor="middle" font-weight="bold">${esc(trace)}</text>`,
      `<rect x="${box.left}" y="${box.top}" width="${box.width}" height="${box.height}" fill="none" stroke="#ccc"/>`,
      yAxis(box, evenTicks(Y_FROM, 1, 4), sy, percent),
      xAxis(box, stepTicks(X_FROM, xTo, 20), sx, (x) => `${x}%`, 12),
    );
    policies.forEach((p, i) => {
      const key = `${trace}\u0000${p}`;
      const m = mean.get(key);
      if (!m) return;
      const n = counts.get(key)!;
      const xs: number[] = [];
      const ys: number[] = [];
      for (let k = X_FROM; k <= m.length; k++) {
        xs.push(sx(k));
        ys.push(sy(m[k - 1] / n));
      }
      out.push(seriesPath(linePath(xs, ys), COLORS[i % COLORS.length], 1.3));
    });
  });
  out.push(
    `<text x="${width - 6}" y="${height - 4}" text-anchor="end" fill="#555">x: arrived GPU requests, % of cluster GPUs; y: GPU allocation ratio (mean over seeds)</text>`,
  );
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
