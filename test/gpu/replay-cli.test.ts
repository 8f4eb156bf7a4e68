// `berth replay --alibaba-gpu DIR`: the FGD study's experiment from the replay command, on a tiny
// trace folder; and the replay's own options stay required without it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function berth(...args: string[]) {
  return spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });
}

test('replay --alibaba-gpu writes the allocation curves of each policy and the final table', () => {
  const data = mkdtempSync(join(tmpdir(), 'berth-gpu-cli-'));
  writeFileSync(join(data, 'openb_node_list_all_node.csv'), 'sn,cpu_milli,memory_mib,gpu,model\nn0,32000,65536,2,T4\n');
  writeFileSync(
    join(data, 'openb_pod_list_default.csv'),
    'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec\nt0,1000,1024,1,500,\nt1,1000,1024,1,1000,\n',
  );
  const out = join(data, 'out');
  const r = berth('replay', '--alibaba-gpu', data, '--gpu-policies', 'fgd,bestfit', '--seeds', '1', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\| default \|/);
  const csv = readFileSync(join(out, 'curves.csv'), 'utf8').trim().split('\n');
  assert.deepEqual(
    csv.slice(1).map((row) => row.split(',').slice(0, 3).join(',')),
    ['default,fgd,1', 'default,bestfit,1'],
  );
  assert.ok(csv[0].endsWith(',alloc_at_130pct'), 'a column per 1% of arrived workload up to the target load');
});

test('replay without --cluster names the missing option, exit 2', () => {
  const r = berth('replay', '--trace', 'x.jsonl', '--out', join(tmpdir(), 'never'));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--cluster: required \(or give --alibaba-gpu DIR\)/);
});

test('--cluster with --alibaba-gpu is refused, exit 2', () => {
  const r = berth('replay', '--alibaba-gpu', '.', '--cluster', 'c.yaml', '--out', join(tmpdir(), 'never'));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--cluster: not used with --alibaba-gpu/);
});
