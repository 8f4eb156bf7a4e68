import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SchedulingQueue } from '../../src/sim/queue.js';
import { makeSimPod, type SimPod } from '../../src/sim/sim-pod.js';
import { makePod } from '../helpers/cluster.js';

let ids = 0;
function pod(name: string, o: { priority?: number; daemon?: boolean; gated?: boolean; now?: number } = {}): SimPod {
  const p = makePod(name, { spec: o.gated ? { schedulingGates: [{ name: 'wait' }] } : {} });
  return makeSimPod(p, { id: ids++, priority: o.priority ?? 0, daemon: o.daemon, now: o.now ?? 0 });
}

function drain(q: SchedulingQueue): string[] {
  const out: string[] = [];
  for (let p = q.pop(); p; p = q.pop()) out.push(p.pod.metadata.name);
  return out;
}

describe('scheduling queue', () => {
  it('pops higher priority first, then DaemonSet pods, then earlier queue time, then creation order', () => {
    const q = new SchedulingQueue();
    q.add(pod('late-low'), 5);
    q.add(pod('early-low'), 1);
    q.add(pod('high', { priority: 10 }), 9);
    q.add(pod('daemon', { daemon: true }), 7);
    q.add(pod('tie-a'), 3);
    q.add(pod('tie-b'), 3);
    assert.deepEqual(drain(q), ['high', 'daemon', 'early-low', 'tie-a', 'tie-b', 'late-low']);
  });

  it('backs off 1 s doubling per failed attempt up to 10 s', () => {
    const q = new SchedulingQueue();
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((a) => q.backoffSeconds(a)),
      [1, 2, 4, 8, 10, 10],
    );
    const custom = new SchedulingQueue({ initialBackoffSeconds: 2, maxBackoffSeconds: 5 });
    assert.deepEqual(
      [1, 2, 3].map((a) => custom.backoffSeconds(a)),
      [2, 4, 5],
    );
  });

  it('a cluster change moves unschedulable pods to backoffQ until their backoff expires, then to activeQ', () => {
    const q = new SchedulingQueue();
    const a = pod('a');
    q.add(a, 0);
    assert.equal(q.pop(), a);
    q.failed(a, 0);
    q.failed(a, 0);
    assert.equal(a.backoffUntil, 2);
    assert.equal(q.pop(), undefined, 'unschedulable pods wait');
    q.moveAllUnschedulable(1);
    assert.equal(q.pop(), undefined, 'still backing off');
    assert.equal(q.nextBackoff(), 2);
    q.tick(2);
    assert.equal(q.pop(), a);
    q.failed(a, 10);
    q.moveAllUnschedulable(20);
    assert.equal(q.pop(), a, 'backoff already expired: straight to activeQ');
  });

  it('without a cluster change, flushes pods unschedulable for 5 minutes on the 30 s tick', () => {
    const q = new SchedulingQueue();
    const a = pod('a');
    q.add(a, 0);
    q.pop();
    q.failed(a, 13);
    assert.equal(q.nextFlush(), 330);
    q.tick(300);
    assert.equal(q.pop(), undefined);
    q.tick(330);
    assert.equal(q.pop(), a);
  });

  it('keeps gated pods out until ungated, and counts them as pending', () => {
    const q = new SchedulingQueue();
    const g = pod('g', { gated: true });
    q.add(g, 0);
    assert.equal(q.pop(), undefined);
    q.moveAllUnschedulable(5);
    assert.equal(q.pop(), undefined, 'a cluster change does not release gated pods');
    assert.equal(q.pendingCount, 1);
    q.ungate(g, 6);
    assert.equal(q.pop(), g);
  });

  it('forgets removed pods wherever they wait', () => {
    const q = new SchedulingQueue();
    const a = pod('a');
    const b = pod('b');
    q.add(a, 0);
    q.add(b, 0);
    q.remove(a);
    assert.deepEqual(drain(q), ['b']);
    q.failed(b, 1);
    q.remove(b);
    q.moveAllUnschedulable(100);
    assert.equal(q.pop(), undefined);
    assert.equal(q.pendingCount, 0);
  });
});
