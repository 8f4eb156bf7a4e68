import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { basicNode, basicPod, basicWorkload } from '../../bench/generate-basic.js';
import { DEFAULT_BUDGET, type MeasureOptions, measureWorkload } from '../../bench/measure.js';
import { type BenchReport, renderMarkdown, renderSvg } from '../../bench/report.js';
import { percentile } from '../../bench/stats.js';
import type { Pod } from '../../src/api/types.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-bench-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const basicFile = join(dir, 'basic.json');
writeFileSync(basicFile, JSON.stringify(basicWorkload(40, 20, 30)));

function options(file: string, mode: MeasureOptions['mode']): MeasureOptions {
  return {
    workload: 'tiny',
    file,
    mode,
    workers: 1,
    budget: { berth: 60, baseline: 60, agreement: 60 },
    baseline: true,
    memory: false,
    warmupPods: 5,
    warmupSeconds: 0,
    minSeconds: 0,
  };
}

/** Nodes with taints, cordons and labels; pods with tolerations, node affinity, spread and (anti-)affinity. */
function mixedWorkload(): { nodes: unknown[]; pods: Pod[]; pendingPods: Pod[] } {
  const nodes = Array.from({ length: 150 }, (_, i) => {
    const node = basicNode(i);
    const labels = node.metadata.labels as Record<string, string>;
    labels.disktype = i % 3 === 0 ? 'hdd' : 'ssd';
    if (i % 10 === 0) node.spec = { taints: [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }] };
    if (i % 10 === 1) node.spec = { taints: [{ key: 'spot', value: 'true', effect: 'PreferNoSchedule' }] };
    if (i % 37 === 0) node.spec = { ...node.spec, unschedulable: true };
    return node;
  });
  const apps = ['web', 'db', 'cache'];
  const pods = Array.from({ length: 120 }, (_, j) => {
    const pod = basicPod(`init-${j}`, `node-${String((j * 7) % 150).padStart(5, '0')}`);
    pod.metadata.labels = { app: apps[j % 3] };
    return pod;
  });
  const pendingPods = Array.from({ length: 90 }, (_, j) => {
    const app = apps[j % 3];
    const pod = basicPod(`${app}-${j}`);
    pod.metadata.labels = { app };
    pod.spec.tolerations = [{ key: 'spot', operator: 'Equal', value: 'true', effect: 'PreferNoSchedule' }];
    if (app === 'web') {
      pod.spec.affinity = {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'disktype', operator: 'In', values: ['ssd'] }] }],
          },
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 10,
              preference: {
                matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone-1'] }],
              },
            },
          ],
        },
        podAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 30,
              podAffinityTerm: {
                labelSelector: { matchLabels: { app: 'cache' } },
                topologyKey: 'topology.kubernetes.io/zone',
              },
            },
          ],
        },
      };
    } else if (app === 'db') {
      pod.spec.affinity = {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' },
          ],
        },
      };
    } else {
      pod.spec.topologySpreadConstraints = [
        {
          maxSkew: 1,
          topologyKey: 'topology.kubernetes.io/zone',
          whenUnsatisfiable: 'DoNotSchedule',
          labelSelector: { matchLabels: { app } },
        },
        {
          maxSkew: 2,
          topologyKey: 'kubernetes.io/hostname',
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: { app } },
        },
      ];
    }
    return pod;
  });
  return { nodes, pods, pendingPods };
}

describe('bench harness', () => {
  it('measures every pending pod of a small basic workload, and berth and the baseline place them alike', async () => {
    const r = await measureWorkload(options(basicFile, 'every-node'));
    assert.equal(r.nodes, 40);
    assert.equal(r.existingPods, 20);
    assert.equal(r.berth.measured, 30);
    assert.equal(r.berth.scheduled, 30);
    assert.equal(r.baseline?.measured, 30);
    assert.equal(r.agreement?.first.same, 30);
    assert.equal(r.agreement?.random.same, 30);
    assert.ok(r.berth.podsPerSecond > 0 && r.ratio !== undefined);
  });

  it('berth and the baseline place the pods of a mixed workload alike, in both modes', async () => {
    const file = join(dir, 'mixed.json');
    writeFileSync(file, JSON.stringify(mixedWorkload()));
    for (const mode of ['every-node', 'sampled'] as const) {
      const r = await measureWorkload({ ...options(file, mode), maxPods: 60 });
      assert.equal(r.berth.measured, 60);
      assert.deepEqual(r.agreement?.first.firstMismatch, undefined, mode);
      assert.equal(r.agreement?.first.pods, 60);
      assert.equal(r.agreement?.random.same, 60);
    }
  });

  it('measures the worker pool with 2 workers, placing every pod as the inline engine does', async () => {
    const r = await measureWorkload({ ...options(basicFile, 'every-node'), workers: 2, baseline: false });
    assert.equal(r.workers, 2);
    assert.equal(r.berth.measured, 30);
    assert.equal(r.inlineAgreement?.pods, 30);
    assert.equal(r.inlineAgreement?.same, 30);
  });

  it('renders the table and the chart with a pool row', async () => {
    const result = await measureWorkload({ ...options(basicFile, 'sampled'), baseline: false, warmupPods: 0 });
    const pooled = await measureWorkload({
      ...options(basicFile, 'sampled'),
      workers: 2,
      baseline: false,
      warmupPods: 0,
    });
    const report: BenchReport = {
      date: '2026-01-01T00:00:00Z',
      node: 'v20',
      machine: 'test',
      budget: DEFAULT_BUDGET,
      warmupPods: 0,
      totalSeconds: 1,
      rows: [
        { workload: 'tiny', mode: 'sampled', workers: 1, kubeScheduler: 100, result },
        { workload: 'tiny', mode: 'sampled', workers: 2, result: pooled },
      ],
      notes: [],
    };
    const md = renderMarkdown(report);
    assert.match(md, /\| tiny \| default sampling \| 1 \| 30 \|/);
    assert.match(md, /\| tiny \| default sampling \| 2 \| 30 \|.*\| 100% of 30 vs 1 worker \|/);
    const svg = renderSvg(report);
    assert.ok(svg.startsWith('<svg') && svg.trimEnd().endsWith('</svg>'));
  });

  it('percentile picks by nearest rank', () => {
    assert.equal(percentile([5, 1, 3, 2, 4], 50), 3);
    assert.equal(percentile([5, 1, 3, 2, 4], 99), 5);
    assert.ok(Number.isNaN(percentile([], 50)));
  });
});
