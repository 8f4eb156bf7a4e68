// "Can we lose these nodes?": remove nodes from a snapshot and reschedule the pods their
// controllers would re-create, with the full engine, highest priority first (then input order),
// preempting lower-priority pods when the profile has DefaultPreemption (preempted pods are
// re-created and queued in turn). What no longer fits is stranded. Pods without a controller are
// lost for good (nothing re-creates them); DaemonSet pods die with their node. Disruption budgets
// cannot stop a node from failing, so they are reported, not enforced: the pods whose loss takes a
// PodDisruptionBudget below what it allows. Pending pods of the snapshot take no part.

import { matchesLabelSelector } from '../api/labels.js';
import type { ClusterSnapshot, Pod, PodDisruptionBudget } from '../api/types.js';
import { Scheduler, type SchedulerOptions } from '../engine/scheduler.js';
import type { Profile } from '../framework/profile.js';
import { findPreemption } from '../sim/preemption.js';
import type { PodInfo } from '../snapshot/pod-info.js';
import { computePodRequests } from '../snapshot/pod-requests.js';
import { Snapshot } from '../snapshot/snapshot.js';

export interface SurviveOptions extends Omit<SchedulerOptions, 'explain'> {
  profile: Profile;
}

export interface StrandedPod {
  pod: string;
  namespace: string;
  /** `Kind/name` of the controller, or `-` for a bare pod. */
  owner: string;
  priority: number;
  cpuMillis: number;
  memoryBytes: number;
  /** Why it did not fit (the scheduler's message), or why nothing re-creates it. */
  reason: string;
}

export interface Totals {
  pods: number;
  cpuMillis: number;
  memoryBytes: number;
}

export interface PdbViolation {
  pdb: string;
  /** Disruptions the budget allows now. */
  allowed: number;
  /** Pods of the budget on the removed nodes. */
  lost: number;
  pods: string[];
}

export interface SurviveResult {
  removedNodes: string[];
  /** Pods on the removed nodes, DaemonSet pods excluded. */
  displaced: number;
  rescheduled: { pod: string; node: string }[];
  preempted: { pod: string; node: string; by: string }[];
  stranded: StrandedPod[];
  strandedTotals: Totals;
  byNamespace: Record<string, Totals>;
  byOwner: Record<string, Totals>;
  pdbViolations: PdbViolation[];
  survivable: boolean;
}

export function ownerOf(pod: Pod): string {
  const ref = pod.metadata.ownerReferences?.find((r) => r.controller) ?? pod.metadata.ownerReferences?.[0];
  return ref ? `${ref.kind}/${ref.name}` : '-';
}

function keyOf(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}

/** An int-or-percent scaled with round-up, as the disruption controller does. */
function scaled(v: number | string, total: number): number {
  return typeof v === 'number' ? v : Math.ceil((Number(v.slice(0, -1)) * total) / 100);
}

/** Pods of each budget on the removed nodes when they are more than the budget allows to disrupt. */
export function pdbViolations(
  pdbs: readonly PodDisruptionBudget[],
  bound: readonly Pod[],
  lost: ReadonlySet<string>,
): PdbViolation[] {
  const out: PdbViolation[] = [];
  for (const pdb of pdbs) {
    const sel = pdb.spec.selector;
    if (!sel) continue;
    const ns = pdb.metadata.namespace ?? 'default';
    const pods = bound.filter(
      (p) => (p.metadata.namespace ?? 'default') === ns && matchesLabelSelector(sel, p.metadata.labels ?? {}),
    );
    const healthy = pods.length;
    const desired =
      pdb.spec.maxUnavailable != null
        ? healthy - scaled(pdb.spec.maxUnavailable, healthy)
        : pdb.spec.minAvailable != null
          ? scaled(pdb.spec.minAvailable, healthy)
          : healthy;
    const allowed = Math.max(0, healthy - desired);
    const gone = pods.filter((p) => lost.has(keyOf(p))).map(keyOf);
    if (gone.length > allowed) out.push({ pdb: `${ns}/${pdb.metadata.name}`, allowed, lost: gone.length, pods: gone });
  }
  return out;
}

function addTo(map: Record<string, Totals>, key: string, s: StrandedPod): void {
  map[key] ??= { pods: 0, cpuMillis: 0, memoryBytes: 0 };
  const t = map[key];
  t.pods++;
  t.cpuMillis += s.cpuMillis;
  t.memoryBytes += s.memoryBytes;
}

/** Removes `removed` from the cluster and reschedules what their controllers re-create. */
export function survive(cluster: ClusterSnapshot, removed: ReadonlySet<string>, o: SurviveOptions): SurviveResult {
  const onNode = (p: Pod) => removed.has(p.spec.nodeName ?? '');
  const kept = cluster.pods.filter((p) => !onNode(p));
  const displaced = cluster.pods.filter((p) => onNode(p) && !ownerOf(p).startsWith('DaemonSet/'));
  const snapshot = new Snapshot({
    ...cluster,
    nodes: cluster.nodes.filter((n) => !removed.has(n.metadata.name)),
    pods: kept,
    pendingPods: [],
  });
  const scheduler = new Scheduler(o.profile, snapshot, { tieBreak: o.tieBreak, seed: o.seed, explain: false });
  const canPreempt = o.profile.plugins.has('DefaultPreemption');
  const stranded: StrandedPod[] = [];
  const rescheduled: SurviveResult['rescheduled'] = [];
  const preempted: SurviveResult['preempted'] = [];
  const strand = (pod: Pod, reason: string) => {
    const r = computePodRequests(pod);
    stranded.push({
      pod: keyOf(pod),
      namespace: pod.metadata.namespace ?? 'default',
      owner: ownerOf(pod),
      priority: pod.spec.priority ?? 0,
      cpuMillis: r.amounts.get('cpu') ?? 0,
      memoryBytes: r.amounts.get('memory') ?? 0,
      reason,
    });
  };

  // The queue: priority, then the order pods entered it (input order, then preemption victims).
  let seq = 0;
  const queue: { info: PodInfo; seq: number }[] = [];
  const enqueue = (pod: Pod) => {
    const { nodeName: _, ...spec } = pod.spec;
    queue.push({ info: snapshot.podInfo({ ...pod, spec }), seq: seq++ });
  };
  for (const pod of displaced) {
    if (ownerOf(pod) === '-') strand(pod, 'no controller re-creates it');
    else enqueue(pod);
  }
  const boundAt = new Map<string, number>();
  while (queue.length > 0) {
    queue.sort((a, b) => b.info.priority - a.info.priority || a.seq - b.seq);
    const { info } = queue.shift()!;
    const result = scheduler.scheduleOne(info);
    let node = result.chosenNode;
    if (node === undefined && canPreempt) {
      const plan = findPreemption(scheduler, snapshot, info, (v) => boundAt.get(v.key) ?? 0);
      if (plan) {
        const name = snapshot.nodeNames[plan.node];
        for (const v of plan.victims) {
          snapshot.unbind(v);
          preempted.push({ pod: v.key, node: name, by: info.key });
          if (ownerOf(v.pod) === '-') strand(v.pod, `preempted by ${info.key}; no controller re-creates it`);
          else enqueue(v.pod);
        }
        node = scheduler.scheduleOne(info, Int32Array.of(plan.node)).chosenNode;
      }
    }
    if (node === undefined) {
      strand(info.pod, result.message ?? 'unschedulable');
      continue;
    }
    snapshot.bind(info, snapshot.nodeIndex.get(node)!);
    boundAt.set(info.key, seq);
    rescheduled.push({ pod: info.key, node });
  }

  const strandedTotals: Totals = { pods: 0, cpuMillis: 0, memoryBytes: 0 };
  const byNamespace: Record<string, Totals> = {};
  const byOwner: Record<string, Totals> = {};
  for (const s of stranded) {
    strandedTotals.pods++;
    strandedTotals.cpuMillis += s.cpuMillis;
    strandedTotals.memoryBytes += s.memoryBytes;
    addTo(byNamespace, s.namespace, s);
    addTo(byOwner, `${s.namespace}/${s.owner}`, s);
  }
  const lost = new Set(cluster.pods.filter(onNode).map(keyOf));
  return {
    removedNodes: cluster.nodes.map((n) => n.metadata.name).filter((n) => removed.has(n)),
    displaced: displaced.length,
    rescheduled,
    preempted,
    stranded,
    strandedTotals,
    byNamespace,
    byOwner,
    pdbViolations: pdbViolations(cluster.podDisruptionBudgets, cluster.pods, lost),
    survivable: stranded.length === 0,
  };
}
