// The replay report in a real headless Chromium: it loads with no console errors and no network,
// every chart renders at a visible size with drawn series, and a screenshot is kept under
// test-output/ as an artifact of the run.
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { replay } from '../../src/sim/replay.js';
import { whatif } from '../../src/whatif/whatif.js';
import { artifactPath, browserSkipReason, withPage } from '../helpers/browser.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const CHARTS = ['allocation', 'pending', 'running', 'nodes'];

const skip = browserSkipReason();
if (skip) console.log(`skipping browser tests: ${skip}`);

interface ChartInfo {
  name: string | null;
  width: number;
  height: number;
  paths: number;
  drawn: number;
}

/** Replays `trace` on the demo cluster, opens report.html, checks it, and saves a screenshot. */
async function checkReport(trace: string, until: number, charts: string[], shotName: string): Promise<void> {
  const out = artifactPath('browser', shotName);
  await replay({ cluster: join(ROOT, 'traces/clusters/demo.yaml'), trace: join(ROOT, trace), seed: 1, until, out });
  await checkPage(out, charts, shotName);
}

/** Opens DIR/report.html: the charts named, in order, each drawn; no console errors; a screenshot. */
async function checkPage(out: string, charts: string[], shotName: string): Promise<void> {
  const shot = artifactPath('browser', `${shotName}.png`);
  await withPage(join(out, 'report.html'), async (page, consoleErrors) => {
    const found: ChartInfo[] = await page.$$eval('svg[data-chart]', (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        // SVGPathElement (no DOM lib in this project's tsconfig).
        const paths = [...svg.querySelectorAll('path.series')] as unknown as {
          getTotalLength(): number;
          getBBox(): { width: number };
        }[];
        return {
          name: svg.getAttribute('data-chart'),
          width: box.width,
          height: box.height,
          paths: paths.length,
          drawn: paths.filter((p) => p.getTotalLength() > 0 && p.getBBox().width > 0).length,
        };
      }),
    );
    assert.deepEqual(
      found.map((c) => c.name),
      charts,
    );
    for (const c of found) {
      assert.ok(c.width > 100 && c.height > 50, `chart ${c.name} is ${c.width}×${c.height}`);
      assert.ok(c.paths > 0 && c.drawn === c.paths, `chart ${c.name}: ${c.drawn} of ${c.paths} series drawn`);
    }
    await page.screenshot({ path: shot, fullPage: true });
    assert.deepEqual(consoleErrors, []);
  });
  assert.ok(existsSync(shot) && statSync(shot).size > 10_000, 'the screenshot was written');
}

describe('report.html in headless Chromium', { timeout: 180_000 }, () => {
  it('the bundled demo: no console errors, every svg[data-chart] drawn, a screenshot saved', { skip }, async () => {
    await checkReport('traces/demo-trace.jsonl', 6 * 3600, CHARTS, 'replay-report');
  });

  it('with a HorizontalPodAutoscaler: its replicas chart is drawn too', { skip }, async () => {
    await checkReport('traces/hpa-demo.jsonl', 24 * 3600, [...CHARTS, 'replicas'], 'hpa-report');
  });

  it('the bundled what-if comparison: every scenario chart drawn, no console errors', { skip }, async () => {
    const dir = join(ROOT, 'traces/whatif');
    const out = artifactPath('browser', 'whatif-report');
    const names = ['ca-least-waste-m5', 'ca-price-spot', 'karpenter'];
    const scenarios = names.map((n) => join(dir, `${n}.yaml`));
    await whatif({ trace: join(dir, 'trace.jsonl'), scenarios, seed: 1, out, threads: 1 });
    const charts = ['comparison', 'nodes', 'pending', 'allocation-cpu', 'allocation-memory', 'cost'];
    await checkPage(out, [...charts, ...names.map(() => 'nodes-per-group')], 'whatif-report');
  });
});
