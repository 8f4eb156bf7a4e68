import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ApiClient } from '../../src/capture/api-client.js';
import { resolveKubeConfig } from '../../src/capture/kubeconfig.js';
import { TraceRecorder } from '../../src/capture/trace-recorder.js';
import { scanTrace } from '../../src/traces/reader.js';
import { FakeApiServer, type Obj } from '../helpers/fake-apiserver.js';

const CLI = join(import.meta.dirname, '../../src/cli/main.js');
let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-record-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const node = (name: string, extra: Record<string, unknown> = {}): Obj => ({
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  spec: { ...extra },
  status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } },
});
const pod = (name: string, extra: Record<string, unknown> = {}): Obj => ({
  metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'c', resources: { requests: { cpu: '100m' } } }], ...extra },
  status: { phase: 'Pending' },
});
const deployment = (name: string, replicas: number, generation: number, image = 'app:1'): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default', generation },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
  },
});

type Line = Record<string, unknown> & { t: number; type: string };
const lines = (file: string): Line[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Line);

async function until(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), `timed out waiting for ${what}`);
}

/** The events of a trace without times, as `type name` strings. */
const summary = (ls: Line[]): string[] =>
  ls.map((l) => {
    const obj = (l.pod ?? l.node ?? l.object) as Obj | undefined;
    const name = obj ? String(obj.metadata.name) : String(l.name);
    return l.type === 'workload-scale' ? `${l.type} ${name} ${String(l.replicas)}` : `${l.type} ${name}`;
  });

test('record: disconnects, bookmarks and 410 Gone lose and repeat no event; the trace is valid', async () => {
  const server = new FakeApiServer();
  server.seed('nodes', [node('n1'), node('n2')]);
  server.seed('deployments.apps', [deployment('web', 2, 1)]);
  server.seed('pods', [pod('a', { nodeName: 'n1' }), pod('done', { nodeName: 'n1' })]);
  server.update('pods', { ...pod('done', { nodeName: 'n1' }), status: { phase: 'Succeeded' } });
  server.seed('pods', [
    {
      ...pod('web-1'),
      metadata: {
        name: 'web-1',
        namespace: 'default',
        ownerReferences: [{ kind: 'ReplicaSet', name: 'web-x', controller: true, apiVersion: 'apps/v1', uid: 'u' }],
      },
    },
  ]);
  await server.start();
  const file = join(dir, 'trace.jsonl');
  const resyncs: string[] = [];
  let clock = 0;
  const fatal: unknown[] = [];
  const recorder = new TraceRecorder(file, {
    clock: () => clock,
    retryMs: 5,
    onFatal: (e) => fatal.push(e),
    onResync: (r, why) => resyncs.push(`${r} ${why}`),
  });
  try {
    await recorder.start(new ApiClient(resolveKubeConfig({ kubeconfig: server.writeKubeconfig(dir) })));
    await until('5 watches', () => server.openWatches === 5);
    clock = 10;
    server.create('pods', pod('b'));
    await until('pod b', () => recorder.lines === 5);

    // A dropped connection: what happens meanwhile arrives once the watch resumes.
    server.disconnectWatches();
    clock = 20;
    server.create('pods', pod('c'));
    server.update('nodes', node('n2', { unschedulable: true }));
    await until('pod c and the cordon', () => recorder.lines === 7);
    await until('watches back', () => server.openWatches === 5);

    // Bookmarks move the resume point past events of other resources.
    server.bookmark();
    clock = 30;
    server.update('deployments.apps', deployment('web', 5, 2));
    await until('scale', () => recorder.lines === 8);

    // 410 Gone: history is compacted while the watches are down; a relist finds the differences.
    server.disconnectWatches();
    clock = 40;
    server.delete('pods', 'default/b');
    server.update('pods', { ...pod('a', { nodeName: 'n1' }), status: { phase: 'Succeeded' } });
    server.update('deployments.apps', deployment('web', 5, 3, 'app:2'));
    server.create('nodes', node('n3'));
    server.update('nodes', node('n3', { unschedulable: false }));
    server.compact();
    await until('relisted changes', () => recorder.lines === 12);
    await until('watches back after 410', () => server.openWatches === 5);
    clock = 50;
    server.create('pods', pod('d'));
    await until('pod d', () => recorder.lines === 13);
  } finally {
    recorder.close();
    await server.stop();
  }
  assert.deepEqual(fatal, []);
  assert.ok(
    resyncs.some((r) => r.endsWith('gone')),
    `a 410 was seen: ${resyncs.join(', ')}`,
  );
  assert.ok(
    resyncs.some((r) => r.endsWith('closed') || r.endsWith('error')),
    'a disconnect was seen',
  );
  const got = lines(file);
  const events = summary(got);
  assert.deepEqual(events.slice(0, 4), ['node-add n1', 'node-add n2', 'workload-create web', 'pod-create a']);
  // Separate watches resume in any order: within one resumption, compare as sets.
  assert.deepEqual(events.slice(4, 5), ['pod-create b']);
  assert.deepEqual(new Set(events.slice(5, 7)), new Set(['pod-create c', 'node-cordon n2']));
  assert.deepEqual(events.slice(7, 8), ['workload-scale web 5']);
  assert.deepEqual(
    new Set(events.slice(8, 12)),
    new Set(['pod-delete b', 'pod-delete a', 'workload-update web', 'node-add n3']),
  );
  assert.deepEqual(events.slice(12), ['pod-create d']);
  assert.deepEqual(
    got.map((l) => l.t),
    [0, 0, 0, 0, 10, 20, 20, 30, 40, 40, 40, 40, 50],
  );
  const scan = scanTrace(file);
  assert.deepEqual(scan.problems, []);
  assert.equal(scan.rows, 13);
});

function startRecord(args: string[]) {
  const child = spawn(process.execPath, [CLI, 'record', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

test('berth record: Ctrl-C leaves a complete trace and exits 0', async () => {
  const server = new FakeApiServer();
  server.seed('nodes', [node('n1')]);
  await server.start();
  const out = join(dir, 'sigint.jsonl');
  const run = startRecord(['--kubeconfig', server.writeKubeconfig(dir), '--out', out]);
  try {
    await until('watching', () => run.stderr().includes('watching'));
    for (let i = 0; i < 50; i++) server.create('pods', pod(`p${i}`));
    await until('pods recorded', () => lines(out).length === 51);
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0, run.stderr());
  } finally {
    await server.stop();
  }
  assert.ok(readFileSync(out, 'utf8').endsWith('\n'));
  assert.equal(scanTrace(out).badRows, 0);
  assert.match(run.stderr(), /51 events written/);
});

test('berth record: a watch RBAC refuses is a clear error naming verb and resource, exit 2', async () => {
  const server = new FakeApiServer();
  server.forbidden.add('watch nodes');
  await server.start();
  const run = startRecord([
    '--kubeconfig',
    server.writeKubeconfig(dir),
    '--out',
    join(dir, 'f.jsonl'),
    '--duration',
    '1m',
  ]);
  try {
    assert.equal(await run.exited, 2);
  } finally {
    await server.stop();
  }
  assert.match(run.stderr(), /forbidden: cannot watch nodes at cluster scope: needs RBAC verb watch on nodes/);
});
