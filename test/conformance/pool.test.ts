// The conformance corpus through the worker pool: every case scheduled with `--executor pool`
// (2 workers) must give kube-scheduler v1.35.4's decisions, as the inline engine does.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const shared = fileURLToPath(new URL('../../../../shared/conformance/', import.meta.url));

test('the worker pool agrees with kube-scheduler v1.35.4 on every public conformance case', {
  skip: !existsSync(shared) && 'no ../shared/conformance',
}, () => {
  const run = spawnSync(
    process.execPath,
    [`${repo}scripts/conformance.mjs`, '--cases', `${shared}public`, '--executor', 'pool', '--workers', '2'],
    { cwd: repo, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const summary = run.stdout.trim().split('\n').at(-1) ?? '';
  assert.equal(run.status, 0, `${run.stdout.split('\n').slice(0, 20).join('\n')}\n${run.stderr}`);
  assert.match(summary, /conformance \(pool, 2 workers\): \d+ passed, 0 failed/);
});
