// A cluster-autoscaler-like policy. Every --scan-interval:
// Scale-up. Pods that failed scheduling (older than --new-pod-scale-up-delay) first take room on
// nodes already being provisioned; for the rest, each group with room to grow gets an estimate by
// first-fit-decreasing bin packing over its template (DaemonSet pods already on it), capped by its
// max size and --max-nodes-total; the expander chain picks one option and that many nodes are
// launched. A pod no template can hold (larger than every type after DaemonSets, or admitted by no
// group's labels and taints) never triggers a scale-up and is reported.
// Scale-down (not within --scale-down-delay-after-add of a scale-up): a node whose requested cpu
// and memory shares are both under --scale-down-utilization-threshold for --scale-down-unneeded-time
// is removed when its group stays at or above min size, no pod on it must stay (disruption.ts) and
// its pods fit on the other nodes; empty nodes (DaemonSet pods only) up to
// --max-empty-bulk-delete at once, otherwise one node per pass.
import { Rng } from '../engine/rng.js';
import type { SimPod } from '../sim/sim-pod.js';
import type { Simulator } from '../sim/simulator.js';
import {
  blockingReason,
  DisruptionBudgets,
  type DrainRules,
  drainFits,
  movablePods,
  placeElsewhere,
} from './disruption.js';
import { type ExpanderName, expand, type Priorities, type ScaleUpOption } from './expanders.js';
import { fitsTemplate, type NodeGroup, type Template } from './node-groups.js';
import { NodeAutoscalingPolicy } from './policy.js';
import { addInto, fitsIn, nodeUtilization, podRequests, type Resources, sizeScore, subtract } from './resources.js';

/** The flags modelled, under cluster-autoscaler's names (durations in seconds). */
export interface ClusterAutoscalerOptions {
  expander: ExpanderName[];
  'expander-priorities': Priorities;
  'scan-interval': number;
  'max-nodes-total': number;
  'new-pod-scale-up-delay': number;
  'scale-down-enabled': boolean;
  'scale-down-utilization-threshold': number;
  'scale-down-unneeded-time': number;
  'scale-down-delay-after-add': number;
  'max-empty-bulk-delete': number;
  'skip-nodes-with-local-storage': boolean;
  'skip-nodes-with-system-pods': boolean;
}

export const CLUSTER_AUTOSCALER_DEFAULTS: ClusterAutoscalerOptions = {
  expander: ['least-waste'],
  'expander-priorities': {},
  'scan-interval': 10,
  'max-nodes-total': 0,
  'new-pod-scale-up-delay': 0,
  'scale-down-enabled': true,
  'scale-down-utilization-threshold': 0.5,
  'scale-down-unneeded-time': 600,
  'scale-down-delay-after-add': 600,
  'max-empty-bulk-delete': 10,
  'skip-nodes-with-local-storage': true,
  'skip-nodes-with-system-pods': true,
};

interface Bin {
  free: Resources;
}

export class ClusterAutoscaler extends NodeAutoscalingPolicy {
  readonly name = 'cluster-autoscaler';
  private readonly rng: Rng;
  private readonly unneededSince = new Map<string, number>();
  private lastScaleUp = Number.NEGATIVE_INFINITY;
  private readonly rules: DrainRules;

  constructor(
    groups: readonly NodeGroup[],
    readonly options: ClusterAutoscalerOptions,
    seed: number,
  ) {
    super(groups, options['scan-interval']);
    this.rng = new Rng(seed ^ 0x5ca1ab1e);
    this.rules = {
      skipNodesWithLocalStorage: options['skip-nodes-with-local-storage'],
      skipNodesWithSystemPods: options['skip-nodes-with-system-pods'],
      doNotDisruptAnnotation: false,
    };
  }

  protected decide(sim: Simulator): void {
    const scaled = this.scaleUp(sim);
    if (scaled) this.lastScaleUp = sim.now;
    if (this.options['scale-down-enabled']) this.scaleDown(sim, scaled);
  }

  /** The scale-up options for these pods: one per group that can grow and would take some. */
  scaleUpOptions(pods: readonly SimPod[], templates: readonly Template[]): ScaleUpOption[] {
    const maxTotal = this.options['max-nodes-total'];
    const total = this.managed.size;
    const options: ScaleUpOption[] = [];
    for (const t of templates) {
      let room = t.group.maxSize - this.size(t.group);
      if (maxTotal > 0) room = Math.min(room, maxTotal - total);
      if (room <= 0) continue;
      const sized = pods
        .map((p) => ({ p, r: podRequests(p.pod) }))
        .filter(({ p, r }) => fitsTemplate(p.pod, r, t))
        .sort((a, b) => sizeScore(b.r, t.allocatable) - sizeScore(a.r, t.allocatable) || a.p.id - b.p.id);
      const bins: Bin[] = [];
      const placed: SimPod[] = [];
      const requested: Resources = new Map();
      for (const { p, r } of sized) {
        let bin = bins.find((b) => fitsIn(r, b.free));
        if (!bin) {
          if (bins.length >= room) continue;
          bin = { free: new Map(t.free) };
          bins.push(bin);
        }
        bin.free = subtract(bin.free, r);
        placed.push(p);
        addInto(requested, r);
      }
      if (bins.length > 0) options.push({ template: t, nodes: bins.length, pods: placed, requested });
    }
    return options;
  }

  private scaleUp(sim: Simulator): boolean {
    const delay = this.options['new-pod-scale-up-delay'];
    const pending = sim.unschedulablePods().filter((p) => sim.now - p.createdAt >= delay);
    if (pending.length === 0) return false;
    const templates = this.templates(sim);
    const waiting = this.takeUpcoming(pending, templates, (pod, r, t, free) => fitsTemplate(pod, r, { ...t, free }));
    const helpable: SimPod[] = [];
    for (const p of waiting) {
      const r = podRequests(p.pod);
      if (templates.some((t) => fitsTemplate(p.pod, r, t))) helpable.push(p);
      else this.noGroupFits.add(p.key);
    }
    if (helpable.length === 0) return false;
    const chosen = expand(
      this.options.expander,
      this.scaleUpOptions(helpable, templates),
      this.rng,
      this.options['expander-priorities'],
    );
    if (!chosen) return false;
    for (let i = 0; i < chosen.nodes; i++) this.launch(sim, chosen.template.group);
    this.scaledUp(sim, chosen.template.group, chosen.nodes, chosen.pods);
    return true;
  }

  private scaleDown(sim: Simulator, scaledUpNow: boolean): void {
    const snap = sim.cluster.snapshot;
    const threshold = this.options['scale-down-utilization-threshold'];
    const candidates: number[] = [];
    for (let n = 0; n < snap.nodeCount; n++) {
      const name = snap.nodeNames[n];
      const m = this.managed.get(name);
      if (!m) continue;
      if (nodeUtilization(snap, n) >= threshold) {
        this.unneededSince.delete(name);
        continue;
      }
      const since = this.unneededSince.get(name) ?? sim.now;
      this.unneededSince.set(name, since);
      if (sim.now - since >= this.options['scale-down-unneeded-time']) candidates.push(n);
    }
    for (const name of [...this.unneededSince.keys()]) if (!this.managed.has(name)) this.unneededSince.delete(name);
    if (scaledUpNow || sim.now - this.lastScaleUp < this.options['scale-down-delay-after-add']) return;
    if (candidates.length === 0) return;

    const sizes = new Map<NodeGroup, number>();
    for (const g of this.groups) sizes.set(g, this.size(g));
    const canShrink = (g: NodeGroup) => (sizes.get(g) ?? 0) > g.minSize;
    const empty: string[] = [];
    const budgets = new DisruptionBudgets(sim.cluster.live.podDisruptionBudgets, snap);
    for (const n of candidates) {
      if (empty.length >= this.options['max-empty-bulk-delete']) break;
      const g = this.managed.get(snap.nodeNames[n])!.group;
      if (movablePods(snap, n).length > 0 || !canShrink(g)) continue;
      sizes.set(g, (sizes.get(g) ?? 0) - 1);
      empty.push(snap.nodeNames[n]);
    }
    if (empty.length > 0) {
      this.removeByGroup(sim, empty);
      return;
    }
    for (const n of candidates) {
      const name = snap.nodeNames[n];
      const g = this.managed.get(name)!.group;
      if (!canShrink(g)) {
        this.leftAlone('group at min size', name);
        continue;
      }
      const pods = movablePods(snap, n);
      const reason = pods.map((p) => blockingReason(p, this.rules)).find((r) => r !== undefined);
      if (reason) {
        this.leftAlone(reason, name);
        continue;
      }
      const targets: number[] = [];
      for (let t = 0; t < snap.nodeCount; t++) if (t !== n && !candidates.includes(t)) targets.push(t);
      for (const t of candidates) if (t !== n) targets.push(t);
      if (!budgets.allows(pods)) {
        this.leftAlone('PodDisruptionBudget would be violated', name);
        continue;
      }
      if (!placeElsewhere(pods, snap, targets, new Map()) || !drainFits(sim.cluster, n)) {
        this.leftAlone('pods do not fit elsewhere', name);
        continue;
      }
      this.remove(sim, [name], 'scale-down', g.name);
      return;
    }
  }

  private removeByGroup(sim: Simulator, names: string[]): void {
    const byGroup = new Map<string, string[]>();
    for (const name of names) {
      const g = this.managed.get(name)!.group.name;
      byGroup.set(g, [...(byGroup.get(g) ?? []), name]);
    }
    for (const [g, list] of byGroup) this.remove(sim, list, 'scale-down', g);
  }
}
