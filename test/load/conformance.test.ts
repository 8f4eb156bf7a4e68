// Every public conformance case is a valid cluster: it loads without errors, in strict mode too.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formatProblem, InputError } from '../../src/api/problem.js';
import { loadCluster } from '../../src/load/load.js';

/** dist/test/load → ../shared/conformance/public beside the repository. */
const CASES = fileURLToPath(new URL('../../../../shared/conformance/public/', import.meta.url));

test('every public conformance case loads without problems, with --strict', async () => {
  const files = readdirSync(CASES)
    .filter((f) => f.endsWith('.case.json'))
    .sort();
  assert.ok(files.length >= 450, `found ${files.length} cases in ${CASES}`);
  const failures: string[] = [];
  for (const file of files) {
    try {
      const { cluster } = await loadCluster([CASES + file], { strict: true });
      assert.ok(cluster.nodes.length > 0);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      failures.push(...err.problems.map(formatProblem));
    }
  }
  assert.deepEqual(failures, []);
});

test('conformance case 0073: matchLabelKeys join the spread selector (the expected answers need it)', async () => {
  const { cluster } = await loadCluster([`${CASES}0073.case.json`]);
  const pod = cluster.pendingPods[11];
  const tsc = pod.spec.topologySpreadConstraints?.find((c) => c.matchLabelKeys?.includes('version'));
  assert.deepEqual(tsc?.labelSelector?.matchExpressions, [
    { key: 'version', operator: 'In', values: [pod.metadata.labels?.version] },
  ]);
});
