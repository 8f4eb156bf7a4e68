// Shared pieces of the extender tests: objects shaped exactly as kube-scheduler serialises them,
// an in-process server on a loopback port, and a small HTTP client that can send anything.
import { type Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import pino from 'pino';
import { builtinRegistry, DEFAULT_MULTI_POINT } from '../../plugins/index.js';
import type { ClusterSnapshot } from '../../src/api/types.js';
import { type RunningExtender, type StartOptions, startExtender } from '../../src/extender/start.js';
import { buildProfiles } from '../../src/framework/profile.js';

export const profile = buildProfiles(undefined, { registry: builtinRegistry(), defaults: DEFAULT_MULTI_POINT })
  .profiles[0];
export const silent = pino({ level: 'silent' });

export type Json = Record<string, unknown>;

export interface ApiPodOptions {
  namespace?: string;
  cpu?: string;
  memory?: string;
  labels?: Record<string, string>;
  priority?: number;
  nodeName?: string;
  uid?: string;
  extra?: Json;
}

/** A v1.Pod as the API server returns it and kube-scheduler forwards it (defaults filled in). */
export function apiPod(name: string, o: ApiPodOptions = {}): Json {
  const namespace = o.namespace ?? 'default';
  const requests: Record<string, string> = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name,
      namespace,
      uid: o.uid ?? `uid-${namespace}-${name}`,
      resourceVersion: '1234',
      creationTimestamp: '2026-11-22T10:00:00Z',
      labels: o.labels ?? null,
      annotations: null,
      ownerReferences: null,
    },
    spec: {
      volumes: null,
      containers: [
        {
          name: 'main',
          image: 'registry.example/app:1',
          resources: { requests: Object.keys(requests).length > 0 ? requests : null, limits: null },
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          imagePullPolicy: 'IfNotPresent',
        },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      nodeName: o.nodeName,
      serviceAccountName: 'default',
      securityContext: {},
      schedulerName: 'default-scheduler',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      priority: o.priority ?? 0,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      ...o.extra,
    },
    status: o.nodeName
      ? { phase: 'Running', startTime: '2026-11-22T10:00:01Z', qosClass: 'Burstable' }
      : { phase: 'Pending', qosClass: 'BestEffort' },
  };
}

export interface ApiNodeOptions {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: Json[];
  unschedulable?: boolean;
}

/** A v1.Node as the API server returns it. */
export function apiNode(name: string, o: ApiNodeOptions = {}): Json {
  const allocatable = {
    cpu: o.cpu ?? '4',
    memory: o.memory ?? '16Gi',
    pods: o.pods ?? '110',
    'ephemeral-storage': '100Gi',
  };
  return {
    kind: 'Node',
    apiVersion: 'v1',
    metadata: {
      name,
      uid: `node-uid-${name}`,
      resourceVersion: '99',
      creationTimestamp: '2026-11-01T00:00:00Z',
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...o.labels },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: { podCIDR: '10.0.0.0/24', taints: o.taints ?? null, unschedulable: o.unschedulable },
    status: {
      capacity: allocatable,
      allocatable,
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          lastHeartbeatTime: '2026-11-22T09:59:00Z',
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
        },
      ],
      addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: { kubeletVersion: 'v1.35.4', architecture: 'amd64', operatingSystem: 'linux' },
      images: null,
    },
  };
}

/** extenderv1.ExtenderArgs in full mode (nodeCacheCapable: false). */
export function fullArgs(pod: Json, nodes: Json[]): Json {
  return { Pod: pod, Nodes: { metadata: {}, items: nodes }, NodeNames: null };
}

/** extenderv1.ExtenderArgs with nodeCacheCapable: true. */
export function cacheArgs(pod: Json, names: string[]): Json {
  return { Pod: pod, Nodes: null, NodeNames: names };
}

export function clusterOf(
  nodes: Json[],
  pods: Json[] = [],
  extra: Partial<Record<keyof ClusterSnapshot, Json[]>> = {},
): Json {
  return {
    nodes,
    pods,
    pendingPods: [],
    namespaces: [
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'default', labels: { 'kubernetes.io/metadata.name': 'default' } },
      },
    ],
    ...extra,
  };
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: unknown;
}

export interface SendOptions {
  method?: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** TLS client material. */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  /** A keep-alive agent; by default every request has its own connection. */
  agent?: Agent;
}

/** One HTTP(S) request to the loopback server; never throws on a 4xx/5xx. */
export function send(url: string, o: SendOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const body = o.body === undefined ? undefined : Buffer.isBuffer(o.body) ? o.body : Buffer.from(o.body);
    const headers: Record<string, string | number> = { ...o.headers };
    if (body && headers['Content-Type'] === undefined) headers['Content-Type'] = 'application/json';
    const make = u.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = make(
      {
        hostname: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method: o.method ?? (body ? 'POST' : 'GET'),
        headers,
        agent: o.agent ?? false,
        ca: o.tls?.ca,
        cert: o.tls?.cert,
        key: o.tls?.key,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export function post(base: string, verb: string, body: unknown): Promise<Reply> {
  return send(`${base}/${verb}`, { body: JSON.stringify(body) });
}

/** Loads a cluster the way `berth serve --snapshot` would, from JSON text. */
export async function loadJson(cluster: Json): Promise<ClusterSnapshot> {
  const { loadClusterFromText } = await import('../../src/load/load.js');
  return loadClusterFromText(JSON.stringify(cluster), 'cluster.json').cluster;
}

export async function start(cluster: Json, o: Partial<StartOptions> = {}): Promise<RunningExtender> {
  return startExtender({
    profile,
    logger: silent,
    host: '127.0.0.1',
    port: 0,
    prefix: '/scheduler',
    tieBreak: 'first',
    cluster: await loadJson(cluster),
    ...o,
  });
}
