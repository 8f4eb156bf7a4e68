// Paged lists (limit/continue), as kubectl reads large collections: each page is a bounded reply,
// and the collection's resourceVersion (where a watch can start) comes with the last page.

import { type ApiClient, ApiStatusError } from './api-client.js';
import { collectionPath, type ResourceType, rbacName } from './resources.js';

export type KubeObject = Record<string, unknown> & { metadata?: Record<string, unknown> };

export interface Listed {
  items: KubeObject[];
  resourceVersion: string;
}

export const DEFAULT_PAGE_SIZE = 500;

/**
 * Every object of `r` (in `namespace`, or everywhere), each with apiVersion and kind filled in (list
 * items omit them). A continue token that expired mid-way (410) restarts the list from the top, as
 * kubectl does, so the result is one consistent read.
 */
export async function listAll(
  client: ApiClient,
  r: ResourceType,
  namespace: string | undefined,
  pageSize = DEFAULT_PAGE_SIZE,
): Promise<Listed> {
  const path = collectionPath(r, namespace);
  const purpose = { verb: 'list' as const, resource: rbacName(r), namespace: r.namespaced ? namespace : undefined };
  for (let attempt = 0; ; attempt++) {
    const items: KubeObject[] = [];
    let token: string | undefined;
    try {
      for (;;) {
        const page = (await client.get(path, { limit: pageSize, continue: token }, purpose)) as {
          items?: KubeObject[];
          metadata?: { continue?: string; resourceVersion?: string };
        };
        for (const item of page.items ?? []) items.push({ apiVersion: r.apiVersion, kind: r.kind, ...item });
        token = page.metadata?.continue || undefined;
        if (token === undefined) return { items, resourceVersion: page.metadata?.resourceVersion ?? '' };
      }
    } catch (err) {
      if (err instanceof ApiStatusError && err.status === 410 && token !== undefined && attempt < 3) continue;
      throw err;
    }
  }
}
