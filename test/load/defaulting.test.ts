// API defaulting and admission as the loader applies them: what the API server would have filled in
// before kube-scheduler ever saw the objects.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../../src/api/types.js';
import { loadClusterFromText } from '../../src/load/load.js';

const NODE = `
apiVersion: v1
kind: Node
metadata: {name: n1}
status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}
`;

/** Loads one pod manifest (plus a node, so bound pods are kept) and returns it. */
function loadPod(yaml: string, extra = ''): Pod {
  const { cluster } = loadClusterFromText(`${NODE}---\n${yaml}${extra ? `---\n${extra}` : ''}`, 'pod.yaml');
  const pods = [...cluster.pods, ...cluster.pendingPods];
  assert.equal(pods.length, 1);
  return pods[0];
}

test('a container limit without a request becomes the request, for containers and init containers', () => {
  const pod = loadPod(`
kind: Pod
apiVersion: v1
metadata: {name: p}
spec:
  containers:
    - name: a
      resources:
        requests: {cpu: 100m}
        limits: {cpu: "1", memory: 1Gi, nvidia.com/gpu: 1}
  initContainers:
    - name: init
      resources:
        limits: {cpu: 250m}
`);
  assert.deepEqual(pod.spec.containers[0].resources, {
    requests: { cpu: '100m', memory: '1Gi', 'nvidia.com/gpu': '1' },
    limits: { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': '1' },
  });
  assert.deepEqual(pod.spec.initContainers?.[0].resources?.requests, { cpu: '250m' });
});

test('pod-level resources: limits without requests become requests', () => {
  const pod = loadPod(`
kind: Pod
apiVersion: v1
metadata: {name: p}
spec:
  resources:
    limits: {cpu: "2", memory: 2Gi}
  containers: [{name: a}]
`);
  assert.deepEqual(pod.spec.resources?.requests, { cpu: '2', memory: '2Gi' });
});

test('quantities written as YAML numbers become strings', () => {
  const pod = loadPod(`
kind: Pod
apiVersion: v1
metadata: {name: p}
spec:
  overhead: {cpu: 0.25}
  containers: [{name: a, resources: {requests: {cpu: 2, memory: 1e9}}}]
`);
  assert.deepEqual(pod.spec.containers[0].resources?.requests, { cpu: '2', memory: '1000000000' });
  assert.deepEqual(pod.spec.overhead, { cpu: '0.25' });
});

test('namespace defaults to "default", uid to namespace/name, schedulerName to default-scheduler', () => {
  const pod = loadPod('kind: Pod\napiVersion: v1\nmetadata: {name: p}\nspec: {containers: [{name: a}]}\n');
  assert.equal(pod.metadata.namespace, 'default');
  assert.equal(pod.metadata.uid, 'default/p');
  assert.equal(pod.spec.schedulerName, 'default-scheduler');
  const other = loadPod(
    'kind: Pod\napiVersion: v1\nmetadata: {name: p, namespace: x, uid: abc}\nspec: {schedulerName: mine, containers: [{name: a}]}\n',
  );
  assert.equal(other.metadata.uid, 'abc');
  assert.equal(other.spec.schedulerName, 'mine');
});

test('namespaced kinds get the default namespace; nodes and namespaces do not', () => {
  const { cluster } = loadClusterFromText(
    `${NODE}---
kind: Service
apiVersion: v1
metadata: {name: s}
spec: {selector: {app: a}, ports: [{port: 80}]}
---
kind: Namespace
apiVersion: v1
metadata: {name: team}
`,
    'm.yaml',
  );
  assert.equal(cluster.services[0].metadata.namespace, 'default');
  assert.equal(cluster.services[0].spec?.ports?.[0].protocol, 'TCP');
  assert.equal(cluster.nodes[0].metadata.namespace, undefined);
  assert.equal(cluster.namespaces[0].metadata.namespace, undefined);
});

test('toleration operator defaults to Equal when missing or empty; Exists stays', () => {
  const pod = loadPod(`
kind: Pod
apiVersion: v1
metadata: {name: p}
spec:
  containers: [{name: a}]
  tolerations:
    - {key: a, value: x}
    - {key: b, operator: "", value: y, effect: NoSchedule}
    - {key: c, operator: Exists}
`);
  assert.deepEqual(
    pod.spec.tolerations?.map((t) => t.operator),
    ['Equal', 'Equal', 'Exists'],
  );
});

test('port protocol defaults to TCP; on the host network a container port is also a host port', () => {
  const pod = loadPod(`
kind: Pod
apiVersion: v1
metadata: {name: p}
spec:
  hostNetwork: true
  containers:
    - name: a
      ports: [{containerPort: 80}, {containerPort: 53, protocol: UDP}, {containerPort: 9000, hostPort: 9001}]
`);
  assert.deepEqual(pod.spec.containers[0].ports, [
    { containerPort: 80, hostPort: 80, protocol: 'TCP' },
    { containerPort: 53, hostPort: 53, protocol: 'UDP' },
    { containerPort: 9000, hostPort: 9001, protocol: 'TCP' },
  ]);
});

const SPREAD = `
kind: Pod
apiVersion: v1
metadata: {name: p, labels: {app: web, version: v2}}
spec:
  containers: [{name: a}]
  topologySpreadConstraints:
    - maxSkew: 1
      topologyKey: zone
      whenUnsatisfiable: DoNotSchedule
      labelSelector: {matchLabels: {app: web}}
      matchLabelKeys: [version, missing]
`;

test('topology spread matchLabelKeys: the pod’s values join the selector, matchLabelKeys stays', () => {
  const pod = loadPod(SPREAD);
  const tsc = pod.spec.topologySpreadConstraints?.[0];
  assert.deepEqual(tsc?.labelSelector, {
    matchLabels: { app: 'web' },
    matchExpressions: [{ key: 'version', operator: 'In', values: ['v2'] }],
  });
  assert.deepEqual(tsc?.matchLabelKeys, ['version', 'missing']);
});

test('merging matchLabelKeys is idempotent: loading a loaded pod again changes nothing', () => {
  const once = loadPod(SPREAD);
  const twice = loadClusterFromText(JSON.stringify({ nodes: [], pods: [], pendingPods: [once] }), 'again.json').cluster
    .pendingPods[0];
  assert.deepEqual(twice, once);
});

test('pod affinity matchLabelKeys add In, mismatchLabelKeys add NotIn', () => {
  const pod = loadPod(`
kind: Pod
apiVersion: v1
metadata: {name: p, labels: {tenant: t1, rev: r9}}
spec:
  containers: [{name: a}]
  affinity:
    podAntiAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        - topologyKey: kubernetes.io/hostname
          labelSelector: {matchLabels: {app: db}}
          matchLabelKeys: [rev]
          mismatchLabelKeys: [tenant]
`);
  const term = pod.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.[0];
  assert.deepEqual(term?.labelSelector?.matchExpressions, [
    { key: 'rev', operator: 'In', values: ['r9'] },
    { key: 'tenant', operator: 'NotIn', values: ['t1'] },
  ]);
});

const CLASSES = `
kind: PriorityClass
apiVersion: scheduling.k8s.io/v1
metadata: {name: high}
value: 1000
preemptionPolicy: Never
---
kind: PriorityClass
apiVersion: scheduling.k8s.io/v1
metadata: {name: normal}
value: 10
globalDefault: true
`;

test('priority comes from priorityClassName, with the class preemption policy', () => {
  const pod = loadPod(
    'kind: Pod\napiVersion: v1\nmetadata: {name: p}\nspec: {priorityClassName: high, containers: [{name: a}]}\n',
    CLASSES,
  );
  assert.equal(pod.spec.priority, 1000);
  assert.equal(pod.spec.preemptionPolicy, 'Never');
});

test('built-in classes: system-cluster-critical and system-node-critical', () => {
  const a = loadPod(
    'kind: Pod\napiVersion: v1\nmetadata: {name: p}\nspec: {priorityClassName: system-node-critical, containers: [{name: a}]}\n',
  );
  assert.equal(a.spec.priority, 2000001000);
  const b = loadPod(
    'kind: Pod\napiVersion: v1\nmetadata: {name: p}\nspec: {priorityClassName: system-cluster-critical, containers: [{name: a}]}\n',
  );
  assert.equal(b.spec.priority, 2000000000);
  assert.equal(b.spec.preemptionPolicy, 'PreemptLowerPriority');
});

test('a pod without a class gets the global default class, or priority 0 when there is none', () => {
  const withDefault = loadPod(
    'kind: Pod\napiVersion: v1\nmetadata: {name: p}\nspec: {containers: [{name: a}]}\n',
    CLASSES,
  );
  assert.equal(withDefault.spec.priorityClassName, 'normal');
  assert.equal(withDefault.spec.priority, 10);
  const without = loadPod('kind: Pod\napiVersion: v1\nmetadata: {name: p}\nspec: {containers: [{name: a}]}\n');
  assert.equal(without.spec.priority, 0);
  assert.equal(without.spec.priorityClassName, undefined);
});

test('an explicit priority without a class is kept (cluster dumps carry it)', () => {
  const pod = loadPod(
    'kind: Pod\napiVersion: v1\nmetadata: {name: p}\nspec: {priority: 42, containers: [{name: a}]}\n',
    CLASSES,
  );
  assert.equal(pod.spec.priority, 42);
});

test('a class missing from the input is an error, unless the pod carries its priority (then a warning)', () => {
  assert.throws(
    () =>
      loadPod(
        'kind: Pod\napiVersion: v1\nmetadata: {name: p}\nspec: {priorityClassName: gold, containers: [{name: a}]}\n',
      ),
    /pod\.yaml:10 spec\.priorityClassName: no PriorityClass named "gold"/,
  );
  const { warnings } = loadClusterFromText(
    'kind: Pod\napiVersion: v1\nmetadata: {name: p}\nspec: {priorityClassName: gold, priority: 5, containers: [{name: a}]}\n',
    'dump.yaml',
  );
  assert.deepEqual(
    warnings.map((w) => w.message),
    ['no PriorityClass named "gold" in the input; keeping spec.priority 5'],
  );
});

test('a priority that contradicts its class is an error', () => {
  assert.throws(
    () =>
      loadPod(
        'kind: Pod\napiVersion: v1\nmetadata: {name: p}\nspec: {priorityClassName: high, priority: 5, containers: [{name: a}]}\n',
        CLASSES,
      ),
    /spec\.priority: 5 does not match the value 1000 of PriorityClass "high"/,
  );
});

test('a node with capacity and no allocatable gets allocatable = capacity', () => {
  const { cluster } = loadClusterFromText(
    'kind: Node\napiVersion: v1\nmetadata: {name: n}\nstatus: {capacity: {cpu: 4, memory: 8Gi, pods: 110}}\n',
    'n.yaml',
  );
  assert.deepEqual(cluster.nodes[0].status?.allocatable, { cpu: '4', memory: '8Gi', pods: '110' });
});

test('a node without pods in allocatable keeps it missing, with a warning', () => {
  const { cluster, warnings } = loadClusterFromText(
    'kind: Node\napiVersion: v1\nmetadata: {name: n}\nstatus: {allocatable: {cpu: "4"}}\n',
    'n.yaml',
  );
  assert.equal('pods' in (cluster.nodes[0].status?.allocatable ?? {}), false);
  assert.deepEqual(
    warnings.map((w) => [w.code, w.line, w.path]),
    [['no-pods-allocatable', 4, 'status.allocatable']],
  );
});

test('pods in phase Succeeded or Failed are left out, with one warning per file', () => {
  const { cluster, warnings } = loadClusterFromText(
    `${NODE}---
kind: Pod
apiVersion: v1
metadata: {name: done}
spec: {nodeName: n1, containers: [{name: a}]}
status: {phase: Succeeded}
---
kind: Pod
apiVersion: v1
metadata: {name: failed}
spec: {containers: [{name: a}]}
status: {phase: Failed}
`,
    'jobs.yaml',
  );
  assert.equal(cluster.pods.length + cluster.pendingPods.length, 0);
  assert.deepEqual(
    warnings.map((w) => w.message),
    ['2 pods in phase Succeeded or Failed left out (they hold no resources)'],
  );
});

test('a ReplicationController without a selector selects its template labels', () => {
  const { cluster } = loadClusterFromText(
    'kind: ReplicationController\napiVersion: v1\nmetadata: {name: rc}\nspec: {template: {metadata: {labels: {app: old}}, spec: {containers: [{name: a}]}}}\n',
    'rc.yaml',
  );
  assert.deepEqual(cluster.replicationControllers[0].spec.selector, { app: 'old' });
});

test('workload templates get spec defaults but no admission (no matchLabelKeys merge)', () => {
  const { cluster } = loadClusterFromText(
    `kind: Deployment
apiVersion: apps/v1
metadata: {name: d}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, version: v1}}
    spec:
      containers: [{name: a, resources: {limits: {cpu: "1"}}}]
      topologySpreadConstraints:
        - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}, matchLabelKeys: [version]}
`,
    'd.yaml',
  );
  const spec = cluster.deployments[0].spec.template.spec;
  assert.deepEqual(spec.containers[0].resources?.requests, { cpu: '1' });
  assert.equal(spec.topologySpreadConstraints?.[0].labelSelector?.matchExpressions, undefined);
});
