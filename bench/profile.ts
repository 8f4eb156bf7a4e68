// Where a V8 CPU profile (.cpuprofile, from node --cpu-prof) spends its time: self time per
// function and per source file, largest first. Used by `berth bench schedule --cpu-prof DIR`.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileLine {
  name: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  totalMs: number;
  functions: ProfileLine[];
  files: ProfileLine[];
}

function top(map: Map<string, number>, total: number, count: number): ProfileLine[] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10, percent: Math.round((1000 * us) / total) / 10 }));
}

export function summarizeProfile(path: string, count = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const frame = byId.get(id)?.callFrame;
    if (!frame) return;
    total += us;
    const file = frame.url ? basename(frame.url) : frame.functionName;
    const fn = frame.url
      ? `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`
      : frame.functionName;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
    files.set(file, (files.get(file) ?? 0) + us);
  });
  return {
    totalMs: Math.round(total / 1000),
    functions: top(functions, total, count),
    files: top(files, total, count),
  };
}

export function formatProfile(s: ProfileSummary): string {
  const lines = [`CPU profile: ${s.totalMs} ms sampled`, '', 'self time by function:'];
  for (const f of s.functions)
    lines.push(`  ${f.percent.toFixed(1).padStart(5)}%  ${String(f.ms).padStart(8)} ms  ${f.name}`);
  lines.push('', 'self time by file:');
  for (const f of s.files)
    lines.push(`  ${f.percent.toFixed(1).padStart(5)}%  ${String(f.ms).padStart(8)} ms  ${f.name}`);
  return `${lines.join('\n')}\n`;
}
