import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  formatSelector,
  isValidLabelKey,
  isValidLabelValue,
  matchesLabelSelector,
  parseSelector,
  SelectorParseError,
  selectorFromMap,
  validateLabelSelector,
} from '../../src/api/labels.js';
import type { LabelSelector, LabelSelectorRequirement, Labels } from '../../src/api/types.js';

describe('label key and value syntax', () => {
  const keys: [string, boolean][] = [
    ['a', true],
    ['app', true],
    ['A9', true],
    ['a-b_c.d', true],
    ['x'.repeat(63), true],
    ['app.kubernetes.io/name', true],
    ['kubernetes.io/hostname', true],
    [`${'a'.repeat(253)}/b`, true],
    ['', false],
    ['x'.repeat(64), false],
    ['-a', false],
    ['a-', false],
    ['_a', false],
    ['a b', false],
    ['a/b/c', false],
    ['/a', false],
    ['a/', false],
    ['Example.com/a', false],
    ['-x.io/a', false],
    [`${'a'.repeat(254)}/b`, false],
    ['é', false],
  ];
  for (const [key, valid] of keys) {
    test(`label key ${JSON.stringify(key.length > 20 ? `${key.slice(0, 12)}…(${key.length})` : key)} is ${valid ? 'valid' : 'invalid'}`, () => {
      assert.equal(isValidLabelKey(key), valid);
    });
  }
  const values: [string, boolean][] = [
    ['', true],
    ['a', true],
    ['A-b_c.9', true],
    ['007', true],
    ['v'.repeat(63), true],
    ['v'.repeat(64), false],
    ['-a', false],
    ['a-', false],
    ['+5', false],
    ['-5', false],
    ['a b', false],
    ['.a', false],
    ['a/b', false],
  ];
  for (const [value, valid] of values) {
    test(`label value ${JSON.stringify(value.length > 20 ? `${value.slice(0, 12)}…(${value.length})` : value)} is ${valid ? 'valid' : 'invalid'}`, () => {
      assert.equal(isValidLabelValue(value), valid);
    });
  }
});

describe('matchesLabelSelector', () => {
  const req = (key: string, operator: LabelSelectorRequirement['operator'], values?: string[]): LabelSelector => ({
    matchExpressions: [{ key, operator, values }],
  });
  const cases: [string, LabelSelector | null | undefined, Labels | undefined, boolean][] = [
    ['null selector matches nothing', null, { a: '1' }, false],
    ['null selector matches nothing, not even no labels', null, undefined, false],
    ['undefined selector matches nothing', undefined, {}, false],
    ['{} matches everything', {}, { a: '1' }, true],
    ['{} matches an object without labels', {}, undefined, true],
    [
      'empty matchLabels and matchExpressions match everything',
      { matchLabels: {}, matchExpressions: [] },
      { a: '1' },
      true,
    ],
    ['matchLabels equal', { matchLabels: { a: '1' } }, { a: '1', b: '2' }, true],
    ['matchLabels different value', { matchLabels: { a: '1' } }, { a: '2' }, false],
    ['matchLabels missing key', { matchLabels: { a: '1' } }, {}, false],
    ['matchLabels empty value needs the key', { matchLabels: { a: '' } }, {}, false],
    ['matchLabels empty value', { matchLabels: { a: '' } }, { a: '' }, true],
    ['matchLabels pairs are ANDed', { matchLabels: { a: '1', b: '2' } }, { a: '1', b: '3' }, false],
    ['In with the value', req('a', 'In', ['1', '2']), { a: '2' }, true],
    ['In without the value', req('a', 'In', ['1', '2']), { a: '3' }, false],
    ['In with a missing key', req('a', 'In', ['1']), {}, false],
    ['NotIn with a missing key matches', req('a', 'NotIn', ['1']), {}, true],
    ['NotIn with no labels at all matches', req('a', 'NotIn', ['1']), undefined, true],
    ['NotIn with a listed value', req('a', 'NotIn', ['1']), { a: '1' }, false],
    ['NotIn with another value', req('a', 'NotIn', ['1']), { a: '2' }, true],
    ['Exists', req('a', 'Exists'), { a: '' }, true],
    ['Exists with a missing key', req('a', 'Exists'), { b: '1' }, false],
    ['DoesNotExist', req('a', 'DoesNotExist'), { b: '1' }, true],
    ['DoesNotExist with the key', req('a', 'DoesNotExist'), { a: '1' }, false],
    ['inherited object properties are not labels (Exists)', req('constructor', 'Exists'), {}, false],
    ['inherited object properties are not labels (matchLabels)', { matchLabels: { toString: 'x' } }, {}, false],
    [
      'matchLabels and expressions are ANDed',
      { matchLabels: { a: '1' }, matchExpressions: [{ key: 'b', operator: 'DoesNotExist' }] },
      { a: '1', b: '2' },
      false,
    ],
  ];
  for (const [name, sel, labels, expected] of cases) {
    test(name, () => assert.equal(matchesLabelSelector(sel, labels), expected));
  }
});

describe('validateLabelSelector', () => {
  test('a null selector and a valid selector have no problems', () => {
    assert.deepEqual(validateLabelSelector(null, 's'), []);
    assert.deepEqual(
      validateLabelSelector(
        {
          matchLabels: { 'app.kubernetes.io/name': 'web', tier: '' },
          matchExpressions: [
            { key: 'a', operator: 'In', values: ['x', ''] },
            { key: 'b', operator: 'Exists' },
            { key: 'c', operator: 'DoesNotExist', values: [] },
          ],
        },
        's',
      ),
      [],
    );
  });
  const cases: [string, LabelSelector, { code: string; path: string }[]][] = [
    [
      'In needs a value',
      { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] },
      [{ code: 'values', path: 's.matchExpressions[0].values' }],
    ],
    [
      'NotIn needs a value',
      { matchExpressions: [{ key: 'a', operator: 'NotIn' }] },
      [{ code: 'values', path: 's.matchExpressions[0].values' }],
    ],
    [
      'Exists takes no values',
      { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] },
      [{ code: 'values', path: 's.matchExpressions[0].values' }],
    ],
    [
      'DoesNotExist takes no values',
      { matchExpressions: [{ key: 'a', operator: 'DoesNotExist', values: ['x'] }] },
      [{ code: 'values', path: 's.matchExpressions[0].values' }],
    ],
    [
      'unknown operator',
      { matchExpressions: [{ key: 'a', operator: 'Gt' as 'In', values: ['1'] }] },
      [{ code: 'operator', path: 's.matchExpressions[0].operator' }],
    ],
    ['matchLabels key', { matchLabels: { 'a b': 'x' } }, [{ code: 'label-key', path: 's.matchLabels[a b]' }]],
    ['matchLabels value', { matchLabels: { a: '-x' } }, [{ code: 'label-value', path: 's.matchLabels[a]' }]],
    [
      'expression key',
      { matchExpressions: [{ key: 'a/b/c', operator: 'Exists' }] },
      [{ code: 'label-key', path: 's.matchExpressions[0].key' }],
    ],
    [
      'expression values',
      { matchExpressions: [{ key: 'a', operator: 'In', values: ['ok', 'not ok'] }] },
      [{ code: 'label-value', path: 's.matchExpressions[0].values[1]' }],
    ],
  ];
  for (const [name, sel, expected] of cases) {
    test(name, () => {
      const problems = validateLabelSelector(sel, 's');
      assert.deepEqual(
        problems.map((p) => ({ code: p.code, path: p.path })),
        expected,
      );
      for (const p of problems) assert.ok(p.message.length > 0);
    });
  }
});

describe('parseSelector', () => {
  const cases: [string, LabelSelector][] = [
    ['', {}],
    ['   ', {}],
    ['a=b', { matchLabels: { a: 'b' } }],
    ['a==b', { matchLabels: { a: 'b' } }],
    [' a = b ', { matchLabels: { a: 'b' } }],
    ['a!=b', { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['b'] }] }],
    ['e in (x,y)', { matchExpressions: [{ key: 'e', operator: 'In', values: ['x', 'y'] }] }],
    ['e in ( y , x , x )', { matchExpressions: [{ key: 'e', operator: 'In', values: ['x', 'y'] }] }],
    ['f notin (z)', { matchExpressions: [{ key: 'f', operator: 'NotIn', values: ['z'] }] }],
    ['g', { matchExpressions: [{ key: 'g', operator: 'Exists' }] }],
    ['!h', { matchExpressions: [{ key: 'h', operator: 'DoesNotExist' }] }],
    ['! h', { matchExpressions: [{ key: 'h', operator: 'DoesNotExist' }] }],
    [
      'a=b,c!=d,e in (x,y),f notin (z),g,!h',
      {
        matchLabels: { a: 'b' },
        matchExpressions: [
          { key: 'c', operator: 'NotIn', values: ['d'] },
          { key: 'e', operator: 'In', values: ['x', 'y'] },
          { key: 'f', operator: 'NotIn', values: ['z'] },
          { key: 'g', operator: 'Exists' },
          { key: 'h', operator: 'DoesNotExist' },
        ],
      },
    ],
    ['a=', { matchLabels: { a: '' } }],
    ['a=,b', { matchLabels: { a: '' }, matchExpressions: [{ key: 'b', operator: 'Exists' }] }],
    ['a!=', { matchExpressions: [{ key: 'a', operator: 'NotIn', values: [''] }] }],
    ['a in ()', { matchExpressions: [{ key: 'a', operator: 'In', values: [''] }] }],
    ['a in (,x)', { matchExpressions: [{ key: 'a', operator: 'In', values: ['', 'x'] }] }],
    ['a in (x,)', { matchExpressions: [{ key: 'a', operator: 'In', values: ['', 'x'] }] }],
    ['a in (x,,y)', { matchExpressions: [{ key: 'a', operator: 'In', values: ['', 'x', 'y'] }] }],
    ['a in (,,y)', { matchExpressions: [{ key: 'a', operator: 'In', values: ['', 'y'] }] }],
    ['a=b,a=c', { matchLabels: { a: 'b' }, matchExpressions: [{ key: 'a', operator: 'In', values: ['c'] }] }],
    ['in in (in,notin)', { matchExpressions: [{ key: 'in', operator: 'In', values: ['in', 'notin'] }] }],
    ['notin=in', { matchLabels: { notin: 'in' } }],
    ['x.io/app=web', { matchLabels: { 'x.io/app': 'web' } }],
  ];
  for (const [text, expected] of cases) {
    test(`parses ${JSON.stringify(text)}`, () => assert.deepEqual(parseSelector(text), expected));
  }

  const errors: [string, number, RegExp][] = [
    ['a in b', 5, /expected '\('/],
    ['a=b c', 4, /expected ',' or end of string/],
    ['a,', 2, /found end of string, expected a key or '!' after ','/],
    [',a', 0, /expected '!', a key, or end of string/],
    ['a b', 2, /expected =, ==, !=, in or notin/],
    ['!a=b', 2, /expected ',' or end of string/],
    ['a>1', 1, /only in node selectors/],
    ['a<1', 1, /only in node selectors/],
    ['a in (x y)', 8, /expected ',' or '\)'/],
    ['a in (x', 7, /found end of string, expected ',' or '\)'/],
    ['a in (', 6, /expected ',', '\)' or a label value/],
    ['a in (,,)', 8, /expected ',' or a label value/],
    ['a in (x,,)', 9, /expected ',' or a label value/],
    ['a/b/c=d', 0, /valid label key/],
    ['A B=c', 2, /expected =, ==, !=, in or notin/],
    ['a=-b', 2, /valid label value/],
    ['a in (ok,-no)', 9, /valid label value/],
    ['a=(', 2, /expected a label value/],
    ['(a', 0, /expected '!', a key, or end of string/],
    ['a!', 1, /expected =, ==, !=, in or notin/],
    ['!', 1, /expected a label key/],
    ['!=a', 0, /expected '!', a key, or end of string/],
  ];
  for (const [text, position, message] of errors) {
    test(`rejects ${JSON.stringify(text)} at offset ${position}`, () => {
      assert.throws(
        () => parseSelector(text),
        (err: unknown) => {
          assert.ok(err instanceof SelectorParseError);
          assert.equal(err.position, position);
          assert.equal(err.input, text);
          assert.match(err.message, message);
          assert.match(err.message, new RegExp(`at column ${position + 1},`));
          return true;
        },
      );
    });
  }
});

describe('formatSelector', () => {
  test('{} is the empty string', () => assert.equal(formatSelector({}), ''));
  test('requirements are sorted by key then text, values sorted and deduplicated', () => {
    const sel: LabelSelector = {
      matchLabels: { b: '2', a: '1' },
      matchExpressions: [
        { key: 'c', operator: 'NotIn', values: ['y', 'x', 'y'] },
        { key: 'a', operator: 'Exists' },
        { key: 'd', operator: 'DoesNotExist' },
        { key: 'e', operator: 'In', values: ['', 'v'] },
      ],
    };
    assert.equal(formatSelector(sel), 'a,a=1,b=2,c notin (x,y),!d,e in (,v)');
  });
  test('In [""] is written as "()"', () => {
    assert.equal(formatSelector({ matchExpressions: [{ key: 'k', operator: 'In', values: [''] }] }), 'k in ()');
  });
  test('an empty matchLabels value is written as "k="', () =>
    assert.equal(formatSelector({ matchLabels: { k: '' } }), 'k='));
  test('the kubectl example survives a round trip', () => {
    const text = 'a=b,c notin (d),e in (x,y),f notin (z),g,!h';
    assert.equal(formatSelector(parseSelector(text)), text);
  });
  test('an unknown operator is a bug', () => {
    assert.throws(() => formatSelector({ matchExpressions: [{ key: 'k', operator: 'Gt' as 'In', values: ['1'] }] }));
  });
});

describe('selectorFromMap', () => {
  test('a missing or empty map selects nothing', () => {
    assert.equal(selectorFromMap(undefined), null);
    assert.equal(selectorFromMap(null), null);
    assert.equal(selectorFromMap({}), null);
    assert.equal(matchesLabelSelector(selectorFromMap({}), { a: '1' }), false);
  });
  test('a map becomes matchLabels (a copy)', () => {
    const map = { app: 'web' };
    const sel = selectorFromMap(map);
    map.app = 'db';
    assert.deepEqual(sel, { matchLabels: { app: 'web' } });
    assert.equal(matchesLabelSelector(sel, { app: 'web', x: 'y' }), true);
  });
});

describe('selector string properties', () => {
  const key = fc.constantFrom('a', 'b', 'x.io/c', 'in', 'notin');
  const value = fc.constantFrom('', '1', '2', 'in', 'v-x');
  const requirement: fc.Arbitrary<LabelSelectorRequirement> = fc.oneof(
    fc
      .tuple(key, fc.constantFrom('In' as const, 'NotIn' as const), fc.array(value, { minLength: 1, maxLength: 3 }))
      .map(([k, operator, values]) => ({ key: k, operator, values })),
    fc
      .tuple(key, fc.constantFrom('Exists' as const, 'DoesNotExist' as const))
      .map(([k, operator]) => ({ key: k, operator })),
  );
  const selector: fc.Arbitrary<LabelSelector> = fc
    .tuple(
      fc.option(fc.dictionary(key, value, { maxKeys: 3 }), { nil: undefined }),
      fc.option(fc.array(requirement, { maxLength: 4 }), { nil: undefined }),
    )
    .map(([matchLabels, matchExpressions]) => ({ matchLabels, matchExpressions }));
  const labelSets = fc.array(fc.dictionary(key, value, { maxKeys: 5 }), { minLength: 1, maxLength: 12 });

  test('parseSelector(formatSelector(s)) matches exactly the label sets s matches', () => {
    fc.assert(
      fc.property(selector, labelSets, (sel, sets) => {
        const reparsed = parseSelector(formatSelector(sel));
        for (const labels of sets)
          assert.equal(matchesLabelSelector(reparsed, labels), matchesLabelSelector(sel, labels));
      }),
      { numRuns: 500 },
    );
  });

  test('formatSelector is a fixed point of parse then format (canonical form)', () => {
    fc.assert(
      fc.property(selector, (sel) => {
        const text = formatSelector(sel);
        assert.equal(formatSelector(parseSelector(text)), text);
      }),
    );
  });
});
