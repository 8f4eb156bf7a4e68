// `berth capacity fit|drain|plan` as a user runs them: table or JSON on stdout; input problems on
// stderr with status 2; drain answers "no" with status 1.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/capacity/', import.meta.url));

function berth(...args: string[]) {
  return spawnSync(process.execPath, [MAIN, 'capacity', ...args], { cwd: FIXTURES, encoding: 'utf8' });
}

describe('berth capacity', () => {
  it('fit prints the count, the reason for the next and the spread over nodes', () => {
    const r = berth('fit', '--snapshot', 'cluster.yaml', '--pod', 'pod.yaml');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^3 more replicas of default\/job fit on 2 nodes\n/);
    assert.match(r.stdout, /the next one does not: 0\/2 nodes are available: 2 Insufficient cpu\.\n/);
    const json = JSON.parse(berth('fit', '--snapshot', 'cluster.yaml', '--pod', 'pod.yaml', '--output', 'json').stdout);
    assert.equal(json.replicas, 3);
  });

  it('drain says what blocks a node (status 1) and where pods go when it can go (status 0)', () => {
    const a = berth('drain', '--snapshot', 'cluster.yaml', '--node', 'a');
    assert.equal(a.status, 1);
    assert.match(a.stdout, /default\/bare\s+blocked\s+not managed by a controller/);
    const b = berth('drain', '--snapshot', 'cluster.yaml', '--node', 'b', '--output', 'json');
    assert.equal(b.status, 0);
    assert.deepEqual(JSON.parse(b.stdout).pods, [{ pod: 'default/web-2', outcome: 'moves', to: 'a' }]);
  });

  it('plan takes inline YAML or an instance type, and reports pods that fit no node of the type', () => {
    const inline = berth(
      'plan',
      '--workload',
      'workload.yaml',
      '--node-type',
      'metadata: {name: small}\nstatus: {allocatable: {cpu: "4", memory: 16Gi, pods: "110"}}',
      '--output',
      'json',
    );
    assert.equal(inline.status, 0, inline.stderr);
    const plan = JSON.parse(inline.stdout);
    assert.equal(plan.nodes, 4);
    assert.equal(plan.unplaceable[0].workload, 'Pod/huge');
    const typed = berth('plan', '--workload', 'workload.yaml', '--node-type', 'm5.xlarge');
    assert.match(typed.stdout, /^4 nodes of type m5\.xlarge hold 10 pods\n/);
  });

  it('reports bad options and inputs as problems with status 2', () => {
    const cases: [string[], RegExp][] = [
      [['drain', '--snapshot', 'cluster.yaml', '--node', 'zz'], /^error: --node: no node named "zz"/],
      [['fit', '--snapshot', 'cluster.yaml', '--pod', 'workload.yaml'], /--pod: expected exactly one Pod/],
      [['fit', '--snapshot', 'cluster.yaml', '--pod', 'pod.yaml', '--max', '0'], /--max: expected a whole number/],
      [['plan', '--workload', 'workload.yaml', '--node-type', 'm5.xlarj'], /did you mean m5\.xlarge\?/],
      [
        [
          'plan',
          '--workload',
          'workload.yaml',
          '--node-type',
          'metadata: {name: x}\nstatus: {allocatable: {cpu: "4x"}}',
        ],
        /^error: --node-type:2 status\.allocatable\.cpu: "4x" is not a quantity/,
      ],
    ];
    for (const [args, stderr] of cases) {
      const r = berth(...args);
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });
});
