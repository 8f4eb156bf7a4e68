// The kinds besides Pod and Node that scheduling and replay read: namespaces (namespace selectors),
// services and workloads (default spreading, controllers), disruption budgets, priority classes.
// Each checker validates and defaults in place; KINDS maps a kind to its checker and collection.

import { matchesLabelSelector } from '../api/labels.js';
import type {
  ClusterSnapshot,
  Deployment,
  Job,
  LabelSelector,
  Labels,
  ObjectMeta,
  PodDisruptionBudget,
  PriorityClass,
  ReplicaSet,
  Service,
  StatefulSet,
} from '../api/types.js';
import { checkLimitRange, checkResourceQuota } from './admission-objects.js';
import { type Checker, isObj, knownFields, type Obj, TOP_LEVEL_FIELDS } from './check.js';
import { checkHorizontalPodAutoscaler } from './hpa.js';
import { checkLabelSelector, checkLabels, checkMeta } from './meta.js';
import { checkNode } from './node.js';
import { child } from './path.js';
import { checkPod, checkPodTemplate } from './pod.js';

type Check = (c: Checker, v: unknown, path: string) => object | undefined;

/** Sets metadata.namespace to `default` when missing, as the API server does for namespaced kinds. */
function defaultNamespace(v: Obj): void {
  const meta = v.metadata;
  if (isObj(meta) && (meta.namespace === undefined || meta.namespace === null || meta.namespace === '')) {
    meta.namespace = 'default';
  }
}

/** Common start: object, top-level fields, metadata. Returns the object when it is one. */
function begin(c: Checker, v: unknown, path: string, namespaced: boolean): Obj | undefined {
  if (!c.object(v, path, true)) return undefined;
  c.fields(v, path, TOP_LEVEL_FIELDS);
  checkMeta(c, v, path);
  if (namespaced) defaultNamespace(v);
  return v;
}

/** Kinds kept as read (volumes are not modelled yet): only their metadata is checked. */
function checkOpaqueClusterScoped(c: Checker, v: unknown, path: string): object | undefined {
  if (!c.object(v, path, true)) return undefined;
  checkMeta(c, v, path);
  return v;
}

function checkOpaqueNamespaced(c: Checker, v: unknown, path: string): object | undefined {
  if (!c.object(v, path, true)) return undefined;
  checkMeta(c, v, path);
  defaultNamespace(v);
  return v;
}

// ---- Namespace, Service --------------------------------------------------------------------------

function checkNamespace(c: Checker, v: unknown, path: string): object | undefined {
  return begin(c, v, path, false);
}

const SERVICE_SPEC_FIELDS = knownFields<NonNullable<Service['spec']>>()(
  ['selector', 'ports', 'type'],
  [
    'clusterIP',
    'clusterIPs',
    'externalIPs',
    'sessionAffinity',
    'loadBalancerIP',
    'loadBalancerSourceRanges',
    'externalName',
    'externalTrafficPolicy',
    'healthCheckNodePort',
    'publishNotReadyAddresses',
    'sessionAffinityConfig',
    'ipFamilies',
    'ipFamilyPolicy',
    'allocateLoadBalancerNodePorts',
    'loadBalancerClass',
    'internalTrafficPolicy',
    'trafficDistribution',
  ],
);
const SERVICE_PORT_FIELDS = new Set(['name', 'protocol', 'appProtocol', 'port', 'targetPort', 'nodePort']);

function checkService(c: Checker, v: unknown, path: string): object | undefined {
  const svc = begin(c, v, path, true);
  if (!svc) return undefined;
  const sPath = child(path, 'spec');
  if (!c.object(svc.spec, sPath)) return svc;
  const spec = svc.spec;
  c.fields(spec, sPath, SERVICE_SPEC_FIELDS);
  if (spec.selector !== undefined && spec.selector !== null) checkLabels(c, spec.selector, child(sPath, 'selector'));
  c.string(spec.type, child(sPath, 'type'));
  const ports = spec.ports;
  const pPath = child(sPath, 'ports');
  if (c.array(ports, pPath)) {
    ports.forEach((port, i) => {
      const p = `${pPath}[${i}]`;
      if (!c.object(port, p, true)) return;
      c.fields(port, p, SERVICE_PORT_FIELDS);
      c.string(port.name, child(p, 'name'));
      c.integer(port.port, child(p, 'port'), 1, 65535, true);
      if (port.protocol === undefined || port.protocol === null || port.protocol === '') port.protocol = 'TCP';
      else c.oneOf(port.protocol, child(p, 'protocol'), ['TCP', 'UDP', 'SCTP']);
    });
  }
  return svc;
}

// ---- workloads ---------------------------------------------------------------------------------

/** replicas and the like: a non-negative int32. */
function checkCount(c: Checker, spec: Obj, key: string, path: string): void {
  c.integer(spec[key], child(path, key), 0, 2147483647);
}

/**
 * apps/v1 rules: a selector is required and not empty. It should match the template's labels (the
 * API server insists, or the controller would not own its pods), but snapshots written by tools,
 * the conformance cases among them, break this and only default spreading reads the selector:
 * a warning, not an error.
 */
function checkSelectorAndTemplate(c: Checker, spec: Obj, path: string, selectorRequired: boolean): void {
  const selPath = child(path, 'selector');
  const selOk = checkLabelSelector(c, spec.selector, selPath, selectorRequired);
  const template = checkPodTemplate(c, spec.template, child(path, 'template'));
  if (!selOk || !template) return;
  const sel = spec.selector as LabelSelector;
  if (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0) {
    c.error('selector', selPath, 'must not be empty');
    return;
  }
  const labels = template.metadata?.labels;
  if (!matchesLabelSelector(sel, isObj(labels) ? (labels as Labels) : {})) {
    c.warn('selector-mismatch', selPath, "does not match the template's labels (the API server would refuse this)");
  }
}

const RS_SPEC_FIELDS = knownFields<ReplicaSet['spec']>()(['replicas', 'selector', 'template'], ['minReadySeconds']);

function checkReplicaSet(c: Checker, v: unknown, path: string): object | undefined {
  const rs = begin(c, v, path, true);
  if (!rs) return undefined;
  const sPath = child(path, 'spec');
  if (!c.object(rs.spec, sPath, true)) return rs;
  c.fields(rs.spec, sPath, RS_SPEC_FIELDS);
  checkCount(c, rs.spec, 'replicas', sPath);
  checkSelectorAndTemplate(c, rs.spec, sPath, true);
  return rs;
}

const RC_SPEC_FIELDS = new Set(['replicas', 'selector', 'template', 'minReadySeconds']);

/** A ReplicationController's selector is a label map; empty, it defaults to the template's labels. */
function checkReplicationController(c: Checker, v: unknown, path: string): object | undefined {
  const rc = begin(c, v, path, true);
  if (!rc) return undefined;
  const sPath = child(path, 'spec');
  if (!c.object(rc.spec, sPath, true)) return rc;
  const spec = rc.spec;
  c.fields(spec, sPath, RC_SPEC_FIELDS);
  checkCount(c, spec, 'replicas', sPath);
  const selector = spec.selector;
  if (selector !== undefined && selector !== null) checkLabels(c, selector, child(sPath, 'selector'));
  const template = checkPodTemplate(c, spec.template, child(sPath, 'template'), false);
  const labels = template?.metadata?.labels;
  if (
    (selector === undefined || selector === null || (isObj(selector) && Object.keys(selector).length === 0)) &&
    isObj(labels)
  ) {
    spec.selector = { ...labels };
  }
  return rc;
}

const SS_SPEC_FIELDS = knownFields<StatefulSet['spec']>()(
  ['replicas', 'selector', 'template', 'serviceName', 'podManagementPolicy'],
  [
    'volumeClaimTemplates',
    'updateStrategy',
    'revisionHistoryLimit',
    'minReadySeconds',
    'persistentVolumeClaimRetentionPolicy',
    'ordinals',
  ],
);

function checkStatefulSet(c: Checker, v: unknown, path: string): object | undefined {
  const ss = begin(c, v, path, true);
  if (!ss) return undefined;
  const sPath = child(path, 'spec');
  if (!c.object(ss.spec, sPath, true)) return ss;
  c.fields(ss.spec, sPath, SS_SPEC_FIELDS);
  checkCount(c, ss.spec, 'replicas', sPath);
  c.string(ss.spec.serviceName, child(sPath, 'serviceName'));
  c.oneOf(ss.spec.podManagementPolicy, child(sPath, 'podManagementPolicy'), ['OrderedReady', 'Parallel']);
  checkSelectorAndTemplate(c, ss.spec, sPath, true);
  return ss;
}

/** An int-or-string that is a count or a percentage such as "25%". */
function checkIntOrPercent(c: Checker, v: unknown, path: string): void {
  if (v === undefined || v === null) return;
  if (typeof v === 'number') {
    c.integer(v, path, 0);
    return;
  }
  if (typeof v === 'string' && /^[0-9]+%$/.test(v)) return;
  c.error('type', path, `expected an integer or a percentage such as "25%", got ${JSON.stringify(v)}`);
}

const DEPLOYMENT_SPEC_FIELDS = knownFields<Deployment['spec']>()(
  ['replicas', 'selector', 'template', 'strategy'],
  ['minReadySeconds', 'revisionHistoryLimit', 'paused', 'progressDeadlineSeconds'],
);

function checkDeployment(c: Checker, v: unknown, path: string): object | undefined {
  const d = begin(c, v, path, true);
  if (!d) return undefined;
  const sPath = child(path, 'spec');
  if (!c.object(d.spec, sPath, true)) return d;
  const spec = d.spec;
  c.fields(spec, sPath, DEPLOYMENT_SPEC_FIELDS);
  checkCount(c, spec, 'replicas', sPath);
  checkSelectorAndTemplate(c, spec, sPath, true);
  const stPath = child(sPath, 'strategy');
  if (c.object(spec.strategy, stPath)) {
    c.oneOf(spec.strategy.type, child(stPath, 'type'), ['RollingUpdate', 'Recreate']);
    const ruPath = child(stPath, 'rollingUpdate');
    if (c.object(spec.strategy.rollingUpdate, ruPath)) {
      checkIntOrPercent(c, spec.strategy.rollingUpdate.maxSurge, child(ruPath, 'maxSurge'));
      checkIntOrPercent(c, spec.strategy.rollingUpdate.maxUnavailable, child(ruPath, 'maxUnavailable'));
    }
  }
  return d;
}

const DS_SPEC_FIELDS = new Set(['selector', 'template', 'updateStrategy', 'minReadySeconds', 'revisionHistoryLimit']);

function checkDaemonSet(c: Checker, v: unknown, path: string): object | undefined {
  const ds = begin(c, v, path, true);
  if (!ds) return undefined;
  const sPath = child(path, 'spec');
  if (!c.object(ds.spec, sPath, true)) return ds;
  c.fields(ds.spec, sPath, DS_SPEC_FIELDS);
  checkSelectorAndTemplate(c, ds.spec, sPath, true);
  return ds;
}

const JOB_SPEC_FIELDS = knownFields<Job['spec']>()(
  ['completions', 'parallelism', 'backoffLimit', 'completionMode', 'template', 'selector'],
  [
    'activeDeadlineSeconds',
    'podFailurePolicy',
    'successPolicy',
    'backoffLimitPerIndex',
    'maxFailedIndexes',
    'manualSelector',
    'ttlSecondsAfterFinished',
    'suspend',
    'podReplacementPolicy',
    'managedBy',
  ],
);

function checkJob(c: Checker, v: unknown, path: string): object | undefined {
  const job = begin(c, v, path, true);
  if (!job) return undefined;
  const sPath = child(path, 'spec');
  if (!c.object(job.spec, sPath, true)) return job;
  const spec = job.spec;
  c.fields(spec, sPath, JOB_SPEC_FIELDS);
  for (const key of ['completions', 'parallelism', 'backoffLimit']) checkCount(c, spec, key, sPath);
  c.oneOf(spec.completionMode, child(sPath, 'completionMode'), ['NonIndexed', 'Indexed']);
  checkLabelSelector(c, spec.selector, child(sPath, 'selector'));
  checkPodTemplate(c, spec.template, child(sPath, 'template'));
  return job;
}

const PDB_SPEC_FIELDS = knownFields<PodDisruptionBudget['spec']>()(
  ['selector', 'minAvailable', 'maxUnavailable'],
  ['unhealthyPodEvictionPolicy'],
);

function checkPodDisruptionBudget(c: Checker, v: unknown, path: string): object | undefined {
  const pdb = begin(c, v, path, true);
  if (!pdb) return undefined;
  const sPath = child(path, 'spec');
  if (!c.object(pdb.spec, sPath, true)) return pdb;
  const spec = pdb.spec;
  c.fields(spec, sPath, PDB_SPEC_FIELDS);
  checkLabelSelector(c, spec.selector, child(sPath, 'selector'));
  checkIntOrPercent(c, spec.minAvailable, child(sPath, 'minAvailable'));
  checkIntOrPercent(c, spec.maxUnavailable, child(sPath, 'maxUnavailable'));
  if (spec.minAvailable != null && spec.maxUnavailable != null) {
    c.error('pdb', child(sPath, 'maxUnavailable'), 'cannot be set together with minAvailable');
  }
  return pdb;
}

// ---- PriorityClass -----------------------------------------------------------------------------

/** The classes every cluster has (scheduling.k8s.io SystemPriorityClasses). */
export const SYSTEM_PRIORITY_CLASSES: readonly PriorityClass[] = [
  { metadata: { name: 'system-cluster-critical' }, value: 2000000000, preemptionPolicy: 'PreemptLowerPriority' },
  { metadata: { name: 'system-node-critical' }, value: 2000001000, preemptionPolicy: 'PreemptLowerPriority' },
];
const HIGHEST_USER_PRIORITY = 1000000000;
const PRIORITY_CLASS_FIELDS = knownFields<PriorityClass>()(
  ['apiVersion', 'kind', 'metadata', 'value', 'globalDefault', 'preemptionPolicy'],
  ['description'],
);

function checkPriorityClass(c: Checker, v: unknown, path: string): object | undefined {
  if (!c.object(v, path, true)) return undefined;
  c.fields(v, path, PRIORITY_CLASS_FIELDS);
  const meta: ObjectMeta | undefined = checkMeta(c, v, path);
  const valuePath = child(path, 'value');
  c.boolean(v.globalDefault, child(path, 'globalDefault'));
  c.string(v.description, child(path, 'description'));
  if (v.preemptionPolicy === undefined || v.preemptionPolicy === null || v.preemptionPolicy === '') {
    v.preemptionPolicy = 'PreemptLowerPriority';
  } else {
    c.oneOf(v.preemptionPolicy, child(path, 'preemptionPolicy'), ['PreemptLowerPriority', 'Never']);
  }
  if (!c.integer(v.value, valuePath, -2147483648, 2147483647, true)) return v;
  const name = typeof meta?.name === 'string' ? meta.name : '';
  const system = SYSTEM_PRIORITY_CLASSES.find((s) => s.metadata.name === name);
  if (system) {
    if (v.value !== system.value) {
      c.error('priority', valuePath, `must be ${system.value} for the built-in PriorityClass ${name}, got ${v.value}`);
    }
  } else if (name.startsWith('system-')) {
    c.error(
      'priority',
      child(child(path, 'metadata'), 'name'),
      'the prefix "system-" is reserved for built-in PriorityClasses',
    );
  } else if (v.value > HIGHEST_USER_PRIORITY) {
    c.error(
      'priority',
      valuePath,
      `must be at most ${HIGHEST_USER_PRIORITY} for a user-defined PriorityClass, got ${v.value}`,
    );
  }
  return v;
}

// ---- the kind table ----------------------------------------------------------------------------

export type Collection = Exclude<keyof ClusterSnapshot, 'pendingPods'>;

export interface KindInfo {
  collection: Collection;
  check: Check;
  /** Namespaced objects are told apart by namespace/name, the others by name. */
  namespaced: boolean;
}

export const KINDS: Readonly<Record<string, KindInfo>> = {
  Pod: { collection: 'pods', check: checkPod, namespaced: true },
  Node: { collection: 'nodes', check: checkNode, namespaced: false },
  Namespace: { collection: 'namespaces', check: checkNamespace, namespaced: false },
  Service: { collection: 'services', check: checkService, namespaced: true },
  ReplicaSet: { collection: 'replicaSets', check: checkReplicaSet, namespaced: true },
  ReplicationController: { collection: 'replicationControllers', check: checkReplicationController, namespaced: true },
  StatefulSet: { collection: 'statefulSets', check: checkStatefulSet, namespaced: true },
  Deployment: { collection: 'deployments', check: checkDeployment, namespaced: true },
  DaemonSet: { collection: 'daemonSets', check: checkDaemonSet, namespaced: true },
  Job: { collection: 'jobs', check: checkJob, namespaced: true },
  PodDisruptionBudget: { collection: 'podDisruptionBudgets', check: checkPodDisruptionBudget, namespaced: true },
  PriorityClass: { collection: 'priorityClasses', check: checkPriorityClass, namespaced: false },
  HorizontalPodAutoscaler: {
    collection: 'horizontalPodAutoscalers',
    check: checkHorizontalPodAutoscaler,
    namespaced: true,
  },
  LimitRange: { collection: 'limitRanges', check: checkLimitRange, namespaced: true },
  ResourceQuota: { collection: 'resourceQuotas', check: checkResourceQuota, namespaced: true },
  PersistentVolume: { collection: 'persistentVolumes', check: checkOpaqueClusterScoped, namespaced: false },
  PersistentVolumeClaim: { collection: 'persistentVolumeClaims', check: checkOpaqueNamespaced, namespaced: true },
  StorageClass: { collection: 'storageClasses', check: checkOpaqueClusterScoped, namespaced: false },
};

/** Snapshot keys (the conformance case format, extended) and the kind of their items. */
export const SNAPSHOT_KEYS: Readonly<Record<keyof ClusterSnapshot, string>> = {
  nodes: 'Node',
  pods: 'Pod',
  pendingPods: 'Pod',
  namespaces: 'Namespace',
  services: 'Service',
  replicaSets: 'ReplicaSet',
  replicationControllers: 'ReplicationController',
  statefulSets: 'StatefulSet',
  deployments: 'Deployment',
  daemonSets: 'DaemonSet',
  jobs: 'Job',
  podDisruptionBudgets: 'PodDisruptionBudget',
  priorityClasses: 'PriorityClass',
  horizontalPodAutoscalers: 'HorizontalPodAutoscaler',
  limitRanges: 'LimitRange',
  resourceQuotas: 'ResourceQuota',
  persistentVolumes: 'PersistentVolume',
  persistentVolumeClaims: 'PersistentVolumeClaim',
  storageClasses: 'StorageClass',
};
