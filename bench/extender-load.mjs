#!/usr/bin/env node
// Load on the extender: autocannon against filter and prioritize at 500 and 5,000 nodes, in
// nodeCacheCapable mode (names only) and full mode (a v1.NodeList in every request), the latter
// with nodes equal to the cached ones, with a new heartbeat on a different 1 % of them in each
// request, in a different order in each request, and with nodes that all differ (a snapshot per
// request).
// Server RSS is read before and after each scenario, to show memory stays stable. The server runs in
// a child process on loopback, as it would beside kube-scheduler; this process drives the load.
// Baseline: JSON.parse + JSON.stringify of the same request body, the least any extender must pay.
//
//   npm run build && node bench/extender-load.mjs [--duration 60] [--connections 1]
//        [--nodes 500,5000] [--pods-per-node 10] [--note 'text for the report']
//        [--modes nodeCacheCapable,full,full-heartbeat,full-shuffled,full-changed] [--verbs filter,prioritize]
// Writes bench/results/extender-load.json and .md. Not part of `npm test`.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist');

// ---- the cluster, generated the same way in both processes ------------------------------------------

function node(i) {
  const name = `node-${String(i).padStart(5, '0')}`;
  const allocatable = { cpu: '16', memory: '64Gi', pods: '110', 'ephemeral-storage': '200Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      uid: `uid-${name}`,
      creationTimestamp: '2026-11-01T00:00:00Z',
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': ['m5.4xlarge', 'c5.4xlarge', 'r5.4xlarge'][i % 3],
        'topology.kubernetes.io/zone': `zone-${i % 3}`,
        pool: `pool-${i % 8}`,
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: {
      podCIDR: `10.${i >> 8}.${i & 255}.0/24`,
      taints: i % 20 === 0 ? [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }] : undefined,
    },
    status: {
      capacity: allocatable,
      allocatable,
      conditions: [
        { type: 'Ready', status: 'True', lastHeartbeatTime: '2026-11-22T09:59:00Z', reason: 'KubeletReady' },
      ],
      addresses: [{ type: 'InternalIP', address: `10.0.${i >> 8}.${i & 255}` }],
      nodeInfo: { kubeletVersion: 'v1.35.4', architecture: 'amd64', operatingSystem: 'linux' },
      images: [
        {
          names: [`registry.example/app@sha256:${String(i % 50).padStart(64, '0')}`, `registry.example/app:v${i % 50}`],
          sizeBytes: 250_000_000,
        },
        { names: ['registry.example/sidecar:1'], sizeBytes: 40_000_000 },
      ],
    },
  };
}

function pod(name, o = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      creationTimestamp: '2026-11-22T10:00:00Z',
      labels: { app: o.app ?? 'web' },
    },
    spec: {
      containers: [
        {
          name: 'main',
          image: 'registry.example/app:v1',
          resources: { requests: { cpu: o.cpu ?? '500m', memory: o.memory ?? '1Gi' } },
          terminationMessagePath: '/dev/termination-log',
          imagePullPolicy: 'IfNotPresent',
        },
      ],
      nodeName: o.nodeName,
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      priority: 0,
      preemptionPolicy: 'PreemptLowerPriority',
    },
    status: o.nodeName ? { phase: 'Running' } : { phase: 'Pending' },
  };
}

function cluster(nodeCount, podsPerNode) {
  const nodes = Array.from({ length: nodeCount }, (_, i) => node(i));
  const pods = [];
  for (let i = 0; i < nodeCount; i++) {
    for (let j = 0; j < podsPerNode; j++) {
      pods.push(
        pod(`resident-${i}-${j}`, {
          nodeName: nodes[i].metadata.name,
          cpu: `${100 + ((i * 7 + j * 13) % 900)}m`,
          app: `app-${(i + j) % 40}`,
        }),
      );
    }
  }
  return {
    nodes,
    pods,
    pendingPods: [],
    namespaces: [
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'default', labels: { 'kubernetes.io/metadata.name': 'default' } },
      },
    ],
  };
}

// ---- server role ------------------------------------------------------------------------------------

async function serve() {
  const [
    { default: pino },
    { loadClusterFromText },
    { startExtender },
    { buildProfiles },
    { builtinRegistry, DEFAULT_MULTI_POINT },
  ] = await Promise.all([
    import('pino'),
    import(join(dist, 'src/load/load.js')),
    import(join(dist, 'src/extender/start.js')),
    import(join(dist, 'src/framework/profile.js')),
    import(join(dist, 'plugins/index.js')),
  ]);
  const profile = buildProfiles(undefined, { registry: builtinRegistry(), defaults: DEFAULT_MULTI_POINT }).profiles[0];
  let running;
  process.on('message', async (msg) => {
    if (msg.type === 'start') {
      if (running) await running.shutdown(1000);
      const loadStart = performance.now();
      const { cluster: loaded } = loadClusterFromText(
        JSON.stringify(cluster(msg.nodes, msg.podsPerNode)),
        'bench.json',
      );
      running = await startExtender({
        profile,
        logger: pino({ level: 'silent' }),
        host: '127.0.0.1',
        port: 0,
        prefix: '/scheduler',
        cluster: loaded,
        deadlineMs: 60_000,
      });
      global.gc?.();
      process.send({
        type: 'started',
        url: running.url,
        loadMs: performance.now() - loadStart,
        rss: process.memoryUsage().rss,
      });
    } else if (msg.type === 'rss') {
      process.send({ type: 'rss', rss: process.memoryUsage().rss });
    } else if (msg.type === 'stop') {
      if (running) await running.shutdown(1000);
      process.exit(0);
    }
  });
  process.send({ type: 'ready' });
}

// ---- load role --------------------------------------------------------------------------------------

function ask(child, msg, reply) {
  return new Promise((resolve) => {
    const on = (m) => {
      if (m.type !== reply) return;
      child.off('message', on);
      resolve(m);
    };
    child.on('message', on);
    if (msg) child.send(msg);
  });
}

/** Mean ms of JSON.parse + JSON.stringify of `text`, over at least 5 rounds or 2 s. */
function jsonBaseline(text) {
  const times = [];
  const until = performance.now() + 2000;
  while (times.length < 5 || (performance.now() < until && times.length < 500)) {
    const t = performance.now();
    JSON.stringify(JSON.parse(text));
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const mib = (b) => Math.round((b / 1024 / 1024) * 10) / 10;

async function drive() {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '60' },
      connections: { type: 'string', default: '1' },
      nodes: { type: 'string', default: '500,5000' },
      'pods-per-node': { type: 'string', default: '10' },
      note: { type: 'string', default: '' },
      modes: { type: 'string', default: 'nodeCacheCapable,full,full-heartbeat,full-shuffled,full-changed' },
      verbs: { type: 'string', default: 'filter,prioritize' },
    },
  });
  const duration = Number(values.duration);
  const connections = Number(values.connections);
  const podsPerNode = Number(values['pods-per-node']);
  const sizes = values.nodes.split(',').map(Number);
  const { default: autocannon } = await import('autocannon');

  const child = fork(fileURLToPath(import.meta.url), ['--role-server'], {
    // BENCH_SERVER_NODE_ARGS: extra node flags for the server (e.g. '--cpu-prof --trace-gc').
    execArgv: ['--expose-gc', ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await ask(child, undefined, 'ready');
  const scenarios = [];
  for (const n of sizes) {
    const started = await ask(child, { type: 'start', nodes: n, podsPerNode }, 'started');
    console.error(
      `${n} nodes, ${n * podsPerNode} pods: cache loaded in ${Math.round(started.loadMs)} ms, server RSS ${mib(started.rss)} MiB`,
    );
    const { nodes } = cluster(n, 0);
    const incoming = pod('incoming', { cpu: '1', memory: '2Gi', app: 'app-3' });
    // "full-changed": every node carries one more label than its cached version, so none schedules
    // like the cache and the server builds a snapshot of the request (what happens when the cache is
    // stale). Reordered keys alone no longer do: the server compares nodes as Go's JSON reads them.
    const reordered = nodes.map((x) => ({
      ...x,
      metadata: { ...x.metadata, labels: { ...x.metadata.labels, 'bench.berth.dev/changed': 'true' } },
    }));
    // "full-heartbeat": requests cycle through 4 bodies, each with a different 1 % of the nodes
    // carrying a newer heartbeat (status.conditions, which scheduling does not read), as kubelets
    // report in a live cluster: every request's node list differs from the one before in 2 %.
    const beating = [0, 1, 2, 3].map((k) =>
      nodes.map((x, i) =>
        i % 100 === k
          ? {
              ...x,
              status: {
                ...x.status,
                conditions: [{ ...x.status.conditions[0], lastHeartbeatTime: `2026-11-22T10:0${k}:00Z` }],
              },
            }
          : x,
      ),
    );
    // "full-shuffled": requests cycle through 4 bodies with the nodes in different orders, as
    // kube-scheduler's parallel filter collects them.
    const shuffled = [1, 2, 3, 4].map((seed) => {
      let state = seed;
      const random = () => {
        state = (state * 1103515245 + 12345) % 2147483648;
        return state / 2147483648;
      };
      const order = [...nodes];
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      return order;
    });
    const full = (items) => JSON.stringify({ Pod: incoming, Nodes: { metadata: {}, items }, NodeNames: null });
    const bodies = {
      nodeCacheCapable: JSON.stringify({ Pod: incoming, Nodes: null, NodeNames: nodes.map((x) => x.metadata.name) }),
      full: full(nodes),
      'full-heartbeat': beating.map(full),
      'full-shuffled': shuffled.map(full),
      'full-changed': full(reordered),
    };
    for (const mode of values.modes.split(',')) {
      const cycle = [bodies[mode]].flat();
      const body = cycle[0];
      const baselineMs = jsonBaseline(body);
      for (const verb of values.verbs.split(',')) {
        const before = (await ask(child, { type: 'rss' }, 'rss')).rss;
        const r = await autocannon({
          url: `${started.url}/${verb}`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          ...(cycle.length > 1 ? { requests: cycle.map((b) => ({ body: b })) } : { body }),
          connections,
          duration,
          timeout: 10,
        });
        const after = (await ask(child, { type: 'rss' }, 'rss')).rss;
        const s = {
          nodes: n,
          pods: n * podsPerNode,
          mode,
          verb,
          requestBytes: Buffer.byteLength(body),
          connections,
          durationS: duration,
          requests: r.requests.total,
          throughputPerS: Math.round(r.requests.average * 10) / 10,
          latencyMeanMs: r.latency.average,
          latencyP50Ms: r.latency.p50,
          latencyP99Ms: r.latency.p99,
          latencyMaxMs: r.latency.max,
          errors: r.errors + r.timeouts + r.non2xx,
          rssBeforeMiB: mib(before),
          rssAfterMiB: mib(after),
          jsonBaselineMs: Math.round(baselineMs * 100) / 100,
          meanOverJsonBaseline: Math.round((r.latency.average / baselineMs) * 10) / 10,
        };
        scenarios.push(s);
        console.error(
          `${n} ${mode} ${verb}: p50 ${s.latencyP50Ms} ms, p99 ${s.latencyP99Ms} ms, ${s.throughputPerS} req/s, errors ${s.errors}, RSS ${s.rssBeforeMiB}→${s.rssAfterMiB} MiB, JSON baseline ${s.jsonBaselineMs} ms (×${s.meanOverJsonBaseline})`,
        );
      }
    }
  }
  const exited = once(child, 'exit');
  child.send({ type: 'stop' });
  await exited;
  return { scenarios, duration, connections, podsPerNode, note: values.note };
}

function report({ scenarios, duration, connections, podsPerNode, note }) {
  const env = { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, date: new Date().toISOString() };
  const out = join(here, 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, 'extender-load.json'),
    `${JSON.stringify({ env, duration, connections, podsPerNode, scenarios }, null, 2)}\n`,
  );
  const rows = scenarios.map(
    (s) =>
      `| ${s.nodes} | ${s.mode} | ${s.verb} | ${(s.requestBytes / 1024 / 1024).toFixed(2)} | ${s.latencyMeanMs} | ${s.latencyP50Ms} | ${s.latencyP99Ms} | ${s.throughputPerS} | ${s.errors} | ${s.rssBeforeMiB} → ${s.rssAfterMiB} | ${s.jsonBaselineMs} | ${s.meanOverJsonBaseline} |`,
  );
  const md = [
    '# Extender load (bench/extender-load.mjs)',
    '',
    `${env.date}, Node ${env.node}, ${env.cpus} × ${env.cpu}. Server in a child process on loopback; autocannon with ${connections} connection(s), ${duration} s per scenario; ${podsPerNode} bound pods per node in the cache. Latency in ms (autocannon's percentiles have 1 ms resolution); RSS of the server process; "JSON baseline" is JSON.parse + JSON.stringify of the same request body in the load process (median), and the last column is mean latency ÷ baseline.`,
    '',
    ...(note ? [`**Note:** ${note}`, ''] : []),
    '| nodes | mode | verb | body MiB | mean | p50 | p99 | req/s | errors | RSS MiB | JSON baseline ms | mean / baseline |',
    '|---:|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|',
    ...rows,
    '',
  ].join('\n');
  writeFileSync(join(out, 'extender-load.md'), md);
  console.log(md);
}

if (process.argv.includes('--role-server')) await serve();
else report(await drive());
