// `berth snapshot`: one consistent-enough read of a cluster (each resource a paged list) written as
// one snapshot file in the conformance case format, which every berth command that takes a
// cluster reads. Pods are split into bound (`pods`) and waiting (`pendingPods`), in list order.

import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ApiClient } from './api-client.js';
import { DEFAULT_PAGE_SIZE, type KubeObject, listAll } from './list.js';
import { NAMESPACES, SNAPSHOT_RESOURCES } from './resources.js';

export interface CaptureOptions {
  /** Only this namespace's namespaced objects; undefined: every namespace. */
  namespace?: string;
  pageSize?: number;
}

export type CapturedSnapshot = Record<string, KubeObject[]>;

/** Server bookkeeping that only makes the file larger: who wrote which field. */
export function tidy(obj: KubeObject): KubeObject {
  const meta = obj.metadata;
  if (meta && 'managedFields' in meta) {
    const { managedFields: _, ...rest } = meta;
    return { ...obj, metadata: rest };
  }
  return obj;
}

function isFinishedPod(pod: KubeObject): boolean {
  const phase = (pod.status as { phase?: unknown } | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

function nodeNameOf(pod: KubeObject): string | undefined {
  const name = (pod.spec as { nodeName?: unknown } | undefined)?.nodeName;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

export async function captureSnapshot(client: ApiClient, opts: CaptureOptions = {}): Promise<CapturedSnapshot> {
  const out: CapturedSnapshot = {};
  const pageSize = opts.pageSize ?? DEFAULT_PAGE_SIZE;
  for (const r of SNAPSHOT_RESOURCES) {
    if (r === NAMESPACES && opts.namespace !== undefined) {
      const ns = (await client.get(
        `/api/v1/namespaces/${encodeURIComponent(opts.namespace)}`,
        {},
        { verb: 'get', resource: 'namespaces' },
      )) as KubeObject;
      out.namespaces = [tidy({ apiVersion: 'v1', kind: 'Namespace', ...ns })];
      continue;
    }
    const { items } = await listAll(client, r, opts.namespace, pageSize);
    if (r.kind !== 'Pod') {
      out[r.key] = items.map(tidy);
      continue;
    }
    out.pods = [];
    out.pendingPods = [];
    for (const pod of items) {
      if (isFinishedPod(pod)) continue;
      (nodeNameOf(pod) === undefined ? out.pendingPods : out.pods).push(tidy(pod));
    }
  }
  return out;
}

/** Writes `text` to `file` through a temporary file beside it and a rename: never a half-written file. */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
