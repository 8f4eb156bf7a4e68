// A scalable controller as the HPA sees it (the scale subresource plus its pods' readiness):
// replicas, running and not-yet-running pods, and one pod's requests from the template.
import type { PodTemplateSpec } from '../api/types.js';
import { computePodRequests } from '../snapshot/pod-requests.js';
import type { Controller } from './controllers/controller.js';
import { DeploymentController } from './controllers/deployment.js';
import { ReplicaSetController } from './controllers/replicaset.js';
import { StatefulSetController } from './controllers/statefulset.js';
import type { ScaleTarget } from './pod-autoscaling.js';
import type { SimPod } from './sim-pod.js';

/** Requests per pod in the resource's units (cores for cpu), by template text. */
const requestsCache = new Map<string, Map<string, number>>();

function requestsOf(template: PodTemplateSpec): Map<string, number> {
  const text = JSON.stringify(template.spec);
  let out = requestsCache.get(text);
  if (!out) {
    out = new Map();
    const amounts = computePodRequests({ metadata: { name: 'template' }, spec: template.spec }).amounts;
    for (const [name, n] of amounts) out.set(name, name === 'cpu' ? n / 1000 : n);
    if (requestsCache.size > 1000) requestsCache.clear();
    requestsCache.set(text, out);
  }
  return out;
}

function count(pods: Iterable<SimPod>, into: { ready: number; unready: number }): void {
  for (const p of pods) {
    if (p.state === 'running') into.ready++;
    else if (p.state !== 'lost' && p.state !== 'gone') into.unready++;
  }
}

/** The controller as a scale target, or undefined for kinds an HPA cannot scale. */
export function scaleTargetOf(c: Controller, changed: () => void): ScaleTarget | undefined {
  const pods = { ready: 0, unready: 0 };
  if (c instanceof DeploymentController) {
    for (const { rs } of c.sets) count(rs.pods, pods);
    return {
      replicas: c.replicas,
      ...pods,
      requests: requestsOf(c.template),
      scale: (n) => {
        c.scale(n);
        changed();
      },
    };
  }
  if (c instanceof StatefulSetController || c instanceof ReplicaSetController) {
    count(c instanceof StatefulSetController ? c.pods.values() : c.pods, pods);
    const template = c instanceof StatefulSetController ? c.ss.spec.template : c.rs.spec.template;
    return {
      replicas: c.replicas,
      ...pods,
      requests: requestsOf(template),
      scale: (n) => {
        c.replicas = n;
        changed();
      },
    };
  }
  return undefined;
}
