// Random clusters for property tests (fast-check): up to 10 nodes with zones, disks, taints and
// cordons; up to 12 pending pods with requests, tolerations, node selectors, zone spreading,
// hostname anti-affinity and preferred zones.
import fc from 'fast-check';
import type { ClusterSnapshot, Node, Pod, Taint, Toleration } from '../../src/api/types.js';
import { makeCluster } from './cluster.js';

const zones = ['z1', 'z2', 'z3'];
const apps = ['web', 'db', 'cache'];

const taintArb: fc.Arbitrary<Taint> = fc.record({
  key: fc.constantFrom('dedicated', 'spot'),
  value: fc.constantFrom('a', 'b'),
  effect: fc.constantFrom('NoSchedule', 'PreferNoSchedule', 'NoExecute'),
});

const tolerationArb: fc.Arbitrary<Toleration> = fc
  .record({
    key: fc.constantFrom('dedicated', 'spot'),
    operator: fc.constantFrom('Equal', 'Exists'),
    value: fc.constantFrom('a', 'b'),
    effect: fc.constantFrom('NoSchedule', 'PreferNoSchedule', 'NoExecute', ''),
  })
  .map((t) => (t.operator === 'Exists' ? { key: t.key, operator: t.operator, effect: t.effect } : t) as Toleration);

export const nodeArb = (i: number): fc.Arbitrary<Node> =>
  fc
    .record({
      cpu: fc.integer({ min: 1, max: 16 }),
      memGi: fc.integer({ min: 1, max: 64 }),
      pods: fc.integer({ min: 1, max: 20 }),
      zone: fc.constantFrom(...zones),
      disk: fc.constantFrom('ssd', 'hdd'),
      taints: fc.array(taintArb, { maxLength: 2 }),
      unschedulable: fc.boolean().map((b) => b && i % 5 === 0),
    })
    .map((n) => ({
      metadata: {
        name: `node-${i}`,
        labels: { 'kubernetes.io/hostname': `node-${i}`, 'topology.kubernetes.io/zone': n.zone, disk: n.disk },
      },
      spec: { taints: n.taints, unschedulable: n.unschedulable },
      status: { allocatable: { cpu: String(n.cpu), memory: `${n.memGi}Gi`, pods: String(n.pods) } },
    }));

export const podArb = (name: string): fc.Arbitrary<Pod> =>
  fc
    .record({
      cpuMilli: fc.integer({ min: 0, max: 4000 }),
      memMi: fc.integer({ min: 0, max: 8192 }),
      app: fc.constantFrom(...apps),
      priority: fc.integer({ min: 0, max: 3 }),
      tolerations: fc.array(tolerationArb, { maxLength: 2 }),
      selector: fc.option(fc.constantFrom('ssd', 'hdd'), { nil: undefined }),
      spread: fc.option(fc.constantFrom<'DoNotSchedule' | 'ScheduleAnyway'>('DoNotSchedule', 'ScheduleAnyway'), {
        nil: undefined,
      }),
      anti: fc.boolean(),
      preferZone: fc.option(fc.constantFrom(...zones), { nil: undefined }),
    })
    .map((p) => ({
      metadata: { name, namespace: 'default', uid: `default/${name}`, labels: { app: p.app } },
      spec: {
        priority: p.priority,
        containers: [
          { name: 'c', image: 'app:1', resources: { requests: { cpu: `${p.cpuMilli}m`, memory: `${p.memMi}Mi` } } },
        ],
        tolerations: p.tolerations,
        nodeSelector: p.selector ? { disk: p.selector } : undefined,
        topologySpreadConstraints: p.spread
          ? [
              {
                maxSkew: 1,
                topologyKey: 'topology.kubernetes.io/zone',
                whenUnsatisfiable: p.spread,
                labelSelector: { matchLabels: { app: p.app } },
              },
            ]
          : undefined,
        affinity: {
          ...(p.anti
            ? {
                podAntiAffinity: {
                  requiredDuringSchedulingIgnoredDuringExecution: [
                    { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: p.app } } },
                  ],
                },
              }
            : {}),
          ...(p.preferZone
            ? {
                nodeAffinity: {
                  preferredDuringSchedulingIgnoredDuringExecution: [
                    {
                      weight: 50,
                      preference: {
                        matchExpressions: [
                          { key: 'topology.kubernetes.io/zone', operator: 'In' as const, values: [p.preferZone] },
                        ],
                      },
                    },
                  ],
                },
              }
            : {}),
        },
      },
    }));

export const clusterArb: fc.Arbitrary<ClusterSnapshot> = fc
  .integer({ min: 1, max: 10 })
  .chain((n) =>
    fc.record({
      nodes: fc.tuple(...Array.from({ length: n }, (_, i) => nodeArb(i))),
      pending: fc
        .integer({ min: 1, max: 12 })
        .chain((k) => fc.tuple(...Array.from({ length: k }, (_, i) => podArb(`p-${i}`)))),
    }),
  )
  .map(({ nodes, pending }) => makeCluster({ nodes, pendingPods: pending }));
