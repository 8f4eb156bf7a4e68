import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Admission } from '../../src/admission/admission.js';
import type { Container, LimitRange, Pod, ResourceQuota } from '../../src/api/types.js';

function pod(name: string, containers: Partial<Container>[], spec: Partial<Pod['spec']> = {}, namespace = 'team'): Pod {
  return {
    metadata: { name, namespace },
    spec: { containers: containers.map((c, i) => ({ name: c.name ?? `c${i}`, ...c })), ...spec },
  };
}

const res = (requests?: Record<string, string>, limits?: Record<string, string>) => ({
  resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) },
});

function quota(name: string, hard: Record<string, string>, spec: Partial<ResourceQuota['spec']> = {}): ResourceQuota {
  return { metadata: { name, namespace: 'team' }, spec: { hard, ...spec } };
}

function limitRange(limits: LimitRange['spec']['limits']): LimitRange {
  return { metadata: { name: 'limits', namespace: 'team' }, spec: { limits } };
}

describe('ResourceQuota admission', () => {
  const cases: {
    name: string;
    quotas: ResourceQuota[];
    existing?: Pod[];
    pod: Pod;
    message?: string;
    resources?: string[];
  }[] = [
    {
      name: 'usage exactly at the hard limit is admitted',
      quotas: [quota('compute', { 'requests.cpu': '2', pods: '2' })],
      existing: [pod('a', [res({ cpu: '1500m', memory: '1Gi' })])],
      pod: pod('b', [res({ cpu: '500m', memory: '1Gi' })]),
    },
    {
      name: 'one millicore past the limit is refused with used and limited',
      quotas: [quota('compute', { 'requests.cpu': '2' })],
      existing: [pod('a', [res({ cpu: '1500m', memory: '1Gi' })])],
      pod: pod('b', [res({ cpu: '501m', memory: '1Gi' })]),
      message:
        'pods "b" is forbidden: exceeded quota: compute, requested: requests.cpu=501m, used: requests.cpu=1500m, limited: requests.cpu=2',
      resources: ['requests.cpu'],
    },
    {
      name: 'the pod count is a quota resource',
      quotas: [quota('count', { pods: '1', 'count/pods': '5' })],
      existing: [pod('a', [res({ cpu: '1' })])],
      pod: pod('b', [res({ cpu: '1' })]),
      message: 'pods "b" is forbidden: exceeded quota: count, requested: pods=1, used: pods=1, limited: pods=1',
      resources: ['pods'],
    },
    {
      name: 'a quota on cpu and memory refuses containers that do not name them, naming what is missing',
      quotas: [quota('compute', { 'requests.memory': '10Gi', 'limits.cpu': '4' })],
      pod: pod('b', [
        { name: 'app', ...res({ cpu: '1' }) },
        { name: 'sidecar', ...res({ cpu: '1', memory: '1Gi' }, { cpu: '1' }) },
      ]),
      message:
        'pods "b" is forbidden: failed quota: compute: must specify limits.cpu for: app; requests.memory for: app',
      resources: ['limits.cpu', 'requests.memory'],
    },
    {
      name: 'the cpu shorthand means requests.cpu',
      quotas: [quota('compute', { cpu: '1', memory: '1Gi' })],
      pod: pod('b', [res({ cpu: '2', memory: '1Gi' })]),
      message: 'pods "b" is forbidden: exceeded quota: compute, requested: cpu=2, used: cpu=0, limited: cpu=1',
      resources: ['cpu'],
    },
    {
      name: 'limits are counted apart from requests',
      quotas: [quota('compute', { 'limits.memory': '2Gi' })],
      pod: pod('b', [res({ memory: '1Gi' }, { memory: '3Gi' })]),
      message:
        'pods "b" is forbidden: exceeded quota: compute, requested: limits.memory=3Gi, used: limits.memory=0, limited: limits.memory=2Gi',
      resources: ['limits.memory'],
    },
    {
      name: 'extended resources are quotaed as requests.<name>',
      quotas: [quota('gpus', { 'requests.example.com/gpu': '1' })],
      pod: pod('b', [res({ 'example.com/gpu': '2' }, { 'example.com/gpu': '2' })]),
      message:
        'pods "b" is forbidden: exceeded quota: gpus, requested: requests.example.com/gpu=2, used: requests.example.com/gpu=0, limited: requests.example.com/gpu=1',
      resources: ['requests.example.com/gpu'],
    },
    {
      name: 'a pod that uses none of the quota resources besides the count passes a cpu-free quota',
      quotas: [quota('gpus', { 'requests.example.com/gpu': '1' })],
      pod: pod('b', [res({ cpu: '1' })]),
    },
    {
      name: 'a BestEffort quota ignores pods with requests',
      quotas: [quota('be', { pods: '0' }, { scopes: ['BestEffort'] })],
      pod: pod('b', [res({ cpu: '100m' })]),
    },
    {
      name: 'a BestEffort quota counts pods without requests',
      quotas: [quota('be', { pods: '0' }, { scopes: ['BestEffort'] })],
      pod: pod('b', [{}]),
      message: 'pods "b" is forbidden: exceeded quota: be, requested: pods=1, used: pods=0, limited: pods=0',
      resources: ['pods'],
    },
    {
      name: 'a NotBestEffort quota ignores pods without requests',
      quotas: [quota('nbe', { pods: '0' }, { scopes: ['NotBestEffort'] })],
      pod: pod('b', [{}]),
    },
    {
      name: 'a PriorityClass scope selects pods of the listed classes only',
      quotas: [
        quota(
          'high',
          { pods: '0' },
          { scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } },
        ),
      ],
      pod: pod('b', [res({ cpu: '1' })], { priorityClassName: 'low' }),
    },
    {
      name: 'a PriorityClass scope refuses a pod of a listed class',
      quotas: [
        quota(
          'high',
          { pods: '0' },
          { scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } },
        ),
      ],
      pod: pod('b', [res({ cpu: '1' })], { priorityClassName: 'high' }),
      message: 'pods "b" is forbidden: exceeded quota: high, requested: pods=1, used: pods=0, limited: pods=0',
      resources: ['pods'],
    },
    {
      name: 'Terminating selects pods with activeDeadlineSeconds, NotTerminating the others',
      quotas: [quota('term', { pods: '0' }, { scopes: ['Terminating'] })],
      pod: pod('b', [res({ cpu: '1' })]),
    },
    {
      name: 'the first failing quota in name order is the one reported',
      quotas: [quota('b-quota', { pods: '0' }), quota('a-quota', { 'requests.cpu': '0' })],
      pod: pod('b', [res({ cpu: '1' })]),
      message:
        'pods "b" is forbidden: exceeded quota: a-quota, requested: requests.cpu=1, used: requests.cpu=0, limited: requests.cpu=0',
      resources: ['requests.cpu'],
    },
    {
      name: 'quotas of another namespace do not apply',
      quotas: [{ ...quota('other', { pods: '0' }), metadata: { name: 'other', namespace: 'elsewhere' } }],
      pod: pod('b', [res({ cpu: '1' })]),
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const admission = new Admission({ resourceQuotas: c.quotas });
      for (const p of c.existing ?? []) admission.charge(`team/${p.metadata.name}`, p);
      const r = admission.admit(`team/${c.pod.metadata.name}`, c.pod);
      if (c.message === undefined) assert.equal(r.admitted, true, r.admitted ? '' : r.refusal.message);
      else {
        assert.equal(r.admitted, false);
        if (!r.admitted) {
          assert.equal(r.refusal.message, c.message);
          assert.deepEqual(r.refusal.resources, c.resources);
        }
      }
    });
  }

  it('releasing a pod frees its usage for the next one', () => {
    const admission = new Admission({ resourceQuotas: [quota('compute', { 'requests.cpu': '1' })] });
    const a = pod('a', [res({ cpu: '1' })]);
    assert.equal(admission.admit('team/a', a).admitted, true);
    assert.equal(admission.admit('team/b', pod('b', [res({ cpu: '1' })])).admitted, false);
    assert.deepEqual(admission.usage(), { 'team/compute': { 'requests.cpu': '1' } });
    admission.release('team/a');
    assert.equal(admission.admit('team/b', pod('b', [res({ cpu: '1' })])).admitted, true);
  });
});

describe('LimitRange admission', () => {
  const container = limitRange([
    {
      type: 'Container',
      min: { cpu: '100m' },
      max: { cpu: '2', memory: '4Gi' },
      default: { cpu: '500m', memory: '1Gi' },
      defaultRequest: { cpu: '250m', memory: '512Mi' },
      maxLimitRequestRatio: { cpu: '4' },
    },
  ]);
  const cases: {
    name: string;
    ranges: LimitRange[];
    pod: Pod;
    message?: string;
    resources?: string[];
    expect?: Container['resources'];
  }[] = [
    {
      name: 'defaults fill the requests and limits a container does not name',
      ranges: [container],
      pod: pod('b', [res({ memory: '1Gi' })]),
      expect: { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '500m', memory: '1Gi' } },
    },
    {
      name: 'values exactly at min, max and the ratio are admitted',
      ranges: [container],
      pod: pod('b', [res({ cpu: '500m', memory: '4Gi' }, { cpu: '2', memory: '4Gi' })]),
      expect: { requests: { cpu: '500m', memory: '4Gi' }, limits: { cpu: '2', memory: '4Gi' } },
    },
    {
      name: 'a limit above max is refused in upstream words',
      ranges: [container],
      pod: pod('b', [res({ cpu: '1', memory: '1Gi' }, { cpu: '3', memory: '1Gi' })]),
      message: 'pods "b" is forbidden: maximum cpu usage per Container is 2, but limit is 3',
      resources: ['cpu'],
    },
    {
      name: 'a request below min is refused',
      ranges: [container],
      pod: pod('b', [res({ cpu: '50m', memory: '1Gi' }, { cpu: '100m' })]),
      message: 'pods "b" is forbidden: minimum cpu usage per Container is 100m, but request is 50m',
      resources: ['cpu'],
    },
    {
      name: 'a limit-to-request ratio above the maximum is refused with the observed ratio',
      ranges: [container],
      pod: pod('b', [res({ cpu: '200m' }, { cpu: '1' })]),
      message:
        'pods "b" is forbidden: cpu max limit to request ratio per Container is 4, but provided ratio is 5.000000',
      resources: ['cpu'],
    },
    {
      name: 'several violations are aggregated in brackets',
      ranges: [container],
      pod: pod('b', [res({ cpu: '3', memory: '8Gi' }, { cpu: '3', memory: '8Gi' })]),
      message:
        'pods "b" is forbidden: [maximum cpu usage per Container is 2, but limit is 3, maximum memory usage per Container is 4Gi, but limit is 8Gi]',
      resources: ['cpu', 'memory'],
    },
    {
      name: 'a Pod item bounds the sum over containers',
      ranges: [limitRange([{ type: 'Pod', max: { cpu: '2' } }])],
      pod: pod('b', [res({ cpu: '1' }, { cpu: '1500m' }), res({ cpu: '1' }, { cpu: '1' })]),
      message: 'pods "b" is forbidden: maximum cpu usage per Pod is 2, but limit is 2500m',
      resources: ['cpu'],
    },
    {
      name: 'a default limit below an explicit request makes the pod invalid',
      ranges: [limitRange([{ type: 'Container', default: { cpu: '1' } }])],
      pod: pod('b', [res({ cpu: '2' })]),
      message:
        'Pod "b" is invalid: spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
      resources: ['cpu'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = new Admission({ limitRanges: c.ranges }).admit('team/b', c.pod);
      if (c.message === undefined) {
        assert.equal(r.admitted, true, r.admitted ? '' : r.refusal.message);
        if (r.admitted && c.expect) assert.deepEqual(r.pod.spec.containers[0].resources, c.expect);
      } else {
        assert.equal(r.admitted, false);
        if (!r.admitted) {
          assert.equal(r.refusal.message, c.message);
          assert.deepEqual(r.refusal.resources, c.resources);
        }
      }
    });
  }

  it('LimitRange defaults run before quota, so a defaulted pod satisfies a quota on requests', () => {
    const admission = new Admission({
      limitRanges: [
        limitRange([
          { type: 'Container', defaultRequest: { cpu: '250m', memory: '256Mi' }, default: { cpu: '1', memory: '1Gi' } },
        ]),
      ],
      resourceQuotas: [quota('compute', { 'requests.cpu': '500m', 'limits.memory': '2Gi' })],
    });
    assert.equal(admission.admit('team/a', pod('a', [{}])).admitted, true);
    assert.equal(admission.admit('team/b', pod('b', [{}])).admitted, true);
    const third = admission.admit('team/c', pod('c', [{}]));
    assert.equal(third.admitted, false);
    if (!third.admitted) assert.deepEqual(third.refusal.resources, ['limits.memory', 'requests.cpu']);
  });
});
