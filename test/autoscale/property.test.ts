import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CLUSTER_AUTOSCALER_DEFAULTS, ClusterAutoscaler } from '../../src/autoscale/cluster-autoscaler.js';
import { KARPENTER_DEFAULTS, Karpenter } from '../../src/autoscale/karpenter.js';
import type { NodeAutoscalingPolicy } from '../../src/autoscale/policy.js';
import { makePod } from '../helpers/cluster.js';
import { podEvent } from '../sim/helpers.js';
import { group, replayWith } from './helpers.js';

// Pods up to 9 cpu / 20 GiB: m5.xlarge (3920m) and m5.2xlarge (7910m, 28.6 GiB) hold some, none
// holds those over 7910m. Owned by a Job so that scale-down may move them.
const podArb = fc.record({
  t: fc.integer({ min: 0, max: 900 }),
  milli: fc.integer({ min: 100, max: 9000 }),
  gib: fc.integer({ min: 1, max: 20 }),
  duration: fc.integer({ min: 60, max: 1800 }),
});

function rows(pods: { t: number; milli: number; gib: number; duration: number }[]) {
  const order = pods.map((p, i) => ({ p, i })).sort((a, b) => a.p.t - b.p.t || a.i - b.i);
  return order.map(({ p, i }) => {
    const pod = makePod(`p${i}`, { cpu: `${p.milli}m`, memory: `${p.gib}Gi` });
    pod.metadata.ownerReferences = [{ apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: 'j', controller: true }];
    return podEvent(p.t, pod, p.duration);
  });
}

// Max sizes beyond what 25 pods can need, so capacity never runs out.
const groups = () => [group('xl', 'm5.xlarge', 0.192, { max: 20 }), group('x2', 'm5.2xlarge', 0.384, { max: 20 })];

function check(make: () => NodeAutoscalingPolicy) {
  fc.assert(
    fc.property(fc.array(podArb, { minLength: 1, maxLength: 25 }), (pods) => {
      const policy = make();
      const { report, summary } = replayWith(policy, rows(pods), 3600);
      for (const [name, series] of Object.entries(report.series.nodesByGroup)) {
        const g = policy.groups.find((x) => x.name === name)!;
        for (const n of series) assert.ok(n >= 0 && n <= g.maxSize, `${name}: ${n} nodes`);
      }
      // Pods larger than the largest type (m5.2xlarge: 7910m after nothing else) are reported, never served.
      const tooLarge = pods.filter((p) => p.milli > 7910).length;
      assert.equal(report.podsNoGroupFits, tooLarge);
      // Every pod some type holds gets a node within the hour: only the too-large ones stay pending.
      assert.equal(summary.pods.pendingAtEnd, tooLarge);
    }),
    { numRuns: 12, seed: 7 },
  );
}

describe('autoscaling invariants', () => {
  it('cluster-autoscaler: no group exceeds its max size, pods no type holds are reported, the rest run', () => {
    check(
      () => new ClusterAutoscaler(groups(), { ...CLUSTER_AUTOSCALER_DEFAULTS, 'scale-down-unneeded-time': 120 }, 1),
    );
  });

  it('karpenter: no group exceeds its max size, pods no type holds are reported, the rest run', () => {
    check(() => new Karpenter(groups(), { ...KARPENTER_DEFAULTS, consolidateAfter: 60 }));
  });
});
