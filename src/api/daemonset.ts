// What the DaemonSet controller decides before the scheduler sees a pod (pkg/controller/daemon,
// v1.35): which nodes should run a daemon pod (node selector, required node affinity, NoSchedule and
// NoExecute taints against the pod's tolerations plus the defaults the controller adds), and the pod
// it creates for a node: required node affinity replaced by one `metadata.name In [node]` term.
// Resources are not the controller's business: the scheduler checks them.
import { matchesPodNodeSelectorAndAffinity, NODE_NAME_FIELD } from './node-selector.js';
import { findUntoleratedTaint, isNoScheduleOrNoExecute } from './taints.js';
import type { DaemonSet, Node, Pod, PodSpec, Toleration } from './types.js';

/** Tolerations every daemon pod gets (AddOrUpdateDaemonPodTolerations). */
export function daemonPodTolerations(spec: PodSpec): Toleration[] {
  const defaults: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (spec.hostNetwork)
    defaults.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  const out = [...(spec.tolerations ?? [])];
  for (const d of defaults) {
    if (!out.some((t) => t.key === d.key && t.effect === d.effect && t.operator === 'Exists')) out.push(d);
  }
  return out;
}

/** NodeShouldRunDaemonPod: node selector and affinity match, every NoSchedule/NoExecute taint tolerated. */
export function nodeShouldRunDaemonPod(ds: DaemonSet, node: Node): boolean {
  const spec = ds.spec.template.spec;
  if (!matchesPodNodeSelectorAndAffinity(spec, { name: node.metadata.name, labels: node.metadata.labels }))
    return false;
  return findUntoleratedTaint(node.spec?.taints, daemonPodTolerations(spec), isNoScheduleOrNoExecute) === undefined;
}

/** Whether `pod` is controlled by the DaemonSet `namespace/name`. */
export function isDaemonPodOf(pod: Pod, namespace: string, name: string): boolean {
  if ((pod.metadata.namespace ?? 'default') !== namespace) return false;
  return (pod.metadata.ownerReferences ?? []).some(
    (o) => o.kind === 'DaemonSet' && o.name === name && o.controller !== false,
  );
}

/** The pod the controller creates for `nodeName`. */
export function daemonPodFor(ds: DaemonSet, nodeName: string, podName: string): Pod {
  const template = ds.spec.template;
  const spec = template.spec;
  const affinity = { ...spec.affinity };
  affinity.nodeAffinity = {
    ...spec.affinity?.nodeAffinity,
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{ matchFields: [{ key: NODE_NAME_FIELD, operator: 'In', values: [nodeName] }] }],
    },
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: podName,
      namespace: ds.metadata.namespace ?? 'default',
      labels: { ...template.metadata?.labels },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'DaemonSet', name: ds.metadata.name, uid: ds.metadata.uid, controller: true },
      ],
    },
    spec: { ...spec, affinity, tolerations: daemonPodTolerations(spec) },
  };
}
