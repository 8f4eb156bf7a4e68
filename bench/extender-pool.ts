// `berth serve --executor single|pool`: time per nodeCacheCapable filter + prioritize over loopback,
// one thread against the pool with 2 and 3 workers, servers in this process, every request checked.
// Prints each executor's time and its speed as a ratio to one thread measured in the same run (the
// machine is shared: only ratios from one run compare). Usage: node dist/bench/extender-pool.js [nodes]
import type { ExecutorChoice } from '../src/engine/executor.js';
import { apiNode, apiPod, cacheArgs, clusterOf, type Json, post, start } from '../test/extender/helpers.js';

const nodeCount = Number(process.argv[2] ?? 5000);
const ROUNDS = 40;
const nodes: Json[] = [];
const pods: Json[] = [];
for (let i = 0; i < nodeCount; i++) {
  nodes.push(apiNode(`n${i}`, { labels: { 'topology.kubernetes.io/zone': `z${i % 3}` } }));
}
for (let i = 0; i < nodeCount * 2; i++) {
  pods.push(apiPod(`b${i}`, { nodeName: `n${(i * 7) % nodeCount}`, cpu: '100m', labels: { app: `a${i % 5}` } }));
}
const names = nodes.map((n) => (n.metadata as Json).name as string);
const spread = {
  topologySpreadConstraints: [
    {
      maxSkew: 1,
      topologyKey: 'topology.kubernetes.io/zone',
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: { app: 'a1' } },
    },
  ],
};

const executors: [string, ExecutorChoice][] = [
  ['single', { executor: 'single', workers: 1 }],
  ['pool, 2 workers', { executor: 'pool', workers: 2 }],
  ['pool, 3 workers', { executor: 'pool', workers: 3 }],
];
const servers = await Promise.all(executors.map(([, executor]) => start(clusterOf(nodes, pods), { executor })));
const ms = new Map<string, number>();
// Two passes: the first warms up (pool start, replication, JIT); the second is reported.
for (const pass of [0, 1]) {
  for (const [i, [name]] of executors.entries()) {
    const url = servers[i].url;
    const started = process.hrtime.bigint();
    for (let r = 0; r < ROUNDS; r++) {
      const body = cacheArgs(apiPod(`p${pass}-${r}`, { cpu: '200m', labels: { app: 'a1' }, extra: spread }), names);
      for (const verb of ['filter', 'prioritize']) {
        const reply = await post(url, verb, body);
        if (reply.status !== 200) throw new Error(`${name} ${verb}: ${reply.status} ${reply.text}`);
      }
    }
    ms.set(name, Number(process.hrtime.bigint() - started) / 1e6 / ROUNDS);
  }
}
const single = ms.get('single')!;
console.log(`${nodeCount} nodes, nodeCacheCapable filter + prioritize, ${ROUNDS} pods`);
for (const [name, t] of ms)
  console.log(`${name.padEnd(16)} ${t.toFixed(2)} ms   ${(single / t).toFixed(2)}× one thread`);
await Promise.all(servers.map((s) => s.shutdown(100)));
