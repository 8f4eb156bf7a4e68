// Every broken manifest under test/fixtures/broken gives exactly the expected problems: file, line,
// field path and message, all of them at once.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formatProblem, InputError } from '../../src/api/problem.js';
import { loadCluster } from '../../src/load/load.js';

/** dist/test/load → the repository's test/fixtures/broken (fixtures are not compiled). */
const DIR = fileURLToPath(new URL('../../../test/fixtures/broken/', import.meta.url));

interface Case {
  file: string;
  strict?: boolean;
  errors: string[];
}

const CASES: Case[] = [
  {
    file: 'bad-label-key.yaml',
    errors: [
      "bad-label-key.yaml:6 metadata.labels[app name]: \"app name\" is not a valid label key: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
    ],
  },
  {
    file: 'bad-protocol.json',
    errors: ['bad-protocol.json:11 spec.containers[0].ports[0].protocol: must be one of TCP, UDP, SCTP, got "HTTP"'],
  },
  {
    file: 'bad-quantity.yaml',
    errors: ['bad-quantity.yaml:11 spec.containers[0].resources.requests.cpu: "1.5.0" is not a quantity'],
  },
  {
    file: 'bad-taint-effect.yaml',
    errors: [
      'bad-taint-effect.yaml:9 spec.taints[0].effect: "NoSchedul" is not a taint effect (expected NoSchedule, PreferNoSchedule or NoExecute)',
    ],
  },
  {
    file: 'containers-not-array.yaml',
    errors: ['containers-not-array.yaml:6 spec.containers: expected an array, got an object'],
  },
  {
    file: 'deployment-selector-mismatch.yaml',
    errors: [
      'deployment-selector-mismatch.yaml:20 spec.template.spec.containers[0].resources.requests.cpu: "1.5.0" is not a quantity',
    ],
  },
  {
    file: 'duplicate-nodes.yaml',
    errors: [
      'duplicate-nodes.yaml:18 metadata.name: duplicate Node "node-1" (first defined at duplicate-nodes.yaml:4)',
    ],
  },
  {
    file: 'duplicate-pods.json',
    errors: [
      'duplicate-pods.json:14 items[2].metadata.name: duplicate Pod "shop/web" (first defined at duplicate-pods.json:6)',
    ],
  },
  {
    file: 'gpu-request-not-limit.yaml',
    errors: [
      'gpu-request-not-limit.yaml:11 spec.containers[0].resources.requests[nvidia.com/gpu]: "1" must equal the nvidia.com/gpu limit "2"',
    ],
  },
  {
    file: 'gt-two-values.yaml',
    errors: [
      'gt-two-values.yaml:16 spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: must have exactly one value when operator is Gt',
    ],
  },
  {
    file: 'host-port-70000.yaml',
    errors: ['host-port-70000.yaml:11 spec.containers[0].ports[0].hostPort: must be between 1 and 65535, got 70000'],
  },
  {
    file: 'in-no-values.yaml',
    errors: [
      'in-no-values.yaml:14 spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: must be specified when operator is In',
    ],
  },
  {
    file: 'json-syntax.json',
    errors: ["json-syntax.json:6: JSON syntax error: expected ',' or '}' after a property value, got '\"' (column 5)"],
  },
  {
    file: 'label-not-string.yaml',
    errors: [
      'label-not-string.yaml:6 metadata.labels.gpu: expected a string, got true (quote it)',
      'label-not-string.yaml:7 metadata.labels.cores: expected a string, got 8 (quote it)',
    ],
  },
  {
    file: 'label-value-too-long.yaml',
    errors: [
      'label-value-too-long.yaml:6 metadata.labels.description: "this-label-value-is-far-too-long-to-be-accepted-by-the-api-server-x" is not a valid label value: must be no more than 63 characters',
    ],
  },
  {
    file: 'many-mistakes.yaml',
    errors: [
      'many-mistakes.yaml:11 spec.containers[0].resources.requests.cpu: "2 cores" is not a quantity',
      'many-mistakes.yaml:12 spec.containers[0].resources.requests.memory: "1Gi" must be less than or equal to the memory limit "512Mi"',
      'many-mistakes.yaml:15 spec.containers[1].name: duplicate container name "app"',
      "many-mistakes.yaml:18 spec.nodeSelector[disk/type/x]: \"disk/type/x\" is not a valid label key: must be a name with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      'many-mistakes.yaml:21 spec.tolerations[0].operator: "Maybe" is not a toleration operator (expected Equal or Exists)',
    ],
  },
  {
    file: 'match-fields-key.yaml',
    errors: [
      'match-fields-key.yaml:14 spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].key: "metadata.labels" is not a node field selector key (only metadata.name)',
    ],
  },
  {
    file: 'max-skew-zero.yaml',
    errors: ['max-skew-zero.yaml:12 spec.topologySpreadConstraints[0].maxSkew: must be at least 1, got 0'],
  },
  {
    file: 'memory-gb.yaml',
    errors: [
      'memory-gb.yaml:11 spec.containers[0].resources.requests.memory: "12Gb" is not a quantity (did you mean "12G" or "12Gi"?)',
    ],
  },
  {
    file: 'min-domains-schedule-anyway.yaml',
    errors: [
      'min-domains-schedule-anyway.yaml:13 spec.topologySpreadConstraints[0].minDomains: can only be set when whenUnsatisfiable is DoNotSchedule, not ScheduleAnyway',
    ],
  },
  {
    file: 'missing-kind.yaml',
    errors: [
      'missing-kind.yaml:1 kind: is required (a manifest needs apiVersion and kind; a snapshot has nodes, pods, pendingPods, ...)',
    ],
  },
  {
    file: 'missing-name.yaml',
    errors: ['missing-name.yaml:3 metadata.name: is required'],
  },
  {
    file: 'multi-doc-second-broken.yaml',
    errors: ['multi-doc-second-broken.yaml:15 spec.ports[0].port: must be between 1 and 65535, got 0'],
  },
  {
    file: 'negative-cpu.yaml',
    errors: ['negative-cpu.yaml:11 spec.containers[0].resources.requests.cpu: "-1" must not be negative'],
  },
  {
    file: 'node-affinity-policy-typo.yaml',
    errors: [
      'node-affinity-policy-typo.yaml:15 spec.topologySpreadConstraints[0].nodeAffinityPolicy: must be one of Honor, Ignore, got "honor" (did you mean Honor?)',
    ],
  },
  {
    file: 'pod-list-bad-item.yaml',
    errors: [
      'pod-list-bad-item.yaml:22 items[1].spec.containers[0].resources.limits.memory: "-512Mi" must not be negative',
    ],
  },
  {
    file: 'priority-not-integer.json',
    errors: ['priority-not-integer.json:6 spec.priority: expected an integer, got "high"'],
  },
  {
    file: 'request-over-limit.yaml',
    errors: [
      'request-over-limit.yaml:12 spec.containers[0].resources.requests.cpu: "2" must be less than or equal to the cpu limit "1500m"',
    ],
  },
  {
    file: 'snapshot-bad-allocatable.json',
    errors: ['snapshot-bad-allocatable.json:4 nodes[1].status.allocatable.memory: "lots" is not a quantity'],
  },
  {
    file: 'snapshot-bound-without-node.json',
    errors: [
      'snapshot-bound-without-node.json:7 pods[1].spec.nodeName: is required for a pod under "pods" (bound pods); pods waiting to be scheduled go under "pendingPods"',
    ],
  },
  {
    file: 'taint-missing-key.json',
    errors: ['taint-missing-key.json:7 spec.taints[0].key: is required'],
  },
  {
    file: 'toleration-empty-key-equal.yaml',
    errors: [
      'toleration-empty-key-equal.yaml:10 spec.tolerations[0].operator: must be Exists when key is empty (an empty key with Exists tolerates every taint)',
    ],
  },
  {
    file: 'toleration-exists-value.yaml',
    errors: ['toleration-exists-value.yaml:12 spec.tolerations[0].value: must be empty when operator is Exists'],
  },
  {
    file: 'topology-key-missing.yaml',
    errors: [
      'topology-key-missing.yaml:14 spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: is required',
    ],
  },
  {
    file: 'two-global-defaults.yaml',
    errors: [
      'two-global-defaults.yaml:13 globalDefault: only one PriorityClass may be the global default, and "normal" already is',
    ],
  },
  {
    file: 'unknown-field-strict.yaml',
    strict: true,
    errors: ['unknown-field-strict.yaml:9 spec.toleration: unknown field (did you mean tolerations?)'],
  },
  {
    file: 'unknown-operator.yaml',
    errors: [
      'unknown-operator.yaml:16 spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchExpressions[0].operator: "Equals" is not a label selector operator (expected In, NotIn, Exists or DoesNotExist)',
    ],
  },
  {
    file: 'unknown-priority-class.yaml',
    errors: ['unknown-priority-class.yaml:12 spec.priorityClassName: no PriorityClass named "hgih"'],
  },
  {
    file: 'weight-zero.yaml',
    errors: [
      'weight-zero.yaml:12 spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: must be between 1 and 100, got 0',
    ],
  },
  {
    file: 'when-unsatisfiable-typo.yaml',
    errors: [
      'when-unsatisfiable-typo.yaml:14 spec.topologySpreadConstraints[0].whenUnsatisfiable: must be one of DoNotSchedule, ScheduleAnyway, got "DoNotSchedul" (did you mean DoNotSchedule?)',
    ],
  },
  {
    file: 'yaml-syntax.yaml',
    errors: ['yaml-syntax.yaml:5: YAML syntax error: All mapping items must start at the same column (column 1)'],
  },
];

async function problemsOf(file: string, strict: boolean): Promise<string[]> {
  try {
    await loadCluster([DIR + file], { strict });
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return err.problems.map((p) => formatProblem(p).replaceAll(DIR, ''));
  }
  return [];
}

for (const c of CASES) {
  test(`broken/${c.file}: ${c.errors.length === 1 ? 'one problem' : `${c.errors.length} problems`}, each with file:line and field path`, async () => {
    assert.deepEqual(await problemsOf(c.file, c.strict ?? false), c.errors);
  });
}

test('every broken fixture has a case, and there are at least 30 of them', () => {
  const files = readdirSync(DIR)
    .filter((f) => !f.startsWith('.'))
    .sort();
  assert.deepEqual(files, CASES.map((c) => c.file).sort());
  assert.ok(files.length >= 30, `only ${files.length} broken fixtures`);
});

test('the unknown field is only a problem with --strict', async () => {
  assert.deepEqual(await problemsOf('unknown-field-strict.yaml', false), []);
});

test('problems of several files are reported together, in file order', async () => {
  const files = ['negative-cpu.yaml', 'bad-quantity.yaml', 'json-syntax.json'];
  const err = await loadCluster(files.map((f) => DIR + f)).catch((e: unknown) => e);
  assert.ok(err instanceof InputError);
  assert.deepEqual(
    err.problems.map((p) => p.file?.replace(DIR, '')),
    files,
  );
});
