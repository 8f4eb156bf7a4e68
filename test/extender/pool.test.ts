// `berth serve --executor pool`: filter and prioritize through the worker pool answer exactly as on one
// thread (both modes, across binds and reloads), and a worker that dies or hangs mid-request costs
// that request an error reply, not the server: the pool is replaced and the next request succeeds.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { builtinRegistry } from '../../plugins/index.js';
import type { KubeSchedulerConfiguration } from '../../src/api/types.js';
import { NodeCache } from '../../src/extender/cache.js';
import { Deadline } from '../../src/extender/errors.js';
import { PoolEvaluator } from '../../src/extender/pool-evaluator.js';
import type { RunningExtender } from '../../src/extender/start.js';
import { Extender } from '../../src/extender/verbs.js';
import { chooseProfile } from '../../src/framework/config-file.js';
import { LABEL } from '../fixtures/plugins/crash-on-label.js';
import {
  apiNode,
  apiPod,
  cacheArgs,
  clusterOf,
  fullArgs,
  type Json,
  loadJson,
  post,
  profile,
  send,
  start,
} from './helpers.js';

const ZONES = ['zone-a', 'zone-b', 'zone-c'];

/** A cluster with zones, sizes, a taint, a cordon and bound pods, varied by `seed`. */
function cluster(seed: number, nodeCount: number): { nodes: Json[]; cluster: Json } {
  const nodes: Json[] = [];
  for (let i = 0; i < nodeCount; i++) {
    const k = (i * 7 + seed) % 11;
    nodes.push(
      apiNode(`node-${seed}-${i}`, {
        cpu: String(2 + (k % 4) * 2),
        memory: `${8 + (k % 3) * 8}Gi`,
        labels: { 'topology.kubernetes.io/zone': ZONES[i % 3], tier: k % 2 === 0 ? 'fast' : 'slow' },
        taints: k === 5 ? [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }] : undefined,
        unschedulable: k === 9,
      }),
    );
  }
  const pods: Json[] = [];
  for (let i = 0; i < nodeCount * 2; i++) {
    const node = `node-${seed}-${(i * 5 + seed) % nodeCount}`;
    pods.push(
      apiPod(`bound-${i}`, { nodeName: node, cpu: `${250 * (1 + (i % 4))}m`, labels: { app: `app-${i % 3}` } }),
    );
  }
  return { nodes, cluster: clusterOf(nodes, pods) };
}

/** Pending pods exercising resources, selectors, affinity, spreading, tolerations, and no fit at all. */
function pendingPods(seed: number): Json[] {
  const spread = {
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'DoNotSchedule',
        labelSelector: { matchLabels: { app: 'app-1' } },
      },
    ],
  };
  const antiAffinity = {
    affinity: {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { labelSelector: { matchLabels: { app: 'app-2' } }, topologyKey: 'kubernetes.io/hostname' },
        ],
      },
    },
  };
  return [
    apiPod(`plain-${seed}`, { cpu: '500m', memory: '1Gi' }),
    apiPod(`fast-${seed}`, { cpu: '1', extra: { nodeSelector: { tier: 'fast' } } }),
    apiPod(`spread-${seed}`, { cpu: '250m', labels: { app: 'app-1' }, extra: spread }),
    apiPod(`anti-${seed}`, { cpu: '250m', labels: { app: 'app-2' }, extra: antiAffinity }),
    apiPod(`tolerant-${seed}`, {
      cpu: '2',
      extra: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' }] },
    }),
    apiPod(`huge-${seed}`, { cpu: '64' }),
  ];
}

describe('pool mode answers as single mode', () => {
  for (const [seed, nodeCount] of [
    [1, 12],
    [2, 40],
    [3, 97],
  ]) {
    test(`filter and prioritize, both modes, across binds and a reload (${nodeCount} nodes, seed ${seed})`, async () => {
      const { nodes, cluster: c } = cluster(seed, nodeCount);
      const single = await start(c, { executor: { executor: 'single', workers: 1 } });
      const pooled = await start(c, { executor: { executor: 'pool', workers: 3 } });
      try {
        assert.equal(single.extender.pool, undefined);
        assert.ok(pooled.extender.pool);
        const names = nodes.map((n) => (n.metadata as Json).name as string);
        const ask = async (verb: string, body: Json) => {
          const [a, b] = await Promise.all([post(single.url, verb, body), post(pooled.url, verb, body)]);
          assert.equal(b.status, 200, b.text);
          assert.deepEqual(b.json, a.json, `${verb} differs`);
          return a.json as Json;
        };
        const round = async (pods: Json[]) => {
          for (const pod of pods) {
            await ask('filter', fullArgs(pod, nodes));
            await ask('prioritize', fullArgs(pod, nodes));
            await ask('prioritize', cacheArgs(pod, [...names, 'no-such-node']));
            const passing = (await ask('filter', cacheArgs(pod, [...names].reverse()))).NodeNames as string[];
            if (passing.length === 0) continue;
            // Bind on both: the next pods must see it (replicated to the workers as a change).
            const meta = pod.metadata as Json;
            const bind = { PodName: meta.name, PodNamespace: meta.namespace, PodUID: meta.uid, Node: passing[0] };
            assert.deepEqual((await post(pooled.url, 'bind', bind)).json, (await post(single.url, 'bind', bind)).json);
          }
        };
        await round(pendingPods(seed));
        // A reload swaps in another snapshot: the pool follows it with a session of its own.
        const reloaded = await loadJson(cluster(seed + 10, nodeCount).cluster);
        single.cache.replace(reloaded);
        pooled.cache.replace(reloaded);
        await round(pendingPods(seed + 10));
        assert.ok(
          pooled.extender.pool.pooledCycles >= 24,
          `the pool served ${pooled.extender.pool.pooledCycles} cycles`,
        );
      } finally {
        await Promise.all([single.shutdown(1000), pooled.shutdown(1000)]);
      }
    });
  }
});

test('concurrent requests in pool mode take turns and answer as one thread does in sequence', async () => {
  const { nodes, cluster: c } = cluster(5, 30);
  const single = await start(c, { executor: { executor: 'single', workers: 1 } });
  const pooled = await start(c, { executor: { executor: 'pool', workers: 3 } });
  try {
    const names = nodes.map((n) => (n.metadata as Json).name as string);
    const requests = pendingPods(5).flatMap((pod) => [
      ['filter', cacheArgs(pod, names)] as const,
      ['prioritize', cacheArgs(pod, names)] as const,
      ['filter', fullArgs(pod, nodes)] as const,
    ]);
    const expected: unknown[] = [];
    for (const [verb, body] of requests) expected.push((await post(single.url, verb, body)).json);
    const replies = await Promise.all(requests.map(([verb, body]) => post(pooled.url, verb, body)));
    assert.deepEqual(
      replies.map((r) => r.json),
      expected,
    );
  } finally {
    await Promise.all([single.shutdown(1000), pooled.shutdown(1000)]);
  }
});

describe('a worker that dies or hangs mid-request', () => {
  const config: KubeSchedulerConfiguration = {
    apiVersion: 'kubescheduler.config.k8s.io/v1',
    kind: 'KubeSchedulerConfiguration',
    profiles: [{ plugins: { filter: { enabled: [{ name: 'CrashOnLabel' }] } } }],
  };
  const path = fileURLToPath(new URL('../fixtures/plugins/crash-on-label.js', import.meta.url));
  const { nodes, cluster: c } = cluster(4, 16);
  const names = nodes.map((n) => (n.metadata as Json).name as string);
  let ext: RunningExtender;

  before(async () => {
    const registry = builtinRegistry();
    await registry.loadModule(path);
    ext = await start(c, {
      profile: chooseProfile({ config, registry }),
      profileSpec: { config, plugins: [path] },
      executor: { executor: 'pool', workers: 2, workerHeapMb: 96 },
      deadlineMs: 3000,
    });
  });
  after(() => ext.shutdown(1000));

  const healthy = async (verb: string) => {
    const ok = await post(ext.url, verb, cacheArgs(apiPod(`fine-${verb}`, { cpu: '100m' }), names));
    assert.equal(ok.status, 200, ok.text);
    return ok;
  };

  test('process.exit in a plugin: that filter gets an Error reply, the next one succeeds', async () => {
    const before = (await healthy('filter')).json as Json;
    const crash = await post(ext.url, 'filter', cacheArgs(apiPod('doomed', { labels: { [LABEL]: 'exit' } }), names));
    assert.equal(crash.status, 503);
    assert.equal(crash.headers['x-berth-error-code'], 'WORKER_FAILED');
    const body = crash.json as Json;
    assert.deepEqual(Object.keys(body).sort(), [
      'Error',
      'FailedAndUnresolvableNodes',
      'FailedNodes',
      'NodeNames',
      'Nodes',
    ]);
    assert.match(String(body.Error), /worker .*failed.*exited with code: 7/);
    assert.deepEqual((await healthy('filter')).json, before);
    assert.equal((await send(`${ext.url.replace('/scheduler', '')}/healthz`)).status, 200);
  });

  test('process.exit during prioritize: an error reply, then scores again', async () => {
    const before = (await healthy('prioritize')).json;
    const crash = await post(
      ext.url,
      'prioritize',
      cacheArgs(apiPod('doomed-2', { labels: { [LABEL]: 'exit' } }), names),
    );
    assert.equal(crash.status, 503);
    assert.equal((crash.json as Json).Code, 'WORKER_FAILED');
    assert.ok(String((crash.json as Json).Error).length > 0);
    assert.deepEqual((await healthy('prioritize')).json, before);
  });

  test('a plugin throwing in a worker: an Error reply naming it, then the next request succeeds', async () => {
    const thrown = await post(ext.url, 'filter', cacheArgs(apiPod('thrower', { labels: { [LABEL]: 'throw' } }), names));
    assert.equal(thrown.status, 503);
    assert.match(String((thrown.json as Json).Error), /CrashOnLabel was told to throw/);
    await healthy('filter');
  });

  test('a plugin exhausting its worker heap: an Error reply saying so, the process lives, the next request succeeds', async () => {
    const before = (await healthy('filter')).json;
    const oom = await post(ext.url, 'filter', cacheArgs(apiPod('hoarder', { labels: { [LABEL]: 'oom' } }), names));
    assert.equal(oom.status, 503);
    assert.equal(oom.headers['x-berth-error-code'], 'WORKER_FAILED');
    assert.match(String((oom.json as Json).Error), /memory limit/);
    assert.deepEqual((await healthy('filter')).json, before);
    await healthy('prioritize');
  });

  test('a stuck worker (endless loop): an Error reply at the deadline, then the next request succeeds', async () => {
    const stuck = await post(ext.url, 'filter', cacheArgs(apiPod('stuck', { labels: { [LABEL]: 'loop' } }), names));
    assert.equal(stuck.status, 503);
    assert.equal(stuck.headers['x-berth-error-code'], 'DEADLINE_EXCEEDED');
    assert.match(String((stuck.json as Json).Error), /worker pool/);
    await healthy('filter');
    await healthy('prioritize');
  });

  test('/metrics counts the replaced workers and shows the queue depth', async () => {
    const m = await send(`${ext.url.replace('/scheduler', '')}/metrics`);
    const restarts = /berth_extender_pool_worker_restarts_total (\d+)/.exec(m.text);
    assert.ok(restarts && Number(restarts[1]) >= 5, m.text);
    assert.match(m.text, /berth_extender_pool_queue_depth 0/);
    assert.match(m.text, /berth_extender_errors_total\{verb="filter",code="WORKER_FAILED"\} 3/);
  });
});

test('the operation log is rebuilt from the snapshot once it outgrows its bound, answers unchanged', async () => {
  const { nodes, cluster: c } = cluster(6, 24);
  const names = nodes.map((n) => (n.metadata as Json).name as string);
  const extenderOver = async (pooled: boolean) => {
    const cache = new NodeCache({ profile, tieBreak: 'first', seed: 1 });
    cache.replace(await loadJson(c));
    const choice = { executor: 'pool' as const, workers: 2 };
    const pool = pooled ? new PoolEvaluator({ cache, choice, profile: { plugins: [] }, maxOps: 40 }) : undefined;
    await pool?.start();
    return { extender: new Extender({ cache, pool }), pool };
  };
  const single = await extenderOver(false);
  const pooled = await extenderOver(true);
  try {
    for (let i = 0; i < 8; i++) {
      const pod = apiPod(`grow-${i}`, { cpu: '500m', labels: { app: 'app-1' } });
      const body = cacheArgs(pod, names);
      const expected = await single.extender.filter(body, new Deadline(4000));
      assert.deepEqual(await pooled.extender.filter(body, new Deadline(4000)), expected);
      assert.deepEqual(
        await pooled.extender.prioritize(body, new Deadline(4000)),
        await single.extender.prioritize(body, new Deadline(4000)),
      );
      const bind = {
        PodName: `grow-${i}`,
        PodNamespace: 'default',
        PodUID: `uid-default-grow-${i}`,
        Node: expected.NodeNames![0],
      };
      single.extender.bind(bind);
      pooled.extender.bind(bind);
    }
    assert.ok(pooled.pool!.sessions > 2, `sessions: ${pooled.pool!.sessions}`);
  } finally {
    await pooled.pool?.close();
  }
});

test('berth serve --executor pool --worker-heap --plugin: a worker killed or out of memory costs one request; the process stays up and exits 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-xpool-'));
  const { cluster: c, nodes } = cluster(7, 10);
  writeFileSync(join(dir, 'cluster.json'), JSON.stringify(c));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      apiVersion: 'kubescheduler.config.k8s.io/v1',
      kind: 'KubeSchedulerConfiguration',
      profiles: [{ plugins: { filter: { enabled: [{ name: 'CrashOnLabel' }] } } }],
    }),
  );
  const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
  const plugin = fileURLToPath(new URL('../fixtures/plugins/crash-on-label.js', import.meta.url));
  const child = spawn(
    process.execPath,
    [
      main,
      'serve',
      '--listen',
      '127.0.0.1:0',
      '--snapshot',
      join(dir, 'cluster.json'),
      '--config',
      join(dir, 'config.json'),
      '--plugin',
      plugin,
      '--executor',
      'pool',
      '--workers',
      '2',
      '--worker-heap',
      '128Mi',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const lines = createInterface({ input: child.stdout! });
    let url = '';
    let loaded = false;
    for await (const line of lines) {
      const entry = JSON.parse(line) as Json;
      if (entry.msg === 'extender listening') url = entry.url as string;
      if (entry.msg === 'node cache loaded') loaded = true;
      if (url && loaded) break;
    }
    child.stdout!.resume();
    const names = nodes.map((n) => (n.metadata as Json).name as string);
    const crash = await post(url, 'filter', cacheArgs(apiPod('doomed', { labels: { [LABEL]: 'exit' } }), names));
    assert.equal(crash.headers['x-berth-error-code'], 'WORKER_FAILED');
    const oom = await post(url, 'filter', cacheArgs(apiPod('hoarder', { labels: { [LABEL]: 'oom' } }), names));
    assert.match(String((oom.json as Json).Error), /memory limit/);
    const ok = await post(url, 'filter', cacheArgs(apiPod('fine', { cpu: '100m' }), names));
    assert.equal(ok.status, 200, ok.text);
    assert.ok(((ok.json as Json).NodeNames as string[]).length > 0);
    assert.equal(child.exitCode, null);
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
