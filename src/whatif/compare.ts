// The side-by-side comparison of scenario results: one row of headline figures per scenario, as
// JSON (with the full per-scenario detail), CSV and a Markdown table.
import type { PolicyReport } from '../autoscale/policy.js';
import type { ScenarioResult } from './run-scenario.js';

export interface ComparisonRow {
  scenario: string;
  policy: string;
  cost: number;
  nodeHours: number;
  nodeHoursByGroup: Record<string, number>;
  pendingP50: number;
  pendingP95: number;
  pendingP99: number;
  /** Pods still pending at the end of the replay. */
  unschedulable: number;
  /** Of those, pods that no node group can hold. */
  noNodeTypeFits: number;
  cpuAllocation: number;
  memoryAllocation: number;
  cpuFragmentation: number;
  scaleUps: number;
  scaleDowns: number;
  evictions: number;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

export function comparisonRow(r: ScenarioResult): ComparisonRow {
  const s = r.summary;
  const p = r.policy;
  const total = Object.values(p.nodeHoursByGroup).reduce((a, b) => a + b, 0);
  return {
    scenario: r.name,
    policy: p.policy,
    cost: r3(p.cost),
    nodeHours: r3(total),
    nodeHoursByGroup: Object.fromEntries(Object.entries(p.nodeHoursByGroup).map(([k, v]) => [k, r3(v)])),
    pendingP50: r3(s.pendingSeconds.p50),
    pendingP95: r3(s.pendingSeconds.p95),
    pendingP99: r3(s.pendingSeconds.p99),
    unschedulable: s.pods.pendingAtEnd - s.pods.gatedAtEnd,
    noNodeTypeFits: p.podsNoGroupFits,
    cpuAllocation: r3(s.resources.cpu?.allocation.mean ?? 0),
    memoryAllocation: r3(s.resources.memory?.allocation.mean ?? 0),
    cpuFragmentation: r3(s.resources.cpu?.fragmentation.mean ?? 0),
    scaleUps: p.scaleUps,
    scaleDowns: p.scaleDowns,
    evictions: s.pods.evictedByNodeRemoval,
  };
}

const COLUMNS: [keyof ComparisonRow, string][] = [
  ['scenario', 'scenario'],
  ['policy', 'policy'],
  ['cost', 'cost ($)'],
  ['nodeHours', 'node-hours'],
  ['pendingP50', 'pending p50 (s)'],
  ['pendingP95', 'pending p95 (s)'],
  ['pendingP99', 'pending p99 (s)'],
  ['unschedulable', 'unschedulable at end'],
  ['noNodeTypeFits', 'no node type fits'],
  ['cpuAllocation', 'cpu alloc (mean)'],
  ['memoryAllocation', 'memory alloc (mean)'],
  ['cpuFragmentation', 'cpu frag (mean)'],
  ['scaleUps', 'scale-ups'],
  ['scaleDowns', 'scale-downs'],
  ['evictions', 'evictions'],
];

export function tableHeader(): string[] {
  return COLUMNS.map(([, h]) => h);
}

export function tableCells(row: ComparisonRow): string[] {
  return COLUMNS.map(([k]) => String(row[k]));
}

function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function comparisonCsv(rows: readonly ComparisonRow[]): string {
  const groups = [...new Set(rows.flatMap((r) => Object.keys(r.nodeHoursByGroup)))].sort();
  const head = [...COLUMNS.map(([k]) => k), ...groups.map((g) => `nodeHours:${g}`)];
  const lines = [head.join(',')];
  for (const r of rows)
    lines.push(
      [...COLUMNS.map(([k]) => String(r[k])), ...groups.map((g) => String(r.nodeHoursByGroup[g] ?? ''))]
        .map(csvCell)
        .join(','),
    );
  return `${lines.join('\n')}\n`;
}

export function comparisonMarkdown(rows: readonly ComparisonRow[]): string {
  const head = tableHeader();
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i < 2 ? '---' : '---:')).join(' | ')} |`];
  for (const r of rows) lines.push(`| ${tableCells(r).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}

/** `timeseries/03-ca-price-spot.csv`: the scenario's index in the list, and its name made file-safe. */
export function timeseriesFileName(s: Pick<ScenarioResult, 'index' | 'name'>): string {
  return `${String(s.index).padStart(2, '0')}-${s.name.replace(/[^A-Za-z0-9._-]+/g, '-')}.csv`;
}

/** Per simulated minute: nodes of each group (provisioning included) and the cost so far. */
export function policyTimeseriesCsv(p: PolicyReport): string {
  const groups = Object.keys(p.series.nodesByGroup);
  const lines = [['minute', 'time_s', ...groups.map((g) => `nodes_${g}`), 'cost'].join(',')];
  p.series.t.forEach((t, i) => {
    lines.push([t / 60, t, ...groups.map((g) => p.series.nodesByGroup[g][i]), p.series.cost[i]].join(','));
  });
  return `${lines.join('\n')}\n`;
}
