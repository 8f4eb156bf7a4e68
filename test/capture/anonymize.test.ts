import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Anonymizer, anonymizeSnapshot } from '../../src/capture/anonymize.js';
import type { KubeObject } from '../../src/capture/list.js';
import { CASE_IDS, caseConfig, readCase, scheduleText } from './cases.js';

/** Replaces every hash in `text` by what it stands for. */
function mapBack(text: string, original: Map<string, string>): string {
  return text.replace(/x[0-9a-f]{15}(:latest)?/g, (h, tag: string | undefined) => {
    const o = original.get(tag ? h.slice(0, -tag.length) : h);
    return o === undefined ? h : o;
  });
}

test('property: every conformance case schedules identically after anonymization (names mapped back)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...CASE_IDS), fc.string({ minLength: 1 }), async (id, key) => {
      const c = readCase(id);
      const config = await caseConfig(id);
      const { snapshot, original } = anonymizeSnapshot(c as Record<string, KubeObject[]>, key);
      assert.equal(mapBack(scheduleText(snapshot, config), original), scheduleText(c, config), `case ${id}`);
    }),
    { numRuns: 120 },
  );
});

test('anonymized snapshots keep no original name, namespace, label value or image', () => {
  const c = readCase(CASE_IDS[7]);
  const { snapshot } = anonymizeSnapshot(c as Record<string, KubeObject[]>, 'k');
  const text = JSON.stringify(snapshot);
  for (const pod of [...(c.pods ?? []), ...(c.pendingPods ?? [])]) {
    assert.ok(!text.includes(`"${String(pod.metadata.name)}"`), `pod name ${String(pod.metadata.name)} leaked`);
  }
  for (const node of c.nodes ?? []) assert.ok(!text.includes(`"${String(node.metadata.name)}"`));
});

test('the same key gives the same hashes; another key gives others', () => {
  const a = new Anonymizer('one');
  assert.equal(a.hash('web'), new Anonymizer('one').hash('web'));
  assert.notEqual(a.hash('web'), new Anonymizer('two').hash('web'));
  assert.match(a.hash('web'), /^x[0-9a-f]{15}$/);
});

test('well-known topology values and integer label values keep their meaning; hostnames hash like node names', () => {
  const a = new Anonymizer('k');
  assert.equal(a.value('topology.kubernetes.io/zone', 'eu-west-1a'), 'eu-west-1a');
  assert.equal(a.value('example.com/generation', '42'), '42');
  assert.equal(a.value('kubernetes.io/hostname', 'node-1'), a.hash('node-1'));
  assert.equal(a.value('app', 'web'), a.hash('web'));
  const pod = a.object({
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'shop', annotations: { secret: 's' } },
    spec: { containers: [{ name: 'c', image: 'nginx', env: [{ name: 'TOKEN', value: 't' }] }] },
  });
  assert.equal(JSON.stringify(pod).includes('TOKEN'), false);
  assert.equal(JSON.stringify(pod).includes('secret'), false);
  const node = a.object({
    kind: 'Node',
    metadata: { name: 'n' },
    status: { images: [{ names: ['nginx:latest'], sizeBytes: 1 }] },
  });
  assert.deepEqual((node.status as { images: { names: string[] }[] }).images[0].names, [
    (pod.spec as { containers: { image: string }[] }).containers[0].image,
  ]);
});
