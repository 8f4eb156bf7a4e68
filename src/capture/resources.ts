// The resources berth reads from an API server: where each is listed and watched, its kind, and
// the snapshot key it fills (the conformance case format, extended).

export interface ResourceType {
  /** Snapshot key the items go under (pods are split into `pods` and `pendingPods`). */
  key: string;
  kind: string;
  apiVersion: string;
  plural: string;
  namespaced: boolean;
}

const core = (key: string, kind: string, plural: string, namespaced: boolean): ResourceType => ({
  key,
  kind,
  apiVersion: 'v1',
  plural,
  namespaced,
});
const grouped = (key: string, kind: string, apiVersion: string, plural: string, namespaced = true): ResourceType => ({
  key,
  kind,
  apiVersion,
  plural,
  namespaced,
});

export const NODES = core('nodes', 'Node', 'nodes', false);
export const PODS = core('pods', 'Pod', 'pods', true);
export const NAMESPACES = core('namespaces', 'Namespace', 'namespaces', false);
export const REPLICA_SETS = grouped('replicaSets', 'ReplicaSet', 'apps/v1', 'replicasets');
export const DEPLOYMENTS = grouped('deployments', 'Deployment', 'apps/v1', 'deployments');
export const DAEMON_SETS = grouped('daemonSets', 'DaemonSet', 'apps/v1', 'daemonsets');
export const STATEFUL_SETS = grouped('statefulSets', 'StatefulSet', 'apps/v1', 'statefulsets');
export const JOBS = grouped('jobs', 'Job', 'batch/v1', 'jobs');

/** Everything `berth snapshot` captures, in the order the snapshot file lists them. */
export const SNAPSHOT_RESOURCES: readonly ResourceType[] = [
  NODES,
  PODS,
  NAMESPACES,
  core('services', 'Service', 'services', true),
  REPLICA_SETS,
  core('replicationControllers', 'ReplicationController', 'replicationcontrollers', true),
  STATEFUL_SETS,
  DEPLOYMENTS,
  DAEMON_SETS,
  JOBS,
  grouped('podDisruptionBudgets', 'PodDisruptionBudget', 'policy/v1', 'poddisruptionbudgets'),
  grouped('priorityClasses', 'PriorityClass', 'scheduling.k8s.io/v1', 'priorityclasses', false),
  // Admission (LimitRange defaults, ResourceQuota) and pod autoscaling, read by `berth schedule` and the replay.
  core('limitRanges', 'LimitRange', 'limitranges', true),
  core('resourceQuotas', 'ResourceQuota', 'resourcequotas', true),
  grouped('horizontalPodAutoscalers', 'HorizontalPodAutoscaler', 'autoscaling/v2', 'horizontalpodautoscalers'),
  core('persistentVolumes', 'PersistentVolume', 'persistentvolumes', false),
  core('persistentVolumeClaims', 'PersistentVolumeClaim', 'persistentvolumeclaims', true),
  grouped('storageClasses', 'StorageClass', 'storage.k8s.io/v1', 'storageclasses', false),
];

/** `/api/v1/pods`, `/apis/apps/v1/namespaces/ns/replicasets`. */
export function collectionPath(r: ResourceType, namespace?: string): string {
  const base = r.apiVersion.includes('/') ? `/apis/${r.apiVersion}` : `/api/${r.apiVersion}`;
  return r.namespaced && namespace !== undefined
    ? `${base}/namespaces/${encodeURIComponent(namespace)}/${r.plural}`
    : `${base}/${r.plural}`;
}

/** The RBAC resource name: `pods`, `replicasets.apps`. */
export function rbacName(r: ResourceType): string {
  const slash = r.apiVersion.indexOf('/');
  return slash < 0 ? r.plural : `${r.plural}.${r.apiVersion.slice(0, slash)}`;
}
