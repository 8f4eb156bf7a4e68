// The replay's pod autoscaling: the HPAs (from the cluster file and the trace), the workloads'
// metric series (trace `metric` samples, each holding until the next), and the sync every 15 s
// that runs every HPA against its scale target. The simulator owns the targets; it hands them over
// as ScaleTarget views.
import type { HorizontalPodAutoscaler } from '../api/types.js';
import type { MetricSample } from '../traces/events.js';
import { HorizontalPodAutoscalerController, type MetricReading, type ScaleTargetState } from './controllers/hpa.js';

export { HPA_SYNC_SECONDS } from './controllers/hpa.js';

export interface ScaleTarget extends ScaleTargetState {
  scale(replicas: number): void;
}

export interface ScaleChange {
  hpa: string;
  target: string;
  from: number;
  to: number;
  reason: string;
}

export interface HpaSummary {
  hpa: string;
  target: string;
  minReplicas: number;
  maxReplicas: number;
  replicasAtEnd: number | null;
  highestReplicas: number | null;
  scaleUps: number;
  scaleDowns: number;
}

interface Tally {
  replicas: number | null;
  highest: number | null;
  ups: number;
  downs: number;
}

export class PodAutoscaling {
  private readonly hpas = new Map<string, HorizontalPodAutoscalerController>();
  private readonly tallies = new Map<string, Tally>();
  private readonly series = new Map<string, Map<string, MetricReading>>();
  /** Per HPA: [time, replicas] whenever its decision changed (the report's chart). */
  private readonly history = new Map<string, [number, number][]>();

  get size(): number {
    return this.hpas.size;
  }

  /** Creates or replaces an HPA; false when `update` names one that does not exist and `create` one that does. */
  apply(hpa: HorizontalPodAutoscaler, update: boolean): boolean {
    const key = `${hpa.metadata.namespace ?? 'default'}/${hpa.metadata.name}`;
    const existing = this.hpas.get(key);
    if (existing && !update) return false;
    if (existing) existing.hpa = hpa;
    else this.hpas.set(key, new HorizontalPodAutoscalerController(hpa));
    if (!this.tallies.has(key)) this.tallies.set(key, { replicas: null, highest: null, ups: 0, downs: 0 });
    return true;
  }

  remove(namespace: string, name: string): boolean {
    return this.hpas.delete(`${namespace}/${name}`);
  }

  record(sample: MetricSample): void {
    const key = `${sample.kind}/${sample.namespace}/${sample.name}`;
    let metrics = this.series.get(key);
    if (!metrics) this.series.set(key, (metrics = new Map()));
    metrics.set(
      sample.metric,
      sample.utilization !== undefined
        ? { utilization: sample.utilization }
        : sample.total !== undefined
          ? { total: sample.total }
          : { value: sample.value },
    );
  }

  /** Every HPA decides once; targets that do not exist (yet) are skipped. */
  sync(
    now: number,
    targetOf: (kind: string, namespace: string, name: string) => ScaleTarget | undefined,
  ): ScaleChange[] {
    const changes: ScaleChange[] = [];
    for (const [key, c] of this.hpas) {
      const target = targetOf(c.targetKind, c.namespace, c.targetName);
      if (!target) continue;
      const seriesKey = `${c.targetKind}/${c.namespace}/${c.targetName}`;
      const decision = c.sync(now, target, (m) => this.series.get(seriesKey)?.get(m));
      const tally = this.tallies.get(key)!;
      if (decision.replicas !== target.replicas) {
        changes.push({
          hpa: key,
          target: `${c.targetKind}/${c.targetName}`,
          from: target.replicas,
          to: decision.replicas,
          reason: decision.reason,
        });
        if (decision.replicas > target.replicas) tally.ups++;
        else tally.downs++;
        target.scale(decision.replicas);
      }
      if (tally.replicas !== decision.replicas) {
        let points = this.history.get(key);
        if (!points) this.history.set(key, (points = []));
        points.push([now, decision.replicas]);
      }
      tally.replicas = decision.replicas;
      tally.highest = Math.max(tally.highest ?? 0, target.replicas, decision.replicas);
    }
    return changes;
  }

  /** Each HPA's decisions over time, as steps: [time, replicas] at every change. */
  replicaHistory(): { name: string; points: [number, number][] }[] {
    return [...this.history].map(([name, points]) => ({ name, points }));
  }

  summary(): HpaSummary[] {
    return [...this.hpas].map(([key, c]) => {
      const t = this.tallies.get(key)!;
      return {
        hpa: key,
        target: `${c.targetKind}/${c.targetName}`,
        minReplicas: c.hpa.spec.minReplicas ?? 1,
        maxReplicas: c.hpa.spec.maxReplicas,
        replicasAtEnd: t.replicas,
        highestReplicas: t.highest,
        scaleUps: t.ups,
        scaleDowns: t.downs,
      };
    });
  }
}
