// Thousands of malformed and random bodies at every verb: the server must answer each one with
// well-formed JSON and a status that says who is at fault (200, or a 4xx: never a 5xx), and keep running.
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { RunningExtender } from '../../src/extender/start.js';
import { apiNode, apiPod, cacheArgs, clusterOf, fullArgs, type Json, send, start } from './helpers.js';

const VERBS = ['filter', 'prioritize', 'preempt', 'bind'] as const;
const RUNS_PER_VERB = 1000;

const nodes = [apiNode('n1'), apiNode('n2', { cpu: '1' })];
const validPod = apiPod('p', { cpu: '500m', priority: 10 });

/** Sets `path` in a deep copy of `obj` to `value`. */
function withField(obj: Json, path: string[], value: unknown): Json {
  const copy = structuredClone(obj);
  let at: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    if (typeof at[key] !== 'object' || at[key] === null) at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  at[path[path.length - 1]] = value;
  return copy;
}

const POD_PATHS = [
  ['metadata'],
  ['metadata', 'name'],
  ['metadata', 'labels'],
  ['spec'],
  ['spec', 'containers'],
  ['spec', 'containers', '0'],
  ['spec', 'priority'],
  ['spec', 'tolerations'],
  ['spec', 'affinity'],
  ['spec', 'nodeSelector'],
  ['spec', 'topologySpreadConstraints'],
  ['spec', 'overhead'],
];

const ARG_PATHS = [
  ['Pod'],
  ['Nodes'],
  ['Nodes', 'items'],
  ['NodeNames'],
  ['NodeNameToMetaVictims'],
  ['NodeNameToVictims'],
  ['PodName'],
  ['Node'],
];

const value = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, '', 0, -1, 1e308, 'n1', [], {}, ['n1', 'n2'], { items: [] }),
);

/** A body: random text, random JSON, or a valid request with one field swapped for junk. */
const body = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc
    .tuple(fc.constantFrom(...ARG_PATHS), value, fc.boolean())
    .map(([path, v, full]) =>
      JSON.stringify(withField(full ? fullArgs(validPod, nodes) : cacheArgs(validPod, ['n1', 'n2', 'ghost']), path, v)),
    ),
  fc
    .tuple(fc.constantFrom(...POD_PATHS), value)
    .map(([path, v]) => JSON.stringify(cacheArgs(withField(validPod, path, v), ['n1', 'n2']))),
  fc.tuple(fc.constantFrom(...POD_PATHS), value).map(([path, v]) =>
    JSON.stringify({
      Pod: withField(validPod, path, v),
      NodeNameToMetaVictims: { n1: { Pods: [{ UID: 'x' }], NumPDBViolations: 0 } },
    }),
  ),
  fc
    .tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }))
    .map(([name, node]) => JSON.stringify({ PodName: name, PodNamespace: 'default', PodUID: '', Node: node })),
  fc.string({ maxLength: 100 }).map((s) => `{"Pod": ${s}`),
);

describe('fuzzing every verb', () => {
  let ext: RunningExtender;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  before(async () => {
    ext = await start(clusterOf(nodes, [apiPod('low', { cpu: '1', nodeName: 'n2', priority: 0 })]), {
      maxBody: 256 * 1024,
    });
  });
  after(async () => {
    agent.destroy();
    await ext.shutdown(1000);
  });

  for (const verb of VERBS) {
    test(`${verb}: every random or malformed body gets well-formed JSON and a 200 or 4xx, never a crash`, async () => {
      await fc.assert(
        fc.asyncProperty(body, async (text) => {
          const r = await send(`${ext.url}/${verb}`, { body: text, agent });
          assert.ok(r.json !== undefined, `reply is not JSON: ${r.text.slice(0, 200)}`);
          assert.ok(
            r.status === 200 || (r.status >= 400 && r.status < 500),
            `status ${r.status}: ${r.text.slice(0, 300)}`,
          );
          const reply = r.json as Json;
          if (r.status !== 200) {
            assert.equal(typeof reply.Error, 'string');
            assert.notEqual(reply.Error, '');
            return;
          }
          if (verb === 'prioritize') {
            assert.ok(Array.isArray(reply));
            for (const h of reply as unknown as { Host: unknown; Score: unknown }[]) {
              assert.equal(typeof h.Host, 'string');
              assert.ok(Number.isInteger(h.Score) && (h.Score as number) >= 0 && (h.Score as number) <= 10);
            }
          } else if (verb === 'filter') {
            assert.deepEqual(Object.keys(reply), [
              'Nodes',
              'NodeNames',
              'FailedNodes',
              'FailedAndUnresolvableNodes',
              'Error',
            ]);
          } else if (verb === 'preempt') {
            assert.deepEqual(Object.keys(reply), ['NodeNameToMetaVictims']);
          } else {
            assert.deepEqual(Object.keys(reply), ['Error']);
          }
        }),
        { numRuns: RUNS_PER_VERB },
      );
      const alive = await send(`${ext.url.replace('/scheduler', '')}/healthz`);
      assert.equal(alive.status, 200);
    });
  }
});
