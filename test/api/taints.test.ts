import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  countIntolerablePreferNoSchedule,
  findUntoleratedTaint,
  isNoScheduleOrNoExecute,
  tolerates,
  tolerationsTolerateTaint,
  validateToleration,
} from '../../src/api/taints.js';
import type { Taint, Toleration } from '../../src/api/types.js';

/** Tolerations as they may arrive before validation (any operator string, empty effect). */
const tol = (t: { key?: string; operator?: string; value?: string; effect?: string; tolerationSeconds?: number }) =>
  t as Toleration;

describe('tolerates (v1.Toleration.ToleratesTaint)', () => {
  const foo: Taint = { key: 'foo', value: 'bar', effect: 'NoSchedule' };
  const cases: [string, Toleration, Taint, boolean][] = [
    [
      'Exists with the same key and effect, taint without value',
      tol({ key: 'foo', operator: 'Exists', effect: 'NoSchedule' }),
      { key: 'foo', effect: 'NoSchedule' },
      true,
    ],
    [
      'Exists with the same key and effect, taint with a value',
      tol({ key: 'foo', operator: 'Exists', effect: 'NoSchedule' }),
      foo,
      true,
    ],
    ['Exists with an empty key tolerates every key', tol({ operator: 'Exists', effect: 'NoSchedule' }), foo, true],
    [
      'Exists with an empty key and effect tolerates everything',
      tol({ operator: 'Exists' }),
      { key: 'x', effect: 'NoExecute' },
      true,
    ],
    ['Exists with another key', tol({ key: 'other', operator: 'Exists' }), foo, false],
    [
      'Exists with a value still tolerates (validation rejects it)',
      tol({ key: 'foo', operator: 'Exists', value: 'zzz' }),
      foo,
      true,
    ],
    [
      'Equal with the same key, value and effect',
      tol({ key: 'foo', operator: 'Equal', value: 'bar', effect: 'NoSchedule' }),
      foo,
      true,
    ],
    [
      'Equal with another value',
      tol({ key: 'foo', operator: 'Equal', value: 'baz', effect: 'NoSchedule' }),
      foo,
      false,
    ],
    [
      'Equal with another effect',
      tol({ key: 'foo', operator: 'Equal', value: 'bar', effect: 'NoExecute' }),
      foo,
      false,
    ],
    [
      'an empty effect tolerates every effect',
      tol({ key: 'foo', operator: 'Equal', value: 'bar', effect: '' }),
      foo,
      true,
    ],
    [
      'a missing effect tolerates every effect',
      tol({ key: 'foo', value: 'bar' }),
      { ...foo, effect: 'PreferNoSchedule' },
      true,
    ],
    ['a missing operator means Equal (same value)', tol({ key: 'foo', value: 'bar' }), foo, true],
    ['a missing operator means Equal (other value)', tol({ key: 'foo', value: 'baz' }), foo, false],
    ['an empty operator means Equal', tol({ key: 'foo', operator: '', value: 'bar' }), foo, true],
    [
      'a missing value equals a taint without value',
      tol({ key: 'foo', operator: 'Equal' }),
      { key: 'foo', effect: 'NoSchedule' },
      true,
    ],
    [
      'a missing value equals an empty taint value',
      tol({ key: 'foo' }),
      { key: 'foo', value: '', effect: 'NoSchedule' },
      true,
    ],
    ['a missing value does not equal a taint value', tol({ key: 'foo' }), foo, false],
    [
      'an empty key with Equal matches any key with an equal value',
      tol({ operator: 'Equal', value: 'bar' }),
      foo,
      true,
    ],
    ['an empty key with Equal and another value', tol({ operator: 'Equal', value: 'x' }), foo, false],
    [
      'Gt is off by default (feature gate TaintTolerationComparisonOperators)',
      tol({ key: 'n', operator: 'Gt', value: '1' }),
      { key: 'n', value: '5', effect: 'NoSchedule' },
      false,
    ],
    [
      'Lt is off by default',
      tol({ key: 'n', operator: 'Lt', value: '9' }),
      { key: 'n', value: '5', effect: 'NoSchedule' },
      false,
    ],
    ['an unknown operator tolerates nothing', tol({ key: 'foo', operator: 'exists' }), foo, false],
    ['keys compare exactly (case)', tol({ key: 'Foo', operator: 'Exists' }), foo, false],
  ];
  for (const [name, toleration, taint, expected] of cases) {
    test(name, () => assert.equal(tolerates(toleration, taint), expected));
  }
});

describe('tolerationsTolerateTaint', () => {
  const taint: Taint = { key: 'k', value: 'v', effect: 'NoExecute' };
  test('no tolerations tolerate nothing', () => {
    assert.equal(tolerationsTolerateTaint(undefined, taint), false);
    assert.equal(tolerationsTolerateTaint([], taint), false);
  });
  test('any one tolerating is enough', () => {
    assert.equal(
      tolerationsTolerateTaint([tol({ key: 'x', operator: 'Exists' }), tol({ key: 'k', value: 'v' })], taint),
      true,
    );
  });
});

describe('findUntoleratedTaint', () => {
  const a: Taint = { key: 'a', effect: 'NoSchedule' };
  const b: Taint = { key: 'b', value: '1', effect: 'NoExecute' };
  const soft: Taint = { key: 'soft', effect: 'PreferNoSchedule' };
  test('no taints', () => assert.equal(findUntoleratedTaint(undefined, [], isNoScheduleOrNoExecute), undefined));
  test('the first untolerated taint in node order', () => {
    assert.equal(findUntoleratedTaint([soft, a, b], [], isNoScheduleOrNoExecute), a);
    assert.equal(
      findUntoleratedTaint([soft, a, b], [tol({ key: 'a', operator: 'Exists' })], isNoScheduleOrNoExecute),
      b,
    );
  });
  test('PreferNoSchedule taints are outside the NoSchedule|NoExecute filter', () => {
    assert.equal(findUntoleratedTaint([soft], undefined, isNoScheduleOrNoExecute), undefined);
  });
  test('all tolerated', () => {
    assert.equal(findUntoleratedTaint([a, b], [tol({ operator: 'Exists' })], isNoScheduleOrNoExecute), undefined);
  });
  test('the filter decides which taints count', () => {
    assert.equal(
      findUntoleratedTaint([a, soft], [], (t) => t.effect === 'PreferNoSchedule'),
      soft,
    );
  });
});

describe('countIntolerablePreferNoSchedule', () => {
  const taints: Taint[] = [
    { key: 'a', effect: 'PreferNoSchedule' },
    { key: 'b', value: 'x', effect: 'PreferNoSchedule' },
    { key: 'c', effect: 'NoSchedule' },
  ];
  test('counts only PreferNoSchedule taints', () =>
    assert.equal(countIntolerablePreferNoSchedule(taints, undefined), 2));
  test('no taints', () => assert.equal(countIntolerablePreferNoSchedule(undefined, []), 0));
  test('a toleration with an empty effect counts', () => {
    assert.equal(countIntolerablePreferNoSchedule(taints, [tol({ key: 'a', operator: 'Exists' })]), 1);
  });
  test('a PreferNoSchedule toleration counts', () => {
    assert.equal(
      countIntolerablePreferNoSchedule(taints, [tol({ key: 'b', value: 'x', effect: 'PreferNoSchedule' })]),
      1,
    );
  });
  test('a NoSchedule toleration does not count', () => {
    assert.equal(
      countIntolerablePreferNoSchedule(taints, [tol({ key: 'a', operator: 'Exists', effect: 'NoSchedule' })]),
      2,
    );
  });
  test('a wildcard toleration tolerates all', () => {
    assert.equal(countIntolerablePreferNoSchedule(taints, [tol({ operator: 'Exists' })]), 0);
  });
});

describe('validateToleration', () => {
  const valid: Toleration[] = [
    { key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule' },
    { key: 'k', value: '' },
    { operator: 'Exists' },
    { key: 'x.io/k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
    { key: 'k', operator: 'Exists', effect: '' },
  ];
  for (const t of valid) {
    test(`valid: ${JSON.stringify(t)}`, () => assert.deepEqual(validateToleration(t, 't'), []));
  }
  const cases: [string, Toleration, { code: string; path: string }[]][] = [
    ['Exists with a value', tol({ key: 'k', operator: 'Exists', value: 'v' }), [{ code: 'value', path: 't.value' }]],
    ['an empty key needs Exists', tol({ operator: 'Equal' }), [{ code: 'operator', path: 't.operator' }]],
    ['an empty key needs Exists (no operator)', tol({ value: 'v' }), [{ code: 'operator', path: 't.operator' }]],
    ['unknown operator', tol({ key: 'k', operator: 'Has' }), [{ code: 'operator', path: 't.operator' }]],
    [
      'Gt needs the alpha feature gate',
      tol({ key: 'k', operator: 'Gt', value: '1' }),
      [{ code: 'operator', path: 't.operator' }],
    ],
    ['unknown effect', tol({ key: 'k', operator: 'Exists', effect: 'NoRun' }), [{ code: 'effect', path: 't.effect' }]],
    [
      'tolerationSeconds needs NoExecute',
      tol({ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }),
      [{ code: 'effect', path: 't.effect' }],
    ],
    [
      'tolerationSeconds without an effect',
      tol({ key: 'k', operator: 'Exists', tolerationSeconds: 5 }),
      [{ code: 'effect', path: 't.effect' }],
    ],
    ['invalid key', tol({ key: 'a b', operator: 'Exists' }), [{ code: 'label-key', path: 't.key' }]],
    ['Equal needs a label value', tol({ key: 'k', value: 'no way' }), [{ code: 'label-value', path: 't.value' }]],
  ];
  for (const [name, t, expected] of cases) {
    test(name, () =>
      assert.deepEqual(
        validateToleration(t, 't').map((p) => ({ code: p.code, path: p.path })),
        expected,
      ),
    );
  }
});

// A separate transcription of ToleratesTaint as a decision table: the first row whose conditions
// all hold ('*' = any) gives the answer.
type Op = 'Equal' | 'Exists' | 'other';
const DECISION_TABLE: [
  effectOk: boolean | '*',
  keyOk: boolean | '*',
  op: Op | '*',
  valuesEqual: boolean | '*',
  tolerated: boolean,
][] = [
  [false, '*', '*', '*', false],
  [true, false, '*', '*', false],
  [true, true, 'Exists', '*', true],
  [true, true, 'Equal', true, true],
  [true, true, 'Equal', false, false],
  [true, true, 'other', '*', false],
];

function referenceTolerates(t: Toleration, taint: Taint): boolean {
  const effectOk = t.effect === undefined || t.effect === '' || t.effect === taint.effect;
  const keyOk = t.key === undefined || t.key === '' || t.key === taint.key;
  const operator: string | undefined = t.operator;
  const op: Op =
    operator === undefined || operator === '' || operator === 'Equal'
      ? 'Equal'
      : operator === 'Exists'
        ? 'Exists'
        : 'other';
  const valuesEqual = (t.value === undefined ? '' : t.value) === (taint.value === undefined ? '' : taint.value);
  const facts = [effectOk, keyOk, op, valuesEqual] as const;
  const row = DECISION_TABLE.find((r) => facts.every((fact, i) => r[i] === '*' || r[i] === fact));
  if (row === undefined) throw new Error(`decision table has no row for ${JSON.stringify(facts)}`);
  return row[4];
}

describe('toleration properties', () => {
  const key = fc.constantFrom(undefined, '', 'a', 'b');
  const value = fc.constantFrom(undefined, '', 'x', 'y');
  const effect = fc.constantFrom('NoSchedule' as const, 'PreferNoSchedule' as const, 'NoExecute' as const);
  const toleration: fc.Arbitrary<Toleration> = fc
    .record({
      key,
      operator: fc.constantFrom(undefined, '', 'Equal', 'Exists', 'Gt', 'Lt', 'exists'),
      value,
      effect: fc.constantFrom(undefined, '', 'NoSchedule', 'PreferNoSchedule', 'NoExecute'),
    })
    .map(tol);
  const taint: fc.Arbitrary<Taint> = fc
    .record({ key: fc.constantFrom('', 'a', 'b'), value, effect })
    .map(({ key, value, effect }) => ({ key, value, effect }));

  test('tolerates agrees with the decision-table transcription of ToleratesTaint on small alphabets', () => {
    fc.assert(
      fc.property(toleration, taint, (t, tt) => assert.equal(tolerates(t, tt), referenceTolerates(t, tt))),
      { numRuns: 2000 },
    );
  });

  test('keeping only empty/PreferNoSchedule-effect tolerations never changes the PreferNoSchedule count', () => {
    fc.assert(
      fc.property(fc.array(taint, { maxLength: 5 }), fc.array(toleration, { maxLength: 4 }), (taints, tolerations) => {
        const direct = taints.filter(
          (x) => x.effect === 'PreferNoSchedule' && !tolerations.some((t) => tolerates(t, x)),
        ).length;
        assert.equal(countIntolerablePreferNoSchedule(taints, tolerations), direct);
      }),
    );
  });

  test('findUntoleratedTaint is undefined exactly when every NoSchedule/NoExecute taint is tolerated', () => {
    fc.assert(
      fc.property(fc.array(taint, { maxLength: 5 }), fc.array(toleration, { maxLength: 4 }), (taints, tolerations) => {
        const found = findUntoleratedTaint(taints, tolerations, isNoScheduleOrNoExecute);
        const allTolerated = taints.every(
          (x) => !isNoScheduleOrNoExecute(x) || tolerationsTolerateTaint(tolerations, x),
        );
        assert.equal(found === undefined, allTolerated);
      }),
    );
  });
});
