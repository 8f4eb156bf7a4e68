import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ApiClient } from '../../src/capture/api-client.js';
import { Informer, type InformerEvent } from '../../src/capture/informer.js';
import { resolveKubeConfig } from '../../src/capture/kubeconfig.js';
import { NODES } from '../../src/capture/resources.js';
import { FakeApiServer, type Obj } from '../helpers/fake-apiserver.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-informer-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function until(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), `timed out waiting for ${what}`);
}

const node = (name: string): Obj => ({ metadata: { name }, status: { allocatable: { cpu: '1' } } });

test('a watch resumes from the last bookmark, not from an older resourceVersion', async () => {
  const server = new FakeApiServer();
  server.seed('nodes', [node('n1')]);
  await server.start();
  const events: InformerEvent[] = [];
  const informer = new Informer(new ApiClient(resolveKubeConfig({ kubeconfig: server.writeKubeconfig(dir) })), NODES, {
    onEvent: (e) => events.push(e),
    onFatal: (e) => assert.fail(String(e)),
    retryMs: 5,
  });
  try {
    await informer.start();
    await until('watch open', () => server.openWatches === 1);
    for (let i = 0; i < 5; i++) server.create('pods', { metadata: { name: `p${i}` }, spec: {} });
    server.bookmark();
    const bookmarked = String(server.rv);
    await until('bookmark seen', () => informer.resourceVersion === bookmarked);
    server.disconnectWatches();
    await until('watch back', () => server.openWatches === 1);
    const watches = server.requests.filter((r) => r.path === '/api/v1/nodes' && r.query.watch === 'true');
    assert.equal(watches.at(-1)?.query.resourceVersion, bookmarked);
    assert.equal(watches.at(-1)?.query.allowWatchBookmarks, 'true');
    assert.deepEqual(
      events.map((e) => `${e.type} ${String(e.object.metadata?.name)} ${e.initial}`),
      ['added n1 true'],
    );
  } finally {
    informer.stop();
    await server.stop();
  }
});

test('kubeconfig: KUBECONFIG lists files to merge (the first names the current context), else ~/.kube/config', () => {
  const a = join(dir, 'a.yaml');
  const b = join(dir, 'b.yaml');
  const cfg = (name: string, current: boolean) =>
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters:\n- name: ${name}\n  cluster:\n    server: https://${name}.example:6443`,
      `users:\n- name: ${name}\n  user:\n    token: t`,
      `contexts:\n- name: ${name}\n  context:\n    cluster: ${name}\n    user: ${name}`,
      current ? `current-context: ${name}` : '',
      '',
    ].join('\n');
  writeFileSync(a, cfg('alpha', true));
  writeFileSync(b, cfg('beta', true));
  const kc = resolveKubeConfig({}, { KUBECONFIG: `${a}:${b}`, HOME: dir });
  assert.equal(kc.getCurrentCluster()?.server, 'https://alpha.example:6443');
  const beta = resolveKubeConfig({ context: 'beta' }, { KUBECONFIG: `${a}:${b}`, HOME: dir });
  assert.equal(beta.getCurrentCluster()?.server, 'https://beta.example:6443');
  assert.throws(() => resolveKubeConfig({}, { HOME: join(dir, 'nowhere') }), /no kubeconfig/);
  mkdirSync(join(dir, '.kube'));
  writeFileSync(join(dir, '.kube', 'config'), cfg('home', true));
  assert.equal(resolveKubeConfig({}, { HOME: dir }).getCurrentCluster()?.server, 'https://home.example:6443');
});
