// Full mode's request reader (args-reader.ts): node items byte-identical to ones read before are
// not parsed again, and nothing else changes: the ExtenderArgs, the filter and prioritize replies
// and the errors are those of JSON.parse + readExtenderArgs on the whole body, request after
// request, whatever changes between them (node order, nodes added or removed, a node changed in a
// field scheduling ignores or in one it reads, the cache reloaded, a broken body in between).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { ArgsReader, type ArgsReaderOptions, parseJson } from '../../src/extender/args-reader.js';
import { NodeCache } from '../../src/extender/cache.js';
import { Deadline } from '../../src/extender/errors.js';
import { RawJson } from '../../src/extender/filter-echo.js';
import type { RunningExtender } from '../../src/extender/start.js';
import { Extender } from '../../src/extender/verbs.js';
import { type ExtenderArgs, type RequestNode, readExtenderArgs } from '../../src/extender/wire.js';
import { apiNode, apiPod, clusterOf, type Json, loadJson, profile, send, start } from './helpers.js';

const CACHED = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'].map((name, i) =>
  apiNode(name, { cpu: String(2 + 2 * (i % 3)), labels: { zone: `z${i % 2}` } }),
);
const RESIDENTS = [apiPod('r1', { cpu: '3', nodeName: 'n1' }), apiPod('r2', { cpu: '1', nodeName: 'n4' })];

async function newCache(nodes: Json[] = CACHED): Promise<NodeCache> {
  const cache = new NodeCache({ profile, tieBreak: 'first', seed: 1 });
  cache.replace(await loadJson(clusterOf(nodes, RESIDENTS)));
  return cache;
}

function options(cache: NodeCache): ArgsReaderOptions {
  return {
    priorityClasses: cache.current.cluster.priorityClasses,
    knownNode: (name, raw) => cache.knownNode(name, raw),
    cachedNode: (name) => cache.cachedNode(name),
    cachedNodes: cache.current.snapshot.nodeCount,
  };
}

function body(nodes: Json[], pod: Json = apiPod('p', { cpu: '1' }), indent?: number): Buffer {
  return Buffer.from(
    JSON.stringify({ Pod: pod, Nodes: { metadata: {}, items: nodes }, NodeNames: null }, null, indent),
  );
}

/** A node as the cache has it, with only its heartbeat (a field scheduling ignores) changed. */
function heartbeat(node: Json, at: string): Json {
  const copy = structuredClone(node);
  ((copy.status as Json).conditions as Json[])[0].lastHeartbeatTime = at;
  return copy;
}

/** A node with one more label than the cache's version: scheduling reads it. */
function relabelled(node: Json): Json {
  const copy = structuredClone(node);
  ((copy.metadata as Json).labels as Json).extra = 'yes';
  return copy;
}

/** What the old path reads: JSON.parse of the whole body, then readExtenderArgs. */
function oldRead(bytes: Buffer, cache: NodeCache): ExtenderArgs {
  return readExtenderArgs(JSON.parse(bytes.toString('utf8')), options(cache));
}

/** The reader's args equal the old path's: the same items, the same cached Node for known ones. */
function assertSameArgs(got: ExtenderArgs, want: ExtenderArgs): void {
  assert.deepEqual(got.pod, want.pod);
  assert.deepEqual(got.nodeListHead, want.nodeListHead);
  assert.deepEqual(got.nodeNames, want.nodeNames);
  assert.equal(got.nodes?.length, want.nodes?.length);
  got.nodes?.forEach((item, i) => {
    const w = want.nodes?.[i] as RequestNode;
    assert.equal(item.name, w.name);
    assert.equal(item.known, w.known, `${item.name}: known`);
    assert.equal(item.problem, w.problem);
    if (w.known) assert.equal(item.node, w.node, `${item.name}: the cached Node itself`);
    else assert.deepEqual(item.node, w.node);
    assert.deepEqual(item.raw, w.raw);
  });
}

describe('ArgsReader', () => {
  let cache: NodeCache;
  before(async () => {
    cache = await newCache();
  });

  test('the same request again: every item is the one read before, and the args are the old path’s', () => {
    const reader = new ArgsReader();
    const first = reader.read(body(CACHED), options(cache));
    const again = body(CACHED, apiPod('other', { cpu: '2' }));
    const second = reader.read(again, options(cache));
    assertSameArgs(second, oldRead(again, cache));
    second.nodes?.forEach((item, i) => {
      assert.equal(item, first.nodes?.[i], `item ${i} reused`);
    });
  });

  test('reordered, added and removed nodes: identical items are found by their bytes wherever they are', () => {
    const reader = new ArgsReader();
    const first = reader.read(body(CACHED.slice(0, 4)), options(cache));
    const byName = new Map(first.nodes?.map((n) => [n.name, n]));
    const next = body([CACHED[3], CACHED[5], CACHED[1], CACHED[0]]);
    const second = reader.read(next, options(cache));
    assertSameArgs(second, oldRead(next, cache));
    const [n4, n6, n2, n1] = second.nodes as RequestNode[];
    assert.equal(n4, byName.get('n4'));
    assert.equal(n2, byName.get('n2'));
    assert.equal(n1, byName.get('n1'));
    assert.equal(n6.known, true, 'a node new to the reader is read (and is the cached n6)');
    assert.equal(byName.has('n6'), false);
  });

  test('a different part of the cluster each time (percentageOfNodesToScore): nodes seen requests ago are reused', () => {
    const reader = new ArgsReader();
    const first = reader.read(body(CACHED.slice(0, 3)), options(cache));
    reader.read(body(CACHED.slice(3)), options(cache));
    const next = body([CACHED[2], CACHED[0], CACHED[1]]);
    const third = reader.read(next, options(cache));
    assertSameArgs(third, oldRead(next, cache));
    assert.deepEqual(
      third.nodes?.map((item) => first.nodes?.indexOf(item)),
      [2, 0, 1],
    );
  });

  test('a node changed only where scheduling does not read is read again, and still stands for the cached node', () => {
    const reader = new ArgsReader();
    const first = reader.read(body(CACHED), options(cache));
    const changed = [...CACHED];
    changed[2] = heartbeat(CACHED[2], '2026-11-22T10:05:00Z');
    const next = body(changed);
    const second = reader.read(next, options(cache));
    assertSameArgs(second, oldRead(next, cache));
    const items = second.nodes as RequestNode[];
    assert.notEqual(items[2], first.nodes?.[2], 'changed bytes: parsed again');
    assert.equal(items[2].known, true);
    assert.equal(items[2].node, cache.cachedNode('n3'));
    assert.equal(items[0], first.nodes?.[0]);
    assert.equal(items[5], first.nodes?.[5]);
  });

  test('a node changed where scheduling reads is read again and validated as a node of its own', () => {
    const reader = new ArgsReader();
    reader.read(body(CACHED), options(cache));
    const changed = [...CACHED];
    changed[1] = relabelled(CACHED[1]);
    const next = body(changed);
    const second = reader.read(next, options(cache));
    assertSameArgs(second, oldRead(next, cache));
    const n2 = (second.nodes as RequestNode[])[1];
    assert.equal(n2.known, undefined);
    assert.equal(n2.node?.metadata.labels?.extra, 'yes');
    // And back: the cached version's bytes again are the cached node again.
    const back = reader.read(body(CACHED), options(cache));
    assert.equal((back.nodes as RequestNode[])[1].known, true);
  });

  test('a reloaded cache: items read against the old one are read again', async () => {
    const reader = new ArgsReader();
    const local = await newCache();
    const first = reader.read(body(CACHED), options(local));
    local.replace(
      await loadJson(
        clusterOf(
          CACHED.map((n, i) => (i === 0 ? relabelled(n) : n)),
          RESIDENTS,
        ),
      ),
    );
    const next = body(CACHED);
    const second = reader.read(next, options(local));
    assertSameArgs(second, oldRead(next, local));
    const items = second.nodes as RequestNode[];
    assert.equal(items[0].known, undefined, 'n1 no longer equals the cached n1');
    assert.equal(items[1].node, local.cachedNode('n2'));
    assert.notEqual(items[1], first.nodes?.[1]);
  });

  test('a broken body between two good ones: the same error as JSON.parse gives, then reuse resumes', () => {
    const reader = new ArgsReader();
    const first = reader.read(body(CACHED), options(cache));
    const text = body(CACHED).toString('utf8');
    const broken = Buffer.from(text.replace('"Pod":{', '"Pod":{"x":}, "y":{'));
    let oldMessage = '';
    try {
      JSON.parse(broken.toString('utf8'));
    } catch (err) {
      oldMessage = (err as Error).message;
    }
    assert.throws(
      () => reader.read(broken, options(cache)),
      (err: Error) => err.message === `request body is not valid JSON: ${oldMessage}`,
    );
    const invalidPod = body(CACHED, apiPod('bad', { cpu: 'lots' }));
    assert.throws(() => reader.read(invalidPod, options(cache)), /invalid pod/);
    const third = reader.read(body(CACHED), options(cache));
    third.nodes?.forEach((item, i) => {
      assert.equal(item, first.nodes?.[i]);
    });
  });

  test('items the scan is not certain of, and nodes the cache lacks, take the old path every time', () => {
    const reader = new ArgsReader();
    const stranger = apiNode('stranger', { cpu: '8' });
    const nodes = [CACHED[0], stranger];
    const first = reader.read(body(nodes), options(cache));
    const second = reader.read(body(nodes), options(cache));
    assert.equal(second.nodes?.[0], first.nodes?.[0]);
    assert.notEqual(second.nodes?.[1], first.nodes?.[1], 'an unknown node is validated every time');
    const escaped = Buffer.from(body(nodes).toString('utf8').replace('"Nodes"', '"Node\\u0073"'));
    assertSameArgs(reader.read(escaped, options(cache)), oldRead(escaped, cache));
  });
});

describe('filter and prioritize from bytes', () => {
  let cache: NodeCache;
  before(async () => {
    cache = await newCache();
  });

  /** A reply as the server writes it. */
  function text(reply: unknown): string {
    return reply instanceof RawJson ? reply.toBuffer().toString('utf8') : JSON.stringify(reply);
  }

  /** Both verbs through `ext`'s reader, and the old path on a fresh extender; errors as text. */
  function compare(ext: Extender, bytes: Buffer): void {
    const outcome = (f: () => unknown): string => {
      try {
        return text(f());
      } catch (err) {
        return `error: ${(err as Error).message}`;
      }
    };
    const old = new Extender({ cache });
    const parsed = () => parseJson(bytes);
    const deadline = () => new Deadline(10_000);
    assert.equal(
      outcome(() => ext.filterBytes(bytes, deadline())),
      outcome(() => old.filter(parsed(), deadline(), bytes)),
      'filter',
    );
    assert.equal(
      outcome(() => ext.prioritizeBytes(bytes, deadline())),
      outcome(() => old.prioritize(parsed(), deadline())),
      'prioritize',
    );
  }

  test('replies are byte for byte the old path’s across a sequence of changing requests', () => {
    const ext = new Extender({ cache });
    const withNull = structuredClone(CACHED[4]);
    (withNull.metadata as Json).annotations = null;
    const sequence = [
      CACHED,
      CACHED,
      [...CACHED].reverse(),
      [CACHED[0], heartbeat(CACHED[1], '2026-11-22T10:01:00Z'), relabelled(CACHED[2]), withNull],
      [CACHED[0], heartbeat(CACHED[1], '2026-11-22T10:01:00Z'), relabelled(CACHED[2]), withNull],
      [CACHED[5], CACHED[5], CACHED[0]],
      [],
      CACHED,
    ];
    for (const nodes of sequence) compare(ext, body(nodes, apiPod('p', { cpu: '3' })));
  });

  test('property: over random request sequences, every reply (or error) equals the old path’s', () => {
    const variant = fc.constantFrom('same', 'heartbeat', 'relabelled', 'nulls', 'stranger', 'invalid');
    const request = fc.record({
      nodes: fc.array(fc.record({ index: fc.nat(CACHED.length - 1), variant }), { maxLength: 8 }),
      podCpu: fc.constantFrom('100m', '1', '3', '5', 'lots'),
      indent: fc.constantFrom(undefined, undefined, 1),
      cut: fc.option(fc.nat(400), { freq: 8, nil: undefined }),
    });
    const build = (nodes: { index: number; variant: string }[]): Json[] =>
      nodes.map(({ index, variant }) => {
        const node = CACHED[index];
        const name = (node.metadata as Json).name as string;
        switch (variant) {
          case 'heartbeat':
            return heartbeat(node, '2026-11-22T10:09:00Z');
          case 'relabelled':
            return relabelled(node);
          case 'nulls': {
            const copy = structuredClone(node);
            (copy.spec as Json).taints = null;
            return copy;
          }
          case 'stranger':
            return apiNode(`${name}-stranger`, { cpu: '6' });
          case 'invalid':
            return apiNode(name, { cpu: 'many' });
          default:
            return node;
        }
      });
    fc.assert(
      fc.property(fc.array(request, { minLength: 1, maxLength: 6 }), (requests) => {
        const ext = new Extender({ cache });
        for (const { nodes, podCpu, indent, cut } of requests) {
          let bytes = body(build(nodes), apiPod('p', { cpu: podCpu }), indent);
          if (cut !== undefined) bytes = bytes.subarray(0, Math.min(cut, bytes.length - 1));
          compare(ext, bytes);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('over HTTP: large bodies read into reused buffers', () => {
  // Enough nodes that a body passes the size from which buffers are reused (256 KiB).
  const many = Array.from({ length: 600 }, (_, i) => apiNode(`big-${i}`, { cpu: String(1 + (i % 8)) }));
  let ext: RunningExtender;
  before(async () => {
    ext = await start(clusterOf(many));
  });
  after(() => ext.shutdown(1000));

  test('concurrent requests with different node lists each get their own reply', async () => {
    const orders = [many, [...many].reverse(), many.slice(100), many.filter((_, i) => i % 3 !== 0)];
    const bodies = orders.map((nodes, i) => body(nodes, apiPod(`p${i}`, { cpu: String(1 + i) })));
    assert.ok(bodies.every((b) => b.length > 256 * 1024));
    const expected = bodies.map((b) =>
      JSON.parse(JSON.stringify(ext.extender.filter(JSON.parse(b.toString('utf8')), new Deadline(10_000)))),
    );
    for (let round = 0; round < 3; round++) {
      const replies = await Promise.all(bodies.map((b) => send(`${ext.url}/filter`, { body: b })));
      replies.forEach((reply, i) => {
        assert.equal(reply.status, 200);
        assert.deepEqual(reply.json, expected[i], `round ${round}, request ${i}`);
      });
    }
  });
});
