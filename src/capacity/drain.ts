// `berth capacity drain`: can a node be removed, and where would each of its pods go? The rules
// are cluster-autoscaler's for scale-down (simulator/drain.go with its default flags): DaemonSet
// and static (mirror) pods are ignored; a pod blocks the drain when it has no controller, uses
// local storage (emptyDir or hostPath), runs in kube-system without a PodDisruptionBudget, is
// annotated safe-to-evict "false", or would take a PDB below its allowed disruptions (the
// annotation "true" lifts the first three). The evictable pods are then scheduled, most important
// first, with the full engine on the cluster without the node.
import { matchesLabelSelector } from '../api/labels.js';
import { InputError } from '../api/problem.js';
import type { ClusterSnapshot, Pod, PodDisruptionBudget } from '../api/types.js';
import type { Profile } from '../framework/profile.js';
import { scaledValue } from '../sim/controllers/deployment.js';
import { Placer } from './placer.js';

export const SAFE_TO_EVICT = 'cluster-autoscaler.kubernetes.io/safe-to-evict';
const MIRROR = 'kubernetes.io/config.mirror';

export interface DrainPod {
  pod: string;
  /** ignored: DaemonSet or static pod; blocked: cannot be evicted; moves / stuck: evictable. */
  outcome: 'ignored' | 'blocked' | 'moves' | 'stuck';
  /** The node it would be scheduled on (moves). */
  to?: string;
  reason?: string;
}

export interface DrainResult {
  node: string;
  removable: boolean;
  pods: DrainPod[];
}

const key = (p: Pod) => `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`;

function ignoredWhy(pod: Pod): string | undefined {
  if ((pod.metadata.ownerReferences ?? []).some((o) => o.kind === 'DaemonSet' && o.controller !== false))
    return 'DaemonSet pod';
  if (pod.metadata.annotations?.[MIRROR] !== undefined) return 'static (mirror) pod';
  return undefined;
}

function blockedWhy(pod: Pod, pdbs: PodDisruptionBudget[]): string | undefined {
  const safe = pod.metadata.annotations?.[SAFE_TO_EVICT];
  if (safe === 'false') return `annotated ${SAFE_TO_EVICT}: "false"`;
  if (safe === 'true') return undefined;
  if (!(pod.metadata.ownerReferences ?? []).some((o) => o.controller === true))
    return 'not managed by a controller (it would not come back)';
  const local = (pod.spec.volumes ?? []).find((v) => v.emptyDir !== undefined || v.hostPath !== undefined);
  if (local)
    return `uses local storage (${local.emptyDir !== undefined ? 'emptyDir' : 'hostPath'} volume ${local.name})`;
  if ((pod.metadata.namespace ?? 'default') === 'kube-system' && !pdbs.some((b) => covers(b, pod)))
    return 'kube-system pod without a PodDisruptionBudget';
  return undefined;
}

function covers(pdb: PodDisruptionBudget, pod: Pod): boolean {
  return (
    (pdb.metadata.namespace ?? 'default') === (pod.metadata.namespace ?? 'default') &&
    matchesLabelSelector(pdb.spec.selector, pod.metadata.labels)
  );
}

/** The disruption controller's disruptionsAllowed, counting bound pods as healthy and expected. */
function disruptionsAllowed(pdb: PodDisruptionBudget, bound: readonly Pod[]): number {
  const healthy = bound.filter((p) => covers(pdb, p)).length;
  let desired: number;
  if (pdb.spec.maxUnavailable !== undefined && pdb.spec.maxUnavailable !== null)
    desired = healthy - scaledValue(pdb.spec.maxUnavailable, healthy, true, '0');
  else if (pdb.spec.minAvailable !== undefined && pdb.spec.minAvailable !== null)
    desired = scaledValue(pdb.spec.minAvailable, healthy, true, '0');
  else desired = healthy;
  return Math.max(0, healthy - desired);
}

export function capacityDrain(cluster: ClusterSnapshot, nodeName: string, profile: Profile): DrainResult {
  if (!cluster.nodes.some((n) => n.metadata.name === nodeName)) {
    throw new InputError([
      {
        code: 'option',
        path: '--node',
        message: `no node named ${JSON.stringify(nodeName)} in the snapshot (it has ${cluster.nodes.length} nodes)`,
      },
    ]);
  }
  const onNode = cluster.pods.filter((p) => p.spec.nodeName === nodeName);
  const pdbs = cluster.podDisruptionBudgets;
  const budget = new Map(pdbs.map((b) => [b, disruptionsAllowed(b, cluster.pods)]));
  const pods: DrainPod[] = [];
  const evictable: { pod: Pod; entry: DrainPod }[] = [];
  for (const pod of onNode) {
    const ignored = ignoredWhy(pod);
    if (ignored) {
      pods.push({ pod: key(pod), outcome: 'ignored', reason: ignored });
      continue;
    }
    let blocked = blockedWhy(pod, pdbs);
    if (!blocked) {
      for (const b of pdbs) {
        if (!covers(b, pod)) continue;
        const left = budget.get(b)!;
        if (left <= 0) {
          blocked = `PodDisruptionBudget ${b.metadata.namespace ?? 'default'}/${b.metadata.name} allows no more disruptions`;
          break;
        }
      }
      if (!blocked) for (const b of pdbs) if (covers(b, pod)) budget.set(b, budget.get(b)! - 1);
    }
    const entry: DrainPod = blocked
      ? { pod: key(pod), outcome: 'blocked', reason: blocked }
      : { pod: key(pod), outcome: 'stuck' };
    pods.push(entry);
    if (!blocked) evictable.push({ pod, entry });
  }

  const rest: ClusterSnapshot = {
    ...cluster,
    nodes: cluster.nodes.filter((n) => n.metadata.name !== nodeName),
    pods: cluster.pods.filter((p) => p.spec.nodeName !== nodeName),
  };
  const placer = new Placer(rest, profile);
  const order = evictable
    .map((e, i) => ({ ...e, i }))
    .sort((a, b) => (b.pod.spec.priority ?? 0) - (a.pod.spec.priority ?? 0) || a.i - b.i);
  for (const { pod, entry } of order) {
    const spec = { ...pod.spec };
    delete spec.nodeName;
    const result = placer.place({ ...pod, spec });
    if (result.chosenNode !== undefined) {
      entry.outcome = 'moves';
      entry.to = result.chosenNode;
    } else entry.reason = result.message ?? 'fits on no other node';
  }
  return { node: nodeName, removable: pods.every((p) => p.outcome === 'ignored' || p.outcome === 'moves'), pods };
}
