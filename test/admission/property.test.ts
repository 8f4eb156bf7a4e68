import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Pod } from '../../src/api/types.js';
import { makeCluster, makeNode } from '../helpers/cluster.js';
import { podEvent, simulate } from '../sim/helpers.js';

const HARD_CPU_MILLIS = 3000;
const HARD_PODS = 4;

function pod(name: string, cpuMillis: number): Pod {
  return {
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'main', resources: { requests: { cpu: `${cpuMillis}m`, memory: '1Mi' } } }] },
  };
}

describe('admission invariants', () => {
  it('in any replay, running plus queued pods of a namespace never use more than its quota, and every pod is either created or refused', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            t: fc.integer({ min: 0, max: 300 }),
            cpu: fc.integer({ min: 1, max: 2000 }),
            duration: fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        (pods) => {
          const cluster = makeCluster({
            nodes: [makeNode('a', { cpu: '2' })],
            resourceQuotas: [
              {
                metadata: { name: 'q', namespace: 'default' },
                spec: { hard: { 'requests.cpu': `${HARD_CPU_MILLIS}m`, pods: String(HARD_PODS) } },
              },
            ],
          });
          const rows = pods
            .map((p, i) => podEvent(p.t, pod(`p${i}`, p.cpu), p.duration))
            .sort((a, b) => (a.t as number) - (b.t as number));
          const { summary } = simulate(cluster, rows, {
            onInstant: (s) => {
              const live = s.livePods();
              assert.ok(live.length <= HARD_PODS, `${live.length} pods exist, quota allows ${HARD_PODS}`);
              let cpu = 0;
              for (const p of live) cpu += Number.parseInt(p.pod.spec.containers[0].resources!.requests!.cpu, 10);
              assert.ok(cpu <= HARD_CPU_MILLIS, `${cpu}m requested, quota allows ${HARD_CPU_MILLIS}m`);
            },
          });
          assert.equal(summary.pods.created + summary.refused.pods, pods.length);
        },
      ),
      { numRuns: 60 },
    );
  });
});
