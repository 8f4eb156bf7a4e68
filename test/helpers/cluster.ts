// Small builders for test clusters: a node or pod in one line, defaults filled in.
import { emptyCluster } from '../../src/api/cluster.js';
import type { ClusterSnapshot, Node, Pod, PodSpec, Taint } from '../../src/api/types.js';

export interface NodeOptions {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  allocatable?: Record<string, string>;
  images?: { names: string[]; sizeBytes: number }[];
}

export function makeNode(name: string, o: NodeOptions = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: { taints: o.taints, unschedulable: o.unschedulable },
    status: {
      allocatable: { cpu: o.cpu ?? '4', memory: o.memory ?? '16Gi', pods: o.pods ?? '110', ...o.allocatable },
      images: o.images,
    },
  };
}

export interface PodOptions {
  namespace?: string;
  labels?: Record<string, string>;
  cpu?: string;
  memory?: string;
  node?: string;
  spec?: Partial<PodSpec>;
}

export function makePod(name: string, o: PodOptions = {}): Pod {
  const requests: Record<string, string> = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: o.namespace ?? 'default',
      uid: `${o.namespace ?? 'default'}/${name}`,
      labels: o.labels,
    },
    spec: {
      containers: [{ name: 'main', image: 'app:1', resources: { requests } }],
      ...(o.node ? { nodeName: o.node } : {}),
      ...o.spec,
    },
  };
}

export function makeCluster(parts: Partial<ClusterSnapshot>): ClusterSnapshot {
  return {
    ...emptyCluster(),
    namespaces: [{ metadata: { name: 'default', labels: { 'kubernetes.io/metadata.name': 'default' } } }],
    ...parts,
  };
}
