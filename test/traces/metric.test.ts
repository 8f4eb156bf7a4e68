import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatProblem } from '../../src/api/problem.js';
import { loadClusterFromText } from '../../src/load/load.js';
import { scanTrace } from '../../src/traces/reader.js';
import { writeTrace } from '../sim/helpers.js';

describe('metric samples and HPAs in traces', () => {
  it('reports each bad metric row with file:line and field', () => {
    const path = writeTrace([
      { t: 0, type: 'metric', kind: 'Deployment', name: 'web', metric: 'cpu', utilization: 150 },
      { t: 1, type: 'metric', kind: 'Deployment', name: 'web', metric: 'cpu', value: '75m' },
      { t: 2, type: 'metric', kind: 'DaemonSet', name: 'web', metric: 'cpu', value: 1 },
      { t: 3, type: 'metric', kind: 'Deployment', name: 'web', metric: 'cpu' },
      { t: 4, type: 'metric', kind: 'Deployment', name: 'web', metric: 'cpu', value: '1.5.0' },
      { t: 5, type: 'metric', kind: 'Deployment', name: 'web', metric: 'cpu', utilization: -3 },
      { t: 6, type: 'metric', kind: 'Deployment', name: 'web', metric: 'cpu', utilization: 1, value: 1 },
    ]);
    const scan = scanTrace(path);
    const file = path;
    assert.equal(scan.rows, 7);
    assert.deepEqual(
      scan.problems.map((p) => formatProblem(p).replace(file, 'T')),
      [
        'T:3 kind: must be one of Deployment, ReplicaSet, StatefulSet, got "DaemonSet"',
        'T:4 utilization: expected a utilization (percent of requests, e.g. 150), a value per pod (e.g. 0.075 or "75m") or a total over the pods (e.g. 12)',
        'T:5 value: "1.5.0" is not a quantity',
        'T:6 utilization: expected a percent of requests (a number, 0 or more), got -3',
        'T:7 value: cannot be given together with utilization: a sample is one of them',
      ],
    );
  });

  it('checks an HPA created in a trace like one in a manifest', () => {
    const path = writeTrace([
      {
        t: 0,
        type: 'workload-create',
        object: {
          apiVersion: 'autoscaling/v2',
          kind: 'HorizontalPodAutoscaler',
          metadata: { name: 'web' },
          spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 3, maxReplicas: 2 },
        },
      },
    ]);
    const scan = scanTrace(path);
    assert.deepEqual(
      scan.problems.map((p) => formatProblem(p).replace(path, 'T')),
      ['T:1 object.spec.maxReplicas: must be at least minReplicas (3)'],
    );
  });

  it('loads an HPA manifest with upstream defaults, and names the line of a bad field', () => {
    const ok = loadClusterFromText(
      [
        'apiVersion: autoscaling/v2',
        'kind: HorizontalPodAutoscaler',
        'metadata: {name: web}',
        'spec:',
        '  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}',
        '  maxReplicas: 10',
        '  metrics:',
        '  - type: Resource',
        '    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}',
        '  behavior:',
        '    scaleDown: {stabilizationWindowSeconds: 60}',
      ].join('\n'),
      'hpa.yaml',
    ).cluster.horizontalPodAutoscalers[0];
    assert.equal(ok.metadata.namespace, 'default');
    assert.equal(ok.spec.minReplicas, 1);
    assert.deepEqual(ok.spec.behavior?.scaleUp?.policies?.length, 2);
    assert.deepEqual(ok.spec.behavior?.scaleDown, {
      stabilizationWindowSeconds: 60,
      selectPolicy: 'Max',
      policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
    });
    assert.throws(
      () =>
        loadClusterFromText(
          [
            'apiVersion: autoscaling/v2',
            'kind: HorizontalPodAutoscaler',
            'metadata: {name: web}',
            'spec:',
            '  scaleTargetRef: {kind: Deployment, name: web}',
            '  maxReplicas: 10',
            '  metrics:',
            '  - type: Resource',
            '    resource: {name: cpu, target: {type: AverageValue, averageValue: 12GB}}',
          ].join('\n'),
          'hpa.yaml',
        ),
      (err: Error & { problems?: unknown[] }) => {
        const text = (err.problems ?? []).map((p) => formatProblem(p as never)).join('\n');
        assert.match(text, /^hpa\.yaml:9 spec\.metrics\[0\]\.resource\.target\.averageValue: "12GB" is not a quantity/);
        return true;
      },
    );
  });
});
