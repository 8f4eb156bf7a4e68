import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/api/problem.js';
import type { TraceItem } from '../../src/traces/item.js';
import { openTrace, scanTrace } from '../../src/traces/reader.js';
import { writeTrace } from '../sim/helpers.js';

function readAll(path: string): TraceItem[] {
  const r = openTrace(path);
  const out: TraceItem[] = [];
  for (let item = r.next(); item; item = r.next()) out.push(item);
  r.close();
  return out;
}

function problems(items: TraceItem[]): string[] {
  return items.flatMap((i) =>
    'problems' in i ? i.problems.map((p) => `${p.line} ${p.path ?? ''}: ${p.message}`) : [],
  );
}

const pod = {
  metadata: { name: 'a' },
  spec: { containers: [{ name: 'c', resources: { requests: { cpu: '1' }, limits: { memory: '1Gi' } } }] },
};

describe('JSON Lines traces', () => {
  it('reads events with their line numbers, skipping blank lines, and defaults pods like the loader', () => {
    const path = writeTrace([
      { t: 0, type: 'pod-create', pod, duration: 5 },
      '',
      { t: 3, type: 'pod-delete', name: 'a' },
      { t: 4, type: 'node-cordon', name: 'n1' },
    ]);
    const items = readAll(path);
    assert.deepEqual(
      items.map((i) => [i.line, 'event' in i ? i.event.type : 'bad']),
      [
        [1, 'pod-create'],
        [3, 'pod-delete'],
        [4, 'node-cordon'],
      ],
    );
    const first = items[0];
    assert.ok('event' in first && first.event.type === 'pod-create');
    if ('event' in first && first.event.type === 'pod-create') {
      assert.equal(first.event.pod.metadata.namespace, 'default');
      assert.equal(
        first.event.pod.spec.containers[0].resources?.requests?.memory,
        '1Gi',
        'request defaulted from the limit',
      );
      assert.equal(first.event.duration, 5);
    }
    const del = items[1];
    assert.ok('event' in del && del.event.type === 'pod-delete' && del.event.namespace === 'default');
  });

  it('names the line, the field and what was expected for each bad row', () => {
    const badPod = {
      metadata: { name: 'b' },
      spec: { containers: [{ name: 'c', resources: { requests: { cpu: '1.5.0' } } }] },
    };
    const path = writeTrace([
      '{"t": 0, "type": "pod-create"',
      { t: 1, type: 'pod-explode' },
      { t: 'soon', type: 'node-cordon', name: 'n' },
      { t: 2, type: 'pod-create', pod: badPod },
      {
        t: 3,
        type: 'workload-create',
        object: {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: { name: 'j' },
          spec: { template: { spec: { containers: [{ name: 'c' }] } } },
        },
      },
      { t: 9, type: 'node-uncordon', name: 'n' },
      { t: 4, type: 'node-cordon', name: 'n' },
      { t: 5, type: 'pod-create', pod, duration: -1 },
    ]);
    const found = problems(readAll(path));
    assert.equal(found.length, 7);
    assert.match(found[0], /^1 : not valid JSON/);
    assert.match(found[1], /^2 type: must be one of pod-create, .* got "pod-explode"/);
    assert.match(found[2], /^3 t: expected the event time in seconds/);
    assert.match(found[3], /^4 pod\.spec\.containers\[0\]\.resources\.requests\.cpu: "1\.5\.0" is not a quantity/);
    assert.match(found[4], /^5 duration: is required for a Job/);
    assert.match(found[5], /^7 t: 4 is earlier than the previous row's 9/);
    assert.match(found[6], /^8 duration: expected a number of seconds/);
  });

  it('scanTrace counts bad rows and keeps the first problems', () => {
    const path = writeTrace([
      { t: 0, type: 'x' },
      { t: 0, type: 'y' },
      { t: 0, type: 'node-cordon', name: 'n' },
    ]);
    const scan = scanTrace(path, 1);
    assert.deepEqual([scan.rows, scan.badRows, scan.problems.length, scan.more], [3, 2, 1, 1]);
    assert.equal(scan.problems[0].file, path);
    assert.equal(scan.problems[0].line, 1);
  });
});

describe('CSV pod tables', () => {
  it('turns each row into a pod-create event, columns in any order', () => {
    const path = writeTrace(
      [
        'name,submit_time,cpu,memory,duration,priority,labels,owner,extended,namespace',
        'web-1,0,500m,1Gi,60,100,app=web;tier=front,ReplicaSet/web,,shop',
        ',2.5,,,,,,,nvidia.com/gpu=1,',
        '"quoted,name",3,1,1Gi,,,,,,',
      ],
      'pods.csv',
    );
    const items = readAll(path);
    assert.equal(items.length, 3);
    const [a, b] = items.map((i) => ('event' in i && i.event.type === 'pod-create' ? i.event : undefined));
    assert.ok(a && b);
    assert.equal(a.t, 0);
    assert.equal(a.duration, 60);
    assert.deepEqual(a.pod.metadata, {
      name: 'web-1',
      namespace: 'shop',
      labels: { app: 'web', tier: 'front' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', controller: true }],
    });
    assert.equal(a.pod.spec.priority, 100);
    assert.deepEqual(a.pod.spec.containers[0].resources?.requests, { cpu: '500m', memory: '1Gi' });
    assert.equal(b.pod.metadata.name, 'pod-3', 'unnamed rows are named after their line');
    assert.equal(b.duration, undefined);
    assert.deepEqual(b.pod.spec.containers[0].resources?.limits, { 'nvidia.com/gpu': '1' });
    assert.match(problems(items)[0], /^4 name: expected a pod name/);
  });

  it('reports bad cells as file:line column: what was expected', () => {
    const path = writeTrace(
      [
        'submit_time,duration,cpu,memory,priority,labels,owner',
        '0,10,1.5.0,1Gi,0,,',
        '1,ten,1,1Gi,0,,',
        '2,10,1,1Gi,high,,',
        '3,10,1,1Gi,0,app,',
        '4,10,1,1Gi,0,,Pod/x',
        '5,10,1',
        '6,10,1,1Gi,0,,',
        '1,10,1,1Gi,0,,',
      ],
      'bad.csv',
    );
    const found = problems(readAll(path));
    assert.match(found[0], /^2 cpu: "1\.5\.0" is not a quantity/);
    assert.match(found[1], /^3 duration: expected a number of seconds \(0 or more\), got "ten"/);
    assert.match(found[2], /^4 priority: expected an integer/);
    assert.match(found[3], /^5 labels: expected labels as key=value pairs/);
    assert.match(found[4], /^6 owner: expected Kind\/name/);
    assert.match(found[5], /^7 : expected 7 fields as in the header/);
    assert.match(found[6], /^9 submit_time: 1 is earlier than the previous row's 6/);
  });

  it('rows repeating resources or labels share one frozen object, and a bad part is reported every time', () => {
    const path = writeTrace(
      [
        'submit_time,cpu,memory,priority,labels,owner,name',
        '0,500m,1Gi,0,app=a,Job/a,a-1',
        '1,500m,1Gi,0,app=a,Job/a,a-2',
        '2,500m,1Gi,0,app=b,Job/b,b-1',
        '3,1.5.0,1Gi,0,app=a,Job/a,a-3',
        '4,1.5.0,1Gi,0,app=a,Job/a,a-4',
      ],
      'shared.csv',
    );
    const items = readAll(path);
    const pods = items.flatMap((i) => ('event' in i && i.event.type === 'pod-create' ? [i.event.pod] : []));
    assert.equal(pods.length, 3);
    assert.equal(pods[0].spec, pods[1].spec);
    assert.equal(pods[0].spec, pods[2].spec);
    assert.equal(pods[0].metadata.labels, pods[1].metadata.labels);
    assert.notEqual(pods[0].metadata.labels, pods[2].metadata.labels);
    assert.deepEqual(pods[2].metadata.labels, { app: 'b' });
    assert.ok(Object.isFrozen(pods[0].spec.containers[0].resources?.requests));
    assert.throws(() => {
      (pods[0].metadata.labels as Record<string, string>).app = 'changed';
    }, TypeError);
    const found = problems(items);
    assert.equal(found.length, 2);
    assert.match(found[0], /^5 cpu: "1\.5\.0" is not a quantity/);
    assert.match(found[1], /^6 cpu: "1\.5\.0" is not a quantity/);
  });

  it("rows past the part tables' bound still get their own resources and labels", () => {
    // More distinct (memory, labels) parts than a table keeps: it starts over, and a repeat of an
    // early row's parts is built again, equal to the first.
    const rows = ['submit_time,cpu,memory,priority,labels,owner,name'];
    for (let i = 0; i < 10_050; i++) rows.push(`${i},100m,${i + 1}Mi,0,app=a-${i},Job/a,p-${i}`);
    rows.push('10050,100m,1Mi,0,app=a-0,Job/a,again');
    const pods = readAll(writeTrace(rows, 'many-parts.csv')).flatMap((i) =>
      'event' in i && i.event.type === 'pod-create' ? [i.event.pod] : [],
    );
    assert.equal(pods.length, 10_051);
    const first = pods[0];
    const again = pods[10_050];
    assert.deepEqual(again.spec, first.spec);
    assert.deepEqual(again.metadata.labels, { app: 'a-0' });
    assert.deepEqual(pods[10_049].spec.containers[0].resources?.requests, { cpu: '100m', memory: '10050Mi' });
    assert.deepEqual(pods[10_049].metadata.labels, { app: 'a-10049' });
  });

  it('rejects an unknown or missing header column before reading rows', () => {
    const path = writeTrace(['submit_time,cpus', '0,1'], 'h.csv');
    assert.throws(
      () => openTrace(path),
      (err: unknown) => {
        assert.ok(err instanceof InputError);
        assert.match(err.message, /h\.csv:1: unknown column "cpus" \(did you mean cpu\?\)/);
        return true;
      },
    );
    assert.throws(() => openTrace(writeTrace(['cpu,memory'], 'n.csv')), /the submit_time column is required/);
  });
});
