import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { builtinRegistry } from '../../plugins/index.js';
import { scheduleAll } from '../../src/engine/schedule-all.js';
import { chooseProfile } from '../../src/framework/config-file.js';
import { loadCluster } from '../../src/load/load.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('admission in berth schedule', () => {
  it('refused pods are reported as refused, not unschedulable, and use no capacity', async () => {
    const { cluster } = await loadCluster([
      join(ROOT, 'traces/clusters/demo.yaml'),
      join(ROOT, 'traces/clusters/demo-admission.yaml'),
    ]);
    const out = scheduleAll(cluster, chooseProfile({ registry: builtinRegistry() }), {
      tieBreak: 'first',
      seed: 1,
      explain: false,
    });
    const byPod = new Map(out.results.map((r) => [r.pod, r]));
    // shop holds 2 cpu of its 3: web-7d9f-c and -d bring it exactly to the limit, checkout-0 is refused.
    assert.ok(byPod.get('shop/web-7d9f-d')?.chosenNode);
    assert.deepEqual(byPod.get('shop/checkout-0')?.refused, {
      by: 'ResourceQuota',
      message:
        'pods "checkout-0" is forbidden: exceeded quota: shop-compute, requested: requests.cpu=1, used: requests.cpu=3, limited: requests.cpu=3',
      resources: ['requests.cpu'],
    });
    assert.equal(byPod.get('shop/checkout-0')?.chosenNode, undefined);
    assert.equal(byPod.get('shop/checkout-0')?.message, undefined);
    assert.deepEqual(byPod.get('batch/bigquery-0')?.refused?.resources, ['cpu']);
    assert.ok(byPod.get('batch/trainer-0')?.chosenNode, 'one GPU is exactly the quota');
  });
});
