// HorizontalPodAutoscaler (autoscaling/v2), as upstream's horizontal.go and replica_calculator.go
// decide: per metric, desired = ceil(ready pods × current / target), unchanged within the 10%
// tolerance; pending pods count as using nothing when scaling up and are left out when scaling
// down; the largest proposal over the metrics wins. Without `behavior`: the highest recommendation
// of the last 300 s caps a scale-down, a scale-up goes at most to max(2 × current, 4). With
// `behavior`: stabilization windows in both directions, then the policies' rate limits over their
// periods (selectPolicy Max, Min or Disabled). Always within [minReplicas, maxReplicas].

import { parseQuantity } from '../../api/quantity.js';
import type { HorizontalPodAutoscaler, HPAScalingRules, MetricSpec } from '../../api/types.js';

/** --horizontal-pod-autoscaler-sync-period */
export const HPA_SYNC_SECONDS = 15;
/** --horizontal-pod-autoscaler-tolerance */
export const HPA_TOLERANCE = 0.1;
/** --horizontal-pod-autoscaler-downscale-stabilization */
export const HPA_DOWNSCALE_STABILIZATION_SECONDS = 300;

/** The latest sample of one metric of the target: percent of requests, a value per pod, or a total. */
export interface MetricReading {
  utilization?: number;
  value?: number;
  /** Shared evenly by the running pods. */
  total?: number;
}

/** What the controller reads of its scale target. */
export interface ScaleTargetState {
  /** spec.replicas */
  replicas: number;
  /** Pods bound and running: the ones reporting metrics. */
  ready: number;
  /** Pods not yet running (pending, in backoff, gated). */
  unready: number;
  /** Requests of one pod per resource, in the resource's units (cores for cpu). */
  requests: ReadonlyMap<string, number>;
}

export interface HpaDecision {
  /** The replica count to set; equal to the target's replicas when nothing changes. */
  replicas: number;
  reason: string;
}

interface TimedValue {
  t: number;
  n: number;
}

function quantityValue(text: string): number {
  return parseQuantity(text).milliValueNumber() / 1000;
}

/** A metric's usage ratio (current / target), or undefined when it cannot be computed. */
function usageRatio(m: MetricSpec, sample: MetricReading | undefined, target: ScaleTargetState) {
  if (!sample || target.ready === 0) return undefined;
  const reading = sample.total !== undefined ? { value: sample.total / target.ready } : sample;
  const requests = target.requests;
  if (m.type === 'Resource' && m.resource) {
    const target = m.resource.target;
    const request = requests.get(m.resource.name) ?? 0;
    if (target.type === 'Utilization') {
      // upstream: an integer percent of the pods' requests; no request, no utilization.
      let utilization = reading.utilization;
      if (utilization === undefined) {
        if (request <= 0) return undefined;
        utilization = Math.floor(((reading.value ?? 0) * 100) / request);
      }
      return utilization / target.averageUtilization!;
    }
    if (target.type !== 'AverageValue') return undefined;
    let value = reading.value;
    if (value === undefined) {
      if (request <= 0) return undefined;
      value = ((reading.utilization ?? 0) * request) / 100;
    }
    return value / quantityValue(target.averageValue!);
  }
  if (m.type === 'Pods' && m.pods && reading.value !== undefined) {
    return reading.value / quantityValue(m.pods.target.averageValue!);
  }
  return undefined;
}

/** replica_calculator.go: the replicas one metric asks for. */
export function replicasForRatio(ratio: number, current: number, ready: number, unready: number): number {
  if (unready === 0 || ratio <= 1) {
    if (Math.abs(1 - ratio) <= HPA_TOLERANCE) return current;
    return Math.ceil(ratio * ready);
  }
  // Scaling up with pods not running yet: they count as using nothing.
  const all = ready + unready;
  const rebalanced = (ratio * ready) / all;
  if (Math.abs(1 - rebalanced) <= HPA_TOLERANCE || rebalanced < 1) return current;
  const proposed = Math.ceil(rebalanced * all);
  return Math.max(proposed, current);
}

/** The metric name a trace sample must carry for this metric spec. */
export function metricName(m: MetricSpec): string | undefined {
  if (m.type === 'Resource') return m.resource?.name;
  if (m.type === 'Pods') return m.pods?.metric.name;
  return undefined;
}

export class HorizontalPodAutoscalerController {
  readonly namespace: string;
  readonly name: string;
  private recommendations: TimedValue[] = [];
  private scaleUpEvents: TimedValue[] = [];
  private scaleDownEvents: TimedValue[] = [];

  constructor(public hpa: HorizontalPodAutoscaler) {
    this.namespace = hpa.metadata.namespace ?? 'default';
    this.name = hpa.metadata.name;
  }

  get targetKind(): string {
    return this.hpa.spec.scaleTargetRef.kind;
  }

  get targetName(): string {
    return this.hpa.spec.scaleTargetRef.name;
  }

  /** One sync at `now`: read the metrics, recommend, stabilize, rate-limit. */
  sync(now: number, target: ScaleTargetState, read: (metric: string) => MetricReading | undefined): HpaDecision {
    const spec = this.hpa.spec;
    const min = spec.minReplicas ?? 1;
    const max = spec.maxReplicas;
    const current = target.replicas;
    let decision: HpaDecision;
    if (current === 0 && min !== 0) return { replicas: 0, reason: 'scaling is disabled (0 replicas)' };
    if (current > max) decision = { replicas: max, reason: 'above maxReplicas' };
    else if (current < min) decision = { replicas: min, reason: 'below minReplicas' };
    else {
      let proposal: number | undefined;
      let which = '';
      for (const m of spec.metrics ?? []) {
        const name = metricName(m);
        const ratio = name === undefined ? undefined : usageRatio(m, read(name), target);
        if (ratio === undefined) continue;
        const r = replicasForRatio(ratio, current, target.ready, target.unready);
        if (proposal === undefined || r > proposal) {
          proposal = r;
          which = name!;
        }
      }
      if (proposal === undefined) return { replicas: current, reason: 'no metric could be computed' };
      const replicas = spec.behavior
        ? this.normalizeWithBehaviors(now, current, proposal, min, max)
        : this.normalize(now, current, proposal, min, max);
      decision = { replicas, reason: `${which} metric asks for ${proposal}` };
    }
    if (decision.replicas !== current && spec.behavior) this.recordScale(now, current, decision.replicas);
    return decision;
  }

  /** Without behavior: 300 s scale-down stabilization, then max(2 × current, 4) and min/max. */
  private normalize(now: number, current: number, desired: number, min: number, max: number): number {
    const cutoff = now - HPA_DOWNSCALE_STABILIZATION_SECONDS;
    this.recommendations = this.recommendations.filter((r) => r.t >= cutoff);
    let stabilized = desired;
    for (const r of this.recommendations) if (r.n > stabilized) stabilized = r.n;
    this.recommendations.push({ t: now, n: desired });
    const upLimit = Math.max(2 * current, 4);
    const highest = Math.min(max, upLimit);
    if (stabilized < min) return min;
    return Math.min(stabilized, highest);
  }

  private normalizeWithBehaviors(now: number, current: number, desired: number, min: number, max: number): number {
    const up = this.hpa.spec.behavior!.scaleUp!;
    const down = this.hpa.spec.behavior!.scaleDown!;
    const upCutoff = now - (up.stabilizationWindowSeconds ?? 0);
    const downCutoff = now - (down.stabilizationWindowSeconds ?? HPA_DOWNSCALE_STABILIZATION_SECONDS);
    let upRec = desired;
    let downRec = desired;
    for (const r of this.recommendations) {
      if (r.t > upCutoff) upRec = Math.min(upRec, r.n);
      if (r.t > downCutoff) downRec = Math.max(downRec, r.n);
    }
    this.recommendations = this.recommendations.filter((r) => r.t >= upCutoff || r.t >= downCutoff);
    this.recommendations.push({ t: now, n: desired });
    let stabilized = current;
    if (stabilized < upRec) stabilized = upRec;
    if (stabilized > downRec) stabilized = downRec;

    if (stabilized > current) {
      const limit = Math.max(current, this.scaleUpLimit(now, current, up));
      return Math.min(stabilized, Math.min(max, limit));
    }
    if (stabilized < current) {
      const limit = Math.min(current, this.scaleDownLimit(now, current, down));
      return Math.max(stabilized, Math.max(min, limit));
    }
    return stabilized;
  }

  private periodStart(now: number, current: number, period: number): number {
    const cutoff = now - period;
    let added = 0;
    let deleted = 0;
    for (const e of this.scaleUpEvents) if (e.t > cutoff) added += e.n;
    for (const e of this.scaleDownEvents) if (e.t > cutoff) deleted += e.n;
    return current - added + deleted;
  }

  /** calculateScaleUpLimitWithScalingRules: Max picks the largest proposal, Min the smallest. */
  private scaleUpLimit(now: number, current: number, rules: HPAScalingRules): number {
    if (rules.selectPolicy === 'Disabled') return current;
    const pickMin = rules.selectPolicy === 'Min';
    let result = pickMin ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    for (const p of rules.policies ?? []) {
      const start = this.periodStart(now, current, p.periodSeconds);
      const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
      result = pickMin ? Math.min(result, proposed) : Math.max(result, proposed);
    }
    return result;
  }

  /** calculateScaleDownLimitWithBehaviors: Max allows the largest change (the smallest count). */
  private scaleDownLimit(now: number, current: number, rules: HPAScalingRules): number {
    if (rules.selectPolicy === 'Disabled') return current;
    const pickMin = rules.selectPolicy === 'Min';
    let result = pickMin ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    for (const p of rules.policies ?? []) {
      const start = this.periodStart(now, current, p.periodSeconds);
      const proposed = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
      result = pickMin ? Math.max(result, proposed) : Math.min(result, proposed);
    }
    return result;
  }

  /** storeScaleEvent: changes older than the longest policy period no longer matter. */
  private recordScale(now: number, from: number, to: number): void {
    const behavior = this.hpa.spec.behavior!;
    const longest = (r: HPAScalingRules | undefined) => Math.max(0, ...(r?.policies ?? []).map((p) => p.periodSeconds));
    const upKeep = now - longest(behavior.scaleUp);
    const downKeep = now - longest(behavior.scaleDown);
    this.scaleUpEvents = this.scaleUpEvents.filter((e) => e.t > upKeep);
    this.scaleDownEvents = this.scaleDownEvents.filter((e) => e.t > downKeep);
    if (to > from) this.scaleUpEvents.push({ t: now, n: to - from });
    else this.scaleDownEvents.push({ t: now, n: from - to });
  }
}
