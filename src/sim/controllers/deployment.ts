// Deployment: one ReplicaSet per pod template (named by its hash). A template change rolls out:
// RollingUpdate (upstream rolling.go), one step per sync: the new ReplicaSet grows while all pods
// stay within replicas + maxSurge, and only when it cannot grow do old ReplicaSets shrink, while
// available pods stay at least replicas − maxUnavailable, unavailable old pods first. A sync that
// changed something looks again after the next scheduling pass, as the real controller resyncs on
// the ReplicaSet update. Recreate: old ReplicaSets go to zero, and the new one
// grows once their pods are gone. A pod counts as available once bound (the simulator starts pods
// instantly; minReadySeconds is not modelled).
import type { Deployment, ReplicaSet } from '../../api/types.js';
import type { SimPod } from '../sim-pod.js';
import { type Controller, type ControllerHost, type GoneReason, templateHash, workloadKey } from './controller.js';
import { ReplicaSetController } from './replicaset.js';

const DEFAULT_SURGE = '25%';

/** upstream intstr.GetScaledValueFromIntOrPercent. */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean, fallback: string): number {
  const value = v ?? fallback;
  if (typeof value === 'number') return value;
  const pct = Number(value.slice(0, -1));
  const x = (pct * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

export class DeploymentController implements Controller {
  readonly kind = 'Deployment' as const;
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly parent = null;
  /** Oldest first; the one matching the current template is the new ReplicaSet. */
  readonly sets: { hash: string; rs: ReplicaSetController }[] = [];

  constructor(
    private deploy: Deployment,
    private duration: number | undefined,
  ) {
    this.namespace = deploy.metadata.namespace ?? 'default';
    this.name = deploy.metadata.name;
    this.key = workloadKey('Deployment', this.namespace, this.name);
  }

  get replicas(): number {
    return this.deploy.spec.replicas ?? 1;
  }

  get template(): Deployment['spec']['template'] {
    return this.deploy.spec.template;
  }

  update(deploy: Deployment, duration: number | undefined): void {
    this.deploy = deploy;
    if (duration !== undefined) this.duration = duration;
  }

  scale(replicas: number): void {
    this.deploy = { ...this.deploy, spec: { ...this.deploy.spec, replicas } };
  }

  reconcile(host: ControllerHost): void {
    const desired = this.replicas;
    const hash = templateHash(JSON.stringify(this.deploy.spec.template));
    let current = this.sets.find((s) => s.hash === hash)?.rs;
    const olds = () => this.sets.filter((s) => s.rs !== current).map((s) => s.rs);
    if (!current) {
      const first = this.sets.length === 0;
      current = new ReplicaSetController(this.replicaSet(hash, first ? desired : 0), this.duration, this);
      this.sets.push({ hash, rs: current });
    }
    current.duration = this.duration;
    let changed: boolean;
    if (this.deploy.spec.strategy?.type === 'Recreate') {
      changed = false;
      for (const old of olds()) changed = this.setReplicas(host, old, 0) || changed;
      if (!olds().some((old) => old.pods.size > 0)) changed = this.setReplicas(host, current, desired) || changed;
    } else if (olds().every((old) => old.replicas === 0)) {
      changed = this.setReplicas(host, current, desired);
    } else {
      changed = this.rollingStep(host, current, olds(), desired);
    }
    for (const { rs } of this.sets) rs.reconcile(host);
    for (let i = this.sets.length - 1; i >= 0; i--) {
      const rs = this.sets[i].rs;
      if (rs !== current && rs.replicas === 0 && rs.pods.size === 0) {
        rs.remove(host);
        this.sets.splice(i, 1);
      }
    }
    if (changed) host.resyncAfterScheduling(this);
  }

  /** Sets a ReplicaSet's replicas; true when that changed them. */
  private setReplicas(host: ControllerHost, rs: ReplicaSetController, replicas: number): boolean {
    if (rs.replicas === replicas) return false;
    rs.replicas = replicas;
    host.replicaSetScaled(rs.rs, replicas);
    return true;
  }

  /**
   * One sync of upstream rolloutRolling: scale the new ReplicaSet up (within replicas + maxSurge)
   * and stop if it grew; otherwise scale old ReplicaSets down, first their unavailable pods
   * (cleanupUnhealthyReplicas), then available ones while replicas − maxUnavailable stay available.
   */
  private rollingStep(
    host: ControllerHost,
    current: ReplicaSetController,
    olds: ReplicaSetController[],
    desired: number,
  ): boolean {
    const ru = this.deploy.spec.strategy?.rollingUpdate;
    const surge = scaledValue(ru?.maxSurge, desired, true, DEFAULT_SURGE);
    let unavailable = Math.min(desired, scaledValue(ru?.maxUnavailable, desired, false, DEFAULT_SURGE));
    if (surge === 0 && unavailable === 0) unavailable = 1;
    const all = [current, ...olds];
    const total = () => all.reduce((s, rs) => s + rs.replicas, 0);

    if (current.replicas > desired) return this.setReplicas(host, current, desired);
    if (current.replicas < desired) {
      const room = desired + surge - total();
      if (room > 0)
        return this.setReplicas(host, current, current.replicas + Math.min(room, desired - current.replicas));
    }

    const minAvailable = desired - unavailable;
    const newUnavailable = current.replicas - current.available;
    const maxScaledDown = total() - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;
    let cleaned = 0;
    for (const old of olds) {
      if (cleaned >= maxScaledDown) break;
      const unhealthy = old.replicas - old.available;
      if (old.replicas === 0 || unhealthy <= 0) continue;
      const d = Math.min(maxScaledDown - cleaned, unhealthy);
      this.setReplicas(host, old, old.replicas - d);
      cleaned += d;
    }
    const available = all.reduce((s, rs) => s + Math.min(rs.available, rs.replicas), 0);
    let scaleDown = available - minAvailable;
    let scaled = 0;
    for (const old of olds) {
      if (scaleDown <= 0) break;
      if (old.replicas === 0) continue;
      const d = Math.min(old.replicas, scaleDown);
      this.setReplicas(host, old, old.replicas - d);
      scaleDown -= d;
      scaled += d;
    }
    return cleaned + scaled > 0;
  }

  private replicaSet(hash: string, replicas: number): ReplicaSet {
    const template = this.deploy.spec.template;
    const labels = { ...template.metadata?.labels, 'pod-template-hash': hash };
    const selector = this.deploy.spec.selector;
    return {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${this.name}-${hash}`,
        namespace: this.namespace,
        labels,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: this.name, controller: true }],
      },
      spec: {
        replicas,
        selector: { ...selector, matchLabels: { ...selector.matchLabels, 'pod-template-hash': hash } },
        template: { ...template, metadata: { ...template.metadata, labels } },
      },
    };
  }

  podBound(): void {}

  podGone(_pod: SimPod, _reason: GoneReason): void {}

  remove(host: ControllerHost): void {
    for (const { rs } of this.sets) rs.remove(host);
    this.sets.length = 0;
  }
}
