// validatePod and validateNode: one object at a time, as the extender checks request bodies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatProblem } from '../../src/api/problem.js';
import { validateNode, validatePod } from '../../src/load/load.js';

test('validatePod defaults a valid pod in place and returns it', () => {
  const body = {
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: { containers: [{ name: 'c', resources: { limits: { cpu: '1' } } }], priorityClassName: 'gold' },
  };
  const r = validatePod(body, 'Pod', undefined, {
    priorityClasses: [{ metadata: { name: 'gold' }, value: 100 }],
  });
  assert.deepEqual(r.problems, []);
  assert.equal(r.value, body as unknown);
  assert.equal(r.value?.metadata.namespace, 'default');
  assert.equal(r.value?.spec.priority, 100);
  assert.deepEqual(r.value?.spec.containers[0].resources?.requests, { cpu: '1' });
});

test('validatePod reports every problem under the given path, with no line', () => {
  const r = validatePod(
    { metadata: {}, spec: { containers: [{ name: 'c', resources: { requests: { cpu: 'lots' } } }], tolerations: 'x' } },
    'Pod',
    'request body',
  );
  assert.equal(r.value, undefined);
  assert.deepEqual(r.problems.map(formatProblem), [
    'request body Pod.metadata.name: is required',
    'request body Pod.spec.containers[0].resources.requests.cpu: "lots" is not a quantity',
    'request body Pod.spec.tolerations: expected an array, got "x"',
  ]);
});

test('validatePod on something that is not an object', () => {
  assert.deepEqual(validatePod(null, 'Pod').problems.map(formatProblem), ['Pod: is required']);
  assert.deepEqual(validatePod([1], 'Pod').problems.map(formatProblem), ['Pod: expected an object, got an array']);
});

test('validateNode fills allocatable from capacity and warns about a missing pod count', () => {
  const r = validateNode({ metadata: { name: 'n' }, status: { capacity: { cpu: '2', memory: '1Gi' } } });
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.value?.status?.allocatable, { cpu: '2', memory: '1Gi' });
  assert.deepEqual(r.warnings.map(formatProblem), [
    'status.allocatable: has no "pods": the scheduler allows no pods on this node (set e.g. pods: "110")',
  ]);
});

test('validateNode reports taint problems', () => {
  const r = validateNode({
    metadata: { name: 'n' },
    spec: { taints: [{ key: 'a', effect: 'NoSchedule' }, { key: 'a', effect: 'NoSchedule' }, { effect: 'Sometimes' }] },
    status: { allocatable: { pods: '1' } },
  });
  assert.deepEqual(r.problems.map(formatProblem), [
    'spec.taints[1]: duplicate taint a:NoSchedule (taints must be unique by key and effect)',
    'spec.taints[2].key: is required',
    'spec.taints[2].effect: "Sometimes" is not a taint effect (expected NoSchedule, PreferNoSchedule or NoExecute)',
  ]);
});
