// Keys that say when two pods look the same to a node-local plugin (Plugin.nodeLocalKey): built
// once per pod from the fields that plugin reads (all in the spec), and kept on the PodInfo, or
// once per spec when pods share a frozen one (src/api/shared-objects.ts).
import { isSharedFrozen } from '../api/shared-objects.js';
import type { PodSpec } from '../api/types.js';
import type { PodInfo } from './pod-info.js';

const bySharedSpec = new WeakMap<PodSpec, Map<string, string>>();

function memo(info: PodInfo, name: string, build: () => string): string {
  const spec = info.pod.spec;
  let keys: Map<string, unknown> | undefined;
  if (isSharedFrozen(spec)) {
    keys = bySharedSpec.get(spec);
    if (keys === undefined) {
      keys = new Map<string, string>();
      bySharedSpec.set(spec, keys as Map<string, string>);
    }
  } else keys = info.pluginData;
  let key = keys.get(name) as string | undefined;
  if (key === undefined) {
    key = build();
    keys.set(name, key);
  }
  return key;
}

/** Everything that decides a pod's requests: containers, init containers, overhead, pod-level. */
export function requestsKey(info: PodInfo): string {
  return memo(info, 'key:requests', () => {
    const spec = info.pod.spec;
    return JSON.stringify([
      spec.containers.map((c) => c.resources ?? null),
      (spec.initContainers ?? []).map((c) => [c.resources ?? null, c.restartPolicy ?? null]),
      spec.overhead ?? null,
      spec.resources ?? null,
    ]);
  });
}

export function tolerationsKey(info: PodInfo): string {
  return memo(info, 'key:tolerations', () => JSON.stringify(info.pod.spec.tolerations ?? []));
}

export function nodeAffinityKey(info: PodInfo): string {
  const spec = info.pod.spec;
  return memo(info, 'key:nodeAffinity', () =>
    JSON.stringify([spec.nodeSelector ?? null, spec.affinity?.nodeAffinity ?? null]),
  );
}

export function hostPortsKey(info: PodInfo): string {
  return memo(info, 'key:hostPorts', () => JSON.stringify(info.hostPorts));
}

export function imagesKey(info: PodInfo): string {
  const spec = info.pod.spec;
  return memo(info, 'key:images', () =>
    JSON.stringify([...(spec.initContainers ?? []), ...spec.containers].map((c) => c.image ?? '')),
  );
}
