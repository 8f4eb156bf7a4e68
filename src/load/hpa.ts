// autoscaling/v2 HorizontalPodAutoscaler: checked and defaulted as the API server does
// (minReplicas 1; in `behavior`, a missing direction or field takes upstream's defaults), so the
// replay's HPA controller trusts what it reads. All five metric types load; the replay acts on
// Resource and Pods metrics (docs/traces.md).
import type { HorizontalPodAutoscaler, HPAScalingRules } from '../api/types.js';
import { type Checker, isObj, knownFields, type Obj, TOP_LEVEL_FIELDS } from './check.js';
import { checkMeta } from './meta.js';
import { child } from './path.js';
import { checkQuantity } from './resources.js';

const INT32_MAX = 2147483647;
/** autoscaling/v2 validation: a stabilization window is at most an hour, a policy period half an hour. */
const MAX_WINDOW_SECONDS = 3600;
const MAX_PERIOD_SECONDS = 1800;

const SPEC_FIELDS = knownFields<HorizontalPodAutoscaler['spec']>()([
  'scaleTargetRef',
  'minReplicas',
  'maxReplicas',
  'metrics',
  'behavior',
]);
const METRIC_TYPES = ['Resource', 'Pods', 'Object', 'External', 'ContainerResource'] as const;
const TARGET_TYPES = ['Utilization', 'Value', 'AverageValue'] as const;

/** upstream SetDefaults_HorizontalPodAutoscalerBehavior: scale up by 100% or 4 pods per 15 s, whichever is more. */
export function defaultScaleUp(): Required<HPAScalingRules> {
  return {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  };
}

/** Scale down by up to 100% per 15 s; the window is the controller's (300 s) when unset. */
export function defaultScaleDown(): HPAScalingRules {
  return { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };
}

export function checkHorizontalPodAutoscaler(c: Checker, v: unknown, path: string): object | undefined {
  if (!c.object(v, path, true)) return undefined;
  c.fields(v, path, TOP_LEVEL_FIELDS);
  const meta = checkMeta(c, v, path);
  if (meta && !meta.namespace) meta.namespace = 'default';
  const sp = child(path, 'spec');
  if (!c.object(v.spec, sp, true)) return v;
  const spec = v.spec;
  c.fields(spec, sp, SPEC_FIELDS);
  const refPath = child(sp, 'scaleTargetRef');
  if (c.object(spec.scaleTargetRef, refPath, true)) {
    c.name(spec.scaleTargetRef.kind, child(refPath, 'kind'));
    c.name(spec.scaleTargetRef.name, child(refPath, 'name'));
    c.string(spec.scaleTargetRef.apiVersion, child(refPath, 'apiVersion'));
  }
  if (spec.minReplicas === undefined || spec.minReplicas === null) spec.minReplicas = 1;
  // 0 needs the HPAScaleToZero feature gate (alpha, off by default).
  const minOk = c.integer(spec.minReplicas, child(sp, 'minReplicas'), 1, INT32_MAX);
  const maxOk = c.integer(spec.maxReplicas, child(sp, 'maxReplicas'), 1, INT32_MAX, true);
  if (minOk && maxOk && (spec.maxReplicas as number) < (spec.minReplicas as number)) {
    c.error('range', child(sp, 'maxReplicas'), `must be at least minReplicas (${spec.minReplicas})`);
  }
  const mPath = child(sp, 'metrics');
  if (c.array(spec.metrics, mPath)) for (const [i, m] of spec.metrics.entries()) checkMetric(c, m, `${mPath}[${i}]`);
  const bPath = child(sp, 'behavior');
  if (c.object(spec.behavior, bPath)) {
    const b = spec.behavior;
    b.scaleUp = checkRules(c, b.scaleUp, child(bPath, 'scaleUp'), defaultScaleUp());
    b.scaleDown = checkRules(c, b.scaleDown, child(bPath, 'scaleDown'), defaultScaleDown());
  }
  return v;
}

function checkTarget(c: Checker, v: unknown, path: string): void {
  if (!c.object(v, path, true)) return;
  if (!c.oneOf(v.type, child(path, 'type'), TARGET_TYPES, true)) return;
  if (v.type === 'Utilization') {
    c.integer(v.averageUtilization, child(path, 'averageUtilization'), 1, INT32_MAX, true);
    return;
  }
  const key = v.type === 'Value' ? 'value' : 'averageValue';
  if (v[key] === undefined || v[key] === null)
    c.error('required', child(path, key), `is required for a ${v.type} target`);
  else checkQuantity(c, v, key, child(path, key));
}

function checkMetric(c: Checker, v: unknown, path: string): void {
  if (!c.object(v, path, true)) return;
  if (!c.oneOf(v.type, child(path, 'type'), METRIC_TYPES, true)) return;
  const field = (v.type[0].toLowerCase() + v.type.slice(1)) as string;
  const fPath = child(path, field);
  const source = v[field];
  if (!c.object(source, fPath, true)) return;
  if (v.type === 'Resource' || v.type === 'ContainerResource') c.name(source.name, child(fPath, 'name'));
  else if (c.object(source.metric, child(fPath, 'metric'), true))
    c.name(source.metric.name, child(child(fPath, 'metric'), 'name'));
  checkTarget(c, source.target, child(fPath, 'target'));
  const target = source.target as Obj | undefined;
  if (v.type === 'Pods' && isObj(target) && target.type !== undefined && target.type !== 'AverageValue') {
    c.error('enum', child(child(fPath, 'target'), 'type'), 'must be AverageValue for a Pods metric');
  }
}

/** One direction's rules, with upstream's defaults filled in. */
function checkRules(c: Checker, v: unknown, path: string, defaults: HPAScalingRules): HPAScalingRules | undefined {
  if (v === undefined || v === null) return defaults;
  if (!c.object(v, path)) return undefined;
  if (v.stabilizationWindowSeconds === undefined || v.stabilizationWindowSeconds === null) {
    if (defaults.stabilizationWindowSeconds !== undefined)
      v.stabilizationWindowSeconds = defaults.stabilizationWindowSeconds;
  } else c.integer(v.stabilizationWindowSeconds, child(path, 'stabilizationWindowSeconds'), 0, MAX_WINDOW_SECONDS);
  if (v.selectPolicy === undefined || v.selectPolicy === null) v.selectPolicy = 'Max';
  else c.oneOf(v.selectPolicy, child(path, 'selectPolicy'), ['Max', 'Min', 'Disabled']);
  const pPath = child(path, 'policies');
  if (v.policies === undefined || v.policies === null) v.policies = defaults.policies;
  else if (c.array(v.policies, pPath)) {
    if (v.policies.length === 0 && v.selectPolicy !== 'Disabled')
      c.error('required', pPath, 'must name at least one policy');
    v.policies.forEach((p, i) => {
      const at = `${pPath}[${i}]`;
      if (!c.object(p, at, true)) return;
      c.oneOf(p.type, child(at, 'type'), ['Pods', 'Percent'], true);
      c.integer(p.value, child(at, 'value'), 1, INT32_MAX, true);
      c.integer(p.periodSeconds, child(at, 'periodSeconds'), 1, MAX_PERIOD_SECONDS, true);
    });
  }
  return v as HPAScalingRules;
}
