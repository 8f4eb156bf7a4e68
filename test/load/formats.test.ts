// What the loader reads: multi-document YAML, JSON, Lists and typed lists, directories, snapshots.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formatProblem, InputError } from '../../src/api/problem.js';
import type { ClusterSnapshot } from '../../src/api/types.js';
import { loadCluster, loadClusterFromText } from '../../src/load/load.js';

const GOOD = fileURLToPath(new URL('../../../test/fixtures/good/', import.meta.url));

function names(list: { metadata: { name: string } }[]): string[] {
  return list.map((o) => o.metadata.name);
}

function counts(cluster: ClusterSnapshot): Record<string, number> {
  return Object.fromEntries(
    Object.entries(cluster)
      .filter(([, v]) => v.length > 0)
      .map(([k, v]) => [k, v.length]),
  );
}

async function problems(run: () => Promise<unknown> | unknown): Promise<string[]> {
  try {
    await run();
  } catch (err) {
    if (err instanceof InputError) return err.problems.map(formatProblem);
    throw err;
  }
  return [];
}

test('multi-document YAML: every kind, bound and pending pods, unknown kinds skipped with a warning', async () => {
  const { cluster, warnings } = await loadCluster([`${GOOD}cluster.yaml`]);
  assert.deepEqual(counts(cluster), {
    nodes: 2,
    pods: 1,
    pendingPods: 1,
    namespaces: 1,
    services: 1,
    deployments: 1,
    priorityClasses: 1,
  });
  assert.deepEqual(names(cluster.pods), ['running']);
  assert.deepEqual(names(cluster.pendingPods), ['web-2']);
  assert.deepEqual(
    warnings.map((w) => [w.code, w.line, w.path]),
    [
      ['finished-pods', undefined, undefined],
      ['unknown-kind', 156, 'kind'],
    ],
  );
});

test('empty documents and comment-only documents are skipped', () => {
  const { cluster } = loadClusterFromText(
    '---\n# nothing here\n---\nkind: Namespace\napiVersion: v1\nmetadata: {name: a}\n---\n---\n',
    'ns.yaml',
  );
  assert.deepEqual(names(cluster.namespaces), ['a']);
});

test('kind: List holds any kinds; its unknown items are warnings', async () => {
  const { cluster, warnings } = await loadCluster([`${GOOD}list.yaml`]);
  assert.deepEqual(names(cluster.nodes), ['list-node']);
  assert.deepEqual(names(cluster.pendingPods), ['list-pod']);
  assert.deepEqual(
    warnings.map((w) => formatProblem(w).replace(GOOD, '')),
    ['list.yaml:19 items[2].kind: unknown kind "Secret": skipped'],
  );
});

test('PodList and NodeList (kubectl get -o json|yaml): items take their kind from the list', async () => {
  const { cluster, warnings } = await loadCluster([`${GOOD}nodes.yaml`, `${GOOD}pods.json`]);
  assert.deepEqual(names(cluster.nodes), ['kind-worker', 'kind-worker2']);
  assert.deepEqual(names(cluster.pods), ['bound-1']);
  assert.deepEqual(names(cluster.pendingPods), ['waiting']);
  assert.deepEqual(warnings, []);
});

test('a typed list with an item of another kind is an error; an unknown typed list is a warning', async () => {
  assert.deepEqual(
    await problems(() =>
      loadClusterFromText(
        '{"kind": "NodeList", "items": [{"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": []}}]}',
        'l.json',
      ),
    ),
    ['l.json:1 items[0].kind: expected Node here, got "Pod"'],
  );
  const { warnings } = loadClusterFromText('kind: ConfigMapList\napiVersion: v1\nitems: []\n', 'c.yaml');
  assert.deepEqual(warnings.map(formatProblem), ['c.yaml:1 kind: unknown kind "ConfigMapList": skipped']);
});

test('a directory is read recursively in sorted order, *.yaml/*.yml/*.json only, hidden files skipped', async () => {
  const { cluster } = await loadCluster([`${GOOD}dir`]);
  assert.deepEqual(names(cluster.nodes), ['dir-node']);
  assert.deepEqual(names(cluster.pods), ['dir-pod']);
  assert.deepEqual(names(cluster.pendingPods), ['dir-pending']);
});

test('an empty directory and a missing file are problems', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'berth-empty-'));
  try {
    assert.deepEqual(await problems(() => loadCluster([empty, `${GOOD}missing.yaml`])), [
      `${empty}: no manifests (*.yaml, *.yml, *.json) in this directory`,
      `${GOOD}missing.yaml: cannot read: no such file or directory`,
    ]);
  } finally {
    rmSync(empty, { recursive: true });
  }
});

test('snapshot format: lists as given (a pending pod may name a node), extra keys for every kind', async () => {
  const { cluster } = await loadCluster([`${GOOD}snapshot.json`]);
  assert.deepEqual(counts(cluster), {
    nodes: 2,
    pods: 1,
    pendingPods: 1,
    namespaces: 1,
    podDisruptionBudgets: 1,
    priorityClasses: 1,
  });
  assert.equal(cluster.pendingPods[0].spec.nodeName, 'n1');
  assert.equal(cluster.pods[0].spec.priority, 5);
  assert.equal(cluster.pendingPods[0].spec.priority, 7);
});

test('several files load into one cluster, in the order given', async () => {
  const { cluster } = await loadCluster([`${GOOD}list.yaml`, `${GOOD}dir`, `${GOOD}snapshot.json`]);
  assert.deepEqual(names(cluster.nodes), ['list-node', 'dir-node', 'n0', 'n1']);
});

test('duplicates are found across files', async () => {
  assert.deepEqual(
    (await problems(() => loadCluster([`${GOOD}dir`, `${GOOD}dir/10-nodes.yaml`]))).map((m) => m.replaceAll(GOOD, '')),
    ['dir/10-nodes.yaml:4 metadata.name: duplicate Node "dir-node" (first defined at dir/10-nodes.yaml:4)'],
  );
});

test('bound pods on nodes missing from the input are left out, one warning per node', () => {
  const { cluster, warnings } = loadClusterFromText(
    JSON.stringify({
      nodes: [],
      pods: ['a', 'b', 'c'].map((name) => ({
        metadata: { name },
        spec: { nodeName: 'gone', containers: [{ name: 'c' }] },
      })),
      pendingPods: [],
    }),
    's.json',
  );
  assert.equal(cluster.pods.length, 0);
  assert.deepEqual(warnings.map(formatProblem), [
    's.json:1 pods[0].spec.nodeName: 3 pods are bound to node "gone", which is not in the input: left out',
  ]);
});

test('JSON inside a .yaml file is read as JSON; YAML flow style that is not JSON still works', () => {
  const asJson = loadClusterFromText('{"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": "j"}}', 'a.yaml');
  assert.deepEqual(names(asJson.cluster.namespaces), ['j']);
  const flow = loadClusterFromText('{kind: Namespace, apiVersion: v1, metadata: {name: f}}', 'b.yaml');
  assert.deepEqual(names(flow.cluster.namespaces), ['f']);
});

test('JSON syntax errors name the line and column', async () => {
  assert.deepEqual(
    await problems(() => loadClusterFromText('{\n  "kind": "Node",\n  "metadata": {"name": "n",}\n}', 'n.json')),
    ["n.json:3: JSON syntax error: trailing comma before '}' (column 27)"],
  );
  assert.deepEqual(await problems(() => loadClusterFromText('{"kind": "Node"', 'cut.json')), [
    "cut.json:1: JSON syntax error: expected ',' or '}' after a property value, got end of input (column 16)",
  ]);
  assert.deepEqual(await problems(() => loadClusterFromText('{\n"kind": "Node"\n"x": 1}', 'request body')), [
    "request body:3: JSON syntax error: expected ',' or '}' after a property value, got '\"' (column 1)",
  ]);
});

test('a YAML syntax error in one document does not hide problems in the others', async () => {
  assert.deepEqual(
    await problems(() =>
      loadClusterFromText(
        'kind: Namespace\napiVersion: v1\nmetadata: {name: [a}\n---\nkind: Node\napiVersion: v1\nmetadata: {}\n',
        'two.yaml',
      ),
    ),
    [
      'two.yaml:3: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ] (column 20)',
      'two.yaml:3: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a } (column 21)',
      'two.yaml:7 metadata.name: is required',
    ],
  );
});

test('a document that is not an object, and one with no kind, are problems', async () => {
  assert.deepEqual(await problems(() => loadClusterFromText('- a\n- b\n---\nname: x\n', 'odd.yaml')), [
    'odd.yaml:1: expected a Kubernetes object, a List or a snapshot, got an array',
    'odd.yaml:4 kind: is required (a manifest needs apiVersion and kind; a snapshot has nodes, pods, pendingPods, ...)',
  ]);
});

test('--strict: unknown fields at modelled levels are problems; real Kubernetes fields are not', async () => {
  const yaml = `kind: Pod
apiVersion: v1
metadata: {name: p, resourceVersion: "12"}
spec:
  dnsPolicy: ClusterFirst
  containers:
    - name: a
      env: [{name: X, value: "1"}]
      resources: {requets: {cpu: 1}}
  tolerations: [{key: a, operator: Exists, efect: NoSchedule}]
status: {phase: Pending, podIP: 10.0.0.1}
`;
  assert.deepEqual(await problems(() => loadClusterFromText(yaml, 'p.yaml', { strict: true })), [
    'p.yaml:9 spec.containers[0].resources.requets: unknown field (did you mean requests?)',
    'p.yaml:10 spec.tolerations[0].efect: unknown field (did you mean effect?)',
  ]);
  assert.equal(loadClusterFromText(yaml, 'p.yaml').cluster.pendingPods.length, 1);
});
