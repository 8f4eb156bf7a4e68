// Checks the objects a trace carries with the loader's own checkers (src/load), so a trace pod or
// node is validated and defaulted exactly like one in a manifest, and a bad field is reported as
// `file:line field.path: what was expected`. Workloads get their template checked as a pod spec,
// plus the few fields the simulator's controllers read.
import type { Pod } from '../api/types.js';
import type { Checker, Obj } from '../load/check.js';
import { checkLabelSelector, checkMeta } from '../load/meta.js';
import { checkNode as loaderCheckNode } from '../load/node.js';
import { child } from '../load/path.js';
import { checkPodTemplate, checkPod as loaderCheckPod } from '../load/pod.js';

/** A pod, defaulted in place; true when it has no problems. */
export function checkPod(c: Checker, obj: unknown, path: string): obj is Pod {
  const before = c.errors.length;
  loaderCheckPod(c, obj, path);
  return c.errors.length === before;
}

/** A node, defaulted in place; true when it has no problems. */
export function checkNode(c: Checker, obj: unknown, path: string): boolean {
  const before = c.errors.length;
  loaderCheckNode(c, obj, path);
  return c.errors.length === before;
}

function checkIntOrPercent(c: Checker, v: unknown, path: string): void {
  if (v === undefined) return;
  const ok = (typeof v === 'number' && Number.isInteger(v) && v >= 0) || (typeof v === 'string' && /^\d+%$/.test(v));
  if (!ok)
    c.error('type', path, `expected a non-negative integer or a percentage such as "25%", got ${JSON.stringify(v)}`);
}

/** A Deployment, ReplicaSet, DaemonSet or Job (kind already checked); true when it has no problems. */
export function checkWorkload(c: Checker, obj: Obj, kind: string, path: string): boolean {
  const before = c.errors.length;
  const meta = checkMeta(c, obj, path);
  if (meta && !meta.namespace) meta.namespace = 'default';
  const sp = child(path, 'spec');
  if (!c.object(obj.spec, sp, true)) return false;
  const spec = obj.spec;
  checkPodTemplate(c, spec.template, child(sp, 'template'));
  if (kind !== 'Job') checkLabelSelector(c, spec.selector, child(sp, 'selector'), true);
  if (kind === 'Deployment' || kind === 'ReplicaSet' || kind === 'StatefulSet')
    c.integer(spec.replicas, child(sp, 'replicas'), 0);
  if (kind === 'StatefulSet')
    c.oneOf(spec.podManagementPolicy, child(sp, 'podManagementPolicy'), ['OrderedReady', 'Parallel']);
  if (kind === 'Job') {
    c.integer(spec.completions, child(sp, 'completions'), 0);
    c.integer(spec.parallelism, child(sp, 'parallelism'), 0);
    c.integer(spec.backoffLimit, child(sp, 'backoffLimit'), 0);
  }
  if (kind === 'Deployment' && c.object(spec.strategy, child(sp, 'strategy'))) {
    const st = child(sp, 'strategy');
    c.oneOf(spec.strategy.type, child(st, 'type'), ['RollingUpdate', 'Recreate']);
    const ru = child(st, 'rollingUpdate');
    if (c.object(spec.strategy.rollingUpdate, ru)) {
      checkIntOrPercent(c, spec.strategy.rollingUpdate.maxSurge, child(ru, 'maxSurge'));
      checkIntOrPercent(c, spec.strategy.rollingUpdate.maxUnavailable, child(ru, 'maxUnavailable'));
    }
  }
  return c.errors.length === before;
}
