// `--anonymize`: a snapshot that can be shared. Every name, namespace, uid, label value and image
// becomes a keyed hash (HMAC-SHA256, so without the key nobody can test guesses); fields scheduling
// never reads (annotations, env, commands, addresses, ...) are dropped. One hash function serves
// every string, so every equality scheduling relies on survives: a pod's label against a selector,
// a node's name against its kubernetes.io/hostname label and a pod's nodeName, a namespace's name
// against affinity namespaces and its kubernetes.io/metadata.name label, a pod's image against the
// node's image list. What must keep its meaning stays as it is: label keys, well-known topology and
// node-type values, integer label values (Gt/Lt compare them as numbers), quantities, priorities,
// taint effects and operators.

import { createHmac, randomBytes } from 'node:crypto';
import { SNAPSHOT_KEYS } from '../load/objects.js';
import { normalizeImageName } from '../snapshot/snapshot.js';
import type { KubeObject } from './list.js';

/** Label keys whose values are kept: they mean the same in every cluster and carry no names. */
const KEPT_VALUE_KEYS = new Set([
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
  'node.kubernetes.io/instance-type',
  'beta.kubernetes.io/instance-type',
  'kubernetes.io/arch',
  'kubernetes.io/os',
  'beta.kubernetes.io/arch',
  'beta.kubernetes.io/os',
  'karpenter.sh/capacity-type',
  'node.kubernetes.io/lifecycle',
]);

/** Label keys whose values are object names: always hashed, like the names themselves. */
const NAME_VALUE_KEYS = new Set(['kubernetes.io/hostname', 'kubernetes.io/metadata.name']);

const INTEGER = /^-?\d+$/;

type Json = Record<string, unknown>;

export function randomKey(): string {
  return randomBytes(32).toString('hex');
}

export class Anonymizer {
  private readonly key: string;
  /** hashed → original, to map results back (tests, and whoever holds the key). */
  readonly original = new Map<string, string>();

  constructor(key: string) {
    this.key = key;
  }

  /** Strings repeat (namespaces, label values, node names): each is hashed once. */
  private readonly memo = new Map<string, string>();

  /** A name, namespace, uid or label value: `x` and 15 hex digits, valid wherever the original was. */
  hash(value: string): string {
    let h = this.memo.get(value);
    if (h === undefined) {
      h = `x${createHmac('sha256', this.key).update(value).digest('hex').slice(0, 15)}`;
      this.memo.set(value, h);
      this.original.set(h, value);
    }
    return h;
  }

  /** A label value under `key` (also a selector or toleration value compared with one). */
  value(key: string, v: string): string {
    if (KEPT_VALUE_KEYS.has(key) || v === '') return v;
    if (NAME_VALUE_KEYS.has(key)) return this.hash(v);
    return INTEGER.test(v) ? v : this.hash(v);
  }

  labels(labels: unknown): Json | undefined {
    if (!isObj(labels)) return undefined;
    const out: Json = {};
    for (const [k, v] of Object.entries(labels)) out[k] = typeof v === 'string' ? this.value(k, v) : v;
    return out;
  }

  /** A LabelSelector (matchLabels and matchExpressions), or a plain map selector (ReplicationController, Service). */
  selector(sel: unknown): unknown {
    if (!isObj(sel)) return sel;
    if (!('matchLabels' in sel) && !('matchExpressions' in sel)) return this.labels(sel);
    const out: Json = {};
    if (sel.matchLabels !== undefined) out.matchLabels = this.labels(sel.matchLabels);
    if (Array.isArray(sel.matchExpressions))
      out.matchExpressions = sel.matchExpressions.map((e) => this.requirement(e));
    return out;
  }

  /** `{key, operator, values}` of a label selector or a node selector term's matchExpressions. */
  private requirement(e: unknown): unknown {
    if (!isObj(e) || typeof e.key !== 'string') return e;
    const key = e.key;
    const values = Array.isArray(e.values)
      ? e.values.map((v) => (typeof v === 'string' ? this.value(key, v) : v))
      : e.values;
    return { ...e, values };
  }

  /** matchFields: only `metadata.name`, whose values are node names. */
  private fieldRequirement(e: unknown): unknown {
    if (!isObj(e)) return e;
    const values = Array.isArray(e.values) ? e.values.map((v) => (typeof v === 'string' ? this.hash(v) : v)) : e.values;
    return { ...e, values };
  }

  private nodeSelectorTerm(t: unknown): unknown {
    if (!isObj(t)) return t;
    const out: Json = {};
    if (Array.isArray(t.matchExpressions)) out.matchExpressions = t.matchExpressions.map((e) => this.requirement(e));
    if (Array.isArray(t.matchFields)) out.matchFields = t.matchFields.map((e) => this.fieldRequirement(e));
    return out;
  }

  private nodeSelector(s: unknown): unknown {
    if (!isObj(s) || !Array.isArray(s.nodeSelectorTerms)) return s;
    return { nodeSelectorTerms: s.nodeSelectorTerms.map((t) => this.nodeSelectorTerm(t)) };
  }

  private podAffinityTerm(t: unknown): unknown {
    if (!isObj(t)) return t;
    const out: Json = { ...t, labelSelector: this.selector(t.labelSelector) };
    if (t.labelSelector === undefined) delete out.labelSelector;
    if (t.namespaceSelector !== undefined) out.namespaceSelector = this.selector(t.namespaceSelector);
    if (Array.isArray(t.namespaces))
      out.namespaces = t.namespaces.map((n) => (typeof n === 'string' ? this.hash(n) : n));
    return out;
  }

  private podAffinity(a: unknown): unknown {
    if (!isObj(a)) return a;
    const out: Json = {};
    if (Array.isArray(a.requiredDuringSchedulingIgnoredDuringExecution)) {
      out.requiredDuringSchedulingIgnoredDuringExecution = a.requiredDuringSchedulingIgnoredDuringExecution.map((t) =>
        this.podAffinityTerm(t),
      );
    }
    if (Array.isArray(a.preferredDuringSchedulingIgnoredDuringExecution)) {
      out.preferredDuringSchedulingIgnoredDuringExecution = a.preferredDuringSchedulingIgnoredDuringExecution.map(
        (w) => (isObj(w) ? { ...w, podAffinityTerm: this.podAffinityTerm(w.podAffinityTerm) } : w),
      );
    }
    return out;
  }

  private affinity(a: unknown): unknown {
    if (!isObj(a)) return a;
    const out: Json = {};
    const na = a.nodeAffinity;
    if (isObj(na)) {
      const n: Json = {};
      if (na.requiredDuringSchedulingIgnoredDuringExecution !== undefined) {
        n.requiredDuringSchedulingIgnoredDuringExecution = this.nodeSelector(
          na.requiredDuringSchedulingIgnoredDuringExecution,
        );
      }
      if (Array.isArray(na.preferredDuringSchedulingIgnoredDuringExecution)) {
        n.preferredDuringSchedulingIgnoredDuringExecution = na.preferredDuringSchedulingIgnoredDuringExecution.map(
          (p) => (isObj(p) ? { ...p, preference: this.nodeSelectorTerm(p.preference) } : p),
        );
      }
      out.nodeAffinity = n;
    }
    if (a.podAffinity !== undefined) out.podAffinity = this.podAffinity(a.podAffinity);
    if (a.podAntiAffinity !== undefined) out.podAntiAffinity = this.podAffinity(a.podAntiAffinity);
    return out;
  }

  /** A pod's image, normalised as ImageLocality compares it, then hashed; `:latest` keeps it normal. */
  podImage(image: string): string {
    return `${this.hash(normalizeImageName(image))}:latest`;
  }

  /** A node's image name, compared as listed. */
  nodeImage(name: string): string {
    return `${this.hash(name)}:latest`;
  }

  private container(c: unknown): unknown {
    if (!isObj(c)) return c;
    const out: Json = {};
    if (typeof c.name === 'string') out.name = this.hash(c.name);
    if (typeof c.image === 'string') out.image = this.podImage(c.image);
    for (const f of ['resources', 'restartPolicy', 'resizePolicy']) if (c[f] !== undefined) out[f] = c[f];
    if (Array.isArray(c.ports)) {
      out.ports = c.ports.map((p) => {
        if (!isObj(p)) return p;
        const { name: _n, ...rest } = p;
        return rest;
      });
    }
    return out;
  }

  private toleration(t: unknown): unknown {
    if (!isObj(t)) return t;
    if (typeof t.value !== 'string' || t.value === '') return { ...t };
    return { ...t, value: this.value(typeof t.key === 'string' ? t.key : '', t.value) };
  }

  private volume(v: unknown): unknown {
    if (!isObj(v)) return v;
    const out: Json = { name: typeof v.name === 'string' ? this.hash(v.name) : v.name };
    const pvc = v.persistentVolumeClaim;
    if (isObj(pvc) && typeof pvc.claimName === 'string') {
      out.persistentVolumeClaim = { ...pvc, claimName: this.hash(pvc.claimName) };
    } else if (isObj(v.ephemeral)) {
      out.ephemeral = v.ephemeral;
    } else {
      out.emptyDir = isObj(v.emptyDir) ? v.emptyDir : {};
    }
    return out;
  }

  podSpec(spec: unknown): unknown {
    if (!isObj(spec)) return spec;
    const out: Json = {};
    const kept = [
      'priority',
      'preemptionPolicy',
      'schedulerName',
      'overhead',
      'resources',
      'runtimeClassName',
      'hostNetwork',
      'os',
      'restartPolicy',
      'terminationGracePeriodSeconds',
    ];
    for (const f of kept) if (spec[f] !== undefined) out[f] = spec[f];
    if (typeof spec.nodeName === 'string' && spec.nodeName !== '') out.nodeName = this.hash(spec.nodeName);
    if (typeof spec.priorityClassName === 'string' && spec.priorityClassName !== '') {
      out.priorityClassName = this.hash(spec.priorityClassName);
    }
    if (spec.nodeSelector !== undefined) out.nodeSelector = this.labels(spec.nodeSelector);
    if (spec.affinity !== undefined) out.affinity = this.affinity(spec.affinity);
    if (Array.isArray(spec.tolerations)) out.tolerations = spec.tolerations.map((t) => this.toleration(t));
    if (Array.isArray(spec.topologySpreadConstraints)) {
      out.topologySpreadConstraints = spec.topologySpreadConstraints.map((c) =>
        isObj(c) ? { ...c, labelSelector: this.selector(c.labelSelector) } : c,
      );
      for (const c of out.topologySpreadConstraints as Json[])
        if (c.labelSelector === undefined) delete c.labelSelector;
    }
    for (const f of ['containers', 'initContainers']) {
      if (Array.isArray(spec[f])) out[f] = (spec[f] as unknown[]).map((c) => this.container(c));
    }
    if (Array.isArray(spec.schedulingGates)) {
      out.schedulingGates = spec.schedulingGates.map((g) =>
        isObj(g) && typeof g.name === 'string' ? { name: this.hash(g.name) } : g,
      );
    }
    if (Array.isArray(spec.volumes)) out.volumes = spec.volumes.map((v) => this.volume(v));
    return out;
  }

  /** metadata: names, namespace, uid, labels and owners hashed; annotations and the rest dropped. */
  metadata(meta: unknown): Json {
    if (!isObj(meta)) return {};
    const out: Json = {};
    for (const f of ['name', 'namespace', 'uid', 'generateName']) {
      if (typeof meta[f] === 'string' && meta[f] !== '') out[f] = this.hash(meta[f] as string);
    }
    for (const f of ['creationTimestamp', 'deletionTimestamp', 'resourceVersion', 'generation']) {
      if (meta[f] !== undefined) out[f] = meta[f];
    }
    if (meta.labels !== undefined) out.labels = this.labels(meta.labels);
    if (Array.isArray(meta.ownerReferences)) {
      out.ownerReferences = meta.ownerReferences.map((o) =>
        isObj(o)
          ? {
              ...o,
              name: typeof o.name === 'string' ? this.hash(o.name) : o.name,
              uid: typeof o.uid === 'string' ? this.hash(o.uid) : o.uid,
            }
          : o,
      );
    }
    return out;
  }

  private template(t: unknown): unknown {
    if (!isObj(t)) return t;
    return { metadata: this.metadata(t.metadata), spec: this.podSpec(t.spec) };
  }

  /** One object of any kind berth captures. */
  object(obj: KubeObject): KubeObject {
    const head: KubeObject = { apiVersion: obj.apiVersion, kind: obj.kind, metadata: this.metadata(obj.metadata) };
    const spec = isObj(obj.spec) ? obj.spec : undefined;
    const status = isObj(obj.status) ? obj.status : undefined;
    switch (obj.kind) {
      case 'Pod': {
        const s: Json = {};
        if (status?.phase !== undefined) s.phase = status.phase;
        if (typeof status?.nominatedNodeName === 'string') s.nominatedNodeName = this.hash(status.nominatedNodeName);
        return { ...head, spec: this.podSpec(spec), status: s };
      }
      case 'Node':
        return { ...head, spec: spec && this.nodeSpec(spec), status: status && this.nodeStatus(status) };
      case 'Namespace':
        return head;
      case 'Service':
        return { ...head, spec: spec && { type: spec.type, selector: this.labels(spec.selector) } };
      case 'ReplicaSet':
      case 'ReplicationController':
      case 'StatefulSet':
      case 'Deployment':
      case 'DaemonSet':
      case 'Job':
        return { ...head, spec: spec && this.workloadSpec(spec), status };
      case 'PodDisruptionBudget':
        return { ...head, spec: spec && { ...spec, selector: this.selector(spec.selector) }, status };
      case 'LimitRange':
        // Only resource names and quantities: nothing to hide.
        return { ...head, spec };
      case 'ResourceQuota':
        return { ...head, spec: spec && this.quotaSpec(spec) };
      case 'HorizontalPodAutoscaler':
        return { ...head, spec: spec && this.autoscalerSpec(spec) };
      case 'PriorityClass':
        return { ...head, value: obj.value, globalDefault: obj.globalDefault, preemptionPolicy: obj.preemptionPolicy };
      case 'PersistentVolumeClaim':
        return { ...head, spec: spec && this.claimSpec(spec), status: status && { phase: status.phase } };
      case 'PersistentVolume':
        return { ...head, spec: spec && this.volumeSpec(spec), status: status && { phase: status.phase } };
      case 'StorageClass':
        return {
          ...head,
          provisioner: obj.provisioner,
          volumeBindingMode: obj.volumeBindingMode,
          allowedTopologies: Array.isArray(obj.allowedTopologies)
            ? obj.allowedTopologies.map((t) =>
                isObj(t) && Array.isArray(t.matchLabelExpressions)
                  ? { matchLabelExpressions: t.matchLabelExpressions.map((e) => this.requirement(e)) }
                  : t,
              )
            : undefined,
        };
      default:
        return head;
    }
  }

  /** PriorityClass scopes name priority classes, whose names are hashed everywhere. */
  private quotaSpec(spec: Json): Json {
    const selector = isObj(spec.scopeSelector) ? spec.scopeSelector : undefined;
    if (!selector || !Array.isArray(selector.matchExpressions)) return spec;
    const matchExpressions = selector.matchExpressions.map((e) =>
      isObj(e) && e.scopeName === 'PriorityClass' && Array.isArray(e.values)
        ? { ...e, values: e.values.map((v) => (typeof v === 'string' ? this.hash(v) : v)) }
        : e,
    );
    return { ...spec, scopeSelector: { ...selector, matchExpressions } };
  }

  /** The target's name is hashed like its metadata; Object/External metrics name other objects: dropped. */
  private autoscalerSpec(spec: Json): Json {
    const ref = isObj(spec.scaleTargetRef) ? spec.scaleTargetRef : undefined;
    const metrics = Array.isArray(spec.metrics)
      ? spec.metrics.filter(
          (m) => isObj(m) && (m.type === 'Resource' || m.type === 'ContainerResource' || m.type === 'Pods'),
        )
      : spec.metrics;
    return {
      ...spec,
      scaleTargetRef: ref && { ...ref, name: typeof ref.name === 'string' ? this.hash(ref.name) : ref.name },
      metrics,
    };
  }

  private nodeSpec(spec: Json): Json {
    const out: Json = {};
    if (spec.unschedulable !== undefined) out.unschedulable = spec.unschedulable;
    if (Array.isArray(spec.taints)) out.taints = spec.taints.map((t) => this.toleration(t));
    return out;
  }

  private nodeStatus(status: Json): Json {
    const out: Json = {};
    for (const f of ['capacity', 'allocatable']) if (status[f] !== undefined) out[f] = status[f];
    if (Array.isArray(status.conditions)) {
      out.conditions = status.conditions.map((c) => (isObj(c) ? { type: c.type, status: c.status } : c));
    }
    if (Array.isArray(status.images)) {
      out.images = status.images.map((img) =>
        isObj(img) && Array.isArray(img.names)
          ? { ...img, names: img.names.map((n) => (typeof n === 'string' ? this.nodeImage(n) : n)) }
          : img,
      );
    }
    return out;
  }

  private workloadSpec(spec: Json): Json {
    const out: Json = { ...spec, selector: this.selector(spec.selector), template: this.template(spec.template) };
    if (spec.selector === undefined) delete out.selector;
    if (spec.template === undefined) delete out.template;
    if (typeof spec.serviceName === 'string') out.serviceName = this.hash(spec.serviceName);
    delete out.volumeClaimTemplates;
    return out;
  }

  private claimSpec(spec: Json): Json {
    const out: Json = {};
    for (const f of ['accessModes', 'resources', 'volumeMode']) if (spec[f] !== undefined) out[f] = spec[f];
    if (typeof spec.volumeName === 'string') out.volumeName = this.hash(spec.volumeName);
    if (typeof spec.storageClassName === 'string') out.storageClassName = this.hash(spec.storageClassName);
    if (spec.selector !== undefined) out.selector = this.selector(spec.selector);
    return out;
  }

  private volumeSpec(spec: Json): Json {
    const out: Json = {};
    for (const f of ['capacity', 'accessModes', 'volumeMode', 'persistentVolumeReclaimPolicy']) {
      if (spec[f] !== undefined) out[f] = spec[f];
    }
    if (typeof spec.storageClassName === 'string') out.storageClassName = this.hash(spec.storageClassName);
    const ref = spec.claimRef;
    if (isObj(ref)) {
      out.claimRef = {
        kind: ref.kind,
        name: typeof ref.name === 'string' ? this.hash(ref.name) : undefined,
        namespace: typeof ref.namespace === 'string' ? this.hash(ref.namespace) : undefined,
      };
    }
    const na = spec.nodeAffinity;
    if (isObj(na) && na.required !== undefined) out.nodeAffinity = { required: this.nodeSelector(na.required) };
    return out;
  }
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every object of every key anonymized with `key`; `original` maps hashes back. */
export function anonymizeSnapshot(
  snapshot: Record<string, KubeObject[]>,
  key: string,
): { snapshot: Record<string, KubeObject[]>; original: Map<string, string> } {
  const a = new Anonymizer(key);
  const out: Record<string, KubeObject[]> = {};
  for (const [k, items] of Object.entries(snapshot)) {
    out[k] = items.map((o) => {
      const kind = o.kind ?? (SNAPSHOT_KEYS as Record<string, string>)[k];
      return a.object({ ...o, kind });
    });
  }
  return { snapshot: out, original: a.original };
}
