import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatProblem, InputError } from '../../src/api/problem.js';
import { loadCluster } from '../../src/load/load.js';

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'berth-adm-')), 'admission.yaml');
  writeFileSync(path, text);
  return path;
}

async function problems(path: string): Promise<string[]> {
  try {
    await loadCluster([path]);
  } catch (err) {
    if (err instanceof InputError) return err.problems.map((p) => formatProblem({ ...p, file: 'admission.yaml' }));
    throw err;
  }
  return [];
}

describe('loading LimitRange and ResourceQuota', () => {
  it('loads both kinds, defaulting a Container item as the API server does', async () => {
    const { cluster } = await loadCluster([
      file(`apiVersion: v1
kind: LimitRange
metadata: {name: limits, namespace: shop}
spec:
  limits:
  - type: Container
    max: {cpu: "2"}
    min: {memory: 64Mi}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: compute, namespace: shop}
spec:
  hard: {requests.cpu: "4", pods: 10}
  scopeSelector:
    matchExpressions:
    - {scopeName: PriorityClass, operator: In, values: [high]}
`),
    ]);
    assert.deepEqual(cluster.limitRanges?.[0].spec.limits[0], {
      type: 'Container',
      max: { cpu: '2' },
      min: { memory: '64Mi' },
      default: { cpu: '2' },
      defaultRequest: { cpu: '2', memory: '64Mi' },
    });
    assert.deepEqual(cluster.resourceQuotas?.[0].spec.hard, { 'requests.cpu': '4', pods: '10' });
  });

  it('reports every problem with file, line and field path', async () => {
    const path = file(`apiVersion: v1
kind: LimitRange
metadata: {name: limits}
spec:
  limits:
  - type: Containr
    max: {cpu: "1"}
    min: {cpu: "2"}
  - type: Pod
    default: {cpu: 1}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: compute}
spec:
  hard: {requests.cpu: "x"}
  scopes: [BestEfort]
  scopeSelector:
    matchExpressions:
    - {scopeName: PriorityClass, operator: In}
`);
    assert.deepEqual(await problems(path), [
      'admission.yaml:6 spec.limits[0].type: must be one of Container, Pod, PersistentVolumeClaim, got "Containr" (did you mean Container?)',
      'admission.yaml:8 spec.limits[0].min.cpu: min value must be less than or equal to max value',
      'admission.yaml:10 spec.limits[1].default: may not be specified when type is Pod',
      'admission.yaml:16 spec.hard[requests.cpu]: "x" is not a quantity',
      'admission.yaml:17 spec.scopes[0]: must be one of BestEffort, NotBestEffort, Terminating, NotTerminating, PriorityClass, got "BestEfort" (did you mean BestEffort?)',
      'admission.yaml:20 spec.scopeSelector.matchExpressions[0].values: must be at least one value when operator is In',
    ]);
  });
});
