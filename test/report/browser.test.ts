// The replay report in a real headless Chromium: it loads with no console errors and no network,
// every chart renders at a visible size with drawn series, and a screenshot is kept under
// test-output/ as an artifact of the run.
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { replay } from '../../src/sim/replay.js';
import { artifactPath, browserSkipReason, withPage } from '../helpers/browser.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const CHARTS = ['allocation', 'pending', 'running', 'nodes'];

const skip = browserSkipReason();
if (skip) console.log(`# skipping browser tests: ${skip}`);

describe('report.html in headless Chromium', { skip, timeout: 180_000 }, () => {
  it('loads with no console errors, draws every svg[data-chart], and saves a screenshot', async () => {
    const out = artifactPath('browser', 'replay');
    await replay({
      cluster: join(ROOT, 'traces/clusters/demo.yaml'),
      trace: join(ROOT, 'traces/demo-trace.jsonl'),
      seed: 1,
      until: 6 * 3600,
      out,
    });
    const shot = artifactPath('browser', 'replay-report.png');
    await withPage(join(out, 'report.html'), async (page, consoleErrors) => {
      const charts = await page.$$eval('svg[data-chart]', (svgs) =>
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
        charts.map((c) => c.name),
        CHARTS,
      );
      for (const c of charts) {
        assert.ok(c.width > 100 && c.height > 50, `chart ${c.name} is ${c.width}×${c.height}`);
        assert.ok(c.paths > 0 && c.drawn === c.paths, `chart ${c.name}: ${c.drawn} of ${c.paths} series drawn`);
      }
      await page.screenshot({ path: shot, fullPage: true });
      assert.deepEqual(consoleErrors, []);
    });
    assert.ok(existsSync(shot) && statSync(shot).size > 10_000, 'the screenshot was written');
  });
});
