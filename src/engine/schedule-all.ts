// Sequential scheduling of a snapshot's pending pods: queue order (PrioritySort: higher priority
// first, then input order), each pod assumed on its node before the next. Results come back in
// input order, so they line up with the input file.

import { hasPersistentVolumeClaims, VOLUMES_NOT_MODELLED } from '../../plugins/volume-plugins.js';
import { Admission } from '../admission/admission.js';
import type { ClusterSnapshot, Pod } from '../api/types.js';
import type { Profile } from '../framework/profile.js';
import type { PodInfo } from '../snapshot/pod-info.js';
import { Snapshot } from '../snapshot/snapshot.js';
import { createExecutor, type ExecutorChoice } from './executor.js';
import type { ProfileSpec } from './pool/messages.js';
import type { PodResult, ProfileSummary, ScheduleOutput } from './result.js';
import { Scheduler, type SchedulerOptions } from './scheduler.js';

export const KUBERNETES_VERSION = 'v1.35.4';

export function summarizeProfile(profile: Profile): ProfileSummary {
  const scoreWeights: Record<string, number> = {};
  for (const s of [...profile.score].sort((a, b) => a.plugin.name.localeCompare(b.plugin.name))) {
    scoreWeights[s.plugin.name] = s.weight;
  }
  return {
    schedulerName: profile.schedulerName,
    preFilter: profile.preFilter.map((p) => p.name),
    filter: profile.filter.map((p) => p.name),
    preScore: profile.preScore.map((p) => p.name),
    scoreWeights,
    scoreOrder: profile.score.map((s) => s.plugin.name),
    percentageOfNodesToScore: profile.percentageOfNodesToScore,
  };
}

/**
 * Admission of the pending pods, in input order (their creation order), after charging the bound
 * ones: the admitted pods (LimitRange defaults applied) and a result for each refused one.
 */
function admitPending(cluster: ClusterSnapshot, results: PodResult[]): (Pod | undefined)[] {
  const admission = new Admission(cluster);
  if (!admission.active) return cluster.pendingPods;
  const key = (p: Pod) => `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`;
  for (const p of cluster.pods) admission.charge(key(p), p);
  return cluster.pendingPods.map((p, i) => {
    const r = admission.admit(key(p), p);
    if (r.admitted) return r.pod;
    results[i] = {
      pod: key(p),
      preFilter: { code: 'Success' },
      feasibleNodes: [],
      feasibleCount: 0,
      filterFailures: {},
      bestNodes: [],
      refused: r.refusal,
    };
    return undefined;
  });
}

export function scheduleAll(cluster: ClusterSnapshot, profile: Profile, options: SchedulerOptions): ScheduleOutput {
  const snapshot = new Snapshot(cluster);
  const scheduler = new Scheduler(profile, snapshot, options);
  const steps = placeAll(cluster, snapshot, profile);
  let step = steps.next();
  while (!step.done) step = steps.next(scheduler.scheduleOne(step.value));
  return step.value;
}

/**
 * scheduleAll with a choice of executor: the worker pool (src/engine/pool) when `choice` says so
 * for this cluster's size. `spec` is how workers rebuild `profile`. Same output as scheduleAll.
 */
export async function scheduleAllWith(
  cluster: ClusterSnapshot,
  profile: Profile,
  spec: ProfileSpec,
  options: SchedulerOptions,
  choice: ExecutorChoice,
): Promise<ScheduleOutput> {
  const snapshot = new Snapshot(cluster);
  const executor = await createExecutor(new Scheduler(profile, snapshot, options), spec, choice);
  try {
    const steps = placeAll(cluster, snapshot, profile);
    let step = steps.next();
    while (!step.done) step = steps.next(await executor.scheduleOne(step.value));
    return step.value;
  } finally {
    executor.close();
  }
}

/** The queue: yields each pod to place and takes back its result (then assumes it). */
function* placeAll(
  cluster: ClusterSnapshot,
  snapshot: Snapshot,
  profile: Profile,
): Generator<PodInfo, ScheduleOutput, PodResult> {
  const results: PodResult[] = new Array(cluster.pendingPods.length);
  const admitted = admitPending(cluster, results);
  const pending = admitted.map((p) => (p ? snapshot.podInfo(p) : undefined));
  const priority = (i: number) => pending[i]?.priority ?? 0;
  const order = pending.map((_, i) => i).sort((a, b) => priority(b) - priority(a) || a - b);
  for (const i of order) {
    const info = pending[i];
    if (!info) continue;
    if ((info.pod.spec.schedulingGates?.length ?? 0) > 0) {
      results[i] = {
        pod: info.key,
        preFilter: { code: 'Success' },
        feasibleNodes: [],
        feasibleCount: 0,
        filterFailures: {},
        bestNodes: [],
        gated: true,
      };
      continue;
    }
    const result = yield info;
    if (hasPersistentVolumeClaims(info.pod)) result.notes = [VOLUMES_NOT_MODELLED];
    if (result.chosenNode !== undefined) snapshot.bind(info, snapshot.nodeIndex.get(result.chosenNode)!);
    results[i] = result;
  }
  return { kubernetesVersion: KUBERNETES_VERSION, engine: 'berth', profile: summarizeProfile(profile), results };
}
