import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import nodeAffinity from '../../plugins/node-affinity.js';
import type { Affinity, NodeSelectorTerm } from '../../src/api/types.js';
import { makeCluster, makeNode, makePod } from '../helpers/cluster.js';
import { runPlugin } from '../helpers/plugin.js';

const nodes = [
  makeNode('a', { labels: { zone: 'z1', cores: '16', disk: 'ssd' } }),
  makeNode('b', { labels: { zone: 'z2', cores: '4' } }),
  makeNode('c', { labels: { zone: 'z3', cores: 'lots' } }),
];

function required(...terms: NodeSelectorTerm[]): Affinity {
  return { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } };
}

function passing(affinity?: Affinity, nodeSelector?: Record<string, string>): string[] {
  const run = runPlugin(nodeAffinity, makeCluster({ nodes }), makePod('p', { spec: { affinity, nodeSelector } }));
  return Object.entries(run.filter)
    .filter(([, c]) => c === 'Success' || c === 'Skip')
    .map(([n]) => n);
}

describe('NodeAffinity filter', () => {
  const cases: [string, Affinity | undefined, Record<string, string> | undefined, string[]][] = [
    ['no constraint: PreFilter skips, every node passes', undefined, undefined, ['a', 'b', 'c']],
    ['nodeSelector pairs must all match', undefined, { zone: 'z1', disk: 'ssd' }, ['a']],
    [
      'In',
      required({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1', 'z2'] }] }),
      undefined,
      ['a', 'b'],
    ],
    [
      'NotIn matches a missing key',
      required({ matchExpressions: [{ key: 'disk', operator: 'NotIn', values: ['ssd'] }] }),
      undefined,
      ['b', 'c'],
    ],
    ['Exists', required({ matchExpressions: [{ key: 'disk', operator: 'Exists' }] }), undefined, ['a']],
    [
      'DoesNotExist',
      required({ matchExpressions: [{ key: 'disk', operator: 'DoesNotExist' }] }),
      undefined,
      ['b', 'c'],
    ],
    [
      'Gt skips non-integer labels',
      required({ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['8'] }] }),
      undefined,
      ['a'],
    ],
    ['Lt', required({ matchExpressions: [{ key: 'cores', operator: 'Lt', values: ['8'] }] }), undefined, ['b']],
    [
      'Gt needs the key',
      required({ matchExpressions: [{ key: 'gpus', operator: 'Gt', values: ['0'] }] }),
      undefined,
      [],
    ],
    [
      'Gt with a value that is not a label value ("-1") never matches',
      required({ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['-1'] }] }),
      undefined,
      [],
    ],
    [
      'a term with an invalid value drops the whole term',
      required({ matchExpressions: [{ key: 'disk', operator: 'NotIn', values: ['a b'] }] }),
      undefined,
      [],
    ],
    [
      'terms are ORed',
      required(
        { matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1'] }] },
        { matchExpressions: [{ key: 'zone', operator: 'In', values: ['z3'] }] },
      ),
      undefined,
      ['a', 'c'],
    ],
    ['an empty term matches nothing', required({}), undefined, []],
    [
      'matchFields metadata.name In',
      required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['b'] }] }),
      undefined,
      ['b'],
    ],
    [
      'matchFields metadata.name NotIn',
      required({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['b'] }] }),
      undefined,
      ['a', 'c'],
    ],
    [
      'selector and affinity are ANDed',
      required({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1', 'z2'] }] }),
      { zone: 'z2' },
      ['b'],
    ],
  ];
  for (const [name, affinity, selector, want] of cases) {
    test(name, () => assert.deepEqual(passing(affinity, selector), want));
  }

  test('rejections are UnschedulableAndUnresolvable with the pod reason', () => {
    const run = runPlugin(
      nodeAffinity,
      makeCluster({ nodes }),
      makePod('p', { spec: { nodeSelector: { zone: 'z9' } } }),
    );
    assert.equal(run.filter.a, 'UnschedulableAndUnresolvable');
    assert.deepEqual(run.reasons.a, ["node(s) didn't match Pod's node affinity/selector"]);
  });

  test('addedAffinity from args is enforced with its own reason', () => {
    const args = {
      addedAffinity: required({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z2'] }] }).nodeAffinity,
    };
    const run = runPlugin(nodeAffinity, makeCluster({ nodes }), makePod('p'), args);
    assert.equal(run.filter.b, 'Success');
    assert.deepEqual(run.reasons.a, ["node(s) didn't match scheduler-enforced node affinity"]);
  });
});

describe('NodeAffinity score', () => {
  test('sums weights of matching preferred terms, normalised by the maximum', () => {
    const affinity: Affinity = {
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 30, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1'] }] } },
          { weight: 10, preference: { matchExpressions: [{ key: 'cores', operator: 'Exists' }] } },
        ],
      },
    };
    const run = runPlugin(nodeAffinity, makeCluster({ nodes }), makePod('p', { spec: { affinity } }));
    assert.deepEqual(run.raw, { a: 40, b: 10, c: 10 });
    assert.deepEqual(run.scores, { a: 100, b: 25, c: 25 });
  });
  test('no preferred terms: PreScore skips', () => {
    const run = runPlugin(nodeAffinity, makeCluster({ nodes }), makePod('p'));
    assert.equal(run.scores, undefined);
  });
});
