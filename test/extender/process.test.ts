// `berth serve` as its own process: JSON logs on stdout, a filter answered over loopback, and a
// clean exit on SIGTERM.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { apiNode, apiPod, cacheArgs, clusterOf, type Json, post, send } from './helpers.js';

const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const registered = spawnSync(process.execPath, [main, 'serve', '--help'], { encoding: 'utf8' }).stdout.includes(
  '--snapshot',
);

/** Collects the child's JSON log lines; `waitFor(msg)` resolves with the first line whose msg is `msg`. */
function logReader(child: ChildProcess) {
  const log: Json[] = [];
  const waiters: { msg: string; resolve: (l: Json) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const entry = JSON.parse(line) as Json;
    log.push(entry);
    for (const w of waiters.filter((x) => x.msg === entry.msg)) w.resolve(entry);
  });
  const waitFor = (msg: string) =>
    new Promise<Json>((resolve, reject) => {
      const seen = log.find((l) => l.msg === msg);
      if (seen) return resolve(seen);
      const timer = setTimeout(
        () => reject(new Error(`no "${msg}" log line within 20 s: ${JSON.stringify(log)}`)),
        20_000,
      );
      waiters.push({
        msg,
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      });
    });
  return { log, waitFor };
}

test('berth serve: listens, loads the snapshot, answers, logs JSON, exits 0 on SIGTERM', {
  skip: !registered && 'serve is not registered in src/cli/main.ts yet',
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-serve-'));
  const file = join(dir, 'cluster.json');
  writeFileSync(file, JSON.stringify(clusterOf([apiNode('n1'), apiNode('n2', { cpu: '1' })])));
  const child = spawn(
    process.execPath,
    [main, 'serve', '--listen', '127.0.0.1:0', '--snapshot', file, '--log-level', 'debug'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const { log, waitFor } = logReader(child);
  try {
    const url = (await waitFor('extender listening')).url as string;
    await waitFor('node cache loaded');
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/scheduler$/);
    assert.equal((await send(`${url.replace('/scheduler', '')}/readyz`)).status, 200);
    const r = await post(url, 'filter', cacheArgs(apiPod('p', { cpu: '2' }), ['n1', 'n2']));
    assert.equal(r.status, 200);
    assert.deepEqual((r.json as Json).NodeNames, ['n1']);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.ok(log.some((l) => l.msg === 'shutting down' && l.signal === 'SIGTERM'));
    assert.ok(log.every((l) => l.service === 'berth-extender' && typeof l.level === 'number'));
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
