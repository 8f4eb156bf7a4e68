// The extender's HTTP(S) face: routes `<prefix>/{filter,prioritize,preempt,bind}` (POST, JSON) to
// the verbs, and `/healthz`, `/readyz`, `/metrics` for operations. Every request is answered, and
// nothing a client sends stops the server: bad input is a 4xx whose body says what was wrong (in
// the verb's own `Error` field where it has one), a request past its deadline a 503.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { parseJson } from './args-reader.js';
import { BodyBuffers } from './body-buffers.js';
import type { NodeCache } from './cache.js';
import { Deadline, RequestError } from './errors.js';
import { RawJson } from './filter-echo.js';
import type { ExtenderMetrics } from './metrics.js';
import type { Extender } from './verbs.js';
import { filterError } from './wire.js';

export const VERBS = ['filter', 'prioritize', 'preempt', 'bind'] as const;
export type Verb = (typeof VERBS)[number];

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
  /** When set, verb requests must present a client certificate signed by this CA. */
  clientCa?: Buffer;
}

export interface ServerOptions {
  extender: Extender;
  cache: NodeCache;
  metrics: ExtenderMetrics;
  logger: Logger;
  /** Path the verbs live under, e.g. `/scheduler` (kube-scheduler's urlPrefix path); '' for the root. */
  prefix: string;
  /** Largest request body accepted, in bytes. */
  maxBody: number;
  /** Time allowed per request, from arrival to reply, in milliseconds. */
  deadlineMs: number;
  tls?: TlsFiles;
}

/** `/scheduler/` → `/scheduler`, `scheduler` → `/scheduler`, `/` → ''. */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

type Route = { kind: 'verb'; verb: Verb } | { kind: 'healthz' | 'readyz' | 'metrics' } | { kind: 'none' };

export class ExtenderServer {
  readonly server: Server;
  private readonly options: ServerOptions;
  private readonly prefix: string;
  private stopping = false;
  private readonly inFlight = new Set<Promise<void>>();
  /** Buffers large request bodies are read into, reused from request to request. */
  private readonly bodies = new BodyBuffers();

  constructor(options: ServerOptions) {
    this.options = options;
    this.prefix = normalizePrefix(options.prefix);
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      const done = this.handle(req, res).catch((err) => this.lastResort(res, err));
      this.inFlight.add(done);
      done.finally(() => this.inFlight.delete(done));
    };
    const tls = options.tls;
    this.server = tls
      ? createHttpsServer(
          {
            cert: tls.cert,
            key: tls.key,
            ca: tls.clientCa,
            requestCert: Boolean(tls.clientCa),
            rejectUnauthorized: false,
          },
          handler,
        )
      : createHttpServer(handler);
  }

  /** Starts listening; resolves with the bound address (port 0 picks a free port). */
  listen(host: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** The base URL of the verbs (kube-scheduler's urlPrefix). */
  url(): string {
    const a = this.server.address() as AddressInfo;
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `${this.options.tls ? 'https' : 'http'}://${host}:${a.port}${this.prefix}`;
  }

  /**
   * Graceful stop: /readyz turns 503, no new connections are accepted, requests in flight finish
   * (for at most `graceMs`), then remaining connections are closed.
   */
  async shutdown(graceMs: number): Promise<void> {
    this.stopping = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.allSettled([...this.inFlight]), timeout]);
    this.server.closeAllConnections();
    await Promise.race([closed, timeout]);
    clearTimeout(timer);
    this.options.cache.close();
  }

  private route(req: IncomingMessage): Route {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q >= 0 ? url.slice(0, q) : url;
    if (path === '/healthz' || path === '/livez') return { kind: 'healthz' };
    if (path === '/readyz') return { kind: 'readyz' };
    if (path === '/metrics') return { kind: 'metrics' };
    const prefix = this.prefix;
    if (path.startsWith(`${prefix}/`)) {
      const verb = path.slice(prefix.length + 1).replace(/\/+$/, '');
      if ((VERBS as readonly string[]).includes(verb)) return { kind: 'verb', verb: verb as Verb };
    }
    return { kind: 'none' };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const route = this.route(req);
    const label = route.kind === 'verb' ? route.verb : route.kind === 'none' ? 'other' : route.kind;
    const { metrics } = this.options;
    res.on('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.requests.inc({ verb: label, status: String(res.statusCode) });
      metrics.duration.observe({ verb: label }, seconds);
    });

    if (route.kind === 'none') {
      req.resume();
      return this.fail(
        res,
        label,
        new RequestError(
          'NOT_FOUND',
          `no such endpoint: ${req.method} ${req.url}; the verbs are ${VERBS.map((v) => `POST ${this.prefix}/${v}`).join(', ')}`,
        ),
      );
    }
    if (route.kind !== 'verb') {
      req.resume();
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return this.fail(
          res,
          label,
          new RequestError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${route.kind}; use GET`),
          'GET, HEAD',
        );
      }
      return this.serveOps(route.kind, res);
    }

    const verb = route.verb;
    if (req.method !== 'POST') {
      req.resume();
      return this.fail(
        res,
        verb,
        new RequestError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${this.prefix}/${verb}; use POST`),
        'POST',
      );
    }
    if (this.options.tls?.clientCa && !(req.socket as TLSSocket).authorized) {
      req.resume();
      return this.fail(
        res,
        verb,
        new RequestError('UNAUTHORIZED', 'a client certificate signed by the configured CA is required'),
      );
    }
    if (!this.options.cache.ready) {
      req.resume();
      return this.fail(res, verb, new RequestError('NOT_READY', 'the node cache is not loaded yet'));
    }

    const deadline = new Deadline(this.options.deadlineMs);
    let body: unknown;
    let bytes: Buffer;
    try {
      bytes = await readBody(req, this.options.maxBody, deadline, this.bodies);
      deadline.check('reading the request');
      // filter and prioritize read their bytes themselves (full mode parses only new nodes).
      if (verb !== 'filter' && verb !== 'prioritize') body = parseJson(bytes);
    } catch (err) {
      if (err instanceof RequestError && err.code === 'BODY_TOO_LARGE') res.setHeader('Connection', 'close');
      return this.fail(res, verb, err);
    }
    // The reply may be views of the body (filter's echoed nodes): reused once it is written.
    res.once('finish', () => this.bodies.give(bytes));
    try {
      const reply = await this.dispatch(verb, body, bytes, deadline);
      deadline.check('writing the reply');
      this.send(res, 200, reply);
      this.options.logger.debug({ verb, ms: elapsedMs(started) }, 'served');
    } catch (err) {
      this.fail(res, verb, err);
    }
  }

  private dispatch(verb: Verb, body: unknown, bytes: Buffer, deadline: Deadline): unknown | Promise<unknown> {
    // With a worker pool, verbs take turns: an evaluation reads the snapshot from several threads.
    const pool = this.options.extender.pool;
    return pool
      ? pool.exclusive(() => this.dispatchNow(verb, body, bytes, deadline), deadline)
      : this.dispatchNow(verb, body, bytes, deadline);
  }

  private dispatchNow(verb: Verb, body: unknown, bytes: Buffer, deadline: Deadline): unknown | Promise<unknown> {
    const ext = this.options.extender;
    switch (verb) {
      case 'filter':
        return ext.filterBytes(bytes, deadline);
      case 'prioritize':
        return ext.prioritizeBytes(bytes, deadline);
      case 'preempt':
        return ext.preempt(body, deadline);
      case 'bind':
        return ext.binder ? ext.bindThroughApi(body) : ext.bind(body);
    }
  }

  private async serveOps(kind: 'healthz' | 'readyz' | 'metrics', res: ServerResponse): Promise<void> {
    if (kind === 'healthz') return this.sendText(res, 200, 'ok\n');
    if (kind === 'readyz') {
      if (this.stopping) return this.sendText(res, 503, 'shutting down\n');
      return this.options.cache.ready
        ? this.sendText(res, 200, 'ok\n')
        : this.sendText(res, 503, 'node cache not loaded\n');
    }
    const registry = this.options.metrics.registry;
    const text = await registry.metrics();
    res.writeHead(200, { 'Content-Type': registry.contentType });
    res.end(text);
  }

  /** Answers with an error in the shape the verb's client expects. */
  private fail(res: ServerResponse, verb: Verb | string, err: unknown, allow?: string): void {
    const e =
      err instanceof RequestError
        ? err
        : new RequestError('INTERNAL', `internal error: ${(err as Error)?.message ?? String(err)}`);
    const { logger, metrics } = this.options;
    metrics.errors.inc({ verb, code: e.code });
    if (e.code === 'INTERNAL') logger.error({ verb, err }, 'internal error');
    else logger.warn({ verb, code: e.code, status: e.status }, e.message);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (allow) res.setHeader('Allow', allow);
    res.setHeader('X-Berth-Error-Code', e.code);
    let body: unknown;
    if (verb === 'filter') body = filterError(e.message);
    else if (verb === 'bind') body = { Error: e.message };
    else body = { Error: e.message, Code: e.code };
    this.send(res, e.status, body);
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    if (res.headersSent) return;
    if (body instanceof RawJson) {
      // Filter's echoed nodes: already encoded, written part by part in one go (corked).
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': body.length });
      res.cork();
      for (const part of body.parts) res.write(part);
      res.end();
      res.uncork();
      return;
    }
    // Encoded once: Buffer.byteLength and then end(text) would each walk a multi-megabyte reply.
    const bytes = Buffer.from(JSON.stringify(body));
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': bytes.length });
    res.end(bytes);
  }

  private sendText(res: ServerResponse, status: number, text: string): void {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  /** A failure in the error path itself: log it and drop the connection rather than the process. */
  private lastResort(res: ServerResponse, err: unknown): void {
    this.options.logger.error({ err }, 'unhandled error while answering a request');
    if (!res.headersSent) {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ Error: 'internal error', Code: 'INTERNAL' }));
    } else res.destroy();
  }
}

function elapsedMs(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * The request body, refused once it passes `limit` bytes or the deadline. With `buffers`, a large
 * body is read into one of theirs (give it back once its reply is written).
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
  deadline: Deadline,
  buffers?: BodyBuffers,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    const tooLarge = () =>
      new RequestError('BODY_TOO_LARGE', `request body is larger than the limit of ${limit} bytes (--max-body)`);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    // A kept buffer that fits the declared length: the body is copied into place as it arrives.
    const into = buffers && Number.isInteger(declared) ? buffers.reuse(declared) : undefined;
    let size = 0;
    let settled = false;
    const finish = (err: RequestError | undefined, value?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        if (into) buffers?.give(into);
        req.removeListener('data', onData);
        req.resume();
        reject(err);
      } else resolve(value!);
    };
    const timer = setTimeout(
      () => finish(new RequestError('DEADLINE_EXCEEDED', 'deadline exceeded while reading the request body')),
      Math.max(0, deadline.at - Date.now()),
    );
    const onData = (chunk: Buffer) => {
      if (into) {
        if (size + chunk.length > into.length) {
          finish(new RequestError('BAD_REQUEST', 'the request body is longer than its Content-Length'));
          return;
        }
        into.set(chunk, size);
        size += chunk.length;
        return;
      }
      size += chunk.length;
      if (size > limit) {
        finish(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    const join = () => (buffers ? buffers.join(chunks, size) : Buffer.concat(chunks, size));
    req.on('end', () => finish(undefined, into ? into.subarray(0, size) : join()));
    req.on('error', (err) => finish(new RequestError('BAD_REQUEST', `reading the request failed: ${err.message}`)));
    req.on('aborted', () => finish(new RequestError('BAD_REQUEST', 'the client aborted the request')));
  });
}
