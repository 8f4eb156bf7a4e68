// The few API-server calls berth makes (GET a list page, POST a Binding, open a watch), over the
// connection settings @kubernetes/client-node derives from the kubeconfig (TLS, tokens, exec
// plugins, proxies: applyToHTTPSOptions). Lists are read as raw JSON rather than client-node's typed models so every
// field reaches the snapshot exactly as the server sent it.

import http from 'node:http';
import https from 'node:https';
import { createInterface } from 'node:readline';
import type { KubeConfig } from '@kubernetes/client-node';
import { InputError } from '../api/problem.js';

/** A reply other than 2xx, or no reply at all (`status` 0). */
export class ApiStatusError extends Error {
  readonly status: number;
  readonly reason: string;
  constructor(status: number, reason: string, message: string) {
    super(message);
    this.name = 'ApiStatusError';
    this.status = status;
    this.reason = reason;
  }
}

/** What a request was for, to say which RBAC permission is missing. */
export interface RequestPurpose {
  verb: 'list' | 'watch' | 'get' | 'create';
  /** Plural resource, with its group: `pods`, `replicasets.apps`, `pods/binding`. */
  resource: string;
  /** Undefined: cluster scope. */
  namespace?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchHandle {
  stop(): void;
}

/** JSON over HTTP(S) to one API server. */
export class ApiClient {
  readonly server: string;
  private readonly kc: KubeConfig;

  constructor(kc: KubeConfig) {
    this.kc = kc;
    this.server = (kc.getCurrentCluster()?.server ?? '').replace(/\/+$/, '');
  }

  get(path: string, query: Record<string, string | number | undefined>, purpose: RequestPurpose): Promise<unknown> {
    return this.request('GET', path, query, undefined, purpose);
  }

  post(path: string, body: unknown, purpose: RequestPurpose): Promise<unknown> {
    return this.request('POST', path, {}, body, purpose);
  }

  /**
   * Opens a watch; `onEvent` gets each event, `onDone` once when the stream ends (null: closed by the
   * server, as it does every few minutes) or fails (an ApiStatusError, or a network error). Our own
   * stream rather than client-node's Watch, whose aborted connections stay open and keep the
   * process alive.
   */
  async watch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    onEvent: (type: WatchEventType, object: Record<string, unknown>) => void,
    onDone: (err: unknown) => void,
    purpose: RequestPurpose,
  ): Promise<WatchHandle> {
    const url = new URL(this.server + path);
    url.searchParams.set('watch', 'true');
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const opts = await this.options('GET');
    let finished = false;
    const done = (err: unknown) => {
      if (finished) return;
      finished = true;
      req.destroy();
      onDone(err);
    };
    const send = url.protocol === 'http:' ? http.request : https.request;
    const req = send(url, opts, (res) => {
      if (res.statusCode !== 200) {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let body: unknown;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            body = undefined;
          }
          done(statusError(res.statusCode ?? 0, body, purpose, this.server));
        });
        res.on('error', done);
        return;
      }
      const lines = createInterface({ input: res, crlfDelay: Number.POSITIVE_INFINITY });
      lines.on('line', (line) => {
        if (finished || line.trim() === '') return;
        let event: { type?: WatchEventType; object?: Record<string, unknown> };
        try {
          event = JSON.parse(line) as typeof event;
        } catch {
          done(new ApiStatusError(200, 'body', `watch ${url.pathname}: a line is not JSON`));
          return;
        }
        if (event.type && event.object) onEvent(event.type, event.object);
      });
      // readline re-emits the response's errors (a dropped connection): the watch just ended.
      lines.on('error', done);
      res.on('error', done);
      res.on('close', () => done(null));
    });
    req.on('error', (err: NodeJS.ErrnoException) =>
      done(
        new ApiStatusError(0, err.code ?? 'network', `cannot reach the API server at ${this.server}: ${err.message}`),
      ),
    );
    req.end();
    return {
      stop: () => {
        finished = true;
        req.destroy();
      },
    };
  }

  private async options(method: 'GET' | 'POST'): Promise<https.RequestOptions> {
    const opts: https.RequestOptions = { method, headers: { accept: 'application/json' } };
    try {
      await this.kc.applyToHTTPSOptions(opts);
    } catch (err) {
      throw new InputError([{ code: 'credentials', message: `cannot get credentials: ${(err as Error).message}` }]);
    }
    return opts;
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    query: Record<string, string | number | undefined>,
    body: unknown,
    purpose: RequestPurpose,
  ): Promise<unknown> {
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const opts = await this.options(method);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) (opts.headers as Record<string, string>)['content-type'] = 'application/json';
    const send = url.protocol === 'http:' ? http.request : https.request;
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = send(url, opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    }).catch((err: NodeJS.ErrnoException) => {
      throw new ApiStatusError(
        0,
        err.code ?? 'network',
        `cannot reach the API server at ${this.server}: ${err.message}`,
      );
    });
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (status < 200 || status > 299) throw statusError(status, json, purpose, this.server);
    if (json === undefined)
      throw new ApiStatusError(status, 'body', `${method} ${url.pathname}: the reply is not JSON`);
    return json;
  }
}

function where(purpose: RequestPurpose): string {
  return purpose.namespace === undefined ? 'at cluster scope' : `in namespace ${JSON.stringify(purpose.namespace)}`;
}

/** The error for a non-2xx reply, in the words an operator needs (which permission, which credential). */
export function statusError(status: number, body: unknown, purpose: RequestPurpose, server: string): ApiStatusError {
  const said = (body as { message?: unknown } | undefined)?.message;
  const detail = typeof said === 'string' && said !== '' ? ` (server said: ${said})` : '';
  const resource = purpose.resource;
  if (status === 403) {
    return new ApiStatusError(
      403,
      'Forbidden',
      `forbidden: cannot ${purpose.verb} ${resource} ${where(purpose)}: needs RBAC verb ${purpose.verb} on ${resource}${detail}`,
    );
  }
  if (status === 401) {
    return new ApiStatusError(
      401,
      'Unauthorized',
      `unauthorized: ${server} rejected the credentials (expired or invalid token or client certificate; log in again or refresh the kubeconfig)${detail}`,
    );
  }
  if (status === 410) return new ApiStatusError(410, 'Gone', `resourceVersion too old (410 Gone)${detail}`);
  if (status === 404) {
    return new ApiStatusError(
      404,
      'NotFound',
      `not found: ${purpose.verb} ${resource} ${where(purpose)}: the server does not serve it${detail}`,
    );
  }
  return new ApiStatusError(status, 'Status', `${purpose.verb} ${resource} ${where(purpose)}: HTTP ${status}${detail}`);
}

/** Failures a retry will not fix: the CLI reports them and stops. */
export function isFatal(err: unknown): boolean {
  return err instanceof ApiStatusError && (err.status === 401 || err.status === 403 || err.status === 404);
}

/** An ApiStatusError as the CLI's InputError (exit 2, one clear line). */
export function asInputError(err: unknown): unknown {
  if (err instanceof ApiStatusError) {
    const code = err.status === 0 ? 'unreachable' : err.reason.toLowerCase();
    return new InputError([{ code, message: err.message }]);
  }
  return err;
}
