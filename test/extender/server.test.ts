// Operations and bad input: health, readiness, metrics, body limit, deadline, reload, TLS with
// client certificates, graceful shutdown, and a 4xx with a clear message for every kind of bad request.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunningExtender } from '../../src/extender/start.js';
import { apiNode, apiPod, cacheArgs, clusterOf, type Json, post, send, start } from './helpers.js';

const cluster = clusterOf([apiNode('n1'), apiNode('n2')]);

describe('operations endpoints', () => {
  let ext: RunningExtender;
  before(async () => {
    ext = await start(cluster);
  });
  after(() => ext.shutdown(1000));

  test('/healthz and /readyz answer 200 once the cache is loaded', async () => {
    const base = ext.url.replace('/scheduler', '');
    assert.equal((await send(`${base}/healthz`)).status, 200);
    const ready = await send(`${base}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(ready.text, 'ok\n');
  });

  test('/metrics: Prometheus text with requests, latency and errors per verb, and the cache size', async () => {
    await post(ext.url, 'filter', cacheArgs(apiPod('p'), ['n1']));
    await send(`${ext.url}/filter`, { body: '{' });
    const m = await send(`${ext.url.replace('/scheduler', '')}/metrics`);
    assert.equal(m.status, 200);
    assert.match(String(m.headers['content-type']), /^text\/plain/);
    assert.match(m.text, /berth_extender_requests_total\{verb="filter",status="200"\} 1/);
    assert.match(m.text, /berth_extender_requests_total\{verb="filter",status="400"\} 1/);
    assert.match(m.text, /berth_extender_request_duration_seconds_bucket\{le="0.5",verb="filter"\} 2/);
    assert.match(m.text, /berth_extender_errors_total\{verb="filter",code="BAD_JSON"\} 1/);
    assert.match(m.text, /berth_extender_cache_nodes 2/);
    assert.match(m.text, /berth_extender_cache_ready 1/);
  });
});

describe('bad input gets a 4xx and a clear message, and the server carries on', () => {
  let ext: RunningExtender;
  before(async () => {
    ext = await start(cluster, { maxBody: 64 * 1024 });
  });
  after(() => ext.shutdown(1000));

  const cases: { name: string; verb: string; body: string; status: number; code: string; message: RegExp }[] = [
    {
      name: 'malformed JSON',
      verb: 'filter',
      body: '{"Pod": ',
      status: 400,
      code: 'BAD_JSON',
      message: /not valid JSON/,
    },
    { name: 'empty body', verb: 'prioritize', body: '', status: 400, code: 'BAD_JSON', message: /empty request body/ },
    {
      name: 'an array for ExtenderArgs',
      verb: 'filter',
      body: '[]',
      status: 400,
      code: 'BAD_REQUEST',
      message: /ExtenderArgs.*expected an object, got an array/,
    },
    {
      name: 'missing Pod',
      verb: 'filter',
      body: '{"NodeNames": ["n1"]}',
      status: 400,
      code: 'BAD_REQUEST',
      message: /^Pod: is required/,
    },
    {
      name: 'Pod of the wrong type',
      verb: 'prioritize',
      body: '{"Pod": 5}',
      status: 400,
      code: 'BAD_REQUEST',
      message: /^Pod: expected an object, got 5/,
    },
    {
      name: 'NodeNames not an array',
      verb: 'filter',
      body: JSON.stringify({ Pod: apiPod('p'), NodeNames: 'n1' }),
      status: 400,
      code: 'BAD_REQUEST',
      message: /^NodeNames: expected an array/,
    },
    {
      name: 'Nodes.items not an array',
      verb: 'filter',
      body: JSON.stringify({ Pod: apiPod('p'), Nodes: { items: {} } }),
      status: 400,
      code: 'BAD_REQUEST',
      message: /^Nodes.items: expected an array/,
    },
    {
      name: 'a node without a name',
      verb: 'filter',
      body: JSON.stringify({ Pod: apiPod('p'), Nodes: { items: [{ metadata: {} }] } }),
      status: 400,
      code: 'BAD_REQUEST',
      message: /Nodes.items\[0\].metadata.name/,
    },
    {
      name: 'an invalid pod',
      verb: 'filter',
      body: JSON.stringify({ Pod: apiPod('p', { cpu: 'lots' }), NodeNames: ['n1'] }),
      status: 422,
      code: 'INVALID_POD',
      message: /invalid pod: request body Pod.spec.containers\[0\].resources.requests.cpu: "lots" is not a quantity/,
    },
    {
      name: 'preempt victims of the wrong type',
      verb: 'preempt',
      body: JSON.stringify({ Pod: apiPod('p'), NodeNameToMetaVictims: { n1: { Pods: [{ UID: 7 }] } } }),
      status: 400,
      code: 'BAD_REQUEST',
      message: /Pods\[0\].UID: expected a pod UID, got 7/,
    },
    {
      name: 'bind without a node',
      verb: 'bind',
      body: '{"PodName": "p", "PodNamespace": "default"}',
      status: 400,
      code: 'BAD_REQUEST',
      message: /^Node: is required/,
    },
  ];
  for (const c of cases) {
    test(`${c.name} → ${c.status} ${c.code}`, async () => {
      const r = await send(`${ext.url}/${c.verb}`, { body: c.body });
      assert.equal(r.status, c.status);
      assert.equal(r.headers['x-berth-error-code'], c.code);
      const body = r.json as Json;
      assert.match(body.Error as string, c.message);
      if (c.verb === 'filter')
        assert.deepEqual(Object.keys(body), [
          'Nodes',
          'NodeNames',
          'FailedNodes',
          'FailedAndUnresolvableNodes',
          'Error',
        ]);
      if (c.verb === 'bind') assert.deepEqual(Object.keys(body), ['Error']);
      if (c.verb === 'prioritize' || c.verb === 'preempt') assert.equal(body.Code, c.code);
    });
  }

  test('an oversized body → 413, whether declared or streamed', async () => {
    const big = JSON.stringify({ Pod: apiPod('p'), NodeNames: Array.from({ length: 10_000 }, (_, i) => `node-${i}`) });
    const r = await send(`${ext.url}/filter`, { body: big });
    assert.equal(r.status, 413);
    assert.match((r.json as Json).Error as string, /larger than the limit of 65536 bytes/);
    const streamed = await new Promise<number>((resolve, reject) => {
      const u = new URL(`${ext.url}/filter`);
      const req = request(
        { hostname: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent: false },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 100; i++) req.write('x'.repeat(1024));
      req.end();
    });
    assert.equal(streamed, 413);
  });

  test('unknown verb → 404, wrong method → 405 with Allow', async () => {
    const r = await send(`${ext.url}/schedule`, { body: '{}' });
    assert.equal(r.status, 404);
    assert.match(
      (r.json as Json).Error as string,
      /no such endpoint: POST \/scheduler\/schedule; the verbs are POST \/scheduler\/filter/,
    );
    const g = await send(`${ext.url}/filter`);
    assert.equal(g.status, 405);
    assert.equal(g.headers.allow, 'POST');
    assert.match((g.json as Json).Error as string, /GET is not allowed on \/scheduler\/filter; use POST/);
    const m = await send(`${ext.url.replace('/scheduler', '')}/metrics`, { method: 'DELETE' });
    assert.equal(m.status, 405);
  });

  test('still serving after all of that', async () => {
    const r = await post(ext.url, 'filter', cacheArgs(apiPod('p'), ['n1']));
    assert.equal(r.status, 200);
    assert.deepEqual((r.json as Json).NodeNames, ['n1']);
  });
});

describe('deadline', () => {
  test('a request whose body does not arrive in time gets a 503 Error reply, not a hang', async () => {
    const ext = await start(cluster, { deadlineMs: 150 });
    try {
      const status = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const u = new URL(`${ext.url}/filter`);
        const req = request(
          {
            hostname: u.hostname,
            port: u.port,
            path: u.pathname,
            method: 'POST',
            agent: false,
            headers: { 'Content-Length': 1000 },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
          },
        );
        req.on('error', reject);
        req.write('{"Pod": ');
      });
      assert.equal(status.status, 503);
      assert.match(JSON.parse(status.body).Error, /deadline exceeded while reading the request body/);
    } finally {
      await ext.shutdown(100);
    }
  });
});

describe('snapshot file', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-extender-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the cache loads the file, then reloads it atomically when it is replaced', async () => {
    const file = join(dir, 'cluster.json');
    writeFileSync(file, JSON.stringify(cluster));
    const { loadCluster } = await import('../../src/load/load.js');
    const load = async (path: string) => (await loadCluster([path])).cluster;
    const { startExtender } = await import('../../src/extender/start.js');
    const { profile, silent } = await import('./helpers.js');
    const ext = await startExtender({
      profile,
      logger: silent,
      host: '127.0.0.1',
      port: 0,
      prefix: '/scheduler',
      snapshot: { path: file, load },
    });
    try {
      await ext.loaded;
      const r = await post(ext.url, 'filter', cacheArgs(apiPod('p'), ['n1', 'n3']));
      assert.deepEqual((r.json as Json).NodeNames, ['n1']);
      const tmp = join(dir, 'cluster.json.tmp');
      writeFileSync(tmp, JSON.stringify(clusterOf([apiNode('n1', { unschedulable: true }), apiNode('n3')])));
      renameSync(tmp, file);
      let names: unknown;
      for (let i = 0; i < 100; i++) {
        await new Promise((r) => setTimeout(r, 50));
        await ext.cache.settled();
        names = ((await post(ext.url, 'filter', cacheArgs(apiPod('p'), ['n1', 'n3']))).json as Json).NodeNames;
        if (Array.isArray(names) && names[0] === 'n3') break;
      }
      assert.deepEqual(names, ['n3']);
      writeFileSync(file, '{"nodes": [');
      await new Promise((r) => setTimeout(r, 400));
      await ext.cache.settled();
      const kept = await post(ext.url, 'filter', cacheArgs(apiPod('p'), ['n1', 'n3']));
      assert.deepEqual((kept.json as Json).NodeNames, ['n3'], 'a broken file keeps the previous cluster');
      const m = await send(`${ext.url.replace('/scheduler', '')}/metrics`);
      assert.match(m.text, /berth_extender_cache_reloads_total\{result="error"\} [1-9]/);
    } finally {
      await ext.shutdown(100);
    }
  });
});

describe('TLS', () => {
  let dir: string;
  const pem = (name: string) => readFileSync(join(dir, name));
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-tls-'));
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    ssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '1',
      '-subj',
      '/CN=berth-test-ca',
    );
    for (const [name, ext] of [
      ['server', 'subjectAltName=IP:127.0.0.1'],
      ['client', 'extendedKeyUsage=clientAuth'],
    ]) {
      ssl(
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.csr`,
        '-subj',
        `/CN=${name}`,
      );
      writeFileSync(join(dir, `${name}.ext`), `${ext}\n`);
      ssl(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        `${name}.crt`,
        '-days',
        '1',
        '-extfile',
        `${name}.ext`,
      );
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('HTTPS with client certificates: verbs need one, health probes do not', async () => {
    const ext = await start(cluster, {
      tls: { cert: pem('server.crt'), key: pem('server.key'), clientCa: pem('ca.crt') },
    });
    try {
      assert.match(ext.url, /^https:\/\/127\.0\.0\.1:\d+\/scheduler$/);
      const body = JSON.stringify(cacheArgs(apiPod('p'), ['n1']));
      const ok = await send(`${ext.url}/filter`, {
        body,
        tls: { ca: pem('ca.crt'), cert: pem('client.crt'), key: pem('client.key') },
      });
      assert.equal(ok.status, 200);
      assert.deepEqual((ok.json as Json).NodeNames, ['n1']);
      const anonymous = await send(`${ext.url}/filter`, { body, tls: { ca: pem('ca.crt') } });
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.headers['x-berth-error-code'], 'UNAUTHORIZED');
      const health = await send(`${ext.url.replace('/scheduler', '')}/readyz`, { tls: { ca: pem('ca.crt') } });
      assert.equal(health.status, 200);
    } finally {
      await ext.shutdown(100);
    }
  });
});

describe('graceful shutdown', () => {
  test('a request in flight when shutdown starts still gets its answer', async () => {
    const ext = await start(cluster);
    const u = new URL(`${ext.url}/filter`);
    const body = JSON.stringify(cacheArgs(apiPod('p'), ['n1']));
    const reply = new Promise<number>((resolve, reject) => {
      const req = request(
        {
          hostname: u.hostname,
          port: u.port,
          path: u.pathname,
          method: 'POST',
          agent: false,
          headers: { 'Content-Length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => req.end(body.slice(10)), 100);
    });
    await new Promise((r) => setTimeout(r, 30));
    const stopped = ext.shutdown(2000);
    assert.equal(await reply, 200);
    await stopped;
  });
});
