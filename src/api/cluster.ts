// A ClusterSnapshot with every list present and empty: the starting point for builders.
import type { ClusterSnapshot } from './types.js';

export function emptyCluster(): ClusterSnapshot {
  return {
    nodes: [],
    pods: [],
    pendingPods: [],
    namespaces: [],
    services: [],
    replicaSets: [],
    replicationControllers: [],
    statefulSets: [],
    deployments: [],
    daemonSets: [],
    jobs: [],
    podDisruptionBudgets: [],
    priorityClasses: [],
    horizontalPodAutoscalers: [],
    limitRanges: [],
    resourceQuotas: [],
  };
}
