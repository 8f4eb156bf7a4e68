// berth serve following a live cluster (list+watch through the fake API server) and binding
// through the API, as `berth serve --live --bind` runs.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ApiClient } from '../../src/capture/api-client.js';
import { resolveKubeConfig } from '../../src/capture/kubeconfig.js';
import type { ExecutorChoice } from '../../src/engine/executor.js';
import { type RunningExtender, startExtender } from '../../src/extender/start.js';
import { loadClusterFromText } from '../../src/load/load.js';
import { CASE_IDS, readCase } from '../capture/cases.js';
import { FakeApiServer, type Obj, seedFromCase } from '../helpers/fake-apiserver.js';
import { cacheArgs, type Json, post, profile, silent } from './helpers.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-live-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function until(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), `timed out waiting for ${what}`);
}

const ID = CASE_IDS[20];

async function withLive(
  body: (server: FakeApiServer, ext: RunningExtender, fromFile: RunningExtender) => Promise<void>,
  prepare: (server: FakeApiServer) => void = () => {},
  executor?: ExecutorChoice,
): Promise<void> {
  const c = readCase(ID);
  const server = new FakeApiServer();
  seedFromCase(server, c);
  prepare(server);
  await server.start();
  const client = new ApiClient(resolveKubeConfig({ kubeconfig: server.writeKubeconfig(dir) }));
  const common = { profile, logger: silent, host: '127.0.0.1', port: 0, tieBreak: 'first' as const };
  const ext = await startExtender({
    ...common,
    live: { client, settleMs: 5, retryMs: 5 },
    bindVia: client,
    executor,
    profileSpec: { plugins: [] },
  });
  const fromFile = await startExtender({
    ...common,
    cluster: loadClusterFromText(JSON.stringify(c), 'case.json').cluster,
  });
  try {
    await ext.loaded;
    await body(server, ext, fromFile);
  } finally {
    await ext.shutdown(0);
    await fromFile.shutdown(0);
    await server.stop();
  }
}

test('serve --live: the cache built by list+watch answers filter and prioritize like the snapshot file', async () => {
  await withLive(async (_server, ext, fromFile) => {
    const c = readCase(ID);
    const names = c.nodes.map((n) => String(n.metadata.name));
    for (const pod of c.pendingPods as unknown as Json[]) {
      for (const verb of ['filter', 'prioritize']) {
        const live = await post(ext.url, verb, cacheArgs(pod, names));
        const file = await post(fromFile.url, verb, cacheArgs(pod, names));
        assert.equal(live.status, 200);
        assert.deepEqual(live.json, file.json, `${verb} ${String((pod.metadata as Json).name)}`);
      }
    }
  });
});

test('serve --live follows nodes and pods across a dropped watch and a 410 Gone', async () => {
  await withLive(async (server, ext) => {
    const has = (name: string) => ext.cache.current.snapshot.nodeIndex.has(name);
    const node = (name: string): Obj => ({
      metadata: { name, labels: { 'kubernetes.io/hostname': name } },
      status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } },
    });
    await until('watches open', () => server.openWatches === 8);
    server.create('nodes', node('added-1'));
    await until('added-1 in the cache', () => has('added-1'));
    server.disconnectWatches();
    server.create('nodes', node('added-2'));
    await until('added-2 after a reconnect', () => has('added-2'));
    await until('watches back', () => server.openWatches === 8);
    server.disconnectWatches();
    server.delete('nodes', 'added-1');
    server.compact();
    await until('added-1 gone after 410 and relist', () => !has('added-1') && has('added-2'));
  });
});

test('serve --bind creates the Binding through the API server, then the cache has the pod bound', async () => {
  await withLive(async (server, ext) => {
    const c = readCase(ID);
    const pod = c.pendingPods[0] as unknown as Json;
    const meta = pod.metadata as Json;
    const names = c.nodes.map((n) => String(n.metadata.name));
    const filtered = (await post(ext.url, 'filter', cacheArgs(pod, names))).json as { NodeNames: string[] | null };
    const target = filtered.NodeNames?.[0] ?? names[0];
    const reply = await post(ext.url, 'bind', {
      PodName: meta.name,
      PodNamespace: meta.namespace ?? 'default',
      PodUID: meta.uid ?? '',
      Node: target,
    });
    assert.deepEqual(reply.json, { Error: '' });
    assert.deepEqual(server.bindings, [
      { namespace: String(meta.namespace ?? 'default'), name: String(meta.name), node: target },
    ]);
    const key = `${String(meta.namespace ?? 'default')}/${String(meta.name)}`;
    await until('bound pod in the cache', () => ext.cache.current.snapshot.podByKey.has(key));

    const again = await post(ext.url, 'bind', {
      PodName: meta.name,
      PodNamespace: meta.namespace ?? 'default',
      PodUID: '',
      Node: target,
    });
    assert.match((again.json as { Error: string }).Error, /already assigned/);
  });
});

test('serve --bind: RBAC refusing pods/binding comes back in the Error field, naming the permission', async () => {
  await withLive(
    async (_server, ext) => {
      const reply = await post(ext.url, 'bind', { PodName: 'x', PodNamespace: 'default', PodUID: '', Node: 'n' });
      assert.equal(reply.status, 200);
      assert.match((reply.json as { Error: string }).Error, /needs RBAC verb create on pods\/binding/);
    },
    (server) => server.forbidden.add('create pods/binding'),
  );
});

test('serve --live applies pod changes in place and ignores heartbeats; answers equal a fresh build of the same objects', async () => {
  await withLive(async (server, ext) => {
    const c = readCase(ID);
    const names = c.nodes.map((n) => String(n.metadata.name));
    await until('watches open', () => server.openWatches === 8);
    const first = ext.cache.current;
    const keys = () => ext.cache.current.snapshot.podByKey;
    const bound = (name: string, node: string, cpu: string): Obj => ({
      metadata: { name, namespace: 'default', labels: { app: 'live' } },
      spec: { nodeName: node, containers: [{ name: 'c', resources: { requests: { cpu, memory: '64Mi' } } }] },
      status: { phase: 'Running' },
    });
    server.create('pods', bound('live-1', names[0], '500m'));
    server.create('pods', bound('live-2', names[1], '250m'));
    const n0 = server.get('nodes', names[0]) as Obj;
    server.update('nodes', {
      ...n0,
      status: { ...(n0.status as Json), conditions: [{ type: 'Ready', status: 'True' }] },
    });
    server.update('pods', { ...bound('live-2', names[1], '250m'), status: { phase: 'Running', podIP: '10.0.0.9' } });
    await until('both pods in the cache', () => keys().has('default/live-1') && keys().has('default/live-2'));
    server.update('pods', { ...bound('live-1', names[0], '500m'), status: { phase: 'Succeeded' } });
    server.delete('pods', 'default/live-2');
    await until('both pods gone again', () => !keys().has('default/live-1') && !keys().has('default/live-2'));
    server.create('pods', bound('live-3', names[2], '1'));
    await until('live-3 in the cache', () => keys().has('default/live-3'));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(ext.cache.current, first, 'pod changes and a node heartbeat did not rebuild the cluster');

    const now = {
      nodes: server.objects('nodes'),
      pods: server
        .objects('pods')
        .filter((p) => (p.spec as Json).nodeName && (p.status as Json | undefined)?.phase !== 'Succeeded'),
      namespaces: server.objects('namespaces'),
      services: server.objects('services'),
      replicaSets: server.objects('replicasets.apps'),
    };
    const fresh = await startExtender({
      profile,
      logger: silent,
      host: '127.0.0.1',
      port: 0,
      tieBreak: 'first',
      cluster: loadClusterFromText(JSON.stringify(now), 'now.json').cluster,
    });
    try {
      for (const pod of c.pendingPods as unknown as Json[]) {
        for (const verb of ['filter', 'prioritize']) {
          const live = await post(ext.url, verb, cacheArgs(pod, names));
          const file = await post(fresh.url, verb, cacheArgs(pod, names));
          assert.deepEqual(live.json, file.json, `${verb} ${String((pod.metadata as Json).name)}`);
        }
      }
    } finally {
      await fresh.shutdown(0);
    }
  });
});

test('serve --live --executor pool: watch changes wait while a pool evaluation reads the snapshot, then apply', async () => {
  await withLive(
    async (server, ext) => {
      const pool = ext.extender.pool;
      assert.ok(pool, 'the extender runs with a worker pool');
      const names = readCase(ID).nodes.map((n) => String(n.metadata.name));
      await until('watches open', () => server.openWatches === 8);
      const keys = () => ext.cache.current.snapshot.podByKey;
      // An evaluation in flight: the pool is busy until `release` is called.
      let release = () => {};
      const busy = pool.exclusive(() => new Promise<void>((r) => (release = r)));
      server.create('pods', {
        metadata: { name: 'arrives-while-busy', namespace: 'default' },
        spec: { nodeName: names[0], containers: [{ name: 'c', resources: { requests: { cpu: '100m' } } }] },
        status: { phase: 'Running' },
      });
      server.create('nodes', {
        metadata: { name: 'added-while-busy', labels: { 'kubernetes.io/hostname': 'added-while-busy' } },
        status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } },
      });
      const snapshotBefore = ext.cache.current;
      // Well past the 5 ms settle time: the changes have arrived and are held back.
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(ext.cache.current, snapshotBefore, 'no rebuild while the pool is busy');
      assert.equal(keys().has('default/arrives-while-busy'), false, 'no pod applied while the pool is busy');
      release();
      await busy;
      await until('the held changes applied', () => ext.cache.current.snapshot.nodeIndex.has('added-while-busy'));
      assert.ok(keys().has('default/arrives-while-busy'));
    },
    () => {},
    { executor: 'pool', workers: 2 },
  );
});
