// Pods and pod specs: what the scheduler reads, checked as the API server would, then defaulted as
// the API server and its admission plugins would before any scheduler sees the pod.

import { validateNodeSelector, validateNodeSelectorTerm } from '../api/node-selector.js';
import { validateToleration } from '../api/taints.js';
import type {
  Affinity,
  Container,
  ContainerPort,
  LabelSelector,
  LabelSelectorRequirement,
  NodeSelector,
  NodeSelectorTerm,
  Pod,
  PodAffinityTerm,
  PodSpec,
  PodTemplateSpec,
  PreferredSchedulingTerm,
  Toleration,
  TopologySpreadConstraint,
  WeightedPodAffinityTerm,
} from '../api/types.js';
import { type Checker, isObj, knownFields, type Obj, TOP_LEVEL_FIELDS } from './check.js';
import { checkLabelKey, checkLabelSelector, checkLabels, checkMeta, checkStrings } from './meta.js';
import { child } from './path.js';
import { checkRequirements, checkResourceList } from './resources.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

// ---- containers --------------------------------------------------------------------------------

const CONTAINER_FIELDS = knownFields<Container>()(
  ['name', 'image', 'resources', 'ports', 'restartPolicy'],
  [
    'command',
    'args',
    'workingDir',
    'envFrom',
    'env',
    'resizePolicy',
    'restartPolicyRules',
    'volumeMounts',
    'volumeDevices',
    'livenessProbe',
    'readinessProbe',
    'startupProbe',
    'lifecycle',
    'terminationMessagePath',
    'terminationMessagePolicy',
    'imagePullPolicy',
    'securityContext',
    'stdin',
    'stdinOnce',
    'tty',
  ],
);

const PORT_FIELDS = knownFields<ContainerPort>()(['name', 'containerPort', 'hostPort', 'protocol', 'hostIP']);
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;

/** Ports of one container; `hostPorts` collects `hostIP/protocol/port` to find duplicates. */
function checkPorts(c: Checker, ctr: Obj, path: string, hostNetwork: boolean, hostPorts: Set<string>): void {
  const ports = ctr.ports;
  const pPath = child(path, 'ports');
  if (!c.array(ports, pPath)) return;
  ports.forEach((port, i) => {
    const p = `${pPath}[${i}]`;
    if (!c.object(port, p, true)) return;
    c.fields(port, p, PORT_FIELDS);
    c.string(port.name, child(p, 'name'));
    const containerPort = port.containerPort;
    const cpOk = c.integer(containerPort, child(p, 'containerPort'), 1, 65535, true);
    let hostPort = port.hostPort;
    const hpPath = child(p, 'hostPort');
    const hpOk = hostPort === undefined || hostPort === null || hostPort === 0 || c.integer(hostPort, hpPath, 1, 65535);
    if (port.protocol === undefined || port.protocol === null || port.protocol === '') port.protocol = 'TCP';
    else c.oneOf(port.protocol, child(p, 'protocol'), PROTOCOLS);
    c.string(port.hostIP, child(p, 'hostIP'));
    // SetDefaults_Pod: on the host network, a container port is also a host port.
    if (hostNetwork && cpOk && (hostPort === undefined || hostPort === null || hostPort === 0)) {
      port.hostPort = containerPort;
      hostPort = containerPort;
    }
    if (hpOk && typeof hostPort === 'number' && hostPort > 0) {
      const key = `${typeof port.hostIP === 'string' ? port.hostIP : ''}/${String(port.protocol)}/${hostPort}`;
      // The API server refuses this, but conformance case 0193 has it and kube-scheduler copes: a warning.
      if (hostPorts.has(key)) {
        c.warn(
          'duplicate',
          hpPath,
          `duplicate host port ${hostPort}/${String(port.protocol)} (the API server would refuse this)`,
        );
      }
      hostPorts.add(key);
    }
  });
}

function checkContainers(
  c: Checker,
  spec: Obj,
  key: 'containers' | 'initContainers',
  path: string,
  names: Set<string>,
  hostNetwork: boolean,
): void {
  const list = spec[key];
  const lPath = child(path, key);
  const required = key === 'containers';
  if (!c.array(list, lPath, required)) return;
  if (required && list.length === 0) c.error('required', lPath, 'must have at least one container');
  const hostPorts = new Set<string>();
  list.forEach((ctr, i) => {
    const p = `${lPath}[${i}]`;
    if (!c.object(ctr, p, true)) return;
    c.fields(ctr, p, CONTAINER_FIELDS);
    const namePath = child(p, 'name');
    if (c.name(ctr.name, namePath)) {
      if (names.has(ctr.name)) c.error('duplicate', namePath, `duplicate container name ${JSON.stringify(ctr.name)}`);
      names.add(ctr.name);
    }
    c.string(ctr.image, child(p, 'image'));
    if (key === 'initContainers') c.oneOf(ctr.restartPolicy, child(p, 'restartPolicy'), ['Always']);
    else c.string(ctr.restartPolicy, child(p, 'restartPolicy'));
    checkRequirements(c, ctr, p);
    checkPorts(c, ctr, p, hostNetwork, hostPorts);
  });
}

// ---- affinity ----------------------------------------------------------------------------------

const NODE_SELECTOR_FIELDS = knownFields<NodeSelector>()(['nodeSelectorTerms']);
const TERM_FIELDS = knownFields<NodeSelectorTerm>()(['matchExpressions', 'matchFields']);
const NODE_REQUIREMENT_FIELDS = new Set(['key', 'operator', 'values']);
const PREFERRED_FIELDS = knownFields<PreferredSchedulingTerm>()(['weight', 'preference']);
const POD_AFFINITY_TERM_FIELDS = knownFields<PodAffinityTerm>()([
  'labelSelector',
  'namespaces',
  'namespaceSelector',
  'topologyKey',
  'matchLabelKeys',
  'mismatchLabelKeys',
]);
const WEIGHTED_TERM_FIELDS = knownFields<WeightedPodAffinityTerm>()(['weight', 'podAffinityTerm']);
const AFFINITY_FIELDS = knownFields<Affinity>()(['nodeAffinity', 'podAffinity', 'podAntiAffinity']);
const AFFINITY_KIND_FIELDS = new Set([
  'requiredDuringSchedulingIgnoredDuringExecution',
  'preferredDuringSchedulingIgnoredDuringExecution',
]);
const REQUIRED = 'requiredDuringSchedulingIgnoredDuringExecution';
const PREFERRED = 'preferredDuringSchedulingIgnoredDuringExecution';

/** The shape of one node selector term; the rules are the shared validator's. */
function termShape(c: Checker, term: unknown, path: string): term is NodeSelectorTerm {
  if (!c.object(term, path, true)) return false;
  c.fields(term, path, TERM_FIELDS);
  let ok = true;
  for (const key of ['matchExpressions', 'matchFields']) {
    const list = term[key];
    const lPath = child(path, key);
    if (!c.array(list, lPath)) {
      if (list !== undefined && list !== null) ok = false;
      continue;
    }
    list.forEach((req, i) => {
      const p = `${lPath}[${i}]`;
      if (!c.object(req, p, true)) {
        ok = false;
        return;
      }
      c.fields(req, p, NODE_REQUIREMENT_FIELDS);
      if (!c.string(req.key, child(p, 'key'), true)) ok = false;
      if (!c.string(req.operator, child(p, 'operator'), true)) ok = false;
      if (req.values !== undefined && req.values !== null && !checkStrings(c, req.values, child(p, 'values')))
        ok = false;
    });
  }
  return ok;
}

function checkNodeAffinity(c: Checker, na: unknown, path: string): void {
  if (!c.object(na, path)) return;
  c.fields(na, path, AFFINITY_KIND_FIELDS);
  const required = na[REQUIRED];
  const rPath = child(path, REQUIRED);
  if (c.object(required, rPath)) {
    c.fields(required, rPath, NODE_SELECTOR_FIELDS);
    const terms = required.nodeSelectorTerms;
    const tPath = child(rPath, 'nodeSelectorTerms');
    if (c.array(terms, tPath, true)) {
      let ok = true;
      terms.forEach((term, i) => {
        if (!termShape(c, term, `${tPath}[${i}]`)) ok = false;
      });
      if (ok) c.addErrors(validateNodeSelector(required as unknown as NodeSelector, rPath));
    }
  }
  const preferred = na[PREFERRED];
  const pPath = child(path, PREFERRED);
  if (c.array(preferred, pPath)) {
    preferred.forEach((pref, i) => {
      const p = `${pPath}[${i}]`;
      if (!c.object(pref, p, true)) return;
      c.fields(pref, p, PREFERRED_FIELDS);
      c.integer(pref.weight, child(p, 'weight'), 1, 100, true);
      const prefPath = child(p, 'preference');
      if (termShape(c, pref.preference, prefPath)) {
        c.addErrors(validateNodeSelectorTerm(pref.preference, prefPath));
      }
    });
  }
}

function checkPodAffinityTerm(c: Checker, term: unknown, path: string, labels: Obj | undefined): void {
  if (!c.object(term, path, true)) return;
  c.fields(term, path, POD_AFFINITY_TERM_FIELDS);
  const selOk = checkLabelSelector(c, term.labelSelector, child(path, 'labelSelector'));
  checkLabelSelector(c, term.namespaceSelector, child(path, 'namespaceSelector'));
  checkStrings(c, term.namespaces, child(path, 'namespaces'));
  const tk = child(path, 'topologyKey');
  if (c.name(term.topologyKey, tk)) checkLabelKey(c, term.topologyKey, tk);
  const keysOk = [
    checkKeyList(c, term.matchLabelKeys, child(path, 'matchLabelKeys')),
    checkKeyList(c, term.mismatchLabelKeys, child(path, 'mismatchLabelKeys')),
  ];
  // Admission (MatchLabelKeysInPodAffinity): the pod's own values join the selector.
  if (labels && selOk && keysOk[0] && keysOk[1]) {
    mergeLabelKeys(term.labelSelector as LabelSelector, term.matchLabelKeys as string[] | undefined, labels, 'In');
    mergeLabelKeys(
      term.labelSelector as LabelSelector,
      term.mismatchLabelKeys as string[] | undefined,
      labels,
      'NotIn',
    );
  }
}

function checkKeyList(c: Checker, v: unknown, path: string): boolean {
  if (v === undefined || v === null) return true;
  if (!checkStrings(c, v, path)) return false;
  let ok = true;
  v.forEach((key, i) => {
    if (!checkLabelKey(c, key, `${path}[${i}]`)) ok = false;
  });
  return ok;
}

/**
 * For each key the pod has, `key In [value]` (or NotIn) joins the selector's expressions, as the API
 * server does when it creates the pod. A selector that already holds the requirement is left as is,
 * so loading a saved snapshot again changes nothing. A null selector stays null (it matches nothing).
 */
function mergeLabelKeys(
  sel: LabelSelector | null | undefined,
  keys: readonly string[] | undefined,
  labels: Obj,
  operator: 'In' | 'NotIn',
): void {
  if (!sel || !keys || keys.length === 0) return;
  for (const key of keys) {
    const value = labels[key];
    if (typeof value !== 'string' || !Object.hasOwn(labels, key)) continue;
    const expressions: LabelSelectorRequirement[] = (sel.matchExpressions ??= []);
    const present = expressions.some(
      (e) => e.key === key && e.operator === operator && e.values?.length === 1 && e.values[0] === value,
    );
    if (!present) expressions.push({ key, operator, values: [value] });
  }
}

function checkPodAffinity(c: Checker, pa: unknown, path: string, labels: Obj | undefined): void {
  if (!c.object(pa, path)) return;
  c.fields(pa, path, AFFINITY_KIND_FIELDS);
  const required = pa[REQUIRED];
  const rPath = child(path, REQUIRED);
  if (c.array(required, rPath)) {
    required.forEach((t, i) => {
      checkPodAffinityTerm(c, t, `${rPath}[${i}]`, labels);
    });
  }
  const preferred = pa[PREFERRED];
  const pPath = child(path, PREFERRED);
  if (c.array(preferred, pPath)) {
    preferred.forEach((w, i) => {
      const p = `${pPath}[${i}]`;
      if (!c.object(w, p, true)) return;
      c.fields(w, p, WEIGHTED_TERM_FIELDS);
      c.integer(w.weight, child(p, 'weight'), 1, 100, true);
      checkPodAffinityTerm(c, w.podAffinityTerm, child(p, 'podAffinityTerm'), labels);
    });
  }
}

function checkAffinity(c: Checker, spec: Obj, path: string, labels: Obj | undefined): void {
  const aPath = child(path, 'affinity');
  const affinity = spec.affinity;
  if (!c.object(affinity, aPath)) return;
  c.fields(affinity, aPath, AFFINITY_FIELDS);
  checkNodeAffinity(c, affinity.nodeAffinity, child(aPath, 'nodeAffinity'));
  checkPodAffinity(c, affinity.podAffinity, child(aPath, 'podAffinity'), labels);
  checkPodAffinity(c, affinity.podAntiAffinity, child(aPath, 'podAntiAffinity'), labels);
}

// ---- tolerations and topology spread -----------------------------------------------------------

const TOLERATION_FIELDS = knownFields<Toleration>()(['key', 'operator', 'value', 'effect', 'tolerationSeconds']);

function checkTolerations(c: Checker, spec: Obj, path: string): void {
  const list = spec.tolerations;
  const tPath = child(path, 'tolerations');
  if (!c.array(list, tPath)) return;
  list.forEach((t, i) => {
    const p = `${tPath}[${i}]`;
    if (!c.object(t, p, true)) return;
    c.fields(t, p, TOLERATION_FIELDS);
    let ok = true;
    for (const key of ['key', 'operator', 'value', 'effect'])
      if (!c.string(t[key], child(p, key)) && t[key] != null) ok = false;
    if (!c.integer(t.tolerationSeconds, child(p, 'tolerationSeconds')) && t.tolerationSeconds != null) ok = false;
    if (!ok) return;
    c.addErrors(validateToleration(t as Toleration, p));
    // SetDefaults: an empty operator is Equal.
    if (t.operator === undefined || t.operator === null || t.operator === '') t.operator = 'Equal';
  });
}

const SPREAD_FIELDS = knownFields<TopologySpreadConstraint>()([
  'maxSkew',
  'topologyKey',
  'whenUnsatisfiable',
  'labelSelector',
  'minDomains',
  'nodeAffinityPolicy',
  'nodeTaintsPolicy',
  'matchLabelKeys',
]);

function checkSpread(c: Checker, spec: Obj, path: string, labels: Obj | undefined): void {
  const list = spec.topologySpreadConstraints;
  const lPath = child(path, 'topologySpreadConstraints');
  if (!c.array(list, lPath)) return;
  const seen = new Set<string>();
  list.forEach((tsc, i) => {
    const p = `${lPath}[${i}]`;
    if (!c.object(tsc, p, true)) return;
    c.fields(tsc, p, SPREAD_FIELDS);
    c.integer(tsc.maxSkew, child(p, 'maxSkew'), 1, INT32_MAX, true);
    const tkPath = child(p, 'topologyKey');
    const tkOk = c.name(tsc.topologyKey, tkPath) && checkLabelKey(c, tsc.topologyKey, tkPath);
    const whenPath = child(p, 'whenUnsatisfiable');
    const whenOk = c.oneOf(tsc.whenUnsatisfiable, whenPath, ['DoNotSchedule', 'ScheduleAnyway'], true);
    const mdPath = child(p, 'minDomains');
    if (c.integer(tsc.minDomains, mdPath, 1, INT32_MAX) && whenOk && tsc.whenUnsatisfiable !== 'DoNotSchedule') {
      c.error(
        'min-domains',
        mdPath,
        `can only be set when whenUnsatisfiable is DoNotSchedule, not ${tsc.whenUnsatisfiable}`,
      );
    }
    c.oneOf(tsc.nodeAffinityPolicy, child(p, 'nodeAffinityPolicy'), ['Honor', 'Ignore']);
    c.oneOf(tsc.nodeTaintsPolicy, child(p, 'nodeTaintsPolicy'), ['Honor', 'Ignore']);
    const selOk = checkLabelSelector(c, tsc.labelSelector, child(p, 'labelSelector'));
    const mlkPath = child(p, 'matchLabelKeys');
    const keysOk = checkKeyList(c, tsc.matchLabelKeys, mlkPath);
    if (keysOk && Array.isArray(tsc.matchLabelKeys) && tsc.matchLabelKeys.length > 0 && tsc.labelSelector == null) {
      c.error('match-label-keys', mlkPath, 'must not be set when labelSelector is not set');
    }
    if (tkOk && whenOk) {
      const pair = `${String(tsc.topologyKey)}\u0000${String(tsc.whenUnsatisfiable)}`;
      if (seen.has(pair)) {
        c.error(
          'duplicate',
          p,
          `duplicate constraint for topologyKey ${JSON.stringify(tsc.topologyKey)} and whenUnsatisfiable ${tsc.whenUnsatisfiable}`,
        );
      }
      seen.add(pair);
    }
    // Admission (MatchLabelKeysInPodTopologySpreadSelectorMerge, on since v1.34): the pod's values
    // for matchLabelKeys join the selector; matchLabelKeys stays in place.
    if (labels && selOk && keysOk) {
      mergeLabelKeys(tsc.labelSelector as LabelSelector, tsc.matchLabelKeys as string[] | undefined, labels, 'In');
    }
  });
}

// ---- pod spec ----------------------------------------------------------------------------------

const POD_SPEC_FIELDS = knownFields<PodSpec>()(
  [
    'nodeName',
    'schedulerName',
    'containers',
    'initContainers',
    'overhead',
    'resources',
    'nodeSelector',
    'affinity',
    'tolerations',
    'topologySpreadConstraints',
    'priority',
    'priorityClassName',
    'preemptionPolicy',
    'schedulingGates',
    'volumes',
    'hostNetwork',
    'restartPolicy',
    'terminationGracePeriodSeconds',
    'activeDeadlineSeconds',
  ],
  [
    'ephemeralContainers',
    'dnsPolicy',
    'serviceAccountName',
    'serviceAccount',
    'automountServiceAccountToken',
    'hostPID',
    'hostIPC',
    'shareProcessNamespace',
    'securityContext',
    'imagePullSecrets',
    'hostname',
    'subdomain',
    'hostAliases',
    'dnsConfig',
    'readinessGates',
    'runtimeClassName',
    'enableServiceLinks',
    'setHostnameAsFQDN',
    'os',
    'hostUsers',
    'resourceClaims',
    'hostnameOverride',
    'workloadRef',
  ],
);

export interface SpecOptions {
  /** The pod's labels, when the spec belongs to a pod being created: admission merges matchLabelKeys. */
  labels?: Obj;
}

/** A pod spec (of a pod or a template): checked, then defaulted in place. */
export function checkPodSpec(c: Checker, spec: Obj, path: string, opts: SpecOptions = {}): void {
  c.fields(spec, path, POD_SPEC_FIELDS);
  const hostNetwork = spec.hostNetwork === true;
  c.boolean(spec.hostNetwork, child(path, 'hostNetwork'));
  const names = new Set<string>();
  checkContainers(c, spec, 'containers', path, names, hostNetwork);
  checkContainers(c, spec, 'initContainers', path, names, hostNetwork);
  checkResourceList(c, spec, 'overhead', path);
  checkRequirements(c, spec, path, true);
  c.integer(spec.activeDeadlineSeconds, child(path, 'activeDeadlineSeconds'), 1);
  if (spec.nodeSelector !== undefined && spec.nodeSelector !== null)
    checkLabels(c, spec.nodeSelector, child(path, 'nodeSelector'));
  checkAffinity(c, spec, path, opts.labels);
  checkTolerations(c, spec, path);
  checkSpread(c, spec, path, opts.labels);
  c.string(spec.nodeName, child(path, 'nodeName'));
  if (spec.schedulerName === undefined || spec.schedulerName === null || spec.schedulerName === '') {
    spec.schedulerName = 'default-scheduler';
  } else {
    c.string(spec.schedulerName, child(path, 'schedulerName'));
  }
  c.integer(spec.priority, child(path, 'priority'), INT32_MIN, INT32_MAX);
  c.string(spec.priorityClassName, child(path, 'priorityClassName'));
  c.oneOf(spec.preemptionPolicy, child(path, 'preemptionPolicy'), ['PreemptLowerPriority', 'Never']);
  c.oneOf(spec.restartPolicy, child(path, 'restartPolicy'), ['Always', 'OnFailure', 'Never']);
  c.integer(spec.terminationGracePeriodSeconds, child(path, 'terminationGracePeriodSeconds'), 0);
  const gates = spec.schedulingGates;
  const gPath = child(path, 'schedulingGates');
  if (c.array(gates, gPath)) {
    const seen = new Set<string>();
    gates.forEach((g, i) => {
      const p = `${gPath}[${i}]`;
      if (!c.object(g, p, true) || !c.name(g.name, child(p, 'name'))) return;
      if (seen.has(g.name))
        c.error('duplicate', child(p, 'name'), `duplicate scheduling gate ${JSON.stringify(g.name)}`);
      seen.add(g.name);
    });
  }
  const volumes = spec.volumes;
  const vPath = child(path, 'volumes');
  if (c.array(volumes, vPath)) {
    volumes.forEach((v, i) => {
      const p = `${vPath}[${i}]`;
      if (c.object(v, p, true)) c.name(v.name, child(p, 'name'));
    });
  }
}

// ---- pods and templates ------------------------------------------------------------------------

const POD_STATUS_FIELDS = new Set([
  'phase',
  'nominatedNodeName',
  'conditions',
  'message',
  'reason',
  'hostIP',
  'hostIPs',
  'podIP',
  'podIPs',
  'startTime',
  'initContainerStatuses',
  'containerStatuses',
  'ephemeralContainerStatuses',
  'qosClass',
  'resize',
  'resourceClaimStatuses',
  'extendedResourceClaimStatus',
  'observedGeneration',
  'allocatedResources',
  'resources',
]);
const PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const;

/**
 * One Pod: checked, then defaulted in place (namespace `default`, uid `namespace/name`, requests from
 * limits, toleration operator Equal, port protocol TCP, matchLabelKeys merged into selectors). Priority
 * needs the PriorityClasses and is resolved later (resolvePriority). Returns the object as a Pod when
 * it is an object at all; whether it is valid is in the checker's errors.
 */
export function checkPod(c: Checker, v: unknown, path: string): Pod | undefined {
  if (!c.object(v, path, true)) return undefined;
  c.fields(v, path, TOP_LEVEL_FIELDS);
  const meta = checkMeta(c, v, path);
  if (meta) {
    if (meta.namespace === undefined || meta.namespace === null || meta.namespace === '') meta.namespace = 'default';
    if ((meta.uid === undefined || meta.uid === null || meta.uid === '') && typeof meta.name === 'string') {
      meta.uid = `${meta.namespace}/${meta.name}`;
    }
  }
  const labels = meta && isObj(meta.labels) ? meta.labels : {};
  const specPath = child(path, 'spec');
  if (c.object(v.spec, specPath, true)) checkPodSpec(c, v.spec, specPath, { labels });
  const status = v.status;
  const sPath = child(path, 'status');
  if (c.object(status, sPath)) {
    c.fields(status, sPath, POD_STATUS_FIELDS);
    c.oneOf(status.phase, child(sPath, 'phase'), PHASES);
    c.string(status.nominatedNodeName, child(sPath, 'nominatedNodeName'));
  }
  return v as unknown as Pod;
}

const TEMPLATE_FIELDS = knownFields<PodTemplateSpec>()(['metadata', 'spec']);

/** A workload's pod template: metadata optional, spec required; defaulted like a pod spec. */
export function checkPodTemplate(c: Checker, v: unknown, path: string, required = true): PodTemplateSpec | undefined {
  if (!c.object(v, path, required)) return undefined;
  c.fields(v, path, TEMPLATE_FIELDS);
  checkMeta(c, v, path, { template: true });
  const specPath = child(path, 'spec');
  if (c.object(v.spec, specPath, true)) checkPodSpec(c, v.spec, specPath);
  return v as unknown as PodTemplateSpec;
}

/** Pod phases in which a pod holds no resources on its node. */
export function isFinished(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}
