// Conformance cases replayed through the server as kube-scheduler would drive it: for each pending
// pod in order, filter, then prioritize over the nodes that passed, then bind to the best one. The
// answers must agree with the engine called directly (tie-break first, as the expected files use).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { builtinRegistry } from '../../plugins/index.js';
import { Scheduler } from '../../src/engine/scheduler.js';
import { startExtender } from '../../src/extender/start.js';
import { chooseProfile, readSchedulerConfig } from '../../src/framework/config-file.js';
import { loadCluster } from '../../src/load/load.js';
import { Snapshot } from '../../src/snapshot/snapshot.js';
import { cacheArgs, fullArgs, type Json, post, silent } from './helpers.js';

const cases = fileURLToPath(new URL('../../../../shared/conformance/public/', import.meta.url));
/** Every public case: 450 cases, 2,022 pending pods, some with a KubeSchedulerConfiguration. */
const CASES = existsSync(cases)
  ? readdirSync(cases)
      .filter((f) => f.endsWith('.case.json'))
      .map((f) => f.slice(0, -'.case.json'.length))
      .sort()
  : [];

/**
 * The same node with its label keys in reverse order: equal for scheduling, but no longer equal to
 * the cached node as text, so the server builds a snapshot of the request instead of using its cache.
 */
function reordered(node: Json): Json {
  const copy = structuredClone(node);
  const meta = copy.metadata as Json;
  if (meta.labels) meta.labels = Object.fromEntries(Object.entries(meta.labels as Json).reverse());
  return copy;
}

describe('conformance cases through the extender', { skip: !existsSync(cases) && 'no ../shared/conformance' }, () => {
  for (const [n, id] of CASES.entries()) {
    const full = n % 2 === 0;
    const rebuild = n % 4 === 0;
    const mode = full ? (rebuild ? 'full NodeList, rebuilt' : 'full NodeList, cached') : 'nodeCacheCapable';
    test(`case ${id} (${mode}): filter and prioritize agree with scheduleOne`, async () => {
      const casePath = `${cases}${id}.case.json`;
      const configPath = `${cases}${id}.config.yaml`;
      const config = existsSync(configPath) ? await readSchedulerConfig(configPath) : undefined;
      const profile = chooseProfile({ config, configFile: configPath, registry: builtinRegistry() });
      const raw = JSON.parse(readFileSync(casePath, 'utf8')) as { nodes: Json[]; pendingPods: Json[] };
      if (rebuild) raw.nodes = raw.nodes.map(reordered);
      const { cluster } = await loadCluster([casePath]);
      const ext = await startExtender({
        profile,
        logger: silent,
        host: '127.0.0.1',
        port: 0,
        tieBreak: 'first',
        cluster,
      });
      try {
        const snapshot = new Snapshot(cluster);
        const direct = new Scheduler(profile, snapshot, { tieBreak: 'first', seed: 1, explain: true });
        const names = snapshot.nodeNames.slice();
        for (const [i, pending] of cluster.pendingPods.entries()) {
          if ((pending.spec.schedulingGates?.length ?? 0) > 0) continue;
          const info = snapshot.podInfo(pending);
          const want = direct.scheduleOne(info);
          const pod = structuredClone(raw.pendingPods[i]);
          const where = `${id} pod ${info.key}`;

          const f = await post(ext.url, 'filter', full ? fullArgs(pod, raw.nodes) : cacheArgs(pod, names));
          assert.equal(f.status, 200, where);
          const reply = f.json as {
            Nodes: { items: Json[] } | null;
            NodeNames: string[] | null;
            FailedAndUnresolvableNodes: Record<string, string>;
          };
          const passed = full
            ? (reply.Nodes?.items ?? []).map((n) => (n.metadata as Json).name as string)
            : (reply.NodeNames ?? []);
          assert.deepEqual([...passed].sort(), [...want.feasibleNodes].sort(), `${where}: feasible nodes`);
          const unresolvable = Object.entries(want.filterFailures)
            .filter(([, v]) => v.code === 'UnschedulableAndUnresolvable')
            .map(([k]) => k);
          assert.deepEqual(
            Object.keys(reply.FailedAndUnresolvableNodes).sort(),
            unresolvable.sort(),
            `${where}: unresolvable nodes`,
          );
          if (passed.length === 0) continue;

          const offered = names.filter((n) => passed.includes(n));
          const nodesById = new Map(raw.nodes.map((n) => [(n.metadata as Json).name as string, n]));
          const p = await post(
            ext.url,
            'prioritize',
            full
              ? fullArgs(
                  pod,
                  offered.map((n) => nodesById.get(n)!),
                )
              : cacheArgs(pod, offered),
          );
          assert.equal(p.status, 200, where);
          const scores = p.json as { Host: string; Score: number }[];
          const top = scores.filter((s) => s.Score === 10).map((s) => s.Host);
          assert.deepEqual(top.sort(), [...want.bestNodes].sort(), `${where}: best nodes`);
          const best = offered.find((n) => top.includes(n));
          assert.equal(best, want.chosenNode, `${where}: chosen node (first of the best in input order)`);

          const b = await post(ext.url, 'bind', {
            PodName: pending.metadata.name,
            PodNamespace: pending.metadata.namespace,
            PodUID: pending.metadata.uid,
            Node: best,
          });
          assert.deepEqual(b.json, { Error: '' }, where);
          snapshot.bind(info, snapshot.nodeIndex.get(want.chosenNode!)!);
        }
      } finally {
        await ext.shutdown(100);
      }
    });
  }
});
