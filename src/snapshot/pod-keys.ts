// Keys that say when two pods look the same to a node-local plugin (Plugin.nodeLocalKey): built
// once from the fields that plugin reads (all in the spec) and kept with the PodInfo's spec parts,
// which pods sharing a frozen spec share (src/snapshot/pod-parts.ts), so such pods build each key
// once per snapshot.
import type { PodInfo } from './pod-info.js';

/** The key `name` of the pod's spec, built by `build` the first time (a plain function: no closure per call). */
function memo(info: PodInfo, name: string, build: (info: PodInfo) => string): string {
  const keys = info.specKeys;
  let key = keys.get(name);
  if (key === undefined) {
    key = build(info);
    keys.set(name, key);
  }
  return key;
}

/** Everything that decides a pod's requests: containers, init containers, overhead, pod-level. */
export function requestsKey(info: PodInfo): string {
  return memo(info, 'key:requests', buildRequestsKey);
}

function buildRequestsKey(info: PodInfo): string {
  const spec = info.pod.spec;
  return JSON.stringify([
    spec.containers.map((c) => c.resources ?? null),
    (spec.initContainers ?? []).map((c) => [c.resources ?? null, c.restartPolicy ?? null]),
    spec.overhead ?? null,
    spec.resources ?? null,
  ]);
}

export function tolerationsKey(info: PodInfo): string {
  return memo(info, 'key:tolerations', buildTolerationsKey);
}

function buildTolerationsKey(info: PodInfo): string {
  return JSON.stringify(info.pod.spec.tolerations ?? []);
}

export function nodeAffinityKey(info: PodInfo): string {
  return memo(info, 'key:nodeAffinity', buildNodeAffinityKey);
}

function buildNodeAffinityKey(info: PodInfo): string {
  const spec = info.pod.spec;
  return JSON.stringify([spec.nodeSelector ?? null, spec.affinity?.nodeAffinity ?? null]);
}

export function hostPortsKey(info: PodInfo): string {
  return memo(info, 'key:hostPorts', buildHostPortsKey);
}

function buildHostPortsKey(info: PodInfo): string {
  return JSON.stringify(info.hostPorts);
}

export function imagesKey(info: PodInfo): string {
  return memo(info, 'key:images', buildImagesKey);
}

function buildImagesKey(info: PodInfo): string {
  const spec = info.pod.spec;
  return JSON.stringify([...(spec.initContainers ?? []), ...spec.containers].map((c) => c.image ?? ''));
}
