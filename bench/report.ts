// The scheduling benchmark's report: bench/results/schedule.json (everything measured),
// schedule.md (the tables) and schedule.svg (pods/s per workload, berth vs baseline vs
// kube-scheduler, log scale), all rendered from one BenchReport.
import type { Budget, MeasureResult, Mode } from './measure.js';
import { MODE_LABELS, MODES } from './measure.js';
import type { MicroResult } from './micro.js';

export interface WorkloadRow {
  workload: string;
  mode: Mode;
  workers: number;
  /** kube-scheduler's published pods/s for this workload and mode. */
  kubeScheduler?: number;
  result?: MeasureResult;
  /** Why there is no result: the task failed. */
  error?: string;
}

export interface BenchReport {
  date: string;
  node: string;
  machine: string;
  budget: Budget;
  warmupPods: number;
  totalSeconds: number;
  rows: WorkloadRow[];
  micro?: MicroResult;
  microError?: string;
  notes: string[];
}

function fmt(x: number | undefined, digits = 3): string {
  if (x === undefined || !Number.isFinite(x)) return '—';
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US');
  return String(Number(x.toPrecision(digits)));
}

/** The memory figures of a workload (measured once, in its every-node run). */
function memoryOf(rows: WorkloadRow[], workload: string): MeasureResult['memory'] {
  return rows.find((r) => r.workload === workload && r.result?.memory)?.result?.memory;
}

function agreementCell(r: MeasureResult): string {
  const inline = r.inlineAgreement;
  if (inline) {
    const cell = `${inline.percent}% of ${inline.pods} vs 1 worker`;
    return inline.same === inline.pods ? cell : `**${cell}**`;
  }
  const a = r.agreement?.first;
  if (!a) return '—';
  return a.same === a.pods ? `${a.percent}% of ${a.pods}` : `**${a.percent}%** of ${a.pods}`;
}

/** The main table: one row per workload, mode and worker count that ran (or failed). */
export function workloadTable(report: Pick<BenchReport, 'rows'>): string[] {
  const lines = [
    '| workload | mode | workers | pods measured | pods/s | p50 ms | p99 ms | peak RSS MiB | bytes/node | bytes/pod | baseline pods/s | berth ÷ baseline | ÷ 1 worker | same placement (first) | kube-scheduler pods/s |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of report.rows.filter((r) => r.result || r.error)) {
    const r = row.result;
    const ks = fmt(row.kubeScheduler);
    if (!r) {
      lines.push(
        `| ${row.workload} | ${MODE_LABELS[row.mode]} | ${row.workers} | failed: ${row.error} ||||||||||| ${ks} |`,
      );
      continue;
    }
    const mem = memoryOf(report.rows, row.workload)?.berth;
    const cut = r.berth.measured < r.pendingPods ? ` of ${fmt(r.pendingPods)}` : '';
    const passes = r.berth.passes > 1 ? ` ×${r.berth.passes}` : '';
    const single = report.rows.find((o) => o.workload === row.workload && o.mode === row.mode && o.workers === 1);
    const overSingle =
      row.workers > 1 && single?.result ? r.berth.podsPerSecond / single.result.berth.podsPerSecond : undefined;
    lines.push(
      `| ${row.workload} | ${MODE_LABELS[row.mode]} | ${row.workers} | ${fmt(r.berth.measured)}${cut}${passes} | ` +
        `${fmt(r.berth.podsPerSecond)} | ${fmt(r.berth.p50Ms)} | ${fmt(r.berth.p99Ms)} | ${r.berthPeakRssMiB} | ` +
        `${fmt(mem?.bytesPerNode)} | ${fmt(mem?.bytesPerPod)} | ${fmt(r.baseline?.podsPerSecond)} | ` +
        `${fmt(r.ratio?.berthOverBaseline)} | ${fmt(overSingle)} | ${agreementCell(r)} | ${ks} |`,
    );
  }
  return lines;
}

/** berth's snapshot against the baseline's NodeInfos, per workload. */
export function memoryTable(report: Pick<BenchReport, 'rows'>): string[] {
  const lines = [
    '| workload | nodes | pods bound | berth bytes/node | baseline bytes/node | berth bytes/pod | baseline bytes/pod |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const workload of [...new Set(report.rows.map((r) => r.workload))]) {
    const m = memoryOf(report.rows, workload);
    if (!m) continue;
    lines.push(
      `| ${workload} | ${fmt(m.berth.nodes)} | ${fmt(m.berth.pods)} | ${fmt(m.berth.bytesPerNode)} | ` +
        `${fmt(m.baseline.bytesPerNode)} | ${fmt(m.berth.bytesPerPod)} | ${fmt(m.baseline.bytesPerPod)} |`,
    );
  }
  return lines;
}

/** Where berth and the baseline first placed a pod differently, one line per run that differed. */
export function mismatchLines(report: Pick<BenchReport, 'rows'>): string[] {
  const lines: string[] = [];
  for (const row of report.rows) {
    const m = row.result?.agreement?.first.firstMismatch;
    if (m) {
      lines.push(
        `${row.workload} (${MODE_LABELS[row.mode]}): placements first differ at pod #${m.index} ${m.pod}: berth ${m.berth ?? 'none'}, baseline ${m.baseline ?? 'none'}.`,
      );
    }
  }
  return lines;
}

export function renderMarkdown(report: BenchReport): string {
  const lines: string[] = [];
  lines.push('# Scheduling benchmark (bench/run.ts)', '');
  lines.push(
    `${report.date}, Node ${report.node}, ${report.machine}; ${Math.round(report.totalSeconds)} s in all. ` +
      `Budgets per workload and mode: berth ${report.budget.berth} s, baseline ${report.budget.baseline} s, ` +
      `tie-break-first cross-check ${report.budget.agreement} s; each engine first warms up for 1 s on a ≤1,000-node copy with ${report.warmupPods} pods.`,
    '',
    '![pods/s per workload](schedule.svg)',
    '',
  );
  lines.push(...workloadTable(report));
  lines.push('', '## Memory: berth snapshot vs baseline NodeInfos', '', ...memoryTable(report));

  lines.push('', '## Per-plugin cost (benny), nanoseconds per node', '');
  if (report.micro) {
    lines.push(
      `${fmt(report.micro.nodes)} nodes, ${fmt(report.micro.boundPods)} bound pods (genperf affinity-mixed templates, plus images on nodes and host ports on every third pod). ` +
        'filter = PreFilter + Filter over every node; score = PreScore + Score + NormalizeScore over every node: ' +
        'the per-pod preparation is included and spread over the nodes. Best of two rounds.',
      '',
      '| plugin | point | berth ns/node | baseline ns/node | baseline ÷ berth | same results |',
      '|---|---|---:|---:|---:|---|',
    );
    for (const m of report.micro.rows) {
      lines.push(
        `| ${m.plugin} | ${m.point} | ${fmt(m.berthNsPerNode)} | ${fmt(m.baselineNsPerNode)} | ${fmt(m.speedup)} | ${m.agree ? 'yes' : '**no**'} |`,
      );
    }
  } else {
    lines.push(report.microError ? `Not measured: ${report.microError}.` : 'Not run.');
  }

  lines.push('', '## Notes', '');
  for (const note of [...report.notes, ...mismatchLines(report)]) lines.push(`- ${note}`);
  lines.push('');
  return lines.join('\n');
}

// ---- chart ----------------------------------------------------------------------------------------

const SERIES = [
  { name: 'berth, 1 worker', color: '#2563eb' },
  { name: 'berth, 2 workers (pool)', color: '#10b981' },
  { name: 'baseline (per-node objects)', color: '#f59e0b' },
  { name: 'kube-scheduler (issue 4)', color: '#6b7280' },
];

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function shortNumber(x: number): string {
  if (x >= 1e6) return `${x / 1e6}M`;
  if (x >= 1e3) return `${x / 1e3}k`;
  return String(x);
}

/** Grouped bars, one panel per mode, pods/s on a log scale. */
export function renderSvg(report: BenchReport): string {
  const workloads = [...new Set(report.rows.map((r) => r.workload))];
  const values = (mode: Mode) =>
    workloads.map((w) => {
      const row = report.rows.find((r) => r.workload === w && r.mode === mode && r.workers === 1);
      const pool = report.rows.find((r) => r.workload === w && r.mode === mode && r.workers === 2);
      return [
        row?.result?.berth.podsPerSecond,
        pool?.result?.berth.podsPerSecond,
        row?.result?.baseline?.podsPerSecond,
        row?.kubeScheduler,
      ];
    });
  const all = MODES.flatMap((m) => values(m).flat()).filter((v): v is number => v !== undefined && v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...all, 10)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...all, 100)));

  const width = 980;
  const left = 64;
  const right = 16;
  const panelHeight = 260;
  const top = 56;
  const gap = 64;
  const plotWidth = width - left - right;
  const groupWidth = plotWidth / workloads.length;
  const barWidth = Math.min(28, (groupWidth - 16) / SERIES.length);
  const height = top + MODES.length * (panelHeight + gap) + 10;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${left}" y="22" font-size="15" font-weight="bold">Pods scheduled per second (log scale, higher is better)</text>`,
  );
  SERIES.forEach((s, i) => {
    const x = left + i * 200;
    out.push(
      `<rect x="${x}" y="34" width="12" height="12" fill="${s.color}"/>`,
      `<text x="${x + 18}" y="44">${xml(s.name)}</text>`,
    );
  });
  MODES.forEach((mode, p) => {
    const y0 = top + p * (panelHeight + gap) + 24;
    const y = (v: number) =>
      y0 + panelHeight - ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * panelHeight;
    out.push(`<text x="${left}" y="${y0 - 8}" font-size="13" font-weight="bold">${xml(MODE_LABELS[mode])}</text>`);
    for (let d = lo; d <= hi; d *= 10) {
      out.push(
        `<line x1="${left}" x2="${width - right}" y1="${y(d)}" y2="${y(d)}" stroke="#e5e7eb"/>`,
        `<text x="${left - 6}" y="${y(d) + 4}" text-anchor="end" fill="#374151">${shortNumber(d)}</text>`,
      );
    }
    values(mode).forEach((triple, g) => {
      const gx = left + g * groupWidth + (groupWidth - barWidth * SERIES.length) / 2;
      triple.forEach((v, s) => {
        const x = gx + s * barWidth;
        if (v === undefined || !(v > 0)) {
          out.push(
            `<text x="${x + barWidth / 2}" y="${y0 + panelHeight - 4}" text-anchor="middle" fill="#9ca3af">n/a</text>`,
          );
          return;
        }
        const h = y0 + panelHeight - y(v);
        out.push(
          `<rect x="${x + 1}" y="${y(v)}" width="${barWidth - 2}" height="${Math.max(h, 0.5)}" fill="${SERIES[s].color}"><title>${xml(`${workloads[g]}, ${SERIES[s].name}: ${v} pods/s`)}</title></rect>`,
          `<text x="${x + barWidth / 2}" y="${y(v) - 3}" text-anchor="middle" font-size="9" fill="#111827">${xml(fmt(v))}</text>`,
        );
      });
      out.push(
        `<text x="${left + g * groupWidth + groupWidth / 2}" y="${y0 + panelHeight + 16}" text-anchor="middle">${xml(workloads[g])}</text>`,
      );
    });
    out.push(
      `<line x1="${left}" x2="${width - right}" y1="${y0 + panelHeight}" y2="${y0 + panelHeight}" stroke="#6b7280"/>`,
    );
  });
  out.push('</svg>', '');
  return out.join('\n');
}
