// The conformance check, exactly as the README of ../shared/conformance runs it: berth's CLI on
// every case, diffed with the decisions the real kube-scheduler v1.35.4 framework made.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const shared = fileURLToPath(new URL('../../../../shared/conformance/', import.meta.url));

test('berth schedule agrees with kube-scheduler v1.35.4 on every public conformance case', {
  skip: !existsSync(shared) && 'no ../shared/conformance',
}, () => {
  const cli = `${process.execPath} ${repo}dist/src/cli/main.js schedule --snapshot {case} {config} --tie-break first --output json`;
  const run = spawnSync(
    process.execPath,
    [`${shared}check.mjs`, '--cases', `${shared}public`, '--jobs', '2', '--cmd', cli],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const summary = run.stdout.trim().split('\n').at(-1) ?? '';
  const failures = run.stdout
    .split('\n')
    .filter((l) => l.startsWith('FAIL'))
    .slice(0, 20);
  assert.equal(run.status, 0, `${summary}\n${failures.join('\n')}\n${run.stderr}`);
  assert.match(summary, /conformance: \d+ passed, 0 failed/);
});
