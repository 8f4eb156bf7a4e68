// The Priority admission plugin: a pod's priority comes from its PriorityClass (or the global
// default class), never from the pod alone. Resolved once every PriorityClass of the input is known.

import type { Pod, PriorityClass } from '../api/types.js';
import { type Checker, isObj } from './check.js';
import { SYSTEM_PRIORITY_CLASSES } from './objects.js';
import { child } from './path.js';

export interface PriorityTable {
  byName: ReadonlyMap<string, PriorityClass>;
  globalDefault?: PriorityClass;
}

/** The input's classes plus the built-in system classes; the first globalDefault wins. */
export function priorityTable(classes: readonly PriorityClass[]): PriorityTable {
  const byName = new Map<string, PriorityClass>();
  for (const pc of SYSTEM_PRIORITY_CLASSES) byName.set(pc.metadata.name, pc);
  let globalDefault: PriorityClass | undefined;
  for (const pc of classes) {
    if (typeof pc.metadata?.name !== 'string' || typeof pc.value !== 'number') continue;
    byName.set(pc.metadata.name, pc);
    if (pc.globalDefault === true && !globalDefault) globalDefault = pc;
  }
  return { byName, globalDefault };
}

/**
 * Sets spec.priority (and preemptionPolicy when unset) as admission would: from priorityClassName;
 * without a class, from the global default class, else 0. Two liberties for cluster dumps: a pod with
 * an explicit priority and no class keeps it, and a pod naming a class missing from the input keeps
 * its explicit priority with a warning (only a pod with neither is an error).
 */
export function resolvePriority(c: Checker, pod: Pod, path: string, table: PriorityTable): void {
  const spec = pod.spec as unknown;
  if (!isObj(spec)) return;
  const specPath = child(path, 'spec');
  const className = spec.priorityClassName;
  const explicit = typeof spec.priority === 'number' && Number.isInteger(spec.priority) ? spec.priority : undefined;
  let cls: PriorityClass | undefined;
  if (typeof className === 'string' && className !== '') {
    cls = table.byName.get(className);
    const namePath = child(specPath, 'priorityClassName');
    if (!cls) {
      if (explicit === undefined)
        c.error('unknown-priority-class', namePath, `no PriorityClass named ${JSON.stringify(className)}`);
      else {
        c.warn(
          'unknown-priority-class',
          namePath,
          `no PriorityClass named ${JSON.stringify(className)} in the input; keeping spec.priority ${explicit}`,
        );
      }
      return;
    }
    if (explicit !== undefined && explicit !== cls.value) {
      c.error(
        'priority',
        child(specPath, 'priority'),
        `${explicit} does not match the value ${cls.value} of PriorityClass ${JSON.stringify(className)}`,
      );
      return;
    }
  } else if (explicit === undefined && table.globalDefault) {
    cls = table.globalDefault;
    spec.priorityClassName = cls.metadata.name;
  }
  if (explicit === undefined) spec.priority = cls ? cls.value : 0;
  if (spec.preemptionPolicy === undefined || spec.preemptionPolicy === null) {
    spec.preemptionPolicy = cls?.preemptionPolicy ?? 'PreemptLowerPriority';
  }
}
