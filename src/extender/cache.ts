// The cluster the extender knows between requests: nodes and bound pods from a snapshot file
// (reloaded when the file changes), plus the bindings the bind verb recorded since. A reload builds
// the new snapshot aside and swaps one reference, so a request sees the old cluster or the new one,
// never half of each. Requests run one at a time on the event loop: a handler may change the
// current snapshot (bind, a preemption dry run) as long as it restores it before it returns.

import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { emptyCluster } from '../api/cluster.js';
import type { ClusterSnapshot, Node, Pod } from '../api/types.js';
import { Scheduler, type TieBreak } from '../engine/scheduler.js';
import type { Profile } from '../framework/profile.js';
import type { Obj } from '../load/check.js';
import { Snapshot } from '../snapshot/snapshot.js';
import { sameSchedulingView } from './same-node.js';

export { emptyCluster };

export interface CacheState {
  /** The objects; `pods` lists the bound pods, kept in step with bindings recorded here. */
  readonly cluster: ClusterSnapshot;
  readonly snapshot: Snapshot;
  /** A scheduler over `snapshot` that explains (per-node failures and scores). */
  readonly scheduler: Scheduler;
  /** The same without score plugins: the filter verb needs failures, not scores. */
  readonly filterScheduler: Scheduler;
  /** Where the cluster came from (a file), or undefined for one given in code. */
  readonly source: string | undefined;
  readonly loadedAt: Date;
}

/** The profile without its score plugins. */
export function filterOnly(profile: Profile): Profile {
  return { ...profile, preScore: [], score: [] };
}

export interface CacheOptions {
  profile: Profile;
  tieBreak: TieBreak;
  seed: number;
}

export type ClusterLoader = (path: string) => Promise<ClusterSnapshot>;

/**
 * Everything of a node the snapshot reads (labels, cordon, taints, allocatable, images), as text: two
 * nodes with the same name and fingerprint give the same scheduling answers. Go writes map keys
 * sorted, so the same node from kube-scheduler and from a `kubectl get -o json` dump compare equal.
 */
export function nodeFingerprint(n: Node): string {
  return JSON.stringify([
    n.metadata.labels ?? null,
    n.spec?.unschedulable ?? false,
    n.spec?.taints ?? null,
    n.status?.allocatable ?? null,
    n.status?.images ?? null,
  ]);
}

export interface WatchHooks {
  onReload(state: CacheState): void;
  onError(err: unknown): void;
}

/** How long a burst of file events settles before the reload (editors write in several steps). */
const RELOAD_SETTLE_MS = 200;

export class NodeCache {
  private state: CacheState;
  /** True once a cluster was installed (a file loaded, or an empty cache declared ready). */
  ready = false;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reloading: Promise<void> | undefined;
  private readonly options: CacheOptions;
  private fingerprintsOf: { state: CacheState; nodes: number; map: Map<string, string> } | undefined;

  constructor(options: CacheOptions) {
    this.options = options;
    this.state = this.build(emptyCluster(), undefined);
  }

  get current(): CacheState {
    return this.state;
  }

  get profile(): Profile {
    return this.options.profile;
  }

  /** Installs a cluster: the new snapshot is built first, then swapped in with one assignment. */
  replace(cluster: ClusterSnapshot, source?: string): CacheState {
    const state = this.build(
      { ...cluster, pods: [...cluster.pods], nodes: [...cluster.nodes], pendingPods: [] },
      source,
    );
    this.state = state;
    this.ready = true;
    return state;
  }

  private build(cluster: ClusterSnapshot, source: string | undefined): CacheState {
    const snapshot = new Snapshot(cluster);
    return { cluster, snapshot, ...this.schedulers(snapshot), source, loadedAt: new Date() };
  }

  /** The explaining scheduler and the filter-only one, over any snapshot. */
  schedulers(snapshot: Snapshot): { scheduler: Scheduler; filterScheduler: Scheduler } {
    const options = { tieBreak: this.options.tieBreak, seed: this.options.seed, explain: true };
    const profile = this.options.profile;
    return {
      scheduler: new Scheduler(profile, snapshot, options),
      filterScheduler: new Scheduler(filterOnly(profile), snapshot, options),
    };
  }

  /** Loads `path` with `load` and installs it; on failure the current cluster stays. */
  async load(path: string, load: ClusterLoader): Promise<CacheState> {
    const cluster = await load(path);
    return this.replace(cluster, path);
  }

  /**
   * Reloads `path` whenever it changes. The directory is watched, not the file, so a file replaced
   * by rename (kubectl, ConfigMap volumes, `mv new old`) is seen too.
   */
  watch(path: string, load: ClusterLoader, hooks: WatchHooks): void {
    const full = resolve(path);
    const name = basename(full);
    this.watcher = watch(dirname(full), { persistent: false }, (_event, file) => {
      if (file !== null && file !== name && !String(file).startsWith('..')) return;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.reload(full, load, hooks), RELOAD_SETTLE_MS);
      this.timer.unref();
    });
    this.watcher.on('error', (err) => hooks.onError(err));
  }

  private reload(path: string, load: ClusterLoader, hooks: WatchHooks): void {
    if (this.reloading) {
      // One reload at a time; a change during a reload triggers one more afterwards.
      this.reloading.then(() => this.reload(path, load, hooks));
      return;
    }
    this.reloading = this.load(path, load)
      .then((state) => hooks.onReload(state), hooks.onError)
      .finally(() => {
        this.reloading = undefined;
      });
  }

  /** Settles when no reload is running (tests). */
  async settled(): Promise<void> {
    while (this.reloading) await this.reloading;
  }

  close(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
  }

  /** Node name → nodeFingerprint for the current cluster, computed once per cluster. */
  fingerprints(): Map<string, string> {
    const state = this.state;
    const memo = this.fingerprintsOf;
    if (memo && memo.state === state && memo.nodes === state.snapshot.nodeCount) return memo.map;
    const map = new Map<string, string>();
    for (const n of state.snapshot.nodes) map.set(n.metadata.name, nodeFingerprint(n));
    this.fingerprintsOf = { state, nodes: state.snapshot.nodeCount, map };
    return map;
  }

  /** The cached Node named `name`, if any. Nodes are replaced, never changed in place. */
  cachedNode(name: string): Node | undefined {
    const snap = this.state.snapshot;
    const index = snap.nodeIndex.get(name);
    return index === undefined ? undefined : snap.nodes[index];
  }

  /** The cached Node named `name` when the request's `raw` object schedules exactly like it. */
  knownNode(name: string, raw: Obj): Node | undefined {
    const snap = this.state.snapshot;
    const index = snap.nodeIndex.get(name);
    if (index === undefined) return undefined;
    const node = snap.nodes[index];
    return sameSchedulingView(raw, node) ? node : undefined;
  }

  /** Adds a node the cache did not know (one named by a full-mode request). */
  addNode(node: Node): number {
    this.state.cluster.nodes.push(node);
    return this.state.snapshot.addNode(node);
  }

  /** Records `pod` as bound to node `nodeName`; a pod already bound moves. Returns false for an unknown node. */
  recordBinding(pod: Pod, nodeName: string): boolean {
    const { snapshot, cluster } = this.state;
    const node = snapshot.nodeIndex.get(nodeName);
    if (node === undefined) return false;
    const bound: Pod = { ...pod, spec: { ...pod.spec, nodeName } };
    const info = snapshot.podInfo(bound);
    const previous = snapshot.podByKey.get(info.key);
    if (previous) {
      snapshot.unbind(previous);
      const i = cluster.pods.indexOf(previous.pod);
      if (i >= 0) cluster.pods.splice(i, 1);
    }
    snapshot.bind(info, node);
    cluster.pods.push(bound);
    this.compactIfSparse();
    return true;
  }

  /** Forgets the bound pod `namespace/name` (deleted or finished); false when it was not known. */
  removePod(key: string): boolean {
    const { snapshot, cluster } = this.state;
    const previous = snapshot.podByKey.get(key);
    if (!previous) return false;
    snapshot.unbind(previous);
    const i = cluster.pods.indexOf(previous.pod);
    if (i >= 0) cluster.pods.splice(i, 1);
    this.compactIfSparse();
    return true;
  }

  /**
   * The snapshot's pod table keeps a hole for every pod removed (a preemption dry run removes and
   * re-adds pods); once holes outnumber pods, rebuild it from the objects.
   */
  compactIfSparse(): void {
    const { snapshot, cluster, source } = this.state;
    const live = snapshot.podByKey.size;
    if (snapshot.pods.length <= 2 * live + 1024) return;
    this.state = this.build(cluster, source);
  }
}
