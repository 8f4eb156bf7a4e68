// DaemonSetReservation (berth's own, off by default): keeps room on each node for the DaemonSet
// pods it is still owed. A node is owed a DaemonSet's pod when the DaemonSet controller would run
// one there (src/api/daemonset.ts) and none is bound there yet. Filter rejects an ordinary pod when,
// for a resource the pod requests (or pod slots), its request plus the owed daemon pods' requests
// exceed what the node has free. Daemon pods themselves are not held back. Enable it by name in a
// KubeSchedulerConfiguration profile (multiPoint, or preFilter and filter).
import { nodeShouldRunDaemonPod } from '../src/api/daemonset.js';
import type { DaemonSet, Pod } from '../src/api/types.js';
import { type Cycle, definePlugin } from '../src/framework/plugin.js';
import { type Code, SKIP, SUCCESS, UNSCHEDULABLE } from '../src/framework/status.js';
import { computePodRequests } from '../src/snapshot/pod-requests.js';
import { RESOURCE_PODS, type Snapshot } from '../src/snapshot/snapshot.js';

export const NAME = 'DaemonSetReservation';
export const REASON = 'node(s) must keep room for DaemonSet pods not yet placed';

/** What the nodes are owed, for one snapshot version. */
interface Owed {
  version: number;
  nodeCount: number;
  daemonSets: readonly DaemonSet[];
  /** Resource ids with something owed somewhere, and per id the amount owed per node. */
  resources: number[];
  amounts: Float64Array[];
  /** Daemon pods owed per node (pod slots). */
  pods: Int32Array;
}

interface State {
  owed: Owed;
  /** The pod's request for each of owed.resources (0 when it requests none). */
  request: Float64Array;
}

/** Which nodes each DaemonSet should run on: node objects do not change once added. */
const eligibility = new WeakMap<DaemonSet, { nodes: Snapshot['nodes']; count: number; ok: Uint8Array }>();

function eligibleNodes(ds: DaemonSet, snap: Snapshot): Uint8Array {
  let e = eligibility.get(ds);
  if (!e || e.nodes !== snap.nodes || e.count !== snap.nodeCount) {
    const ok = new Uint8Array(snap.nodeCount);
    for (let n = 0; n < snap.nodeCount; n++) ok[n] = nodeShouldRunDaemonPod(ds, snap.nodes[n]) ? 1 : 0;
    e = { nodes: snap.nodes, count: snap.nodeCount, ok };
    eligibility.set(ds, e);
  }
  return e.ok;
}

function daemonSetOf(pod: Pod): string | undefined {
  const owner = pod.metadata.ownerReferences?.find((o) => o.kind === 'DaemonSet' && o.controller !== false);
  return owner ? `${pod.metadata.namespace ?? 'default'}/${owner.name}` : undefined;
}

const owedBySnapshot = new WeakMap<Snapshot, Owed>();

function computeOwed(snap: Snapshot): Owed {
  const cached = owedBySnapshot.get(snap);
  const daemonSets = snap.cluster.daemonSets;
  if (
    cached &&
    cached.version === snap.version &&
    cached.nodeCount === snap.nodeCount &&
    cached.daemonSets.length === daemonSets.length
  ) {
    if (cached.daemonSets.every((ds, i) => ds === daemonSets[i])) return cached;
  }
  const index = new Map<string, number>();
  daemonSets.forEach((ds, i) => {
    index.set(`${ds.metadata.namespace ?? 'default'}/${ds.metadata.name}`, i);
  });
  const present = daemonSets.map(() => new Uint8Array(snap.nodeCount));
  for (let n = 0; n < snap.nodeCount; n++) {
    for (const info of snap.podsOnNode[n]) {
      const key = daemonSetOf(info.pod);
      const i = key === undefined ? undefined : index.get(key);
      if (i !== undefined) present[i][n] = 1;
    }
  }
  const resources: number[] = [];
  const amounts: Float64Array[] = [];
  const pods = new Int32Array(snap.nodeCount);
  daemonSets.forEach((ds, i) => {
    const ok = eligibleNodes(ds, snap);
    const req = computePodRequests({ metadata: { name: ds.metadata.name }, spec: ds.spec.template.spec });
    const ids: number[] = [];
    const values: number[] = [];
    for (const [name, amount] of req.amounts) {
      const r = snap.resources.find(name);
      if (r < 0 || amount <= 0) continue;
      let slot = resources.indexOf(r);
      if (slot < 0) {
        slot = resources.length;
        resources.push(r);
        amounts.push(new Float64Array(snap.nodeCount));
      }
      ids.push(slot);
      values.push(amount);
    }
    for (let n = 0; n < snap.nodeCount; n++) {
      if (!ok[n] || present[i][n]) continue;
      pods[n]++;
      for (let k = 0; k < ids.length; k++) amounts[ids[k]][n] += values[k];
    }
  });
  const owed: Owed = {
    version: snap.version,
    nodeCount: snap.nodeCount,
    daemonSets: [...daemonSets],
    resources,
    amounts,
    pods,
  };
  owedBySnapshot.set(snap, owed);
  return owed;
}

export default definePlugin<undefined>({
  name: NAME,
  description: 'Keeps room on each node for the DaemonSet pods it should run but does not yet (berth; off by default).',
  create: () => ({
    name: NAME,
    preFilter(cycle: Cycle) {
      const snap = cycle.snapshot;
      if (snap.cluster.daemonSets.length === 0 || daemonSetOf(cycle.pod.pod) !== undefined) return { code: SKIP };
      const owed = computeOwed(snap);
      const request = new Float64Array(owed.resources.length);
      const info = cycle.pod;
      for (let i = 0; i < info.requestIds.length; i++) {
        const slot = owed.resources.indexOf(info.requestIds[i]);
        if (slot >= 0) request[slot] = info.requestAmounts[i];
      }
      return { code: SUCCESS, state: { owed, request } };
    },
    filter(cycle: Cycle, state: State, node: number): Code {
      const snap = cycle.snapshot;
      const owed = state.owed;
      if (owed.pods[node] === 0) return SUCCESS;
      const slots = snap.allocatable[RESOURCE_PODS][node];
      if (snap.podCount[node] + 1 + owed.pods[node] > slots) return UNSCHEDULABLE;
      for (let k = 0; k < owed.resources.length; k++) {
        const want = state.request[k];
        if (want <= 0) continue;
        const r = owed.resources[k];
        if (want + owed.amounts[k][node] > snap.allocatable[r][node] - snap.requested[r][node]) return UNSCHEDULABLE;
      }
      return SUCCESS;
    },
    filterReasons: () => [REASON],
  }),
});
