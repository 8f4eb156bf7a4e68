// Small node groups and a replay with a node autoscaling policy as the hook.
import type { ClusterSnapshot, DaemonSet, Deployment, Pod } from '../../src/api/types.js';
import { readInstanceTypes } from '../../src/autoscale/instance-types.js';
import type { CapacityType, NodeGroup } from '../../src/autoscale/node-groups.js';
import type { NodeAutoscalingPolicy, PolicyReport } from '../../src/autoscale/policy.js';
import { makeCluster } from '../helpers/cluster.js';
import { type SimRun, simulate } from '../sim/helpers.js';

export function group(
  name: string,
  instanceType: string,
  price: number,
  o: { min?: number; max?: number; delay?: number; capacityType?: CapacityType; zone?: string } = {},
): NodeGroup {
  const type = readInstanceTypes().get(instanceType);
  if (!type) throw new Error(`no instance type ${instanceType}`);
  return {
    name,
    instanceType: type,
    zone: o.zone ?? 'zone-a',
    capacityType: o.capacityType ?? 'on-demand',
    price,
    minSize: o.min ?? 0,
    maxSize: o.max ?? 10,
    provisioningDelay: o.delay ?? 60,
    labels: {},
    taints: [],
  };
}

export function deployment(
  name: string,
  replicas: number,
  requests: Record<string, string>,
  spec: Partial<Pod['spec']> = {},
): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'main', image: `${name}:1`, resources: { requests } }], ...spec },
      },
    },
  };
}

export function daemonSet(name: string, requests: Record<string, string>): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'main', image: `${name}:1`, resources: { requests } }] },
      },
    },
  };
}

export function create(t: number, object: Deployment | DaemonSet): Record<string, unknown> {
  return { t, type: 'workload-create', object };
}

/**
 * A replay of `rows` with the policy as hook, on `cluster` (which then holds the policy's initial
 * nodes already) or on the policy's initial nodes alone.
 */
export function replayWith(
  policy: NodeAutoscalingPolicy,
  rows: readonly unknown[],
  until: number,
  cluster?: ClusterSnapshot,
): SimRun & { report: PolicyReport } {
  const run = simulate(cluster ?? makeCluster({ nodes: policy.initialNodes() }), rows, { until, hook: policy });
  return { ...run, report: policy.report(run.summary.simulatedSeconds) };
}
