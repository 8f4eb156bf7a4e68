// `berth whatif` end to end on the bundled example: outputs, determinism, shards and merge, problems.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../src/api/problem.js';
import { parseDuration, readScenario } from '../../src/whatif/scenario.js';
import { merge, whatif } from '../../src/whatif/whatif.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../../traces/whatif/', import.meta.url));
const SCENARIOS = ['ca-least-waste-m5.yaml', 'ca-price-spot.yaml', 'karpenter.yaml'].map((f) => join(EXAMPLE, f));
const TRACE = join(EXAMPLE, 'trace.jsonl');

const tmp = () => mkdtempSync(join(tmpdir(), 'berth-whatif-'));
const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

describe('berth whatif', () => {
  const out = join(tmp(), 'out');
  const first = whatif({ trace: TRACE, scenarios: SCENARIOS, seed: 1, out, threads: 2 });

  it('writes the comparison of every scenario, in the order given', async () => {
    const c = await first;
    assert.deepEqual(
      c.scenarios.map((s) => s.name),
      ['ca-least-waste-m5', 'ca-price-spot', 'karpenter'],
    );
    const csv = read(out, 'comparison.csv').trim().split('\n');
    assert.equal(csv.length, 4);
    assert.match(
      csv[0],
      /^scenario,policy,cost,nodeHours,pendingP50,pendingP95,pendingP99,unschedulable,noNodeTypeFits/,
    );
    assert.match(read(out, 'comparison.md'), /^\| scenario \| policy \| cost \(\$\)/);
    const series = read(out, 'timeseries/01-ca-price-spot.csv').trim().split('\n');
    assert.equal(
      series[0],
      'minute,time_s,nodes_m5-large-od,nodes_m5-xlarge-spot,nodes_c5-2xlarge-spot,nodes_r5-xlarge-spot,cost',
    );
    assert.equal(series.length, 1 + 3 * 60 + 1);
    assert.equal(Number(series.at(-1)!.split(',').at(-1)), c.scenarios[1].policy.cost);
    // The bundled trace holds one pod larger than every type: pending at the end, reported, no scale-up for it.
    for (const s of c.scenarios) {
      assert.equal(s.row.noNodeTypeFits, 1);
      assert.deepEqual(s.policy.podsNoGroupFitsListed, ['batch/giant-training']);
      assert.ok(s.policy.events.every((e) => !e.detail.includes('giant')));
      assert.ok(s.row.cost > 0);
    }
  });

  it('report.html is one self-contained page where every chart is an svg with data-chart', async () => {
    await first;
    const html = read(out, 'report.html');
    assert.doesNotMatch(html, /<script|https?:\/\//);
    const charts = [...html.matchAll(/<svg data-chart="([^"]+)"/g)].map((m) => m[1]);
    for (const name of ['comparison', 'nodes', 'pending', 'allocation-cpu', 'allocation-memory', 'cost'])
      assert.ok(charts.includes(name), name);
    assert.equal(charts.filter((n) => n === 'nodes-per-group').length, 3);
    // Every chart draws its series as paths: a line per scenario (or group), two bars per scenario.
    for (const svg of html.match(/<svg data-chart="[^"]+"[\s\S]*?<\/svg>/g) ?? []) {
      const name = /data-chart="([^"]+)"/.exec(svg)?.[1];
      const series = svg.match(/<path class="series"/g)?.length ?? 0;
      const groups = /data-scenario="([^"]+)"/.exec(svg)?.[1];
      const expected = name === 'comparison' ? 6 : groups ? ({ 'ca-price-spot': 4, karpenter: 7 }[groups] ?? 3) : 3;
      assert.equal(series, expected, `${name} ${groups ?? ''}: ${series} series`);
    }
  });

  it('determinism: same seed, identical comparison bytes, whatever the thread count', async () => {
    await first;
    const again = join(tmp(), 'again');
    await whatif({ trace: TRACE, scenarios: SCENARIOS, seed: 1, out: again, threads: 1 });
    for (const f of ['comparison.json', 'comparison.csv', 'comparison.md', 'report.html'])
      assert.equal(read(again, f), read(out, f), f);
  });

  it('shards run slices of the list and merge gives the unsharded comparison', async () => {
    await first;
    const root = tmp();
    await whatif({ trace: TRACE, scenarios: SCENARIOS, seed: 1, out: join(root, 's0'), shard: { index: 0, count: 2 } });
    await whatif({ trace: TRACE, scenarios: SCENARIOS, seed: 1, out: join(root, 's1'), shard: { index: 1, count: 2 } });
    assert.equal(read(join(root, 's0'), 'comparison.csv').trim().split('\n').length, 3);
    assert.equal(read(join(root, 's1'), 'comparison.csv').trim().split('\n').length, 2);
    merge([join(root, 's1'), join(root, 's0')], join(root, 'merged'));
    for (const f of ['comparison.csv', 'comparison.md', 'report.html', 'timeseries/02-karpenter.csv'])
      assert.equal(read(join(root, 'merged'), f), read(out, f), f);
    assert.throws(() => merge([join(root, 's0'), join(root, 's0')], join(root, 'twice')), InputError);
    const cli = spawnSync(
      process.execPath,
      [MAIN, 'whatif', 'merge', join(root, 's0'), join(root, 's1'), '--out', join(root, 'cli')],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(cli.status, 0, cli.stderr);
    assert.equal(read(join(root, 'cli'), 'comparison.md'), read(out, 'comparison.md'));
  });
});

describe('scenario files', () => {
  it('durations in the flags style', () => {
    assert.deepEqual(['10m', '90s', '1h', '1m30s', 45, '2h'].map(parseDuration), [600, 90, 3600, 90, 45, 7200]);
    assert.equal(parseDuration('ten minutes'), undefined);
  });

  it('every mistake is a problem naming file, line and field', () => {
    const file = join(tmp(), 'bad.yaml');
    writeFileSync(
      file,
      [
        'name: bad',
        'nodeGroups:',
        '  - name: m5-large',
        '    instanceType: m5.nonexistent',
        '    price: 0.1',
        '  - name: ok',
        '    instanceType: m5.large',
        '    price: cheap',
        'autoscaler:',
        '  kind: cluster-autoscaler',
        '  expander: least-waste,cheapest',
        '  scale-down-unneeded-time: soon',
        '',
      ].join('\n'),
    );
    try {
      readScenario(file);
      assert.fail('expected problems');
    } catch (err) {
      assert.ok(err instanceof InputError);
      const got = err.problems.map((p) => `${p.line} ${p.path}`);
      assert.deepEqual(got, [
        '4 nodeGroups[0].instanceType',
        '8 nodeGroups[1].price',
        '11 autoscaler.expander',
        '12 autoscaler.scale-down-unneeded-time',
      ]);
      assert.match(err.problems[2].message, /unknown expander cheapest/);
    }
  });

  it('the CLI prints problems and exits 2, without a stack trace', () => {
    const r = spawnSync(
      process.execPath,
      [MAIN, 'whatif', '--trace', TRACE, '--scenario', join(EXAMPLE, 'nope.yaml'), '--out', join(tmp(), 'o')],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^error: .*nope\.yaml: cannot read the scenario file\n$/);
    const shard = spawnSync(
      process.execPath,
      [MAIN, 'whatif', '--trace', TRACE, '--scenario', SCENARIOS[0], '--shard', '2/2', '--out', join(tmp(), 'o')],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(shard.status, 2);
    assert.match(shard.stderr, /--shard: expected i\/n/);
  });
});
