// List+watch of one resource, kept current through every way a watch ends: the server closing it
// (it does every few minutes), a dropped connection, and 410 Gone (the resourceVersion was
// compacted away). It resumes from the last resourceVersion it saw (events and bookmarks advance
// it); after 410 it lists again and reports only what differs from what it already knew, so a
// consumer sees every change once: nothing lost, nothing repeated.

import { type ApiClient, ApiStatusError, isFatal, type WatchHandle } from './api-client.js';
import { DEFAULT_PAGE_SIZE, type KubeObject, listAll } from './list.js';
import { collectionPath, type ResourceType, rbacName } from './resources.js';

export interface InformerEvent {
  type: 'added' | 'modified' | 'deleted';
  object: KubeObject;
  /** The object as known before (modified, deleted). */
  old?: KubeObject;
  /** Part of the first list: the state when the informer started. */
  initial: boolean;
}

export interface InformerOptions {
  namespace?: string;
  pageSize?: number;
  onEvent: (e: InformerEvent) => void;
  /** A failure retrying cannot fix (401, 403): the informer has stopped. */
  onFatal: (err: unknown) => void;
  /** Called on every reconnect and relist, for logs and tests. */
  onResync?: (why: 'closed' | 'error' | 'gone') => void;
  /** First retry delay after an error, doubled up to 5 s. */
  retryMs?: number;
}

export function objectKey(o: KubeObject): string {
  const m = o.metadata ?? {};
  return m.namespace === undefined ? String(m.name) : `${String(m.namespace)}/${String(m.name)}`;
}

function versionOf(o: KubeObject | undefined): unknown {
  return o?.metadata?.resourceVersion;
}

export class Informer {
  readonly resource: ResourceType;
  /** Known objects by `namespace/name`, in list order then arrival order. */
  readonly store = new Map<string, KubeObject>();
  resourceVersion = '';
  private readonly client: ApiClient;
  private readonly opts: InformerOptions;
  private handle: WatchHandle | undefined;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;

  constructor(client: ApiClient, resource: ResourceType, opts: InformerOptions) {
    this.client = client;
    this.resource = resource;
    this.opts = opts;
  }

  /** Lists (emitting the initial state) and starts watching; resolves once the list is in. */
  async start(): Promise<void> {
    await this.relist(true);
    this.watch();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.handle?.stop();
  }

  /** Lists everything and emits the difference from the store. */
  private async relist(initial: boolean): Promise<void> {
    const { items, resourceVersion } = await listAll(
      this.client,
      this.resource,
      this.opts.namespace,
      this.opts.pageSize ?? DEFAULT_PAGE_SIZE,
    );
    if (this.stopped) return;
    const seen = new Set<string>();
    for (const obj of items) {
      const key = objectKey(obj);
      seen.add(key);
      this.apply(key, obj, initial);
    }
    for (const [key, old] of [...this.store]) {
      if (seen.has(key)) continue;
      this.store.delete(key);
      this.opts.onEvent({ type: 'deleted', object: old, old, initial });
    }
    this.resourceVersion = resourceVersion;
  }

  /** An object as now seen: added, modified, or (same resourceVersion) nothing new. */
  private apply(key: string, obj: KubeObject, initial: boolean): void {
    const old = this.store.get(key);
    if (old !== undefined && versionOf(old) === versionOf(obj)) return;
    this.store.set(key, obj);
    this.opts.onEvent(
      old === undefined ? { type: 'added', object: obj, initial } : { type: 'modified', object: obj, old, initial },
    );
  }

  private watch(): void {
    if (this.stopped) return;
    const r = this.resource;
    const purpose = {
      verb: 'watch' as const,
      resource: rbacName(r),
      namespace: r.namespaced ? this.opts.namespace : undefined,
    };
    let gone = false;
    let received = false;
    this.client
      .watch(
        collectionPath(r, this.opts.namespace),
        { resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 300 },
        (type, object) => {
          if (gone) return;
          if (type === 'ERROR') {
            gone = (object as { code?: unknown }).code === 410;
            this.handle?.stop();
            this.restart(gone ? new ApiStatusError(410, 'Gone', 'watch expired') : new Error(String(object.message)));
            return;
          }
          this.failures = 0;
          received = true;
          const version = (object as KubeObject).metadata?.resourceVersion;
          if (type === 'BOOKMARK') {
            if (typeof version === 'string') this.resourceVersion = version;
            return;
          }
          const obj = { apiVersion: r.apiVersion, kind: r.kind, ...object } as KubeObject;
          const key = objectKey(obj);
          if (type === 'DELETED') {
            const old = this.store.get(key);
            if (old !== undefined) {
              this.store.delete(key);
              this.opts.onEvent({ type: 'deleted', object: obj, old, initial: false });
            }
          } else {
            this.apply(key, obj, false);
          }
          if (typeof version === 'string') this.resourceVersion = version;
        },
        (err) => {
          if (gone) return;
          // A stream closed before anything arrived is retried with backoff, not at once in a loop.
          this.restart(err ?? (received ? null : new Error('the watch closed before any event')));
        },
        purpose,
      )
      .then(
        (handle) => {
          this.handle = handle;
          if (this.stopped) handle.stop();
        },
        (err: unknown) => this.restart(err),
      );
  }

  /** After a watch ended: resume, relist after 410, or give up on a fatal error. */
  private restart(err: unknown): void {
    if (this.stopped) return;
    if (isFatal(err)) {
      this.stop();
      this.opts.onFatal(err);
      return;
    }
    const isGone = err instanceof ApiStatusError && err.status === 410;
    this.opts.onResync?.(isGone ? 'gone' : err ? 'error' : 'closed');
    const delay = err && !isGone ? Math.min(5000, (this.opts.retryMs ?? 100) * 2 ** this.failures++) : 0;
    this.timer = setTimeout(() => {
      const next = isGone ? this.relist(false) : Promise.resolve();
      next.then(
        () => this.watch(),
        (e: unknown) => this.restart(e),
      );
    }, delay);
  }
}
