// A small Kubernetes API server for tests, on a loopback port: paged lists (limit/continue),
// watch streams from a resourceVersion with bookmarks, 410 Gone after compaction (as an ERROR
// event, the way kube-apiserver says it mid-stream), expired continue tokens, 401 and 403 replies,
// dropped connections, and pods/binding. State is one ordered map per resource; every change gets
// the next resourceVersion and goes to the open watches.

import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';

export type Obj = Record<string, unknown> & { metadata: Record<string, unknown> };

interface Logged {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: Obj;
}

interface OpenWatch {
  resource: string;
  namespace: string | undefined;
  res: ServerResponse;
  bookmarks: boolean;
}

/** `pods`, `replicasets.apps`: the resource names the server knows, by API path prefix. */
const GROUPS: Record<string, string> = {
  '/api/v1': '',
  '/apis/apps/v1': 'apps',
  '/apis/batch/v1': 'batch',
  '/apis/autoscaling/v2': 'autoscaling',
  '/apis/policy/v1': 'policy',
  '/apis/scheduling.k8s.io/v1': 'scheduling.k8s.io',
  '/apis/storage.k8s.io/v1': 'storage.k8s.io',
};

const CLUSTER_SCOPED = new Set([
  'nodes',
  'namespaces',
  'priorityclasses.scheduling.k8s.io',
  'persistentvolumes',
  'storageclasses.storage.k8s.io',
]);

export interface Request {
  method: string;
  path: string;
  query: Record<string, string>;
}

export class FakeApiServer {
  private readonly store = new Map<string, Map<string, Obj>>();
  private readonly log: (Logged & { resource: string })[] = [];
  private readonly watches = new Set<OpenWatch>();
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  rv = 1;
  /** Watches from a resourceVersion older than this get 410 Gone. */
  compactedRv = 0;
  /** `list pods`, `watch nodes`: answered 403. */
  readonly forbidden = new Set<string>();
  /** Every request answered 401 (expired credentials). */
  unauthorized = false;
  /** The next this-many continued list pages get 410 (the continue token expired). */
  expireContinues = 0;
  /** Whether watches sent a bookmark every time `bookmark()` is called. */
  readonly requests: Request[] = [];
  readonly bindings: { namespace: string; name: string; node: string }[] = [];
  url = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const w of this.watches) w.res.destroy();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** A kubeconfig file in `dir` pointing at this server (plain HTTP on loopback). */
  writeKubeconfig(dir: string, token = 'test-token'): string {
    const file = join(dir, 'kubeconfig');
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- name: fake\n  cluster:\n    server: ${this.url}\n    insecure-skip-tls-verify: true`,
        'users:',
        `- name: tester\n  user:\n    token: ${token}`,
        'contexts:',
        '- name: fake\n  context:\n    cluster: fake\n    user: tester',
        'current-context: fake',
        '',
      ].join('\n'),
    );
    return file;
  }

  // ---- state -------------------------------------------------------------------------------------

  private collection(resource: string): Map<string, Obj> {
    let m = this.store.get(resource);
    if (!m) {
      m = new Map();
      this.store.set(resource, m);
    }
    return m;
  }

  private static key(obj: Obj): string {
    const ns = obj.metadata.namespace;
    return ns === undefined ? String(obj.metadata.name) : `${String(ns)}/${String(obj.metadata.name)}`;
  }

  /** Loads objects without events (the state before any watch starts). */
  seed(resource: string, objects: readonly Obj[]): void {
    const m = this.collection(resource);
    for (const o of objects) {
      const copy = structuredClone(o);
      if (copy.metadata.namespace === undefined && !CLUSTER_SCOPED.has(resource)) copy.metadata.namespace = 'default';
      copy.metadata.resourceVersion = String(++this.rv);
      m.set(FakeApiServer.key(copy), copy);
    }
  }

  /** The objects of `resource` now, in the order lists return them. */
  objects(resource: string): Obj[] {
    return [...this.collection(resource).values()];
  }

  get(resource: string, key: string): Obj | undefined {
    return this.store.get(resource)?.get(key);
  }

  private change(resource: string, type: Logged['type'], obj: Obj): Obj {
    const copy = structuredClone(obj);
    if (copy.metadata.namespace === undefined && !CLUSTER_SCOPED.has(resource)) copy.metadata.namespace = 'default';
    copy.metadata.resourceVersion = String(++this.rv);
    const m = this.collection(resource);
    if (type === 'DELETED') m.delete(FakeApiServer.key(copy));
    else m.set(FakeApiServer.key(copy), copy);
    const entry = { rv: this.rv, type, object: copy, resource };
    this.log.push(entry);
    for (const w of this.watches) {
      if (w.resource === resource && (w.namespace === undefined || w.namespace === copy.metadata.namespace)) {
        w.res.write(`${JSON.stringify({ type, object: copy })}\n`);
      }
    }
    return copy;
  }

  create(resource: string, obj: Obj): Obj {
    return this.change(resource, 'ADDED', obj);
  }

  update(resource: string, obj: Obj): Obj {
    return this.change(resource, 'MODIFIED', obj);
  }

  delete(resource: string, key: string): void {
    const obj = this.collection(resource).get(key);
    if (obj) this.change(resource, 'DELETED', obj);
  }

  /** Sends a BOOKMARK carrying the current resourceVersion on every watch that asked for them. */
  bookmark(): void {
    for (const w of this.watches) {
      if (!w.bookmarks) continue;
      w.res.write(
        `${JSON.stringify({ type: 'BOOKMARK', object: { metadata: { resourceVersion: String(this.rv) } } })}\n`,
      );
    }
  }

  /** Forgets history: watches from before now get 410 Gone. */
  compact(): void {
    this.compactedRv = this.rv;
  }

  /** Drops every open watch connection, as a load balancer or a restarting API server does. */
  disconnectWatches(): void {
    for (const w of this.watches) w.res.socket?.destroy();
    this.watches.clear();
  }

  get openWatches(): number {
    return this.watches.size;
  }

  // ---- HTTP --------------------------------------------------------------------------------------

  private handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query });
    if (this.unauthorized) return status(res, 401, 'Unauthorized', 'Unauthorized');
    const prefix = Object.keys(GROUPS).find((p) => url.pathname.startsWith(`${p}/`));
    if (prefix === undefined) return status(res, 404, 'NotFound', `no route ${url.pathname}`);
    const group = GROUPS[prefix];
    const parts = url.pathname
      .slice(prefix.length + 1)
      .split('/')
      .map(decodeURIComponent);
    let namespace: string | undefined;
    if (parts[0] === 'namespaces' && parts.length >= 3) {
      namespace = parts[1];
      parts.splice(0, 2);
    }
    const resource = group === '' ? parts[0] : `${parts[0]}.${group}`;
    if (parts[0] === 'namespaces' && parts.length === 2) {
      // GET one namespace.
      if (this.forbidden.has('get namespaces')) return status(res, 403, 'Forbidden', 'namespaces is forbidden');
      const ns = this.get('namespaces', parts[1]);
      return ns ? json(res, 200, ns) : status(res, 404, 'NotFound', `namespaces "${parts[1]}" not found`);
    }
    if (parts.length === 3 && parts[0] === 'pods' && parts[2] === 'binding' && req.method === 'POST') {
      return this.bind(req, res, namespace ?? 'default', parts[1]);
    }
    if (parts.length !== 1) return status(res, 404, 'NotFound', `no route ${url.pathname}`);
    const verb = query.watch === 'true' || query.watch === '1' ? 'watch' : 'list';
    if (this.forbidden.has(`${verb} ${resource}`)) {
      return status(res, 403, 'Forbidden', `${resource} is forbidden: User cannot ${verb} resource`);
    }
    if (verb === 'watch') return this.watch(res, resource, namespace, query);
    this.list(res, resource, namespace, query);
  }

  private list(res: ServerResponse, resource: string, namespace: string | undefined, q: Record<string, string>) {
    let items = [...this.collection(resource).values()];
    if (namespace !== undefined) items = items.filter((o) => o.metadata.namespace === namespace);
    let offset = 0;
    let rv = this.rv;
    if (q.continue) {
      if (this.expireContinues > 0) {
        this.expireContinues--;
        return status(res, 410, 'Expired', 'The provided continue parameter is too old');
      }
      [offset, rv] = JSON.parse(Buffer.from(q.continue, 'base64').toString()) as [number, number];
    }
    const limit = q.limit ? Number(q.limit) : items.length;
    const page = items.slice(offset, offset + limit);
    const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
    if (offset + limit < items.length)
      metadata.continue = Buffer.from(JSON.stringify([offset + limit, rv])).toString('base64');
    json(res, 200, { kind: 'List', apiVersion: 'v1', metadata, items: page });
  }

  private watch(res: ServerResponse, resource: string, namespace: string | undefined, q: Record<string, string>) {
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const from = q.resourceVersion ? Number(q.resourceVersion) : this.rv;
    if (from < this.compactedRv) {
      res.end(
        `${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: `too old resource version: ${from} (${this.compactedRv})`, reason: 'Expired', code: 410 } })}\n`,
      );
      return;
    }
    for (const e of this.log) {
      if (e.rv <= from || e.resource !== resource) continue;
      if (namespace !== undefined && e.object.metadata.namespace !== namespace) continue;
      res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
    }
    const w: OpenWatch = { resource, namespace, res, bookmarks: q.allowWatchBookmarks === 'true' };
    this.watches.add(w);
    res.on('close', () => this.watches.delete(w));
  }

  private bind(req: IncomingMessage, res: ServerResponse, namespace: string, name: string) {
    if (this.forbidden.has('create pods/binding')) return status(res, 403, 'Forbidden', 'pods/binding is forbidden');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { target?: { name?: string } };
      const pod = this.get('pods', `${namespace}/${name}`);
      if (!pod) return status(res, 404, 'NotFound', `pods "${name}" not found`);
      const node = String(body.target?.name);
      if ((pod.spec as Record<string, unknown>).nodeName) {
        return status(
          res,
          409,
          'Conflict',
          `pod ${name} is already assigned to node "${String((pod.spec as Record<string, unknown>).nodeName)}"`,
        );
      }
      this.bindings.push({ namespace, name, node });
      this.update('pods', { ...pod, spec: { ...(pod.spec as object), nodeName: node } });
      status(res, 201, 'Created', 'bound', 'Success');
    });
  }
}

function json(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function status(res: ServerResponse, code: number, reason: string, message: string, outcome = 'Failure'): void {
  json(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: outcome, message, reason, code });
}

/** The resources a conformance case fills, as the API server would hold them. */
export function seedFromCase(server: FakeApiServer, c: Record<string, Obj[] | undefined>): void {
  server.seed('nodes', c.nodes ?? []);
  server.seed('pods', [...(c.pods ?? []), ...(c.pendingPods ?? [])]);
  server.seed('namespaces', c.namespaces ?? []);
  server.seed('services', c.services ?? []);
  server.seed('replicasets.apps', c.replicaSets ?? []);
}
