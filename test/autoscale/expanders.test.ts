import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expand, type ScaleUpOption, wasteScore } from '../../src/autoscale/expanders.js';
import { templateOf } from '../../src/autoscale/node-groups.js';
import { addInto, podRequests, type Resources } from '../../src/autoscale/resources.js';
import { Rng } from '../../src/engine/rng.js';
import type { SimPod } from '../../src/sim/sim-pod.js';
import { makePod } from '../helpers/cluster.js';
import { group } from './helpers.js';

function option(g: ReturnType<typeof group>, nodes: number, pods: number, cpu: string, memory: string): ScaleUpOption {
  const requested: Resources = new Map();
  const list: SimPod[] = [];
  for (let i = 0; i < pods; i++) {
    const pod = makePod(`p${i}`, { cpu, memory });
    addInto(requested, podRequests(pod));
    list.push({ key: `default/p${i}`, pod } as SimPod);
  }
  return { template: templateOf(g, []), nodes, pods: list, requested };
}

// Hand-checked: m5.large 1930m / 6903Mi at $0.096; m5.xlarge 3920m / 14162Mi at $0.192;
// c5.xlarge 3920m / 6584Mi at $0.17 (spot $0.068).
const large = group('m5-large', 'm5.large', 0.096);
const xlarge = group('m5-xlarge', 'm5.xlarge', 0.192);
const c5spot = group('c5-xlarge-spot', 'c5.xlarge', 0.068, { capacityType: 'spot' });

describe('expanders', () => {
  const options = [
    option(large, 4, 4, '1500m', '1Gi'), // 4 pods, one per node
    option(xlarge, 2, 4, '1500m', '1Gi'), // 4 pods, two per node
    option(c5spot, 1, 2, '1500m', '1Gi'), // max size left: 1 node, 2 pods
  ];

  it('most-pods keeps the options that schedule the most pods', () => {
    const picked = expand(['most-pods', 'least-waste'], options, new Rng(1));
    // large and xlarge tie on 4 pods; least-waste: xlarge idles (7840−6000)/7840 cpu, large (7720−6000)/7720.
    assert.ok(wasteScore(options[0]) < wasteScore(options[1]));
    assert.equal(picked?.template.group.name, 'm5-large');
  });

  it('least-waste picks the smallest idle cpu + memory share', () => {
    const scores = options.map(wasteScore);
    const best = scores.indexOf(Math.min(...scores));
    assert.equal(expand(['least-waste'], options, new Rng(1))?.template.group.name, options[best].template.group.name);
    // c5.xlarge: cpu (3920−3000)/3920 = 0.235, memory (6584−2048)/6584 = 0.689 → 0.924, the least.
    assert.equal(options[best].template.group.name, 'c5-xlarge-spot');
  });

  it('price picks the cheapest per requested resource', () => {
    // large 0.384/(6 + 1) ; xlarge 0.384/7 ; c5 spot 0.068/3.5: the spot group.
    assert.equal(expand(['price'], options, new Rng(1))?.template.group.name, 'c5-xlarge-spot');
    // Without it, large and xlarge tie on price per unit: the seeded random tie-break decides.
    const tie = expand(['price'], options.slice(0, 2), new Rng(1))?.template.group.name;
    assert.equal(expand(['price'], options.slice(0, 2), new Rng(1))?.template.group.name, tie);
  });

  it('priority keeps the highest priority that matches, then the next expander decides', () => {
    const priorities = { 10: ['m5-.*'], 1: ['.*'] };
    assert.equal(
      expand(['priority', 'most-pods', 'least-waste'], options, new Rng(1), priorities)?.template.group.name,
      'm5-large',
    );
    assert.equal(
      expand(['priority', 'price'], options, new Rng(1), { 5: ['nothing-matches'] })?.template.group.name,
      'c5-xlarge-spot',
    );
  });

  it('random is seeded: same seed, same pick', () => {
    const picks = (seed: number) =>
      Array.from({ length: 5 }, (_, i) => expand(['random'], options, new Rng(seed + i))?.template.group.name);
    assert.deepEqual(picks(7), picks(7));
    assert.equal(
      new Set(Array.from({ length: 40 }, (_, i) => expand(['random'], options, new Rng(i))?.template.group.name)).size,
      3,
    );
  });
});
