// Nodes: name and labels, taints, capacity and allocatable, images, conditions.

import { labelKeyErrors, labelValueErrors } from '../api/labels.js';
import type { ContainerImage, Node, NodeCondition, Taint } from '../api/types.js';
import { type Checker, knownFields, type Obj, TOP_LEVEL_FIELDS } from './check.js';
import { checkMeta, checkStrings } from './meta.js';
import { child } from './path.js';
import { checkResourceList } from './resources.js';

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const TAINT_FIELDS = knownFields<Taint>()(['key', 'value', 'effect', 'timeAdded']);

/** core validation validateNodeTaints: key a label key, value a label value, effect one of three, unique key+effect. */
function checkTaints(c: Checker, spec: Obj, path: string): void {
  const list = spec.taints;
  const tPath = child(path, 'taints');
  if (!c.array(list, tPath)) return;
  const seen = new Set<string>();
  list.forEach((t, i) => {
    const p = `${tPath}[${i}]`;
    if (!c.object(t, p, true)) return;
    c.fields(t, p, TAINT_FIELDS);
    const keyPath = child(p, 'key');
    const keyOk = c.name(t.key, keyPath);
    if (keyOk) {
      for (const m of labelKeyErrors(t.key as string)) {
        c.error('label-key', keyPath, `${JSON.stringify(t.key)} is not a valid taint key: ${m}`);
      }
    }
    const valuePath = child(p, 'value');
    if (c.string(t.value, valuePath)) {
      const errors = labelValueErrors(t.value);
      if (errors.length > 0) {
        c.error(
          'label-value',
          valuePath,
          `${JSON.stringify(t.value)} is not a valid taint value: ${errors.join('; ')}`,
        );
      }
    }
    const effectPath = child(p, 'effect');
    let effectOk = false;
    if (c.name(t.effect, effectPath)) {
      effectOk = TAINT_EFFECTS.includes(t.effect);
      if (!effectOk) {
        c.error(
          'effect',
          effectPath,
          `${JSON.stringify(t.effect)} is not a taint effect (expected NoSchedule, PreferNoSchedule or NoExecute)`,
        );
      }
    }
    c.string(t.timeAdded, child(p, 'timeAdded'));
    if (keyOk && effectOk) {
      const pair = `${t.key as string}:${t.effect as string}`;
      if (seen.has(pair)) c.error('duplicate', p, `duplicate taint ${pair} (taints must be unique by key and effect)`);
      seen.add(pair);
    }
  });
}

const IMAGE_FIELDS = knownFields<ContainerImage>()(['names', 'sizeBytes']);
const CONDITION_FIELDS = knownFields<NodeCondition>()(
  ['type', 'status'],
  ['lastHeartbeatTime', 'lastTransitionTime', 'reason', 'message'],
);
const NODE_SPEC_FIELDS = knownFields<NonNullable<Node['spec']>>()(
  ['unschedulable', 'taints', 'providerID', 'podCIDR'],
  ['podCIDRs', 'configSource', 'externalID'],
);
const NODE_STATUS_FIELDS = knownFields<NonNullable<Node['status']>>()(
  ['capacity', 'allocatable', 'images', 'conditions', 'phase'],
  [
    'addresses',
    'daemonEndpoints',
    'nodeInfo',
    'volumesInUse',
    'volumesAttached',
    'config',
    'runtimeHandlers',
    'features',
    'declaredFeatures',
  ],
);

function checkNodeStatus(c: Checker, status: Obj, path: string): void {
  c.fields(status, path, NODE_STATUS_FIELDS);
  checkResourceList(c, status, 'capacity', path);
  checkResourceList(c, status, 'allocatable', path);
  c.string(status.phase, child(path, 'phase'));
  const images = status.images;
  const iPath = child(path, 'images');
  if (c.array(images, iPath)) {
    images.forEach((img, i) => {
      const p = `${iPath}[${i}]`;
      if (!c.object(img, p, true)) return;
      c.fields(img, p, IMAGE_FIELDS);
      checkStrings(c, img.names, child(p, 'names'));
      c.integer(img.sizeBytes, child(p, 'sizeBytes'), 0);
    });
  }
  const conditions = status.conditions;
  const cPath = child(path, 'conditions');
  if (c.array(conditions, cPath)) {
    conditions.forEach((cond, i) => {
      const p = `${cPath}[${i}]`;
      if (!c.object(cond, p, true)) return;
      c.fields(cond, p, CONDITION_FIELDS);
      c.name(cond.type, child(p, 'type'));
      c.oneOf(cond.status, child(p, 'status'), ['True', 'False', 'Unknown'], true);
    });
  }
}

/**
 * One Node, checked and defaulted: allocatable = capacity when only capacity is given (as the API
 * server does). A node whose allocatable has no `pods` keeps it missing: the scheduler then allows
 * no pod there, so a warning says so.
 */
export function checkNode(c: Checker, v: unknown, path: string): Node | undefined {
  if (!c.object(v, path, true)) return undefined;
  c.fields(v, path, TOP_LEVEL_FIELDS);
  checkMeta(c, v, path);
  const specPath = child(path, 'spec');
  if (c.object(v.spec, specPath)) {
    const spec = v.spec;
    c.fields(spec, specPath, NODE_SPEC_FIELDS);
    c.boolean(spec.unschedulable, child(specPath, 'unschedulable'));
    c.string(spec.providerID, child(specPath, 'providerID'));
    c.string(spec.podCIDR, child(specPath, 'podCIDR'));
    checkTaints(c, spec, specPath);
  }
  const statusPath = child(path, 'status');
  if (c.object(v.status, statusPath)) {
    const status = v.status;
    checkNodeStatus(c, status, statusPath);
    if ((status.allocatable === undefined || status.allocatable === null) && isPlain(status.capacity)) {
      status.allocatable = { ...status.capacity };
    }
  }
  const allocatable = (v.status as Obj | undefined)?.allocatable;
  if (!isPlain(allocatable) || !('pods' in allocatable)) {
    c.warn(
      'no-pods-allocatable',
      child(statusPath, 'allocatable'),
      'has no "pods": the scheduler allows no pods on this node (set e.g. pods: "110")',
    );
  }
  return v as unknown as Node;
}

function isPlain(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
