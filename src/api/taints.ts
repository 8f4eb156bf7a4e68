// Taints and tolerations, exactly as kube-scheduler v1.35 reads them (k8s.io/api core/v1
// Toleration.ToleratesTaint, k8s.io/component-helpers scheduling/corev1 FindMatchingUntoleratedTaint,
// the TaintToleration plugin). Missing strings are "": a taint without a value, a toleration without
// a key, value, effect or operator (an empty operator means Equal).
//
// v1.35 adds toleration operators Lt and Gt (numeric comparison of the taint value with the
// toleration value, both canonical decimal int64) behind the alpha feature gate
// TaintTolerationComparisonOperators, OFF by default: with the gate off the API server rejects them
// and ToleratesTaint treats them as not tolerating. berth implements the default (gate off).
import { isValidLabelValue, labelKeyErrors, labelValueErrors } from './labels.js';
import type { Problem } from './problem.js';
import type { Taint, TaintEffect, Toleration } from './types.js';

const EFFECTS: readonly string[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] satisfies TaintEffect[];

/**
 * v1.Toleration.ToleratesTaint: the effect is empty or equal; the key is empty (all keys) or equal;
 * then operator Exists tolerates any value, Equal or empty needs equal values; any other operator
 * (including Lt/Gt, feature gate off) tolerates nothing.
 */
export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? '') {
    case '':
    case 'Equal':
      return (toleration.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/** Whether any of the tolerations tolerates the taint. */
export function tolerationsTolerateTaint(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => tolerates(t, taint));
}

/** The taints the TaintToleration filter cares about (upstream DoNotScheduleTaintsFilterFunc). */
export function isNoScheduleOrNoExecute(taint: Taint): boolean {
  return taint.effect === 'NoSchedule' || taint.effect === 'NoExecute';
}

/**
 * FindMatchingUntoleratedTaint: the first taint, in node order, that passes `filter` and that no
 * toleration tolerates. The TaintToleration filter uses isNoScheduleOrNoExecute and reports
 * `node(s) had untolerated taint {key: value}` for it.
 */
export function findUntoleratedTaint(
  taints: readonly Taint[] | undefined,
  tolerations: readonly Toleration[] | undefined,
  filter: (taint: Taint) => boolean,
): Taint | undefined {
  for (const taint of taints ?? []) {
    if (filter(taint) && !tolerationsTolerateTaint(tolerations, taint)) return taint;
  }
  return undefined;
}

/**
 * TaintToleration score: the number of PreferNoSchedule taints not tolerated by the pod's tolerations
 * whose effect is empty or PreferNoSchedule (the plugin's PreScore keeps only those).
 */
export function countIntolerablePreferNoSchedule(
  taints: readonly Taint[] | undefined,
  tolerations: readonly Toleration[] | undefined,
): number {
  const relevant = (tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
  let count = 0;
  for (const taint of taints ?? []) {
    if (taint.effect === 'PreferNoSchedule' && !tolerationsTolerateTaint(relevant, taint)) count++;
  }
  return count;
}

/**
 * The API server's rules for one toleration (core validation validateTolerations, v1.35, feature gate
 * off): a non-empty key is a label key; an empty key needs operator Exists; tolerationSeconds only
 * with effect NoExecute; operator Equal (or empty) needs a label value, Exists no value, nothing else
 * (Lt/Gt need the alpha gate); effect empty or NoSchedule, PreferNoSchedule, NoExecute.
 */
export function validateToleration(t: Toleration, path: string): Problem[] {
  const problems: Problem[] = [];
  const key = t.key ?? '';
  const operator: string = t.operator ?? '';
  const value = t.value ?? '';
  const effect: string = t.effect ?? '';
  if (key !== '') {
    for (const m of labelKeyErrors(key)) {
      problems.push({
        code: 'label-key',
        path: `${path}.key`,
        message: `${JSON.stringify(key)} is not a valid taint key: ${m}`,
      });
    }
  }
  if (key === '' && operator !== 'Exists') {
    problems.push({
      code: 'operator',
      path: `${path}.operator`,
      message: 'must be Exists when key is empty (an empty key with Exists tolerates every taint)',
    });
  }
  if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && effect !== 'NoExecute') {
    problems.push({
      code: 'effect',
      path: `${path}.effect`,
      message: 'must be NoExecute when tolerationSeconds is set',
    });
  }
  switch (operator) {
    case '':
    case 'Equal':
      if (!isValidLabelValue(value)) {
        problems.push({
          code: 'label-value',
          path: `${path}.value`,
          message: `${JSON.stringify(value)} is not a valid toleration value: ${labelValueErrors(value).join('; ')}`,
        });
      }
      break;
    case 'Exists':
      if (value !== '')
        problems.push({ code: 'value', path: `${path}.value`, message: 'must be empty when operator is Exists' });
      break;
    case 'Lt':
    case 'Gt':
      problems.push({
        code: 'operator',
        path: `${path}.operator`,
        message: `${operator} needs the feature gate TaintTolerationComparisonOperators (alpha in v1.35, off by default); expected Equal or Exists`,
      });
      break;
    default:
      problems.push({
        code: 'operator',
        path: `${path}.operator`,
        message: `${JSON.stringify(operator)} is not a toleration operator (expected Equal or Exists)`,
      });
  }
  if (effect !== '' && !EFFECTS.includes(effect)) {
    problems.push({
      code: 'effect',
      path: `${path}.effect`,
      message: `${JSON.stringify(effect)} is not a taint effect (expected NoSchedule, PreferNoSchedule or NoExecute)`,
    });
  }
  return problems;
}
