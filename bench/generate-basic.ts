// The "basic" workload of ../shared/bench/genperf.py, in TypeScript, for sizes genperf does not
// write (basic-50000) and for tests: upstream scheduler_perf's node-default.yaml (4 cpu, 32Gi,
// 110 pods, hostname and zone labels over three zones) and pod-default.yaml (a pause container
// with containerPort 80 and requests = limits = 100m / 500Mi). Same names, same JSON shape.
import { writeFileSync } from 'node:fs';
import type { Node, Pod } from '../src/api/types.js';

const ZONES = ['zone-0', 'zone-1', 'zone-2'];
const IMAGE = 'registry.k8s.io/pause:3.10';

export interface BasicSnapshot {
  nodes: Node[];
  pods: Pod[];
  pendingPods: Pod[];
}

function nodeName(i: number): string {
  return `node-${String(i).padStart(5, '0')}`;
}

export function basicNode(i: number): Node {
  const name = nodeName(i);
  const resources = { cpu: '4', memory: '32Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      uid: `node-uid-${i}`,
      labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': ZONES[i % 3] },
    },
    spec: {},
    status: {
      capacity: { ...resources },
      allocatable: { ...resources },
      conditions: [{ type: 'Ready', status: 'True' }],
      phase: 'Running',
    },
  };
}

export function basicPod(name: string, nodeName?: string): Pod {
  const resources = { cpu: '100m', memory: '500Mi' };
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `default/${name}` },
    spec: {
      schedulerName: 'default-scheduler',
      containers: [
        {
          name: 'pause',
          image: IMAGE,
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          resources: { requests: { ...resources }, limits: { ...resources } },
        },
      ],
    },
  };
  if (nodeName) {
    pod.spec.nodeName = nodeName;
    pod.status = { phase: 'Running' };
  }
  return pod;
}

/** genperf's basic(n_nodes, n_existing, n_pending). */
export function basicWorkload(nodes: number, existing: number, pending: number): BasicSnapshot {
  return {
    nodes: Array.from({ length: nodes }, (_, i) => basicNode(i)),
    pods: Array.from({ length: existing }, (_, j) =>
      basicPod(`init-${String(j).padStart(5, '0')}`, nodeName(j % nodes)),
    ),
    pendingPods: Array.from({ length: pending }, (_, j) => basicPod(`pod-${String(j).padStart(5, '0')}`)),
  };
}

export function writeBasicWorkload(path: string, nodes: number, existing: number, pending: number): void {
  writeFileSync(path, JSON.stringify(basicWorkload(nodes, existing, pending)));
}
