import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ApiClient } from '../../src/capture/api-client.js';
import { resolveKubeConfig } from '../../src/capture/kubeconfig.js';
import { captureSnapshot } from '../../src/capture/snapshot.js';
import { FakeApiServer, seedFromCase } from '../helpers/fake-apiserver.js';
import { CASE_IDS, caseConfig, readCase, scheduleText } from './cases.js';

const CLI = join(import.meta.dirname, '../../src/cli/main.js');

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI without blocking this process's event loop, where the fake API server answers. */
function berth(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-capture-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function served<T>(id: string, body: (server: FakeApiServer, client: ApiClient) => Promise<T>): Promise<T> {
  const server = new FakeApiServer();
  seedFromCase(server, readCase(id));
  await server.start();
  try {
    const kc = resolveKubeConfig({ kubeconfig: server.writeKubeconfig(dir) });
    return await body(server, new ApiClient(kc));
  } finally {
    await server.stop();
  }
}

test('a snapshot captured through paged lists schedules identically to the conformance case (every 9th case)', async () => {
  for (const id of CASE_IDS.filter((_, i) => i % 9 === 0)) {
    await served(id, async (server, client) => {
      const captured = await captureSnapshot(client, { pageSize: 3 });
      const config = await caseConfig(id);
      assert.equal(scheduleText(captured, config), scheduleText(readCase(id), config), `case ${id}`);
      const continued = server.requests.filter((r) => r.path === '/api/v1/nodes' && r.query.continue);
      if ((readCase(id).nodes ?? []).length > 3) assert.ok(continued.length > 0, 'nodes were read in pages');
    });
  }
});

test('an expired continue token restarts the list and still yields every object once', async () => {
  await served(CASE_IDS[3], async (server, client) => {
    server.expireContinues = 1;
    const captured = await captureSnapshot(client, { pageSize: 2 });
    const c = readCase(CASE_IDS[3]);
    assert.equal(captured.nodes.length, c.nodes.length);
    assert.equal(captured.pods.length + captured.pendingPods.length, c.pods.length + c.pendingPods.length);
  });
});

test('--namespace reads only that namespace (and gets its Namespace object); cluster-scoped kinds stay whole', async () => {
  const id = CASE_IDS.find((i) => new Set(readCase(i).pods.map((p) => p.metadata.namespace ?? 'default')).size > 1);
  assert.ok(id, 'a case with pods in two namespaces');
  await served(id, async (server, client) => {
    const c = readCase(id);
    const ns = String(c.pods[0].metadata.namespace ?? 'default');
    const captured = await captureSnapshot(client, { namespace: ns, pageSize: 4 });
    assert.equal(captured.nodes.length, c.nodes.length);
    assert.deepEqual(
      captured.namespaces.map((n) => n.metadata?.name),
      [ns],
    );
    const all = [...captured.pods, ...captured.pendingPods];
    assert.ok(all.length > 0);
    assert.ok(all.every((p) => p.metadata?.namespace === ns));
    assert.ok(server.requests.some((r) => r.path === `/api/v1/namespaces/${ns}/pods`));
  });
});

test('berth snapshot --anonymize writes a file berth schedule reads, with the same decisions', async () => {
  const id = CASE_IDS[12];
  await served(id, async (server) => {
    const kubeconfig = server.writeKubeconfig(dir);
    const out = join(dir, 'snap.json');
    const run = await berth(['snapshot', '--kubeconfig', kubeconfig, '--out', out]);
    assert.equal(run.status, 0, run.stderr);
    const sched = (file: string) => berth(['schedule', '--snapshot', file, '--tie-break', 'first', '--output', 'json']);
    const plain = await sched(out);
    assert.equal(plain.status, 0, plain.stderr);
    const anon = join(dir, 'anon.json');
    const run2 = await berth([
      'snapshot',
      '--kubeconfig',
      kubeconfig,
      '--anonymize',
      '--anonymize-key',
      'k',
      '--out',
      anon,
    ]);
    assert.equal(run2.status, 0, run2.stderr);
    const anonText = readFileSync(anon, 'utf8');
    for (const node of readCase(id).nodes) assert.ok(!anonText.includes(`"${String(node.metadata.name)}"`));
    const anonOut = await sched(anon);
    assert.equal(anonOut.status, 0, anonOut.stderr);
    const chosen = (text: string) =>
      (JSON.parse(text) as { results: { chosenNode?: string }[] }).results.map((r) => r.chosenNode === undefined);
    assert.deepEqual(chosen(anonOut.stdout), chosen(plain.stdout));
  });
});

function snapshotCli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Ran> {
  return berth(['snapshot', '--out', join(dir, 'x.json'), ...args], env);
}

test('forbidden: the error names the verb and resource RBAC must allow, exit status 2', async () => {
  await served(CASE_IDS[0], async (server) => {
    server.forbidden.add('list pods');
    const run = await snapshotCli(['--kubeconfig', server.writeKubeconfig(dir)]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /forbidden: cannot list pods at cluster scope: needs RBAC verb list on pods/);
    assert.doesNotMatch(run.stderr, /at .*\.js:\d+/, 'no stack trace');
  });
});

test('expired credentials (401) say so, exit status 2', async () => {
  await served(CASE_IDS[0], async (server) => {
    server.unauthorized = true;
    const run = await snapshotCli(['--kubeconfig', server.writeKubeconfig(dir)]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /unauthorized: .* rejected the credentials \(expired or invalid/);
  });
});

test('an unreachable server and a missing kubeconfig are clear errors', async () => {
  const server = new FakeApiServer();
  await server.start();
  const kubeconfig = server.writeKubeconfig(dir);
  await server.stop();
  const down = await snapshotCli(['--kubeconfig', kubeconfig]);
  assert.equal(down.status, 2);
  assert.match(down.stderr, /cannot reach the API server at http:\/\/127\.0\.0\.1:\d+/);
  const { KUBECONFIG: _k, KUBERNETES_SERVICE_HOST: _h, ...env } = process.env;
  const none = await snapshotCli([], { ...env, HOME: dir });
  assert.equal(none.status, 2);
  assert.match(none.stderr, /no kubeconfig: pass --kubeconfig FILE, set KUBECONFIG/);
  const missing = await snapshotCli(['--kubeconfig', join(dir, 'nope')]);
  assert.match(missing.stderr, /nope: no such file/);
  const ctx = await snapshotCli(['--kubeconfig', kubeconfig, '--context', 'prod']);
  assert.match(ctx.stderr, /no context "prod" \(known: fake\)/);
});
