// A Karpenter-like policy over the node groups, each group being one offering (instance type ×
// zone × capacity type at a price).
// Provisioning: pods that failed scheduling are batched (the batch closes after --batch-idle-duration
// without a new pod, or --batch-max-duration after it opened). Largest first, each pod joins the
// first new node (claim) whose intersected requirements stay satisfiable and for which some
// offering still admits every pod and holds them all beside its DaemonSet pods; else it opens a
// claim. Each claim then launches the cheapest offering left (ties: group order). A pod no offering
// can hold is reported and triggers nothing.
// Consolidation (consolidationPolicy WhenEmptyOrUnderutilized, or WhenEmpty), when nothing is
// pending or launching: empty nodes are deleted; then one node per pass, fewest pods first, is
// deleted when its pods fit on the other nodes, or replaced by the cheapest offering that holds its
// pods when that is cheaper (spot to spot only with at least 15 cheaper offerings, as upstream).
// Nodes being disrupted at once never exceed the budget (default 10% of the nodes, rounded up).

import type { Pod } from '../api/types.js';
import type { SimPod } from '../sim/sim-pod.js';
import type { Simulator } from '../sim/simulator.js';
import { RESOURCE_CPU, RESOURCE_MEMORY, type Snapshot } from '../snapshot/snapshot.js';
import {
  blockingReason,
  DisruptionBudgets,
  type DrainRules,
  drainFits,
  movablePods,
  placeElsewhere,
} from './disruption.js';
import { admits, type NodeGroup, type Template } from './node-groups.js';
import { NodeAutoscalingPolicy } from './policy.js';
import { Requirements } from './requirements.js';
import { addInto, fitsIn, podRequests, type Resources, sizeScore } from './resources.js';

export interface KarpenterOptions {
  'batch-idle-duration': number;
  'batch-max-duration': number;
  consolidationPolicy: 'WhenEmptyOrUnderutilized' | 'WhenEmpty';
  /** Seconds since a pod was last scheduled to or removed from a node before it may be consolidated. */
  consolidateAfter: number;
  /** Share of the nodes (e.g. "10%") or a number of nodes that may be disrupted at once. */
  budget: string;
  /** Seconds between consolidation passes. */
  'consolidation-interval': number;
}

export const KARPENTER_DEFAULTS: KarpenterOptions = {
  'batch-idle-duration': 1,
  'batch-max-duration': 10,
  consolidationPolicy: 'WhenEmptyOrUnderutilized',
  consolidateAfter: 0,
  budget: '10%',
  'consolidation-interval': 10,
};

const SPOT_TO_SPOT_MIN_CHEAPER = 15;
/** Drain simulations through the scheduler per consolidation pass (Karpenter caps its pass in time). */
const SCHEDULER_CHECKS_PER_PASS = 10;

interface Claim {
  requirements: Requirements;
  pods: Pod[];
  requested: Resources;
  offerings: Template[];
}

export class Karpenter extends NodeAutoscalingPolicy {
  readonly name = 'karpenter';
  private batchOpened = Number.NaN;
  private lastNewPod = Number.NaN;
  private readonly seen = new Set<string>();
  private lastConsolidation = Number.NEGATIVE_INFINITY;
  private readonly podsLastSeen = new Map<string, { mark: string; since: number }>();
  private readonly rules: DrainRules = {
    skipNodesWithLocalStorage: false,
    skipNodesWithSystemPods: false,
    doNotDisruptAnnotation: true,
  };

  constructor(
    groups: readonly NodeGroup[],
    readonly options: KarpenterOptions,
  ) {
    super(groups, Math.min(options['batch-idle-duration'], options['consolidation-interval']));
  }

  /** Nodes that may be disrupted at once out of `total`. */
  budgetFor(total: number): number {
    const m = /^(\d+)%$/.exec(this.options.budget);
    return m ? Math.ceil((Number(m[1]) * total) / 100) : Number(this.options.budget);
  }

  protected decide(sim: Simulator): void {
    const pending = sim.unschedulablePods();
    let fresh = false;
    const keys = new Set<string>();
    for (const p of pending) {
      keys.add(p.key);
      if (this.seen.has(p.key)) continue;
      this.seen.add(p.key);
      fresh = true;
    }
    // A pod opens a batch once: pods still pending after it (no offering fits) do not reopen one.
    for (const k of this.seen) if (!keys.has(k)) this.seen.delete(k);
    if (fresh) {
      this.lastNewPod = sim.now;
      if (Number.isNaN(this.batchOpened)) this.batchOpened = sim.now;
    }
    if (pending.length > 0 && !Number.isNaN(this.batchOpened)) {
      const idle = sim.now - this.lastNewPod >= this.options['batch-idle-duration'];
      const full = sim.now - this.batchOpened >= this.options['batch-max-duration'];
      if (idle || full) {
        this.batchOpened = Number.NaN;
        this.provision(sim, pending);
      }
      return;
    }
    if (this.launches.length === 0 && sim.now - this.lastConsolidation >= this.options['consolidation-interval']) {
      this.lastConsolidation = sim.now;
      this.consolidate(sim);
    }
  }

  /** Claims for these pods: which new nodes, holding which pods (exported for tests). */
  plan(pods: readonly Pod[], templates: readonly Template[]): { claims: Claim[]; unfit: Pod[] } {
    const room = new Map<NodeGroup, number>();
    for (const t of templates) room.set(t.group, t.group.maxSize - this.size(t.group));
    const open = templates.filter((t) => (room.get(t.group) ?? 0) > 0);
    const ref = open[0]?.allocatable ?? new Map<string, number>();
    const sized = pods.map((p) => ({ p, r: podRequests(p) }));
    sized.sort((a, b) => sizeScore(b.r, ref) - sizeScore(a.r, ref));
    const claims: Claim[] = [];
    const unfit: Pod[] = [];
    for (const { p, r } of sized) {
      const req = Requirements.ofPod(p);
      let joined = false;
      for (const c of claims) {
        const both = c.requirements.intersect(req);
        if (!both.satisfiable()) continue;
        const total = new Map(c.requested);
        addInto(total, r);
        const offerings = c.offerings.filter(
          (t) => both.compatible(t.node.metadata.labels ?? {}) && admits(p, t.node) && fitsIn(total, t.free),
        );
        if (offerings.length === 0) continue;
        c.requirements = both;
        c.pods.push(p);
        c.requested = total;
        c.offerings = offerings;
        joined = true;
        break;
      }
      if (joined) continue;
      const offerings = open.filter(
        (t) => req.compatible(t.node.metadata.labels ?? {}) && admits(p, t.node) && fitsIn(r, t.free),
      );
      if (offerings.length === 0) {
        unfit.push(p);
        continue;
      }
      claims.push({ requirements: req, pods: [p], requested: new Map(r), offerings });
    }
    return { claims, unfit };
  }

  /** The cheapest offering of a claim (ties: the first group listed). */
  cheapest(offerings: readonly Template[]): Template {
    return offerings.reduce((a, b) => (b.group.price < a.group.price ? b : a));
  }

  private provision(sim: Simulator, pending: SimPod[]): void {
    const templates = this.templates(sim);
    const waiting = this.takeUpcoming(pending, templates, (pod, r, t, free) => admits(pod, t.node) && fitsIn(r, free));
    const byPod = new Map(waiting.map((p) => [p.pod, p]));
    const { claims, unfit } = this.plan(
      waiting.map((p) => p.pod),
      templates,
    );
    for (const p of unfit) this.noGroupFits.add(byPod.get(p)!.key);
    for (const c of claims) {
      const t = this.cheapest(c.offerings.filter((o) => this.size(o.group) < o.group.maxSize));
      this.launch(sim, t.group);
      this.scaledUp(
        sim,
        t.group,
        1,
        c.pods.map((p) => byPod.get(p)!),
      );
    }
  }

  /**
   * Since when the node's pods have not changed (consolidateAfter counts from the last pod scheduled
   * to or removed from the node), as seen at consolidation passes. The pod count and requests
   * stand for "its pods", so a drain simulation that puts everything back leaves the clock alone.
   */
  private settledSince(snap: Snapshot, n: number, readyAt: number, now: number): number {
    const name = snap.nodeNames[n];
    const mark = `${snap.podCount[n]}/${snap.requested[RESOURCE_CPU][n]}/${snap.requested[RESOURCE_MEMORY][n]}`;
    const seen = this.podsLastSeen.get(name);
    if (seen?.mark === mark) return seen.since;
    const since = seen ? now : readyAt;
    this.podsLastSeen.set(name, { mark, since });
    return since;
  }

  private consolidate(sim: Simulator): void {
    const snap = sim.cluster.snapshot;
    const managedIdx: number[] = [];
    for (let n = 0; n < snap.nodeCount; n++) {
      const m = this.managed.get(snap.nodeNames[n]);
      if (m && sim.now - this.settledSince(snap, n, m.readyAt, sim.now) >= this.options.consolidateAfter)
        managedIdx.push(n);
    }
    for (const name of this.podsLastSeen.keys()) if (!this.managed.has(name)) this.podsLastSeen.delete(name);
    let budget = this.budgetFor(this.managed.size);
    if (budget <= 0 || managedIdx.length === 0) return;
    const empty = managedIdx.filter((n) => movablePods(snap, n).length === 0);
    const deletions: string[] = [];
    for (const n of empty) {
      if (budget <= 0) break;
      deletions.push(snap.nodeNames[n]);
      budget--;
    }
    if (deletions.length > 0) {
      for (const name of deletions) this.remove(sim, [name], 'scale-down', this.managed.get(name)!.group.name);
      return;
    }
    if (this.options.consolidationPolicy === 'WhenEmpty') return;
    const budgets = new DisruptionBudgets(sim.cluster.live.podDisruptionBudgets, snap);
    const order = [...managedIdx].sort((a, b) => movablePods(snap, a).length - movablePods(snap, b).length || a - b);
    const templates = this.templates(sim);
    let checked = 0;
    for (const n of order) {
      const name = snap.nodeNames[n];
      const current = this.managed.get(name)!.group;
      const pods = movablePods(snap, n);
      const reason = pods.map((p) => blockingReason(p, this.rules)).find((r) => r !== undefined);
      if (reason) {
        this.leftAlone(reason, name);
        continue;
      }
      if (!budgets.allows(pods)) {
        this.leftAlone('PodDisruptionBudget would be violated', name);
        continue;
      }
      const others: number[] = [];
      for (let t = 0; t < snap.nodeCount; t++) if (t !== n) others.push(t);
      // The cheap resource check first; the scheduler's own verdict for the few that pass it.
      if (placeElsewhere(pods, snap, others, new Map()) && checked++ < SCHEDULER_CHECKS_PER_PASS) {
        if (drainFits(sim.cluster, n)) {
          this.remove(sim, [name], 'scale-down', current.name);
          return;
        }
        this.leftAlone('the scheduler would not place every pod elsewhere', name);
        continue;
      }
      const { claims, unfit } = this.plan(pods, templates);
      if (unfit.length > 0 || claims.length !== 1) continue;
      const cheaper = claims[0].offerings.filter((o) => o.group.price < current.price);
      if (cheaper.length === 0) continue;
      const best = this.cheapest(cheaper);
      if (current.capacityType === 'spot' && best.group.capacityType === 'spot') {
        if (cheaper.filter((o) => o.group.capacityType === 'spot').length < SPOT_TO_SPOT_MIN_CHEAPER) {
          this.leftAlone('spot-to-spot needs 15 cheaper offerings', name);
          continue;
        }
      }
      this.launch(sim, best.group, name);
      return;
    }
  }
}
