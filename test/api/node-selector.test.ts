import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  isNodeSelectorTermParsable,
  matchesNodeSelector,
  matchesNodeSelectorRequirement,
  matchesNodeSelectorTerm,
  matchesPodNodeSelectorAndAffinity,
  nodeNamesPinnedByAffinity,
  parseInt64,
  type SelectableNode,
  validateNodeSelector,
  validateNodeSelectorTerm,
} from '../../src/api/node-selector.js';
import type { Labels, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, PodSpec } from '../../src/api/types.js';

const expr = (key: string, operator: string, values?: string[]): NodeSelectorRequirement => ({
  key,
  operator: operator as NodeSelectorRequirement['operator'],
  values,
});
const nameIs = (operator: string, ...values: string[]): NodeSelectorRequirement =>
  expr('metadata.name', operator, values);

describe('parseInt64 (Go strconv.ParseInt base 10, 64 bits)', () => {
  const cases: [string, bigint | null][] = [
    ['0', 0n],
    ['42', 42n],
    ['+5', 5n],
    ['-5', -5n],
    ['-0', 0n],
    ['007', 7n],
    ['9223372036854775807', 9223372036854775807n],
    ['-9223372036854775808', -9223372036854775808n],
    ['9223372036854775808', null],
    ['-9223372036854775809', null],
    ['', null],
    ['+', null],
    ['-', null],
    [' 5', null],
    ['5 ', null],
    ['+-5', null],
    ['1_000', null],
    ['0x10', null],
    ['1.5', null],
    ['1e3', null],
    ['５', null],
  ];
  for (const [text, expected] of cases) {
    test(`${JSON.stringify(text)} → ${expected === null ? 'error' : expected}`, () =>
      assert.equal(parseInt64(text), expected));
  }
});

describe('matchesNodeSelectorRequirement', () => {
  const cases: [string, NodeSelectorRequirement, Labels | undefined, boolean][] = [
    ['In with a listed value', expr('zone', 'In', ['a', 'b']), { zone: 'b' }, true],
    ['In with another value', expr('zone', 'In', ['a', 'b']), { zone: 'c' }, false],
    ['In with a missing key', expr('zone', 'In', ['a']), {}, false],
    ['In with an empty value', expr('zone', 'In', ['']), { zone: '' }, true],
    ['NotIn with a missing key matches', expr('zone', 'NotIn', ['a']), {}, true],
    ['NotIn on a node without labels matches', expr('zone', 'NotIn', ['a']), undefined, true],
    ['NotIn with a listed value', expr('zone', 'NotIn', ['a']), { zone: 'a' }, false],
    ['NotIn with another value', expr('zone', 'NotIn', ['a']), { zone: 'b' }, true],
    ['Exists', expr('gpu', 'Exists'), { gpu: '' }, true],
    ['Exists with a missing key', expr('gpu', 'Exists'), {}, false],
    ['DoesNotExist', expr('gpu', 'DoesNotExist'), {}, true],
    ['DoesNotExist with the key', expr('gpu', 'DoesNotExist'), { gpu: 'x' }, false],
    ['inherited object properties are not labels', expr('constructor', 'Exists'), {}, false],
    ['Gt greater', expr('cores', 'Gt', ['3']), { cores: '5' }, true],
    ['Gt equal', expr('cores', 'Gt', ['3']), { cores: '3' }, false],
    ['Gt smaller', expr('cores', 'Gt', ['3']), { cores: '2' }, false],
    ['Lt smaller', expr('cores', 'Lt', ['3']), { cores: '2' }, true],
    ['Lt equal', expr('cores', 'Lt', ['3']), { cores: '3' }, false],
    ['Gt needs the key', expr('cores', 'Gt', ['0']), {}, false],
    ['Lt needs the key', expr('cores', 'Lt', ['100']), {}, false],
    ['Gt with a non-integer label', expr('cores', 'Gt', ['3']), { cores: 'lots' }, false],
    ['Gt with an empty label', expr('cores', 'Gt', ['3']), { cores: '' }, false],
    ['Gt with a decimal label', expr('cores', 'Gt', ['1']), { cores: '1.5' }, false],
    ['Gt with a label that has a leading space', expr('cores', 'Gt', ['3']), { cores: ' 5' }, false],
    ['Gt with a label that has a trailing space', expr('cores', 'Gt', ['3']), { cores: '5 ' }, false],
    ['Gt with a "+5" label (ParseInt accepts the sign)', expr('cores', 'Gt', ['3']), { cores: '+5' }, true],
    ['Lt with a negative label', expr('temp', 'Lt', ['0']), { temp: '-5' }, true],
    ['Gt with leading zeros on both sides', expr('cores', 'Gt', ['006']), { cores: '007' }, true],
    ['Lt with a label past int64', expr('big', 'Lt', ['1']), { big: '-9223372036854775809' }, false],
    ['Gt compares exactly past 2^53', expr('big', 'Gt', ['9007199254740992']), { big: '9007199254740993' }, true],
    ['Lt compares exactly past 2^53', expr('big', 'Lt', ['9007199254740993']), { big: '9007199254740992' }, true],
    ['Gt at int64 max', expr('big', 'Gt', ['9223372036854775806']), { big: '9223372036854775807' }, true],
    ['Gt with a non-integer value never matches', expr('cores', 'Gt', ['abc']), { cores: '5' }, false],
    ['Gt with "+5" never matches ("+5" is not a label value)', expr('cores', 'Gt', ['+5']), { cores: '9' }, false],
    ['Gt with "-1" never matches ("-1" is not a label value)', expr('cores', 'Gt', ['-1']), { cores: '9' }, false],
    ['Gt with " 5" never matches', expr('cores', 'Gt', [' 5']), { cores: '9' }, false],
    ['Gt with two values never matches', expr('cores', 'Gt', ['1', '2']), { cores: '9' }, false],
    ['Lt without a value never matches', expr('cores', 'Lt', []), { cores: '0' }, false],
    ['Gt with a value past int64 never matches', expr('cores', 'Gt', ['9223372036854775808']), { cores: '9' }, false],
    ['In without values never matches', expr('zone', 'In', []), { zone: 'a' }, false],
    ['NotIn without values never matches, even on a missing key', expr('zone', 'NotIn', []), {}, false],
    ['NotIn with an invalid value never matches, even on a missing key', expr('zone', 'NotIn', ['a b']), {}, false],
    ['Exists with values never matches', expr('zone', 'Exists', ['a']), { zone: 'a' }, false],
    ['DoesNotExist with values never matches', expr('zone', 'DoesNotExist', ['a']), {}, false],
    ['an invalid key never matches', expr('not a key', 'DoesNotExist'), {}, false],
    ['an unknown operator never matches', expr('zone', 'Equals', ['a']), { zone: 'a' }, false],
  ];
  for (const [name, req, labels, expected] of cases) {
    test(name, () => assert.equal(matchesNodeSelectorRequirement(req, labels), expected));
  }

  test('Gt/Lt compare as exact int64 for any integer label and any non-negative bound; negative bounds never match', () => {
    const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    fc.assert(
      fc.property(int64, int64, fc.boolean(), (label, bound, gt) => {
        const req = expr('n', gt ? 'Gt' : 'Lt', [String(bound)]);
        const expected = bound < 0n ? false : gt ? label > bound : label < bound;
        assert.equal(matchesNodeSelectorRequirement(req, { n: String(label) }), expected);
      }),
    );
  });

  test('NotIn is the negation of In for valid values (a missing key: In false, NotIn true)', () => {
    const v = fc.constantFrom('', 'a', 'b', 'c');
    fc.assert(
      fc.property(fc.option(v, { nil: undefined }), fc.array(v, { minLength: 1, maxLength: 3 }), (label, values) => {
        const labels: Labels = label === undefined ? {} : { k: label };
        assert.equal(
          matchesNodeSelectorRequirement(expr('k', 'NotIn', values), labels),
          !matchesNodeSelectorRequirement(expr('k', 'In', values), labels),
        );
      }),
    );
  });
});

describe('matchesNodeSelectorTerm', () => {
  const n1: SelectableNode = { name: 'n1', labels: { zone: 'a', disk: 'ssd' } };
  const cases: [string, NodeSelectorTerm, SelectableNode, boolean][] = [
    ['an empty term matches nothing', {}, n1, false],
    ['a term with empty lists matches nothing', { matchExpressions: [], matchFields: [] }, n1, false],
    [
      'expressions are ANDed (all hold)',
      { matchExpressions: [expr('zone', 'In', ['a']), expr('disk', 'Exists')] },
      n1,
      true,
    ],
    [
      'expressions are ANDed (one fails)',
      { matchExpressions: [expr('zone', 'In', ['a']), expr('gpu', 'Exists')] },
      n1,
      false,
    ],
    ['matchFields In the node name', { matchFields: [nameIs('In', 'n1')] }, n1, true],
    ['matchFields In another name', { matchFields: [nameIs('In', 'n2')] }, n1, false],
    ['matchFields NotIn the node name', { matchFields: [nameIs('NotIn', 'n1')] }, n1, false],
    ['matchFields NotIn another name', { matchFields: [nameIs('NotIn', 'n2')] }, n1, true],
    ['matchFields are ANDed', { matchFields: [nameIs('In', 'n1'), nameIs('NotIn', 'n1')] }, n1, false],
    [
      'expressions and fields must both hold',
      { matchExpressions: [expr('zone', 'In', ['b'])], matchFields: [nameIs('In', 'n1')] },
      n1,
      false,
    ],
    [
      'expressions and fields both hold',
      { matchExpressions: [expr('zone', 'In', ['a'])], matchFields: [nameIs('In', 'n1')] },
      n1,
      true,
    ],
    ['matchFields In with two values never matches', { matchFields: [nameIs('In', 'n1', 'n2')] }, n1, false],
    ['matchFields with an operator other than In/NotIn never matches', { matchFields: [nameIs('Exists')] }, n1, false],
    [
      'another field reads as "" (In [""] matches)',
      { matchFields: [expr('spec.unschedulable', 'In', [''])] },
      n1,
      true,
    ],
    [
      'another field reads as "" (NotIn ["x"] matches)',
      { matchFields: [expr('spec.unschedulable', 'NotIn', ['x'])] },
      n1,
      true,
    ],
    [
      'another field reads as "" (In ["x"] does not match)',
      { matchFields: [expr('spec.unschedulable', 'In', ['x'])] },
      n1,
      false,
    ],
    ['a node with an empty name skips matchFields', { matchFields: [nameIs('In', 'n1')] }, { name: '' }, true],
    [
      'a node with an empty name still fails an unparsable matchFields',
      { matchFields: [nameIs('In', 'a', 'b')] },
      { name: '' },
      false,
    ],
    [
      'an unparsable expression fails the term even when fields hold',
      { matchExpressions: [expr('cores', 'Gt', ['x'])], matchFields: [nameIs('In', 'n1')] },
      n1,
      false,
    ],
    [
      'unparsable fields fail the term even when expressions hold',
      { matchExpressions: [expr('zone', 'Exists')], matchFields: [nameIs('In', 'n1', 'n2')] },
      n1,
      false,
    ],
  ];
  for (const [name, term, node, expected] of cases) {
    test(name, () => assert.equal(matchesNodeSelectorTerm(term, node), expected));
  }

  test('isNodeSelectorTermParsable', () => {
    assert.equal(isNodeSelectorTermParsable({}), true);
    assert.equal(
      isNodeSelectorTermParsable({ matchExpressions: [expr('a', 'Gt', ['1'])], matchFields: [nameIs('NotIn', 'x')] }),
      true,
    );
    assert.equal(isNodeSelectorTermParsable({ matchExpressions: [expr('a', 'Gt', ['-1'])] }), false);
    assert.equal(isNodeSelectorTermParsable({ matchFields: [nameIs('In')] }), false);
  });
});

describe('matchesNodeSelector', () => {
  const node: SelectableNode = { name: 'n1', labels: { zone: 'a' } };
  test('null or undefined is no constraint', () => {
    assert.equal(matchesNodeSelector(null, node), true);
    assert.equal(matchesNodeSelector(undefined, node), true);
  });
  test('zero terms match nothing', () => assert.equal(matchesNodeSelector({ nodeSelectorTerms: [] }, node), false));
  test('terms are ORed', () => {
    const sel: NodeSelector = {
      nodeSelectorTerms: [
        { matchExpressions: [expr('zone', 'In', ['b'])] },
        { matchExpressions: [expr('zone', 'In', ['a'])] },
      ],
    };
    assert.equal(matchesNodeSelector(sel, node), true);
    assert.equal(matchesNodeSelector(sel, { name: 'n2', labels: { zone: 'c' } }), false);
  });
  test('an empty or unparsable term does not stop another term from matching', () => {
    const sel: NodeSelector = {
      nodeSelectorTerms: [{}, { matchExpressions: [expr('zone', 'Gt', ['x'])] }, { matchFields: [nameIs('In', 'n1')] }],
    };
    assert.equal(matchesNodeSelector(sel, node), true);
  });
});

describe('matchesPodNodeSelectorAndAffinity', () => {
  const node: SelectableNode = { name: 'n1', labels: { zone: 'a', disk: 'ssd' } };
  const required = (...terms: NodeSelectorTerm[]): PodSpec['affinity'] => ({
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
  });
  const cases: [string, Pick<PodSpec, 'nodeSelector' | 'affinity'>, boolean][] = [
    ['no constraints', {}, true],
    ['empty nodeSelector', { nodeSelector: {} }, true],
    ['nodeSelector pairs all equal', { nodeSelector: { zone: 'a', disk: 'ssd' } }, true],
    ['nodeSelector one pair differs', { nodeSelector: { zone: 'a', disk: 'hdd' } }, false],
    ['nodeSelector missing key', { nodeSelector: { gpu: '' } }, false],
    ['nodeSelector does not see inherited properties', { nodeSelector: { constructor: 'x' } }, false],
    ['affinity without required', { affinity: { nodeAffinity: {} } }, true],
    [
      'required null is no constraint',
      { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: null } } },
      true,
    ],
    ['required with zero terms matches nothing', { affinity: required() }, false],
    ['required matches', { affinity: required({ matchExpressions: [expr('zone', 'In', ['a'])] }) }, true],
    ['required fails', { affinity: required({ matchExpressions: [expr('zone', 'NotIn', ['a'])] }) }, false],
    [
      'nodeSelector fails even when affinity matches',
      { nodeSelector: { zone: 'b' }, affinity: required({ matchFields: [nameIs('In', 'n1')] }) },
      false,
    ],
    ['both hold', { nodeSelector: { zone: 'a' }, affinity: required({ matchFields: [nameIs('In', 'n1')] }) }, true],
  ];
  for (const [name, spec, expected] of cases) {
    test(name, () => assert.equal(matchesPodNodeSelectorAndAffinity(spec, node), expected));
  }
});

describe('nodeNamesPinnedByAffinity', () => {
  const sel = (...terms: NodeSelectorTerm[]): NodeSelector => ({ nodeSelectorTerms: terms });
  const cases: [string, NodeSelector | null | undefined, string[] | null][] = [
    ['no selector', undefined, null],
    ['null selector', null, null],
    ['zero terms', sel(), null],
    ['one term pins names', sel({ matchFields: [nameIs('In', 'a', 'b')] }), ['a', 'b']],
    [
      'terms are unioned',
      sel({ matchFields: [nameIs('In', 'a')] }, { matchFields: [nameIs('In', 'b', 'a')] }),
      ['a', 'b'],
    ],
    [
      'requirements within a term are intersected',
      sel({ matchFields: [nameIs('In', 'a', 'b'), nameIs('In', 'b', 'c')] }),
      ['b'],
    ],
    [
      'a term without a name pin pins nothing',
      sel({ matchFields: [nameIs('In', 'a')] }, { matchExpressions: [expr('z', 'Exists')] }),
      null,
    ],
    ['an empty term pins nothing', sel({ matchFields: [nameIs('In', 'a')] }, {}), null],
    ['NotIn does not pin', sel({ matchFields: [nameIs('NotIn', 'a')] }), null],
    ['NotIn beside In is ignored', sel({ matchFields: [nameIs('In', 'a'), nameIs('NotIn', 'a')] }), ['a']],
    ['another field key does not pin', sel({ matchFields: [expr('spec.x', 'In', ['a'])] }), null],
    [
      'expressions beside the pin are ignored',
      sel({ matchExpressions: [expr('z', 'Exists')], matchFields: [nameIs('In', 'a')] }),
      ['a'],
    ],
    ['conflicting pins give an empty set', sel({ matchFields: [nameIs('In', 'a'), nameIs('In', 'b')] }), []],
    ['In without values pins the empty set', sel({ matchFields: [nameIs('In')] }), []],
  ];
  for (const [name, selector, expected] of cases) {
    test(name, () => {
      const pinned = nodeNamesPinnedByAffinity(selector);
      assert.deepEqual(pinned === null ? null : [...pinned].sort(), expected);
    });
  }
});

describe('validateNodeSelector', () => {
  const codes = (sel: NodeSelector) => validateNodeSelector(sel, 'r').map((p) => ({ code: p.code, path: p.path }));
  test('a valid selector has no problems', () => {
    const sel: NodeSelector = {
      nodeSelectorTerms: [
        {
          matchExpressions: [
            expr('zone', 'In', ['a', '']),
            expr('x.io/gpu', 'Exists'),
            expr('cores', 'Gt', ['3']),
            expr('mem', 'Lt', ['0004']),
            expr('d', 'DoesNotExist', []),
          ],
          matchFields: [nameIs('In', 'node-1.example')],
        },
        {},
      ],
    };
    assert.deepEqual(validateNodeSelector(sel, 'r'), []);
  });
  const t = (...reqs: NodeSelectorRequirement[]): NodeSelector => ({ nodeSelectorTerms: [{ matchExpressions: reqs }] });
  const f = (...reqs: NodeSelectorRequirement[]): NodeSelector => ({ nodeSelectorTerms: [{ matchFields: reqs }] });
  const e0 = 'r.nodeSelectorTerms[0].matchExpressions[0]';
  const f0 = 'r.nodeSelectorTerms[0].matchFields[0]';
  const cases: [string, NodeSelector, { code: string; path: string }[]][] = [
    ['zero terms', { nodeSelectorTerms: [] }, [{ code: 'required', path: 'r.nodeSelectorTerms' }]],
    ['In needs a value', t(expr('a', 'In', [])), [{ code: 'values', path: `${e0}.values` }]],
    ['NotIn needs a value', t(expr('a', 'NotIn')), [{ code: 'values', path: `${e0}.values` }]],
    ['Exists takes no values', t(expr('a', 'Exists', ['x'])), [{ code: 'values', path: `${e0}.values` }]],
    ['DoesNotExist takes no values', t(expr('a', 'DoesNotExist', ['x'])), [{ code: 'values', path: `${e0}.values` }]],
    ['Gt needs exactly one value', t(expr('a', 'Gt', ['1', '2'])), [{ code: 'values', path: `${e0}.values` }]],
    ['Lt needs a value', t(expr('a', 'Lt', [])), [{ code: 'values', path: `${e0}.values` }]],
    ['Gt needs an integer', t(expr('a', 'Gt', ['ten'])), [{ code: 'values', path: `${e0}.values[0]` }]],
    [
      'Gt with "-4" is an integer but not a label value',
      t(expr('a', 'Gt', ['-4'])),
      [{ code: 'label-value', path: `${e0}.values[0]` }],
    ],
    ['unknown operator', t(expr('a', 'Equals', ['x'])), [{ code: 'operator', path: `${e0}.operator` }]],
    ['invalid key', t(expr('a b', 'Exists')), [{ code: 'label-key', path: `${e0}.key` }]],
    ['invalid value', t(expr('a', 'In', ['ok', 'not ok'])), [{ code: 'label-value', path: `${e0}.values[1]` }]],
    ['matchFields key must be metadata.name', f(expr('spec.x', 'In', ['a'])), [{ code: 'field', path: `${f0}.key` }]],
    ['matchFields operator', f(nameIs('Exists')), [{ code: 'operator', path: `${f0}.operator` }]],
    ['matchFields needs exactly one value', f(nameIs('In', 'a', 'b')), [{ code: 'values', path: `${f0}.values` }]],
    ['matchFields NotIn needs exactly one value', f(nameIs('NotIn')), [{ code: 'values', path: `${f0}.values` }]],
    [
      'matchFields value must be a node name',
      f(nameIs('In', 'Node_1')),
      [{ code: 'node-name', path: `${f0}.values[0]` }],
    ],
  ];
  for (const [name, sel, expected] of cases) {
    test(name, () => assert.deepEqual(codes(sel), expected));
  }
  test('validateNodeSelectorTerm takes the path it is given (preferred terms)', () => {
    const problems = validateNodeSelectorTerm({ matchExpressions: [expr('a', 'In')] }, 'p[0].preference');
    assert.deepEqual(
      problems.map((p) => p.path),
      ['p[0].preference.matchExpressions[0].values'],
    );
  });
});
