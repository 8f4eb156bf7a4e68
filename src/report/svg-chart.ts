// The pieces every berth chart is drawn with (replay report, what-if report, gpu-sweep plot):
// escaping, number and time labels, round scales, a grid with tick labels, series paths, legends,
// and the line chart over simulated time the two HTML reports share. Every series or bar is a
// `<path class="series">` and every report chart an `<svg data-chart="NAME">`, so a browser test can
// find each chart by name and measure what it drew.

export const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563', '#ca8a04'];

/** The chart styles an HTML report inlines once, beside its own page styles. */
export const CHART_CSS =
  'svg{display:block;max-width:100%;height:auto}svg text{font-size:11px;fill:#444}' +
  'figure{margin:0 0 1.5rem}figcaption{font-weight:600;margin-bottom:4px}' +
  '.legend{margin-top:2px}.key{margin-right:1rem}.swatch{display:inline-block;width:10px;height:10px;margin-right:4px}';

const GRID_STROKE = '#e5e7eb';

/** Text safe inside an element or a double-quoted attribute. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Simulated seconds as hours, one decimal: `1.5 h`. */
export function hours(seconds: number): string {
  return `${Math.round((seconds / 3600) * 10) / 10} h`;
}

/** A count, one decimal at most (means of counts are not whole). */
export function count(v: number): string {
  return String(Math.round(v * 10) / 10);
}

/** A share in 0..1 as a whole percentage. */
export function percent(v: number): string {
  return `${Math.round(v * 100)}%`;
}

/** A share in 0..1 as a percentage with one decimal. */
export function percent1(v: number): string {
  return `${Math.round(v * 1000) / 10}%`;
}

/** A top of scale at least `v` whose quarter ticks are round (1, 2 or 5 × 10^k) and no finer than `minStep`. */
export function niceTop(v: number, minStep = 1): number {
  const q = Math.max(minStep, v / 4);
  const p = 10 ** Math.floor(Math.log10(q));
  for (const m of [1, 2, 5, 10]) if (m * p >= q) return 4 * m * p;
  return 40 * p;
}

/** `n + 1` evenly spaced values from `from` to `to`. */
export function evenTicks(from: number, to: number, n: number): number[] {
  return Array.from({ length: n + 1 }, (_, i) => from + ((to - from) * i) / n);
}

/** `from`, `from + step`, … up to `to`. */
export function stepTicks(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/** The plot area of a chart, in SVG units. */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Pad {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The plot area left inside `width × height` by `pad`. */
export function plotBox(width: number, height: number, pad: Pad): Box {
  return { left: pad.left, top: pad.top, width: width - pad.left - pad.right, height: height - pad.top - pad.bottom };
}

/** Maps `[d0, d1]` onto `[r0, r1]`. */
export function linear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const k = (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** A horizontal grid line across `box` at each tick, labelled on the left. */
export function yAxis(box: Box, ticks: readonly number[], y: (v: number) => number, format: (v: number) => string) {
  const out: string[] = [];
  for (const v of ticks) {
    const py = y(v);
    out.push(
      `<line class="grid" stroke="${GRID_STROKE}" x1="${box.left}" x2="${box.left + box.width}" y1="${py.toFixed(1)}" y2="${py.toFixed(1)}"/>`,
      `<text x="${box.left - 6}" y="${(py + 4).toFixed(1)}" text-anchor="end">${esc(format(v))}</text>`,
    );
  }
  return out.join('');
}

/** A label under `box` at each tick, `below` units under its bottom edge. */
export function xAxis(
  box: Box,
  ticks: readonly number[],
  x: (v: number) => number,
  format: (v: number) => string,
  below = 20,
): string {
  const y = box.top + box.height + below;
  return ticks
    .map((v) => `<text x="${x(v).toFixed(1)}" y="${y}" text-anchor="middle">${esc(format(v))}</text>`)
    .join('');
}

/** The `d` of a line through the points; with `steps`, each value holds until the next sample. */
export function linePath(xs: readonly number[], ys: readonly number[], steps = false): string {
  const d: string[] = [];
  for (let i = 0; i < ys.length; i++) {
    const x = xs[i].toFixed(1);
    const y = ys[i].toFixed(1);
    if (i === 0) d.push(`M${x} ${y}`);
    else if (steps) d.push(`H${x}V${y}`);
    else d.push(`L${x} ${y}`);
  }
  return d.join('');
}

/** One line series. */
export function seriesPath(d: string, color: string, strokeWidth = 1.5): string {
  return `<path class="series" fill="none" stroke="${color}" stroke-width="${strokeWidth}" d="${d}"/>`;
}

/** One bar, drawn as a series path so it is found and measured like a line. */
export function barPath(x: number, y: number, width: number, height: number, color: string): string {
  return `<path class="series" fill="${color}" d="M${x.toFixed(1)},${y.toFixed(1)} h${width.toFixed(1)} v${height} h${(-width).toFixed(1)} Z"/>`;
}

/** The opening tag of a report chart. `attrs` (with a leading space) adds attributes after the name. */
export function svgOpen(name: string, title: string, width: number, height: number, attrs = ''): string {
  return `<svg data-chart="${esc(name)}"${attrs} viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(title)}">`;
}

/** An HTML legend: a colour swatch and a name per series, in series order. */
export function legendHtml(names: readonly string[], colors: readonly string[] = PALETTE): string {
  const keys = names.map(
    (n, k) =>
      `<span class="key"><span class="swatch" style="background:${colors[k % colors.length]}"></span>${esc(n)}</span>`,
  );
  return `<div class="legend">${keys.join(' ')}</div>`;
}

/** An SVG legend on one row from (x, y): a swatch and a name every `step` units. */
export function legendSvg(names: readonly string[], x: number, y: number, step: number, colors: readonly string[]) {
  return names
    .map((n, k) => {
      const kx = x + k * step;
      return `<rect x="${kx}" y="${y - 6}" width="14" height="4" fill="${colors[k % colors.length]}"/><text x="${kx + 18}" y="${y}">${esc(n)}</text>`;
    })
    .join('\n');
}

/** A titled chart with an optional legend under it. */
export function figure(title: string, svg: string, legend = ''): string {
  return `<figure><figcaption>${esc(title)}</figcaption>${svg}${legend}</figure>`;
}

export interface TimeSeries {
  name: string;
  /** Sample times in simulated seconds, ascending. */
  t: readonly number[];
  values: readonly number[];
}

export interface TimeChartSpec {
  /** The `data-chart` name. */
  name: string;
  title: string;
  lines: readonly TimeSeries[];
  /** A fixed top of scale (shares), or a round one over the data with quarter ticks no finer than `minStep`. */
  y: { max: number } | { minStep: number };
  yFormat: (v: number) => string;
  /** Counts change in steps between samples; shares are drawn as straight segments. */
  steps?: boolean;
  /** The first series is filled down to zero. */
  area?: boolean;
  /** More attributes for the `<svg>`, with a leading space. */
  attrs?: string;
  width?: number;
  height?: number;
  pad?: Pad;
}

const TIME_PAD: Pad = { left: 56, right: 16, top: 12, bottom: 30 };

/** Lines over simulated time: grid, value ticks, hour ticks, one path per series, a legend. */
export function timeChart(spec: TimeChartSpec): string {
  const width = spec.width ?? 900;
  const height = spec.height ?? 220;
  const box = plotBox(width, height, spec.pad ?? TIME_PAD);
  // A single sample still draws a segment across the chart.
  const lines = spec.lines.map((l) =>
    l.t.length === 1 ? { ...l, t: [0, Math.max(1, l.t[0])], values: [l.values[0], l.values[0]] } : l,
  );
  let tMax = 1;
  for (const l of lines) tMax = Math.max(tMax, l.t[l.t.length - 1] ?? 1);
  let top: number;
  if ('max' in spec.y) top = spec.y.max;
  else {
    let dataMax = 0;
    for (const l of lines) for (const v of l.values) dataMax = Math.max(dataMax, v);
    top = niceTop(dataMax, spec.y.minStep);
  }
  const x = linear(0, tMax, box.left, box.left + box.width);
  const y = linear(0, top, box.top + box.height, box.top);
  const parts = [
    svgOpen(spec.name, spec.title, width, height, spec.attrs),
    yAxis(box, evenTicks(0, top, 4), y, spec.yFormat),
    xAxis(box, evenTicks(0, tMax, 6), x, hours),
  ];
  lines.forEach((l, k) => {
    const color = PALETTE[k % PALETTE.length];
    const xs = l.t.map(x);
    const d = linePath(xs, l.values.map(y), spec.steps);
    if (spec.area && k === 0 && l.values.length > 0) {
      const fill = `${d}V${y(0).toFixed(1)}H${xs[0].toFixed(1)}Z`;
      parts.push(`<path class="area" fill="${color}" fill-opacity="0.12" stroke="none" d="${fill}"/>`);
    }
    parts.push(seriesPath(d, color));
  });
  parts.push('</svg>');
  return figure(spec.title, parts.join(''), legendHtml(spec.lines.map((l) => l.name)));
}
