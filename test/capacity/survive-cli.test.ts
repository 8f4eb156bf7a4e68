// `berth capacity survive` as a user runs it on the bundled cluster.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function berth(...args: string[]) {
  return spawnSync(process.execPath, [MAIN, ...args], { cwd: ROOT, encoding: 'utf8' });
}

describe('berth capacity survive', () => {
  it('losing zone eu-west-1a of the bundled cluster: pods fit elsewhere, a disruption budget breaks (json)', () => {
    const r = berth(
      'capacity',
      'survive',
      '--snapshot',
      'traces/clusters/demo.yaml',
      '--zone',
      'eu-west-1a',
      '--output',
      'json',
    );
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.survivable, true);
    assert.deepEqual(out.removedNodes, ['ip-10-0-1-10', 'ip-10-0-1-11']);
    assert.deepEqual(
      out.rescheduled.map((p: { pod: string }) => p.pod),
      ['shop/web-7d9f-a', 'shop/redis-0'],
    );
    assert.deepEqual(out.pdbViolations, [{ pdb: 'shop/web', allowed: 0, lost: 1, pods: ['shop/web-7d9f-a'] }]);
  });

  it('--worst 2 names its search and what is stranded (table)', () => {
    const r = berth('capacity', 'survive', '--snapshot', 'traces/clusters/demo.yaml', '--worst', '2');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^lose the worst 2 nodes \(exact search over every set of 2, \d+ rescheduled\)/);
    assert.match(r.stdout, /verdict: NOT SURVIVABLE, stranded 1 pod · cpu 3 · memory 24Gi/);
    assert.match(r.stdout, /batch\/Job\/etl +1 pod/);
  });

  it('a zone no node is in is an input error with status 2, not a stack trace', () => {
    const r = berth('capacity', 'survive', '--snapshot', 'traces/clusters/demo.yaml', '--zone', 'mars-1a');
    assert.equal(r.status, 2);
    assert.equal(
      r.stderr,
      'error: --zone: no node has topology.kubernetes.io/zone=mars-1a (zones: eu-west-1a, eu-west-1b, eu-west-1c)\n',
    );
  });
});
