// The JSON scanners that place problems without a position-keeping parse.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { findJsonSyntaxError, locateJsonPaths } from '../../src/load/json.js';
import { linesOfOffsets, resolvePath, type Segment } from '../../src/load/path.js';

test('findJsonSyntaxError points at the first mistake', () => {
  const cases: [string, number, string][] = [
    ['{"a": 1 "b": 2}', 8, "expected ',' or '}' after a property value, got '\"'"],
    ['[1, 2,]', 5, "trailing comma before ']'"],
    ['{"a": tru}', 6, 'unexpected "tru", expected a value (strings need double quotes)'],
    ['{"a": "x\ny"}', 6, 'unterminated string (line break inside a string)'],
    ["{'a': 1}", 1, "expected a property name in double quotes, got '''"],
    ['{"a": 01}', 6, 'malformed number'],
    ['{"a": 1} x', 9, 'unexpected content after the end of the JSON value'],
    ['', 0, 'unexpected end of input, expected a value'],
  ];
  for (const [text, offset, message] of cases) {
    assert.deepEqual(findJsonSyntaxError(text), { offset, message }, text);
  }
});

test('findJsonSyntaxError finds nothing in valid JSON', () => {
  fc.assert(fc.property(fc.jsonValue(), (v) => findJsonSyntaxError(JSON.stringify(v, null, 1)) === undefined));
});

/** Every path to a member or element of `v`. */
function allPaths(v: unknown, prefix: Segment[] = [], out: Segment[][] = []): Segment[][] {
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      out.push([...prefix, i]);
      allPaths(x, [...prefix, i], out);
    });
  } else if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) {
      out.push([...prefix, k]);
      allPaths(x, [...prefix, k], out);
    }
  }
  return out;
}

test('locateJsonPaths: each member path lands on its key, each element path on the element', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.boolean(), (v, pretty) => {
      const text = JSON.stringify(v, null, pretty ? 2 : undefined);
      const paths = allPaths(v);
      const offsets = locateJsonPaths(text, paths);
      return paths.every((path, i) => {
        const last = path[path.length - 1];
        if (typeof last === 'string') return text.startsWith(JSON.stringify(last), offsets[i]);
        let value: unknown = v;
        for (const seg of path) value = (value as Record<string, unknown>)[seg];
        return text.startsWith(JSON.stringify(value, null, pretty ? 2 : undefined)?.[0] ?? 'n', offsets[i]);
      });
    }),
  );
});

test('locateJsonPaths: a missing path lands on its deepest existing part', () => {
  const text = '{\n "a": {\n  "b": [\n   {"c": 1}\n  ]\n }\n}';
  const offsets = locateJsonPaths(text, [['a', 'b', 0, 'x'], ['a', 'zzz'], ['q']]);
  assert.deepEqual(linesOfOffsets(text, offsets), [4, 2, 1]);
});

test('resolvePath takes the longest key of the object, so keys may hold dots and slashes', () => {
  const obj = { metadata: { labels: { 'app.kubernetes.io/name': 'x', app: 'y' } }, items: [{ 'a.b': { c: 1 } }] };
  assert.deepEqual(resolvePath(obj, 'metadata.labels.app.kubernetes.io/name'), [
    'metadata',
    'labels',
    'app.kubernetes.io/name',
  ]);
  assert.deepEqual(resolvePath(obj, 'metadata.labels[app.kubernetes.io/name]'), [
    'metadata',
    'labels',
    'app.kubernetes.io/name',
  ]);
  assert.deepEqual(resolvePath(obj, 'metadata.labels["app"]'), ['metadata', 'labels', 'app']);
  assert.deepEqual(resolvePath(obj, 'items[0].a.b.c'), ['items', 0, 'a.b', 'c']);
  assert.deepEqual(resolvePath(obj, 'items[3].spec'), ['items', 3, 'spec']);
});
