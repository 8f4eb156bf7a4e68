// The sweep's plot: one small panel per trace, GPU allocation ratio against arrived workload (both
// in % of cluster GPU capacity), one line per policy (mean over seeds). Curves agree until the
// cluster fills, so the panels show the part from 60% arrived and 60% allocated upward.
import type { GpuPolicy } from '../../plugins/gpu/index.js';
import type { SweepRun } from './sweep.js';

const COLORS = ['#888888', '#1f77b4', '#ff7f0e', '#9467bd', '#2ca02c', '#d62728'];
const PANEL_W = 260;
const PANEL_H = 180;
const PAD = 34;
const X_FROM = 60;
const Y_FROM = 0.6;

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

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
  policies.forEach((p, i) => {
    const x = 10 + i * 110;
    out.push(`<rect x="${x}" y="9" width="14" height="4" fill="${COLORS[i % COLORS.length]}"/>`);
    out.push(`<text x="${x + 18}" y="15">${escapeXml(p)}</text>`);
  });
  traces.forEach((trace, t) => {
    const ox = (t % cols) * PANEL_W + PAD;
    const oy = legend + Math.floor(t / cols) * PANEL_H + 16;
    const w = PANEL_W - PAD - 10;
    const h = PANEL_H - 16 - 24;
    let xTo = X_FROM + 1;
    for (const p of policies) xTo = Math.max(xTo, mean.get(`${trace}\u0000${p}`)?.length ?? 0);
    const sx = (x: number) => ox + ((x - X_FROM) / (xTo - X_FROM)) * w;
    const sy = (y: number) => oy + h - ((Math.max(y, Y_FROM) - Y_FROM) / (1 - Y_FROM)) * h;
    out.push(
      `<text x="${ox + w / 2}" y="${oy - 4}" text-anchor="middle" font-weight="bold">${escapeXml(trace)}</text>`,
    );
    out.push(`<rect x="${ox}" y="${oy}" width="${w}" height="${h}" fill="none" stroke="#ccc"/>`);
    for (const y of [0.6, 0.7, 0.8, 0.9, 1.0]) {
      const py = sy(y).toFixed(1);
      out.push(`<line x1="${ox}" x2="${ox + w}" y1="${py}" y2="${py}" stroke="#eee"/>`);
      out.push(`<text x="${ox - 3}" y="${(sy(y) + 3).toFixed(1)}" text-anchor="end">${Math.round(y * 100)}%</text>`);
    }
    for (let x = X_FROM; x <= xTo; x += 20) {
      out.push(`<text x="${sx(x).toFixed(1)}" y="${oy + h + 12}" text-anchor="middle">${x}%</text>`);
    }
    policies.forEach((p, i) => {
      const key = `${trace}\u0000${p}`;
      const m = mean.get(key);
      if (!m) return;
      const n = counts.get(key)!;
      const pts: string[] = [];
      for (let k = X_FROM; k <= m.length; k++) pts.push(`${sx(k).toFixed(1)},${sy(m[k - 1] / n).toFixed(1)}`);
      out.push(
        `<polyline fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="1.3" points="${pts.join(' ')}"/>`,
      );
    });
  });
  out.push(
    `<text x="${width - 6}" y="${height - 4}" text-anchor="end" fill="#555">x: arrived GPU requests, % of cluster GPUs; y: GPU allocation ratio (mean over seeds)</text>`,
  );
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
