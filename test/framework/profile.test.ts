import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { builtinRegistry, DEFAULT_MULTI_POINT } from '../../plugins/index.js';
import type { KubeSchedulerConfiguration, KubeSchedulerProfile } from '../../src/api/types.js';
import { buildProfiles, type Profile } from '../../src/framework/profile.js';

function build(profiles?: KubeSchedulerProfile[], extra: Partial<KubeSchedulerConfiguration> = {}) {
  const cfg: KubeSchedulerConfiguration | undefined = profiles
    ? { apiVersion: 'kubescheduler.config.k8s.io/v1', kind: 'KubeSchedulerConfiguration', profiles, ...extra }
    : undefined;
  return buildProfiles(cfg, { registry: builtinRegistry(), defaults: DEFAULT_MULTI_POINT });
}

function weights(p: Profile): Record<string, number> {
  return Object.fromEntries(p.score.map((s) => [s.plugin.name, s.weight]));
}

const DEFAULT_FILTER = [
  'NodeUnschedulable',
  'NodeName',
  'TaintToleration',
  'NodeAffinity',
  'NodePorts',
  'NodeResourcesFit',
  'VolumeRestrictions',
  'NodeVolumeLimits',
  'VolumeBinding',
  'VolumeZone',
  'PodTopologySpread',
  'InterPodAffinity',
  'DynamicResources',
];

describe('profiles from KubeSchedulerConfiguration', () => {
  test('the default profile has v1.35 filter order and score weights', () => {
    const { profiles, problems } = build();
    assert.deepEqual(problems, []);
    const [p] = profiles;
    assert.equal(p.schedulerName, 'default-scheduler');
    assert.deepEqual(
      p.filter.map((x) => x.name),
      DEFAULT_FILTER,
    );
    assert.deepEqual(weights(p), {
      TaintToleration: 3,
      NodeAffinity: 2,
      NodeResourcesFit: 1,
      VolumeBinding: 1,
      PodTopologySpread: 2,
      InterPodAffinity: 2,
      DynamicResources: 2,
      NodeResourcesBalancedAllocation: 1,
      ImageLocality: 1,
    });
    assert.equal(p.percentageOfNodesToScore, 0);
  });

  test('a score plugin enabled explicitly keeps its own weight and runs first', () => {
    const { profiles } = build([
      {
        plugins: {
          score: {
            enabled: [
              { name: 'NodeResourcesFit', weight: 5 },
              { name: 'ImageLocality', weight: 3 },
            ],
          },
        },
      },
    ]);
    const p = profiles[0];
    assert.deepEqual(
      p.score.slice(0, 2).map((s) => [s.plugin.name, s.weight]),
      [
        ['NodeResourcesFit', 5],
        ['ImageLocality', 3],
      ],
    );
    assert.equal(weights(p).TaintToleration, 3);
  });

  test('disabling a plugin at score removes only its score', () => {
    const { profiles } = build([{ plugins: { score: { disabled: [{ name: 'TaintToleration' }] } } }]);
    const p = profiles[0];
    assert.equal(weights(p).TaintToleration, undefined);
    assert.ok(p.filter.some((x) => x.name === 'TaintToleration'));
  });

  test('disabling * at filter keeps only explicitly enabled filters', () => {
    const { profiles } = build([
      { plugins: { filter: { disabled: [{ name: '*' }], enabled: [{ name: 'NodeResourcesFit' }] } } },
    ]);
    assert.deepEqual(
      profiles[0].filter.map((x) => x.name),
      ['NodeResourcesFit'],
    );
  });

  test('a score weight of 0 counts as 1', () => {
    const { profiles } = build([{ plugins: { score: { enabled: [{ name: 'ImageLocality', weight: 0 }] } } }]);
    assert.equal(weights(profiles[0]).ImageLocality, 1);
  });

  test('multiPoint disabled removes a default plugin everywhere', () => {
    const { profiles } = build([{ plugins: { multiPoint: { disabled: [{ name: 'NodeAffinity' }] } } }]);
    assert.ok(!profiles[0].filter.some((x) => x.name === 'NodeAffinity'));
    assert.equal(weights(profiles[0]).NodeAffinity, undefined);
  });

  test('profile percentageOfNodesToScore overrides the global one', () => {
    const { profiles } = build([{ schedulerName: 'a', percentageOfNodesToScore: 30 }, { schedulerName: 'b' }], {
      percentageOfNodesToScore: 70,
    });
    assert.deepEqual(
      profiles.map((p) => p.percentageOfNodesToScore),
      [30, 70],
    );
  });

  test('invalid configurations are reported with field paths', () => {
    const cases: [KubeSchedulerProfile[], RegExp][] = [
      [
        [{ plugins: { score: { enabled: [{ name: 'NoSuchPlugin' }] } } }],
        /profiles\[0\]\.plugins: plugin "NoSuchPlugin" does not exist/,
      ],
      [[{ schedulerName: 'x' }, { schedulerName: 'x' }], /profiles\[1\]\.schedulerName: duplicate profile "x"/],
      [
        [{ percentageOfNodesToScore: 101 }],
        /profiles\[0\]\.percentageOfNodesToScore: must be an integer from 0 to 100/,
      ],
      [
        [{ plugins: { filter: { enabled: [{ name: 'ImageLocality' }] } } }],
        /plugin "ImageLocality" does not extend filter/,
      ],
      [
        [{ plugins: { score: { enabled: [{ name: 'ImageLocality', weight: 101 }] } } }],
        /weight of ImageLocality must be an integer from 0 to 100/,
      ],
    ];
    for (const [profiles, pattern] of cases) {
      const { problems } = build(profiles);
      const text = problems.map((p) => `${p.path}: ${p.message}`).join('\n');
      assert.match(text, pattern);
    }
  });
});
