// Deployment: one ReplicaSet per pod template (named by its hash). A template change rolls out:
// RollingUpdate (upstream rolling.go): the new ReplicaSet grows while all pods stay within
// replicas + maxSurge; old ReplicaSets shrink while available pods stay at least replicas −
// maxUnavailable, unavailable old pods first. Recreate: old ReplicaSets go to zero, and the new one
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
    if (this.deploy.spec.strategy?.type === 'Recreate') {
      for (const old of olds()) old.replicas = 0;
      if (olds().some((old) => old.pods.size > 0)) current.replicas = 0;
      else current.replicas = desired;
    } else if (olds().every((old) => old.replicas === 0)) {
      current.replicas = desired;
    } else {
      this.rollingStep(current, olds(), desired);
    }
    for (const { rs } of this.sets) rs.reconcile(host);
    for (let i = this.sets.length - 1; i >= 0; i--) {
      const rs = this.sets[i].rs;
      if (rs !== current && rs.replicas === 0 && rs.pods.size === 0) {
        rs.remove(host);
        this.sets.splice(i, 1);
      }
    }
  }

  private rollingStep(current: ReplicaSetController, olds: ReplicaSetController[], desired: number): void {
    const ru = this.deploy.spec.strategy?.rollingUpdate;
    const surge = scaledValue(ru?.maxSurge, desired, true, DEFAULT_SURGE);
    let unavailable = scaledValue(ru?.maxUnavailable, desired, false, DEFAULT_SURGE);
    if (surge === 0 && unavailable === 0) unavailable = 1;
    const all = [current, ...olds];
    const total = () => all.reduce((s, rs) => s + rs.replicas, 0);

    // Scale the new ReplicaSet up within replicas + maxSurge (or down to replicas).
    if (current.replicas > desired) current.replicas = desired;
    else if (current.replicas < desired) {
      const room = desired + surge - total();
      if (room > 0) current.replicas = Math.min(desired, current.replicas + room);
    }

    // Scale old ReplicaSets down while keeping replicas − maxUnavailable available.
    const minAvailable = desired - unavailable;
    const newUnavailable = Math.max(0, current.replicas - current.available);
    let maxScaledDown = total() - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return;
    for (const old of olds) {
      const unhealthy = Math.max(0, old.replicas - old.available);
      const d = Math.min(maxScaledDown, unhealthy);
      old.replicas -= d;
      maxScaledDown -= d;
    }
    let scaleDown = all.reduce((s, rs) => s + Math.min(rs.available, rs.replicas), 0) - minAvailable;
    for (const old of olds) {
      if (scaleDown <= 0) break;
      const d = Math.min(old.replicas, scaleDown);
      old.replicas -= d;
      scaleDown -= d;
    }
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
