// The pod a capacity question is about, read from a manifest: a Pod, or the pod template of a
// Deployment, ReplicaSet, StatefulSet or Job (what each of its replicas would be).
import { InputError } from '../api/problem.js';
import type { ClusterSnapshot, Pod, PodTemplateSpec } from '../api/types.js';

function fromTemplate(kind: string, meta: { name: string; namespace?: string }, t: PodTemplateSpec): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: meta.name,
      namespace: meta.namespace ?? 'default',
      labels: { ...t.metadata?.labels },
      ownerReferences: [{ apiVersion: 'apps/v1', kind, name: meta.name, controller: true }],
    },
    spec: t.spec,
  };
}

/** Workloads with replicas in a loaded file, each as [its pod, replicas]. */
export function workloadPods(c: ClusterSnapshot): { pod: Pod; replicas: number; source: string }[] {
  const out: { pod: Pod; replicas: number; source: string }[] = [];
  for (const p of [...c.pods, ...c.pendingPods]) out.push({ pod: p, replicas: 1, source: `Pod/${p.metadata.name}` });
  const sets: [string, { metadata: Pod['metadata']; spec: { replicas?: number; template: PodTemplateSpec } }[]][] = [
    ['Deployment', c.deployments],
    ['ReplicaSet', c.replicaSets],
    ['StatefulSet', c.statefulSets],
  ];
  for (const [kind, list] of sets) {
    for (const w of list) {
      out.push({
        pod: fromTemplate(kind, w.metadata, w.spec.template),
        replicas: w.spec.replicas ?? 1,
        source: `${kind}/${w.metadata.name}`,
      });
    }
  }
  for (const j of c.jobs) {
    out.push({
      pod: fromTemplate('Job', j.metadata, j.spec.template),
      replicas: j.spec.parallelism ?? 1,
      source: `Job/${j.metadata.name}`,
    });
  }
  return out;
}

/** Exactly one pod (or workload) in `file`, else a problem naming the option. */
export function singlePod(c: ClusterSnapshot, file: string, option: string): Pod {
  const all = workloadPods(c);
  if (all.length !== 1) {
    throw new InputError([
      {
        code: 'option',
        file,
        path: option,
        message: `expected exactly one Pod, Deployment, ReplicaSet, StatefulSet or Job, found ${all.length}${all.length ? ` (${all.map((w) => w.source).join(', ')})` : ''}`,
      },
    ]);
  }
  return all[0].pod;
}
