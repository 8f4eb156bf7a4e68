// Job: runs pods until `completions` of them succeed, at most `parallelism` at a time (both default
// to 1; without completions, parallelism pods must succeed). A pod succeeds when its duration runs
// out; a pod that is preempted or lost with its node counts as failed and is replaced, until more
// than backoffLimit (default 6) have failed, which fails the Job and deletes its remaining pods.
import type { Job, Pod } from '../../api/types.js';
import type { SimPod } from '../sim-pod.js';
import { type Controller, type ControllerHost, type GoneReason, suffix, workloadKey } from './controller.js';

const DEFAULT_BACKOFF_LIMIT = 6;

export interface JobStatus {
  name: string;
  namespace: string;
  completions: number;
  succeeded: number;
  failed: number;
  createdAt: number;
  /** When it completed or failed; undefined while it runs. */
  finishedAt?: number;
  outcome: 'running' | 'complete' | 'failed' | 'deleted';
}

export class JobController implements Controller {
  readonly kind = 'Job' as const;
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly parent = null;
  readonly pods = new Set<SimPod>();
  readonly status: JobStatus;
  private created = 0;

  constructor(
    public job: Job,
    public duration: number,
    now: number,
  ) {
    this.namespace = job.metadata.namespace ?? 'default';
    this.name = job.metadata.name;
    this.key = workloadKey('Job', this.namespace, this.name);
    this.status = {
      name: this.name,
      namespace: this.namespace,
      completions: job.spec.completions ?? job.spec.parallelism ?? 1,
      succeeded: 0,
      failed: 0,
      createdAt: now,
      outcome: 'running',
    };
  }

  get parallelism(): number {
    return this.job.spec.parallelism ?? 1;
  }

  reconcile(host: ControllerHost): void {
    const s = this.status;
    if (s.outcome !== 'running') return;
    if (s.failed > (this.job.spec.backoffLimit ?? DEFAULT_BACKOFF_LIMIT)) {
      s.outcome = 'failed';
      s.finishedAt = host.now;
      for (const pod of [...this.pods].sort((a, b) => a.id - b.id)) host.deletePod(pod);
      this.pods.clear();
      return;
    }
    if (s.succeeded >= s.completions) {
      s.outcome = 'complete';
      s.finishedAt = host.now;
      return;
    }
    const want = Math.min(this.parallelism, s.completions - s.succeeded);
    for (let i = this.pods.size; i < want; i++) {
      const created = host.createPod(this.newPod(), { owner: this, duration: this.duration });
      if (!created) break;
      this.pods.add(created);
    }
  }

  podBound(): void {}

  podGone(pod: SimPod, reason: GoneReason): void {
    if (!this.pods.delete(pod)) return;
    if (reason === 'completed') this.status.succeeded++;
    else this.status.failed++;
  }

  remove(host: ControllerHost): void {
    for (const pod of [...this.pods].sort((a, b) => a.id - b.id)) host.deletePod(pod);
    this.pods.clear();
    if (this.status.outcome === 'running') {
      this.status.outcome = 'deleted';
      this.status.finishedAt = host.now;
    }
  }

  private newPod(): Pod {
    const template = this.job.spec.template;
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${this.name}-${suffix(this.created++)}`,
        namespace: this.namespace,
        labels: { ...template.metadata?.labels, 'job-name': this.name },
        ownerReferences: [
          { apiVersion: 'batch/v1', kind: 'Job', name: this.name, uid: this.job.metadata.uid, controller: true },
        ],
      },
      spec: template.spec,
    };
  }
}
