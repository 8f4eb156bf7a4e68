// `berth validate` as a user runs it: a summary and status 0, or every problem and status 2.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formatResource } from '../../src/cli/validate.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/', import.meta.url));

function berth(...args: string[]) {
  return spawnSync(process.execPath, [MAIN, ...args], { cwd: FIXTURES, encoding: 'utf8' });
}

test('validate on a good file: counts per kind, total allocatable for people, status 0', () => {
  const r = berth('validate', 'good/cluster.yaml');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(
    r.stdout,
    [
      'loaded:',
      '  nodes             2',
      '  pods              2 (1 bound, 1 pending)',
      '  namespaces        1',
      '  services          1',
      '  deployments       1',
      '  priority classes  1',
      'allocatable, all nodes:',
      '  cpu               7.8 cores',
      '  memory            31 Gi',
      '  pods              220',
      '  nvidia.com/gpu    2',
      '',
    ].join('\n'),
  );
  assert.equal(
    r.stderr,
    'warning: good/cluster.yaml: 1 pod in phase Succeeded or Failed left out (they hold no resources)\n' +
      'warning: good/cluster.yaml:156 kind: unknown kind "ConfigMap": skipped\n',
  );
});

test('validate on broken files: every problem on stderr, status 2, no stack trace', () => {
  const r = berth('validate', 'broken/many-mistakes.yaml', 'broken/json-syntax.json');
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 6);
  assert.ok(
    lines.every((l) => l.startsWith('error: broken/')),
    r.stderr,
  );
  assert.equal(
    lines[5],
    "error: broken/json-syntax.json:6: JSON syntax error: expected ',' or '}' after a property value, got '\"' (column 5)",
  );
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('validate --strict turns unknown fields into errors', () => {
  assert.equal(berth('validate', 'broken/unknown-field-strict.yaml').status, 0);
  const r = berth('validate', '--strict', 'broken/unknown-field-strict.yaml');
  assert.equal(r.status, 2);
  assert.equal(
    r.stderr,
    'error: broken/unknown-field-strict.yaml:9 spec.toleration: unknown field (did you mean tolerations?)\n',
  );
});

test('resources for people: cpu in cores, bytes in Gi, the rest as counts', () => {
  assert.equal(formatResource('cpu', 7800n), '7.8 cores');
  assert.equal(formatResource('cpu', 250n), '0.25 cores');
  assert.equal(formatResource('memory', 1024n ** 3n * 1000n * 3n), '3 Gi');
  assert.equal(formatResource('memory', 1000n * 1000n ** 3n), '0.93 Gi');
  assert.equal(formatResource('hugepages-2Mi', 1024n ** 2n * 1000n * 512n), '0.5 Gi');
  assert.equal(formatResource('pods', 110000n), '110');
  assert.equal(formatResource('example.com/fpga', 1500n), '2');
});
