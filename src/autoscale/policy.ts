// What both node autoscalers share as a replay hook: the node groups, nodes being provisioned
// (a node joins `provisioningDelay` seconds after the decision), the nodes each group owns, the
// bill (a node costs its group's hourly price from the launch decision until it is removed), the
// per-minute series of nodes per group and cost, scale events, and the pods no group can hold.
// A policy implements `decide` (called every `scanInterval` seconds of simulated time).
import type { Node, Pod } from '../api/types.js';
import type { SimPod } from '../sim/sim-pod.js';
import type { Simulator, SimulatorHook } from '../sim/simulator.js';
import { GROUP_LABEL, type NodeGroup, nodeOfGroup, type Template, templateOf } from './node-groups.js';
import { podRequests, type Resources, subtract } from './resources.js';

export const SAMPLE_SECONDS = 60;

export interface ScaleEvent {
  t: number;
  kind: 'scale-up' | 'scale-down' | 'replace';
  group: string;
  nodes: number;
  /** Node names removed, or pods the scale-up was for. */
  detail: string;
}

export interface Launch {
  group: NodeGroup;
  name: string;
  readyAt: number;
  /** A consolidation replacement: drain this node once the new one is ready. */
  replaces?: string;
}

export interface ManagedNode {
  group: NodeGroup;
  launchedAt: number;
  readyAt: number;
}

export interface PolicySeries {
  t: number[];
  nodesByGroup: Record<string, number[]>;
  cost: number[];
}

export interface PolicyReport {
  policy: string;
  cost: number;
  nodeHoursByGroup: Record<string, number>;
  scaleUps: number;
  scaleDowns: number;
  nodesAdded: number;
  nodesRemoved: number;
  /** Pods that no node group could hold (too large, or no group's labels and taints admit them). */
  podsNoGroupFits: number;
  podsNoGroupFitsListed: string[];
  /** Why scale-down or consolidation left candidate nodes alone: distinct nodes per reason. */
  blocked: Record<string, number>;
  events: ScaleEvent[];
  series: PolicySeries;
}

const LISTED = 20;

export abstract class NodeAutoscalingPolicy implements SimulatorHook {
  readonly launches: Launch[] = [];
  readonly managed = new Map<string, ManagedNode>();
  readonly events: ScaleEvent[] = [];
  /** Nodes left alone by scale-down or consolidation, by reason. */
  readonly blocked = new Map<string, Set<string>>();
  /** Pod keys that no group can hold, first seen order. */
  readonly noGroupFits = new Set<string>();
  private readonly names = new Map<string, number>();
  private nextScan = 0;
  private clock = 0;
  private cost = 0;
  private readonly seconds = new Map<string, number>();
  private nextSample = 0;
  private readonly series: PolicySeries;
  nodesAdded = 0;
  nodesRemoved = 0;

  /**
   * Pending pods left after filling the nodes already on their way, first fit in launch order (as
   * both autoscalers count upcoming nodes). `fits` says whether a pod needing `requests` goes on
   * template `t` with `free` left.
   */
  protected takeUpcoming(
    pending: SimPod[],
    templates: readonly Template[],
    fits: (pod: Pod, requests: Resources, t: Template, free: Resources) => boolean,
  ): SimPod[] {
    if (this.launches.length === 0) return pending;
    const bins = this.launches.map((l) => {
      const t = templates.find((x) => x.group === l.group)!;
      return { t, free: new Map(t.free) };
    });
    const left: SimPod[] = [];
    for (const p of pending) {
      const r = podRequests(p.pod);
      const bin = bins.find((b) => fits(p.pod, r, b.t, b.free));
      if (bin) bin.free = subtract(bin.free, r);
      else left.push(p);
    }
    return left;
  }

  constructor(
    readonly groups: readonly NodeGroup[],
    readonly scanInterval: number,
  ) {
    this.series = { t: [], nodesByGroup: Object.fromEntries(groups.map((g) => [g.name, []])), cost: [] };
    for (const g of groups) this.seconds.set(g.name, 0);
  }

  abstract readonly name: string;
  /** One pass of the policy at `sim.now`. */
  protected abstract decide(sim: Simulator): void;

  /** The nodes each group starts with (its minimum size), ready at t=0. */
  initialNodes(): Node[] {
    const out: Node[] = [];
    for (const g of this.groups) {
      for (let i = 0; i < g.minSize; i++) {
        const name = this.nextName(g);
        this.managed.set(name, { group: g, launchedAt: 0, readyAt: 0 });
        out.push(nodeOfGroup(g, name));
        this.nodesAdded++;
      }
    }
    return out;
  }

  nextWake(): number {
    let t = this.nextScan;
    for (const l of this.launches) t = Math.min(t, l.readyAt);
    return t;
  }

  act(sim: Simulator): boolean {
    this.accrue(sim.now);
    let joined = false;
    for (let i = 0; i < this.launches.length; ) {
      const l = this.launches[i];
      if (l.readyAt > sim.now) {
        i++;
        continue;
      }
      this.launches.splice(i, 1);
      this.managed.get(l.name)!.readyAt = sim.now;
      sim.addNode(nodeOfGroup(l.group, l.name));
      joined = true;
      if (l.replaces && this.managed.has(l.replaces)) this.remove(sim, [l.replaces], 'replace', l.group.name);
    }
    // New nodes first take the pods waiting for them; decide only once the scheduler has run.
    if (joined) return true;
    if (sim.now >= this.nextScan) {
      this.decide(sim);
      this.nextScan = sim.now + this.scanInterval;
    }
    return false;
  }

  /** Closes the books at the end of the replay. */
  report(end: number): PolicyReport {
    this.accrue(end);
    if (this.nextSample === end) this.sample(end);
    const nodeHoursByGroup: Record<string, number> = {};
    for (const g of this.groups) nodeHoursByGroup[g.name] = round((this.seconds.get(g.name) ?? 0) / 3600);
    return {
      policy: this.name,
      cost: round(this.cost),
      nodeHoursByGroup,
      scaleUps: this.events.filter((e) => e.kind === 'scale-up').length,
      scaleDowns: this.events.filter((e) => e.kind !== 'scale-up').length,
      nodesAdded: this.nodesAdded,
      nodesRemoved: this.nodesRemoved,
      podsNoGroupFits: this.noGroupFits.size,
      podsNoGroupFitsListed: [...this.noGroupFits].slice(0, LISTED),
      blocked: Object.fromEntries(
        [...this.blocked].sort(([a], [b]) => (a < b ? -1 : 1)).map(([why, nodes]) => [why, nodes.size]),
      ),
      events: this.events,
      series: this.series,
    };
  }

  // ---- helpers for policies -----------------------------------------------------------------------

  templates(sim: Simulator): Template[] {
    return this.groups.map((g) => templateOf(g, sim.cluster.live.daemonSets));
  }

  /** Nodes of the group, ready or on their way. */
  size(g: NodeGroup): number {
    let n = 0;
    for (const m of this.managed.values()) if (m.group === g) n++;
    return n;
  }

  launch(sim: Simulator, g: NodeGroup, replaces?: string): string {
    const name = this.nextName(g);
    this.managed.set(name, { group: g, launchedAt: sim.now, readyAt: Number.POSITIVE_INFINITY });
    this.launches.push({ group: g, name, readyAt: sim.now + g.provisioningDelay, replaces });
    this.nodesAdded++;
    return name;
  }

  remove(sim: Simulator, names: string[], kind: ScaleEvent['kind'], group: string): void {
    for (const name of names) {
      sim.drainNode(name);
      this.managed.delete(name);
      this.nodesRemoved++;
    }
    this.events.push({ t: sim.now, kind, group, nodes: names.length, detail: names.join(' ') });
  }

  scaledUp(sim: Simulator, g: NodeGroup, nodes: number, pods: SimPod[]): void {
    const listed = pods.slice(0, 5).map((p) => p.key);
    const more = pods.length > listed.length ? ` and ${pods.length - listed.length} more` : '';
    this.events.push({
      t: sim.now,
      kind: 'scale-up',
      group: g.name,
      nodes,
      detail: `${pods.length} pods: ${listed.join(' ')}${more}`,
    });
  }

  /** A candidate node was left alone for `reason`. */
  leftAlone(reason: string, node: string): void {
    let nodes = this.blocked.get(reason);
    if (!nodes) this.blocked.set(reason, (nodes = new Set()));
    nodes.add(node);
  }

  /** The group of a live node, when a group owns it. */
  groupOfNode(node: Node): NodeGroup | undefined {
    const m = this.managed.get(node.metadata.name);
    if (m) return m.group;
    const label = node.metadata.labels?.[GROUP_LABEL];
    return label === undefined ? undefined : this.groups.find((g) => g.name === label);
  }

  private nextName(g: NodeGroup): string {
    const n = this.names.get(g.name) ?? 0;
    this.names.set(g.name, n + 1);
    return `${g.name}-${n.toString(36).padStart(4, '0')}`;
  }

  private accrue(t: number): void {
    while (this.nextSample < t) {
      this.accrueTo(this.nextSample);
      this.sample(this.nextSample);
      this.nextSample += SAMPLE_SECONDS;
    }
    this.accrueTo(t);
  }

  private accrueTo(t: number): void {
    const dt = t - this.clock;
    if (dt <= 0) return;
    for (const m of this.managed.values()) {
      this.cost += (m.group.price * dt) / 3600;
      this.seconds.set(m.group.name, (this.seconds.get(m.group.name) ?? 0) + dt);
    }
    this.clock = t;
  }

  private sample(t: number): void {
    this.series.t.push(t);
    for (const g of this.groups) this.series.nodesByGroup[g.name].push(this.size(g));
    this.series.cost.push(round(this.cost));
  }
}

export function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
