// The byte ranges of a full-mode request's nodes (raw-items.ts) and the filter reply that copies
// them (filter-echo.ts): every range reads back as the parsed item, every uncertain body is refused,
// and the copied reply parses to exactly what serialising the parsed nodes gave.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { Deadline } from '../../src/extender/errors.js';
import { RawJson } from '../../src/extender/filter-echo.js';
import { type ItemSpans, itemName, NodeItemScanner, scanNodeItems } from '../../src/extender/raw-items.js';
import type { RunningExtender } from '../../src/extender/start.js';
import { apiNode, apiPod, clusterOf, type Json, post, start } from './helpers.js';

function slices(body: Buffer, spans: ItemSpans): string[] {
  return Array.from(spans.start, (s, i) => body.subarray(spans.base + s, spans.base + spans.end[i]).toString('utf8'));
}

function scanText(text: string): { body: Buffer; spans: ItemSpans | undefined } {
  const body = Buffer.from(text);
  return { body, spans: scanNodeItems(body) };
}

function hasNull(v: unknown): boolean {
  if (v === null) return true;
  if (typeof v !== 'object') return false;
  return Object.values(v as object).some(hasNull);
}

describe('scanNodeItems', () => {
  test('finds each item of Nodes.items, exactly its bytes', () => {
    const { body, spans } = scanText(
      '{"Pod":{"a":[1]},"Nodes":{"metadata":{},"items":[{"a":1},{"b":"x"}]},"NodeNames":null}',
    );
    assert.ok(spans);
    assert.deepEqual(slices(body, spans), ['{"a":1}', '{"b":"x"}']);
    assert.deepEqual([...spans.hasNull], [0, 0]);
  });

  test('strings with escaped quotes, backslashes, brackets and unicode escapes', () => {
    const items = [
      '{"metadata":{"name":"a\\"]}b"},"x":"\\\\"}',
      '{"s":"\\u0022\\u005c\\"","t":"zoné ✓ \\ud83d\\ude00","u":"[{\\"n\\":null}]"}',
      '{"k\\"ey":"\\\\\\""}',
    ];
    const { body, spans } = scanText(`{"Nodes":{"items":[${items.join(',')}]}}`);
    assert.ok(spans);
    assert.deepEqual(slices(body, spans), items);
    assert.deepEqual([...spans.hasNull], [0, 0, 0], 'a "null" inside a string is not a null');
  });

  test('nested arrays and objects, empty ones too', () => {
    const items = ['{"a":[[1,[2]],{"b":[]},{}],"c":{"d":{"e":[[]]}}}', '{}'];
    const { body, spans } = scanText(`{"Nodes":{"items":[${items.join(',')}]}}`);
    assert.ok(spans);
    assert.deepEqual(slices(body, spans), items);
  });

  test('whitespace anywhere JSON allows it; the ranges hold no outer whitespace', () => {
    const value = { Pod: { x: 1 }, Nodes: { metadata: { rv: '1' }, items: [{ a: [1, 2] }, { b: { c: 'd' } }] } };
    const text = JSON.stringify(value, null, '\t').replaceAll('\n', '\r\n  ');
    const { body, spans } = scanText(` \n${text}\n `);
    assert.ok(spans);
    assert.deepEqual(
      slices(body, spans).map((s) => JSON.parse(s)),
      value.Nodes.items,
    );
    for (const s of slices(body, spans)) assert.match(s, /^\{[\s\S]*\}$/);
  });

  test('any key order, any case of Nodes and items (as Go reads them)', () => {
    const { body, spans } = scanText(
      '{"NodeNames":null,"nodes":{"ITEMS":[{"z":1}],"metadata":{"items2":[{"no":1}]}},"Pod":{"Nodes":{"items":[]}}}',
    );
    assert.ok(spans);
    assert.deepEqual(slices(body, spans), ['{"z":1}']);
  });

  test('null literals are flagged per item', () => {
    const { spans } = scanText(
      '{"Nodes":{"items":[{"a":null},{"a":"null"},{"n":1},{"a":[true,false,null]},{"a":-1.5e3}]}}',
    );
    assert.ok(spans);
    assert.deepEqual([...spans.hasNull], [1, 0, 0, 1, 0]);
  });

  test('an empty items array has no ranges', () => {
    const { spans } = scanText('{"Nodes":{"items":[ ]}}');
    assert.ok(spans);
    assert.equal(spans.start.length, 0);
  });

  test('gives up where it might not name what JSON.parse kept', () => {
    const uncertain = [
      '{"Nodes":{"items":[{}]},"nodes":{"items":[{}]}}', // Nodes twice (any case): which one Go keeps differs
      '{"Nodes":{"items":[{}],"Items":[{}]}}', // items twice
      '{"N\\u006fdes":{"items":[{}]}}', // an escaped key could be Nodes
      '{"Nodes":{"it\\u0065ms":[{}]}}', // an escaped key could be items
      '{"Nodes":null}',
      '{"Nodes":{"items":null}}',
      '{"Nodes":{"items":{}}}',
      '{"Pod":{}}',
      '[{"Nodes":{"items":[]}}]',
    ];
    for (const text of uncertain) assert.equal(scanText(text).spans, undefined, text);
    const notUtf8 = Buffer.concat([
      Buffer.from('{"Nodes":{"items":[{"a":"'),
      Buffer.from([0xff]),
      Buffer.from('"}]}}'),
    ]);
    assert.equal(scanNodeItems(notUtf8), undefined, 'invalid UTF-8');
  });

  test('a scanner remembers the last items array: same bytes at another offset, same ranges', () => {
    const scanner = new NodeItemScanner();
    const items = '[{"a":"x"},{"b":[1,{"c":null}]}]';
    const first = Buffer.from(`{"Pod":{"name":"p"},"Nodes":{"items":${items}}}`);
    const second = Buffer.from(`{"Pod":{"name":"a much longer pod name"},"Nodes":{"items":${items}},"NodeNames":null}`);
    const changed = Buffer.from(`{"Pod":{"name":"p"},"Nodes":{"items":[{"a":"y"},{"b":2}]}}`);
    const prefixOnly = Buffer.from(`{"Pod":{"name":"p"},"Nodes":{"items":[{"a":"x"}]}}`);
    for (const [body, expected] of [
      [first, ['{"a":"x"}', '{"b":[1,{"c":null}]}']],
      [second, ['{"a":"x"}', '{"b":[1,{"c":null}]}']],
      [changed, ['{"a":"y"}', '{"b":2}']],
      [changed, ['{"a":"y"}', '{"b":2}']],
      [prefixOnly, ['{"a":"x"}']],
    ] as const) {
      const spans = scanner.scan(body);
      assert.ok(spans);
      assert.deepEqual(slices(body, spans), expected);
    }
  });

  test('array ids: the same array again keeps its id; a changed one gets a new id and marks its unchanged items', () => {
    const scanner = new NodeItemScanner();
    const wrap = (items: string) => Buffer.from(`{"Pod":{},"Nodes":{"items":[${items}]}}`);
    const a = scanner.scan(wrap('{"a":1},{"b":2},{"c":3}'));
    const again = scanner.scan(wrap('{"a":1},{"b":2},{"c":3}'));
    const changed = scanner.scan(wrap('{"a":1},{"b":22},{"c":3},{"d":4}'));
    assert.ok(a && again && changed);
    assert.equal(again.array, a.array);
    assert.notEqual(changed.array, a.array);
    assert.equal(changed.before, a.array);
    assert.deepEqual([...changed.sameAsBefore], [1, 0, 1, 0]);
    const body = wrap('{"a":1},{"b":22},{"c":3},{"d":4}');
    assert.equal(scanner.scan(body), scanner.scan(body), 'the same body scanned twice: the same result');
  });

  test('property: a scanner fed a sequence of bodies (each overwritten once scanned), offered items read before or not, finds what a fresh scan finds', () => {
    // Items from a small pool, so that many recur at the same index or elsewhere.
    const pool = ['{"a":1}', '{"a":2}', '{"b":[1,null]}', '{"c":"x\\\\"}', '7', '"s"', 'null', '{"a":1 }'];
    const bodyText = fc.record({
      items: fc.array(fc.nat(pool.length - 1), { maxLength: 6 }),
      pod: fc.string({ maxLength: 4 }),
      space: fc.constantFrom('', ' ', '\n'),
    });
    // The items a lookup offers as read before, in turn: some are the item there, most are not.
    const offers = fc.option(fc.array(fc.nat(pool.length - 1), { minLength: 1, maxLength: 5 }), { nil: undefined });
    fc.assert(
      fc.property(fc.array(bodyText, { minLength: 1, maxLength: 8 }), offers, (bodies, offered) => {
        const scanner = new NodeItemScanner();
        let calls = 0;
        const known = offered
          ? () => {
              const text = pool[offered[calls++ % offered.length]];
              return { bytes: Buffer.from(text), hasNull: text.includes('null') ? 1 : 0 };
            }
          : undefined;
        let previous: { id: number; items: string[] } | undefined;
        for (const { items, pod, space } of bodies) {
          const texts = items.map((i) => pool[i]);
          const bytes = Buffer.from(
            `{"Pod":${JSON.stringify(pod)},"Nodes":{"items":[${space}${texts.join(`${space},`)}]}}`,
          );
          const spans = scanner.scan(bytes, known);
          const fresh = scanNodeItems(Buffer.from(bytes));
          assert.ok(spans && fresh);
          assert.deepEqual(slices(bytes, spans), texts);
          assert.deepEqual([...spans.hasNull], [...fresh.hasNull]);
          assert.equal(spans.close, fresh.close);
          spans.matched.forEach((item, i) => {
            if (item) assert.equal(Buffer.from(item.bytes).toString('utf8'), texts[i]);
          });
          if (previous && spans.array !== previous.id) {
            assert.equal(spans.before, previous.id);
            spans.sameAsBefore.forEach((same, i) => {
              if (same === 1) assert.equal(texts[i], previous?.items[i]);
            });
          }
          if (previous && spans.array === previous.id) assert.deepEqual(texts, previous.items);
          previous = { id: spans.array, items: texts };
          bytes.fill(0x5b); // the server reuses body buffers: nothing may read this one again
        }
      }),
      { numRuns: 300 },
    );
  });

  test('itemName reads metadata.name from the bytes; anything unusual gives undefined', () => {
    const name = (text: string) => itemName(Buffer.from(` ${text}`), 1);
    assert.equal(name('{"kind":"Node","metadata":{"labels":{"a":"b"},"name":"n-1"},"spec":{}}'), 'n-1');
    assert.equal(name('{"metadata":{"name":"zoné"}}'), 'zoné');
    assert.equal(name('{"metadata":{"name":"a\\u0062"}}'), undefined, 'escaped');
    assert.equal(name('{"metadata":{"name":5}}'), undefined);
    assert.equal(name('{"metadata":{}}'), undefined);
    assert.equal(name('{"spec":{}}'), undefined);
    assert.equal(name('{"metadata":{"name":"x'), undefined, 'truncated');
    assert.equal(name('[1]'), undefined);
  });

  test('property: every range parses to the parsed item; hasNull says whether it holds a null', () => {
    const item = fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 });
    const body = fc.record({
      pod: fc.jsonValue({ maxDepth: 2 }),
      // Keys beside items that JSON escapes make the scan give up (tested above); not these.
      head: fc.dictionary(
        fc.string().filter((k) => k.toLowerCase() !== 'items' && !JSON.stringify(k).includes('\\')),
        fc.jsonValue({ maxDepth: 1 }),
        { maxKeys: 3 },
      ),
      items: fc.array(item, { maxLength: 6 }),
      indent: fc.constantFrom(undefined, 1, '\t', ' \r\n'),
    });
    fc.assert(
      fc.property(body, ({ pod, head, items, indent }) => {
        const text = JSON.stringify({ Pod: pod, Nodes: { ...head, items } }, null, indent as string | number);
        const bytes = Buffer.from(text);
        const spans = scanNodeItems(bytes);
        assert.ok(spans, text);
        const parsed = JSON.parse(text).Nodes.items as unknown[];
        const got = slices(bytes, spans);
        assert.equal(got.length, parsed.length);
        got.forEach((s, i) => {
          assert.deepEqual(JSON.parse(s), parsed[i]);
          assert.equal(spans.hasNull[i] === 1, hasNull(parsed[i]));
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('full-mode filter reply copied from the request', () => {
  const cached = [
    apiNode('n1', { cpu: '4' }),
    apiNode('n2', { cpu: '2' }),
    apiNode('n3', { cpu: '8', taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
    apiNode('n4', { cpu: '4' }),
    apiNode('n5', { cpu: '16', labels: { zone: 'b' } }),
  ];
  /** Without nulls, as a Go v1.Node with omitempty fields serialises. */
  const withoutNulls = (n: Json): Json => JSON.parse(JSON.stringify(n, (_k, v) => (v === null ? undefined : v)));
  let ext: RunningExtender;
  before(async () => {
    ext = await start(clusterOf(cached, [apiPod('big', { cpu: '3500m', nodeName: 'n4' })]));
  });
  after(() => ext.shutdown(1000));

  /** The old path (serialising the parsed nodes) and the copying one, both as parsed JSON. */
  function both(text: string): { old: unknown; copied: unknown; rawUsed: boolean } {
    const deadline = new Deadline(10_000);
    const old = ext.extender.filter(JSON.parse(text), deadline);
    const reply = ext.extender.filter(JSON.parse(text), deadline, Buffer.from(text));
    assert.ok(!(old instanceof Promise) && !(reply instanceof Promise));
    const rawUsed = reply instanceof RawJson;
    const copied = reply instanceof RawJson ? JSON.parse(reply.toBuffer().toString('utf8')) : reply;
    return { old: JSON.parse(JSON.stringify(old)), copied, rawUsed };
  }

  test('cached nodes without nulls are copied; the reply reads as the serialised one', () => {
    const text = JSON.stringify({
      Pod: apiPod('p', { cpu: '3' }),
      Nodes: { metadata: { resourceVersion: '7' }, items: cached.map(withoutNulls) },
      NodeNames: null,
    });
    const { old, copied, rawUsed } = both(text);
    assert.ok(rawUsed);
    assert.deepEqual(copied, old);
    const items = (copied as { Nodes: { items: Json[] } }).Nodes.items;
    assert.deepEqual(
      items.map((n) => (n.metadata as Json).name),
      ['n1', 'n5'],
    );
  });

  test('over HTTP: the copied reply is the one the serialising path gives', async () => {
    const body = {
      Pod: apiPod('q', { cpu: '1' }),
      Nodes: { metadata: {}, items: [...cached.map(withoutNulls), cached[1]] },
      NodeNames: null,
    };
    const expected = JSON.parse(JSON.stringify(ext.extender.filter(structuredClone(body), new Deadline(10_000))));
    for (let round = 0; round < 2; round++) {
      const reply = await post(ext.url, 'filter', body);
      assert.equal(reply.status, 200);
      assert.equal(Number(reply.headers['content-length']), Buffer.byteLength(reply.text));
      assert.deepEqual(reply.json, expected);
    }
  });

  test('property: the copied reply parses to exactly what the serialising path returned', () => {
    const variant = fc.record({
      index: fc.nat(cached.length + 1),
      nulls: fc.boolean(),
      annotation: fc.option(fc.string(), { nil: undefined }),
      cpu: fc.option(fc.constantFrom('1', '4', '32'), { nil: undefined }),
    });
    const request = fc.record({
      nodes: fc.array(variant, { minLength: 1, maxLength: 8 }),
      podCpu: fc.constantFrom('100m', '1', '3', '6'),
      indent: fc.constantFrom(undefined, 2),
      keys: fc.constantFrom(['Nodes', 'items'], ['nodes', 'Items'], ['NODES', 'ITEMS']),
      head: fc.dictionary(fc.constantFrom('metadata', 'kind', 'apiVersion'), fc.jsonValue({ maxDepth: 1 })),
    });
    let copiedReplies = 0;
    fc.assert(
      fc.property(request, ({ nodes, podCpu, indent, keys, head }) => {
        const items = nodes.map(({ index, nulls, annotation, cpu }) => {
          // Index past the cache: a node berth has not seen (validated, so never copied).
          let node = index < cached.length ? cached[index] : apiNode(`new-${index}`, { cpu: '8' });
          if (cpu !== undefined) node = apiNode((node.metadata as Json).name as string, { cpu });
          node = nulls ? structuredClone(node) : withoutNulls(node);
          if (annotation !== undefined) (node.metadata as Json).annotations = { note: annotation };
          return node;
        });
        const text = JSON.stringify(
          { Pod: apiPod('p', { cpu: podCpu }), [keys[0]]: { ...head, [keys[1]]: items }, NodeNames: null },
          null,
          indent,
        );
        const { old, copied, rawUsed } = both(text);
        if (rawUsed) copiedReplies++;
        assert.deepEqual(copied, old);
      }),
      { numRuns: 150 },
    );
    assert.ok(copiedReplies > 0, 'the copying path ran');
  });
});
