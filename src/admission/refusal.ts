// What admission says when it refuses a pod: the API server's message and the resources to blame
// (the replay counts refusals per namespace and resource).

export interface Refusal {
  /** The API server's wording, e.g. `pods "web-1" is forbidden: exceeded quota: ...`. */
  message: string;
  /** Quota resource names (requests.cpu, pods, ...) or, for LimitRange, resource names (cpu, memory). */
  resources: string[];
  /** Which admission step refused: the ResourceQuota or LimitRanger plugin, or pod validation. */
  by: 'ResourceQuota' | 'LimitRanger' | 'validation';
}

export type AdmissionResult<P> = { admitted: true; pod: P } | { admitted: false; refusal: Refusal };

/** upstream utilerrors.NewAggregate's Error(): one message as it is, several as `[a, b]`. */
export function aggregate(messages: readonly string[]): string {
  return messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;
}
