// The shared SVG chart pieces: escaping, round scales, step paths, and a time chart that always
// draws one `path.series` per line inside an `<svg data-chart>`.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { esc, linePath, niceTop, timeChart } from '../../src/report/svg-chart.js';

describe('svg-chart', () => {
  test('esc leaves no raw markup characters or double quotes', () => {
    assert.equal(esc('a<b>&"c"'), 'a&lt;b&gt;&amp;&quot;c&quot;');
  });

  test('niceTop is at least the value and its quarter is 1, 2 or 5 × 10^k, never under minStep', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constantFrom(1, 0.01), (v, minStep) => {
        const top = niceTop(v, minStep);
        assert.ok(top >= v, `${top} < ${v}`);
        const q = top / 4;
        assert.ok(q >= minStep - 1e-12);
        const m = q / 10 ** Math.floor(Math.log10(q) + 1e-9);
        assert.ok(
          [1, 2, 5].some((k) => Math.abs(m - k) < 1e-6),
          `quarter ${q}`,
        );
      }),
    );
  });

  test('linePath holds each value until the next sample when drawn as steps', () => {
    assert.equal(linePath([0, 10, 20], [5, 6, 7]), 'M0.0 5.0L10.0 6.0L20.0 7.0');
    assert.equal(linePath([0, 10, 20], [5, 6, 7], true), 'M0.0 5.0H10.0V6.0H20.0V7.0');
  });

  test('timeChart: data-chart first, one path.series per line, a single sample still spans the chart', () => {
    const html = timeChart({
      name: 'a"b',
      title: 'T <1>',
      lines: [
        { name: 'x', t: [100], values: [3] },
        { name: 'y', t: [0, 50, 100], values: [0, 1, 2] },
      ],
      y: { minStep: 1 },
      yFormat: String,
      attrs: ' data-scenario="s"',
    });
    assert.match(html, /^<figure><figcaption>T &lt;1&gt;<\/figcaption><svg data-chart="a&quot;b" data-scenario="s"/);
    const paths = [...html.matchAll(/<path class="series"[^>]* d="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(paths.length, 2);
    const single = /^M([\d.]+) ([\d.]+)L([\d.]+) ([\d.]+)$/.exec(paths[0]);
    assert.ok(single, paths[0]);
    assert.ok(Number(single[1]) < Number(single[3]) && single[2] === single[4], 'a flat segment of two points');
  });
});
