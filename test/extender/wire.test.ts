// The wire format's reading rules, the score scaling, and the serve command's option parsing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseDuration, parseListen, parseSize, parseWorkerHeap } from '../../src/cli/serve.js';
import { Deadline, type RequestError } from '../../src/extender/errors.js';
import { normalizePrefix } from '../../src/extender/server.js';
import { scaleScores } from '../../src/extender/verbs.js';
import { dropNulls, field, readBindingArgs, readExtenderArgs, readPreemptionArgs } from '../../src/extender/wire.js';
import { apiNode, apiPod } from './helpers.js';

describe('reading requests', () => {
  test('field: an exact name first, then any case (Go encoding/json)', () => {
    assert.equal(field({ Pod: 1, pod: 2 }, 'Pod'), 1);
    assert.equal(field({ pod: 2 }, 'Pod'), 2);
    assert.equal(field({ NODENAMES: 3 }, 'NodeNames'), 3);
    assert.equal(field({ Nodes: 4 }, 'NodeNames'), undefined);
  });

  test('dropNulls removes null members at every depth, as Go leaves such fields unset', () => {
    const v = { a: null, b: { c: null, d: [{ e: null, f: 1 }] }, g: [null] };
    dropNulls(v);
    assert.deepEqual(v, { b: { d: [{ f: 1 }] }, g: [null] });
  });

  test('ExtenderArgs: pod defaulted like a loaded pod; nodes checked one by one', () => {
    const pod = apiPod('p', { cpu: '1' });
    delete (pod.metadata as Record<string, unknown>).namespace;
    const bad = apiNode('bad');
    (bad.status as Record<string, unknown>).allocatable = { cpu: '1.5.0' };
    const args = readExtenderArgs({
      Pod: pod,
      Nodes: { apiVersion: 'v1', kind: 'NodeList', items: [apiNode('ok'), bad] },
    });
    assert.equal(args.pod.metadata.namespace, 'default');
    assert.deepEqual(args.nodeListHead, { apiVersion: 'v1', kind: 'NodeList' });
    assert.equal(args.nodes?.[0].node?.metadata.name, 'ok');
    assert.match(args.nodes?.[1].problem ?? '', /^invalid node: .*"1.5.0" is not a quantity/);
    assert.equal(args.nodeNames, null);
  });

  test('PreemptionArgs: UIDs from MetaVictims or from full victim pods', () => {
    const meta = readPreemptionArgs({
      Pod: apiPod('p'),
      NodeNameToMetaVictims: { n1: { Pods: [{ UID: 'u1' }], NumPDBViolations: 2 }, n2: null },
    });
    assert.equal(meta.meta, true);
    assert.deepEqual(
      [...meta.nodes],
      [
        ['n1', { uids: ['u1'], numPDBViolations: 2 }],
        ['n2', { uids: [], numPDBViolations: 0 }],
      ],
    );
    const full = readPreemptionArgs({
      pod: apiPod('p'),
      nodeNameToVictims: { n1: { pods: [apiPod('v', { uid: 'u9' })] } },
    });
    assert.equal(full.meta, false);
    assert.deepEqual(full.nodes.get('n1'), { uids: ['u9'], numPDBViolations: 0 });
  });

  test('BindingArgs: namespace defaults to default; name and node are required', () => {
    assert.deepEqual(readBindingArgs({ PodName: 'p', Node: 'n' }), {
      podName: 'p',
      podNamespace: 'default',
      podUID: '',
      node: 'n',
    });
    assert.throws(
      () => readBindingArgs({ PodName: 'p' }),
      (e: RequestError) => e.code === 'BAD_REQUEST' && /^Node: is required/.test(e.message),
    );
    assert.throws(() => readBindingArgs({ PodName: 3, Node: 'n' }), /PodName: expected a string, got 3/);
  });
});

describe('scaleScores', () => {
  const totals = fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: 1, maxLength: 60 });

  test('property: scores are integers 0..10 and never reverse the order of the totals', () => {
    fc.assert(
      fc.property(totals, (t) => {
        const s = scaleScores(t);
        for (let i = 0; i < t.length; i++) {
          assert.ok(Number.isInteger(s[i]) && s[i] >= 0 && s[i] <= 10);
          for (let j = 0; j < t.length; j++) if (t[i] > t[j]) assert.ok(s[i] >= s[j]);
        }
      }),
    );
  });

  test('property: a node scores 10 exactly when its total is the top total', () => {
    fc.assert(
      fc.property(totals, (t) => {
        const max = Math.max(...t);
        const s = scaleScores(t);
        for (let i = 0; i < t.length; i++) assert.equal(s[i] === 10, t[i] === max);
      }),
    );
  });

  test('the lowest total scores 0 when totals differ', () => {
    assert.deepEqual(scaleScores([100, 200, 150, 300]), [0, 5, 2, 10]);
  });
});

describe('serve options', () => {
  test('--listen', () => {
    assert.deepEqual(parseListen('127.0.0.1:8888'), { host: '127.0.0.1', port: 8888 });
    assert.deepEqual(parseListen('[::1]:0'), { host: '::1', port: 0 });
    assert.deepEqual(parseListen(':9443'), { host: '0.0.0.0', port: 9443 });
    assert.deepEqual(parseListen('8888'), { host: '0.0.0.0', port: 8888 });
    assert.throws(() => parseListen('localhost'), /--listen: expected host:port/);
    assert.throws(() => parseListen('h:70000'), /--listen/);
  });

  test('--max-body', () => {
    assert.equal(parseSize('64Mi'), 64 * 1024 * 1024);
    assert.equal(parseSize('64MiB'), 64 * 1024 * 1024);
    assert.equal(parseSize('10M'), 10_000_000);
    assert.equal(parseSize('1000'), 1000);
    assert.throws(() => parseSize('lots'), /--max-body: expected a size/);
  });

  test('--worker-heap', () => {
    assert.equal(parseWorkerHeap('512Mi'), 512);
    assert.equal(parseWorkerHeap('1Gi'), 1024);
    assert.throws(() => parseWorkerHeap('1Mi'), /--worker-heap: expected at least 32Mi/);
    assert.throws(() => parseWorkerHeap('big'), /--worker-heap: expected a size/);
  });

  test('--deadline', () => {
    assert.equal(parseDuration('4s', '--deadline'), 4000);
    assert.equal(parseDuration('1.5s', '--deadline'), 1500);
    assert.equal(parseDuration('250ms', '--deadline'), 250);
    assert.throws(() => parseDuration('4', '--deadline'), /--deadline: expected a duration/);
  });

  test('--prefix', () => {
    assert.equal(normalizePrefix('/scheduler/'), '/scheduler');
    assert.equal(normalizePrefix('scheduler'), '/scheduler');
    assert.equal(normalizePrefix('/'), '');
  });

  test('Deadline.check throws DEADLINE_EXCEEDED once the time is up', () => {
    const d = new Deadline(-1);
    assert.throws(
      () => d.check('testing'),
      (e: RequestError) => e.code === 'DEADLINE_EXCEEDED' && e.status === 503,
    );
    new Deadline(10_000).check('testing');
  });
});
