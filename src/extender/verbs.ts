// The four extender verbs over berth's engine. A request becomes a pod and a node set:
// - full mode (`Nodes`, a v1.NodeList): the request's nodes, valid ones first, then every other node
//   the cache knows (so spreading and affinity count the whole cluster), and the cache's bound pods;
// - nodeCacheCapable (`NodeNames`): names into the cache's own snapshot.
// The engine's Filter/Score run restricted to the offered nodes. Nodes berth cannot evaluate (not
// in the cache, or invalid) fail the filter with a reason, never the request.
import type { Node, Pod } from '../api/types.js';
import type { PodResult } from '../engine/result.js';
import { Scheduler } from '../engine/scheduler.js';
import type { Obj } from '../load/check.js';
import type { PodInfo } from '../snapshot/pod-info.js';
import { Snapshot } from '../snapshot/snapshot.js';
import type { Binder } from './api-binder.js';
import { ArgsReader, type ArgsReaderOptions } from './args-reader.js';
import { type NodeCache, nodeFingerprint } from './cache.js';
import type { Deadline } from './errors.js';
import { echoFilterReply, type RawJson } from './filter-echo.js';
import type { PoolEvaluator } from './pool-evaluator.js';
import { compileBudgets, selectVictimsOnNode } from './preemption.js';
import {
  type BindingResult,
  dropNulls,
  type ExtenderArgs,
  type FilterResult,
  type HostPriority,
  type MetaVictims,
  type PreemptionResult,
  readBindingArgs,
  readExtenderArgs,
  readPreemptionArgs,
} from './wire.js';

/** kube-scheduler's MaxExtenderPriority: prioritize scores are 0..10. */
export const MAX_EXTENDER_PRIORITY = 10;

/**
 * berth's weighted totals → extender scores, keeping kube-scheduler's order: min-max scaled over the
 * feasible nodes and truncated, so the score never reverses berth's order and exactly the nodes with
 * berth's top total get 10 (with equal totals everywhere, every node gets 10).
 */
export function scaleScores(totals: ArrayLike<number>): number[] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < totals.length; i++) {
    const t = totals[i];
    if (t < min) min = t;
    if (t > max) max = t;
  }
  const out = new Array<number>(totals.length);
  for (let i = 0; i < totals.length; i++)
    out[i] = max > min ? Math.floor((MAX_EXTENDER_PRIORITY * (totals[i] - min)) / (max - min)) : MAX_EXTENDER_PRIORITY;
  return out;
}

/** The cluster view of one filter or prioritize request. */
interface View {
  scheduler: Scheduler;
  filterScheduler: Scheduler;
  pod: PodInfo;
  /** Offered node names, first occurrence order, duplicates dropped. */
  names: string[];
  /** Per offered name: its index in the view's snapshot, or -1 when berth cannot evaluate it. */
  nameNode: Int32Array;
  /** Indices (in the view's snapshot) of the offered nodes berth can evaluate. */
  only: Int32Array;
  /** Offered nodes berth cannot evaluate, with the reason. */
  unusable: Map<string, string>;
  fullMode: boolean;
}

/** What filter learnt: nodes that passed (marked with `stamp`), and the failed nodes explained. */
interface FilterOutcome {
  passed: Uint32Array;
  stamp: number;
  failures?: PodResult;
}

export const NOT_IN_CACHE = "node is not in berth's node cache";

export interface ExtenderOptions {
  cache: NodeCache;
  /** How many recently seen pods the bind verb can find (it receives only a name and UID). */
  recentPods?: number;
  /** When berth is the binder: creates the Binding through the API server before recording it. */
  binder?: Binder;
  /** Filter and prioritize through a worker pool (`--executor pool`) where it serves the request. */
  pool?: PoolEvaluator;
}

/** filter's reply: the result, or (given the request's bytes) the same result already encoded. */
export type FilterReply = FilterResult | RawJson;

export class Extender {
  readonly cache: NodeCache;
  private readonly recent = new Map<string, Pod>();
  private readonly recentLimit: number;
  /** The nodes of the last full-mode request, so bind can record a pod on a node the cache lacks. */
  private lastRequestNodes = new Map<string, Node>();
  /** Per node index: the request stamp that last marked it (dedupe and pass marks without string sets). */
  private marks = new Uint32Array(0);
  private stamp = 0;
  /** Per node index: prioritize's scaled score, where `marks` holds the request's stamp. */
  private scores = new Uint8Array(0);
  /** Reads requests from their bytes, parsing only the node items it has not read before. */
  private readonly reader = new ArgsReader();

  readonly binder: Binder | undefined;
  readonly pool: PoolEvaluator | undefined;

  constructor(options: ExtenderOptions) {
    this.cache = options.cache;
    this.binder = options.binder;
    this.pool = options.pool;
    this.recentLimit = options.recentPods ?? 10_000;
  }

  private remember(pod: Pod): void {
    const key = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
    this.recent.delete(key);
    this.recent.set(key, pod);
    if (this.recent.size > this.recentLimit) this.recent.delete(this.recent.keys().next().value as string);
  }

  private readOptions(): ArgsReaderOptions {
    const cache = this.cache;
    return {
      priorityClasses: cache.current.cluster.priorityClasses,
      knownNode: (name: string, raw: Obj) => cache.knownNode(name, raw),
      cachedNode: (name: string) => cache.cachedNode(name),
      cachedNodes: cache.current.snapshot.nodeCount,
    };
  }

  /** A fresh stamp for `marks`, which covers `n` nodes. */
  private nextStamp(n: number): number {
    if (this.marks.length < n || this.stamp === 0xffffffff) {
      this.marks = new Uint32Array(Math.max(n, this.marks.length));
      this.scores = new Uint8Array(this.marks.length);
      this.stamp = 0;
    }
    return ++this.stamp;
  }

  private view(args: ExtenderArgs, deadline: Deadline): View {
    const state = this.cache.current;
    this.remember(args.pod);
    const unusable = new Map<string, string>();
    const names: string[] = [];
    const seen = new Set<string>();
    if (args.nodes) {
      const valid: Node[] = [];
      const requestNodes = new Map<string, Node>();
      for (const n of args.nodes) {
        if (seen.has(n.name)) continue;
        seen.add(n.name);
        names.push(n.name);
        if (n.node) {
          valid.push(n.node);
          requestNodes.set(n.name, n.node);
        } else unusable.set(n.name, n.problem);
      }
      this.lastRequestNodes = requestNodes;
      const cached = this.cachedIndices(valid);
      const only = cached ?? new Int32Array(valid.length);
      let snapshot = state.snapshot;
      let schedulers = { scheduler: state.scheduler, filterScheduler: state.filterScheduler };
      if (!cached) {
        const nodes = valid.concat(state.cluster.nodes.filter((n) => !seen.has(n.metadata.name)));
        snapshot = new Snapshot({ ...state.cluster, nodes, pendingPods: [] });
        deadline.check('building the snapshot of the request');
        for (let i = 0; i < valid.length; i++) only[i] = i;
        schedulers = this.cache.schedulers(snapshot);
      }
      // Valid nodes keep their order in `only`; the others have no index.
      const nameNode = new Int32Array(names.length).fill(-1);
      for (let i = 0, v = 0; i < names.length; i++) if (!unusable.has(names[i])) nameNode[i] = only[v++];
      return { ...schedulers, pod: snapshot.podInfo(args.pod), names, nameNode, only, unusable, fullMode: true };
    }
    // Names into the cache: duplicates are dropped by marking node indices, not through a string set.
    const index = state.snapshot.nodeIndex;
    const offered = args.nodeNames ?? [];
    const only = new Int32Array(offered.length);
    const nameNode = new Int32Array(offered.length);
    const stamp = this.nextStamp(state.snapshot.nodeCount);
    const mark = this.marks;
    let count = 0;
    for (const name of offered) {
      const i = index.get(name);
      if (i === undefined) {
        if (unusable.has(name)) continue;
        unusable.set(name, NOT_IN_CACHE);
        nameNode[names.length] = -1;
        names.push(name);
        continue;
      }
      if (mark[i] === stamp) continue;
      mark[i] = stamp;
      nameNode[names.length] = i;
      names.push(name);
      only[count++] = i;
    }
    return {
      scheduler: state.scheduler,
      filterScheduler: state.filterScheduler,
      pod: state.snapshot.podInfo(args.pod),
      names,
      nameNode: nameNode.subarray(0, names.length),
      only: only.subarray(0, count),
      unusable,
      fullMode: false,
    };
  }

  /**
   * Full mode's fast path: when every node of the request is one the cache holds, unchanged as far
   * as scheduling reads it, the cache's own snapshot answers and nothing is rebuilt.
   */
  private cachedIndices(nodes: readonly Node[]): Int32Array | undefined {
    const state = this.cache.current;
    const snap = state.snapshot;
    const only = new Int32Array(nodes.length);
    let known: Map<string, string> | undefined;
    for (let i = 0; i < nodes.length; i++) {
      const name = nodes[i].metadata.name;
      const index = snap.nodeIndex.get(name);
      if (index === undefined) return undefined;
      // The cached object itself (readExtenderArgs' knownNode), or one with the same fingerprint.
      if (snap.nodes[index] !== nodes[i]) {
        known ??= this.cache.fingerprints();
        if (known.get(name) !== nodeFingerprint(nodes[i])) return undefined;
      }
      only[i] = index;
    }
    return only;
  }

  /**
   * Filters the offered nodes without building an explanation (node-local results come from the
   * engine's cache), then explains only the nodes that failed, for their reasons.
   */
  private filterExplained(view: View, deadline: Deadline): FilterOutcome {
    const scheduler = view.filterScheduler;
    const fast = scheduler.scheduleOne(view.pod, view.only, false);
    deadline.check('running the filter plugins');
    const { passed, stamp, failed } = this.markPassed(view, fast);
    if (!failed) return { passed, stamp };
    return { passed, stamp, failures: this.run(scheduler, { ...view, only: failed }, deadline) };
  }

  /** Marks the offered nodes the fast pass found feasible; the ones that failed, if any did. */
  private markPassed(view: View, fast: PodResult): { passed: Uint32Array; stamp: number; failed?: Int32Array } {
    const stamp = this.nextStamp(view.filterScheduler.snapshot.nodeCount);
    const passed = this.marks;
    const feasible = fast.nodeIndices ?? new Int32Array(0);
    for (let i = 0; i < feasible.length; i++) passed[feasible[i]] = stamp;
    if (feasible.length === view.only.length) return { passed, stamp };
    return { passed, stamp, failed: view.only.filter((n) => passed[n] !== stamp) };
  }

  /** filterExplained with both passes shared with the worker pool. */
  private async filterPooled(view: View, pool: PoolEvaluator, deadline: Deadline): Promise<FilterOutcome> {
    const scheduler = view.filterScheduler;
    const fast = await pool.scheduleOne(scheduler, view.pod, view.only, false, deadline);
    deadline.check('running the filter plugins');
    const { passed, stamp, failed } = this.markPassed(view, fast);
    if (!failed) return { passed, stamp };
    const failures = await pool.scheduleOne(scheduler, view.pod, failed, true, deadline);
    deadline.check('running the filter and score plugins');
    return { passed, stamp, failures };
  }

  private run(scheduler: Scheduler, view: View, deadline: Deadline): PodResult {
    const result = scheduler.scheduleOne(view.pod, view.only);
    deadline.check('running the filter and score plugins');
    return result;
  }

  /**
   * `source`, the request's bytes (the server passes them): full mode then copies the passing
   * nodes from it into the reply, which comes back as RawJson, instead of serialising them again.
   */
  filter(body: unknown, deadline: Deadline): FilterResult | Promise<FilterResult>;
  filter(body: unknown, deadline: Deadline, source: Buffer): FilterReply | Promise<FilterReply>;
  filter(body: unknown, deadline: Deadline, source?: Buffer): FilterReply | Promise<FilterReply> {
    return this.filterArgs(readExtenderArgs(body, this.readOptions()), deadline, source);
  }

  /** filter on the request's bytes, which full mode parses only where they are new (args-reader.ts). */
  filterBytes(bytes: Buffer, deadline: Deadline): FilterReply | Promise<FilterReply> {
    return this.filterArgs(this.reader.read(bytes, this.readOptions()), deadline, bytes);
  }

  private filterArgs(args: ExtenderArgs, deadline: Deadline, source?: Buffer): FilterReply | Promise<FilterReply> {
    const view = this.view(args, deadline);
    if (this.pool?.serves(view.filterScheduler, view.only.length)) {
      return this.filterPooled(view, this.pool, deadline).then((outcome) =>
        this.filterReply(args, view, outcome, source),
      );
    }
    const outcome = view.only.length > 0 ? this.filterExplained(view, deadline) : undefined;
    return this.filterReply(args, view, outcome, source);
  }

  private filterReply(
    args: ExtenderArgs,
    view: View,
    outcome: FilterOutcome | undefined,
    source?: Buffer,
  ): FilterReply {
    const result = outcome?.failures;
    const passing: string[] = [];
    const failed: Record<string, string> = {};
    const unresolvable: Record<string, string> = {};
    for (let i = 0; i < view.names.length; i++) {
      const name = view.names[i];
      const node = view.nameNode[i];
      if (outcome && node >= 0 && outcome.passed[node] === outcome.stamp) {
        passing.push(name);
        continue;
      }
      const reason = view.unusable.get(name);
      if (reason !== undefined) {
        failed[name] = reason;
        continue;
      }
      const f = result?.filterFailures[view.filterScheduler.snapshot.nodeNames[node]];
      const text = f ? f.reasons.join(', ') || `rejected by ${f.plugin}` : 'rejected';
      if (f?.code === 'UnschedulableAndUnresolvable') unresolvable[name] = text;
      else failed[name] = text;
    }
    const rest = {
      NodeNames: view.fullMode && !args.nodeNames ? null : passing,
      FailedNodes: failed,
      FailedAndUnresolvableNodes: unresolvable,
      Error: '',
    };
    let nodes: FilterResult['Nodes'] = null;
    if (view.fullMode && args.nodes) {
      // A name sent twice echoes its last object (as a name → object map would).
      const last = new Map<string, number>();
      for (let i = 0; i < args.nodes.length; i++) last.set(args.nodes[i].name, i);
      const order = passing.map((name) => last.get(name) as number);
      const spans = source && order.length > 0 ? this.reader.spans(source) : undefined;
      if (source && spans && spans.start.length === args.nodes.length) {
        return echoFilterReply(source, spans, args.nodes, order, args.nodeListHead ?? {}, rest);
      }
      const items = args.nodes;
      nodes = {
        ...args.nodeListHead,
        items: order.map((i) => {
          const node = items[i].raw;
          dropNulls(node);
          return node;
        }),
      };
    }
    return { Nodes: nodes, ...rest };
  }

  prioritize(body: unknown, deadline: Deadline): HostPriority[] | Promise<HostPriority[]> {
    return this.prioritizeArgs(readExtenderArgs(body, this.readOptions()), deadline);
  }

  /** prioritize on the request's bytes (see filterBytes). */
  prioritizeBytes(bytes: Buffer, deadline: Deadline): HostPriority[] | Promise<HostPriority[]> {
    return this.prioritizeArgs(this.reader.read(bytes, this.readOptions()), deadline);
  }

  private prioritizeArgs(args: ExtenderArgs, deadline: Deadline): HostPriority[] | Promise<HostPriority[]> {
    const view = this.view(args, deadline);
    if (this.pool?.serves(view.scheduler, view.only.length)) {
      return this.pool
        .scheduleOne(view.scheduler, view.pod, view.only, false, deadline)
        .then((result) => this.priorities(view, result, deadline));
    }
    // Totals only: the per-plugin explanation would cost more than the scoring itself.
    const result = view.only.length > 0 ? view.scheduler.scheduleOne(view.pod, view.only, false) : undefined;
    return this.priorities(view, result, deadline);
  }

  private priorities(view: View, result: PodResult | undefined, deadline: Deadline): HostPriority[] {
    deadline.check('running the filter and score plugins');
    // Per node index: the scaled score, valid where marks holds this request's stamp.
    const stamp = this.nextStamp(view.scheduler.snapshot.nodeCount);
    const marks = this.marks;
    const score = this.scores;
    const indices = result?.nodeIndices;
    if (result?.totals && indices) {
      const scaled = scaleScores(result.totals);
      for (let i = 0; i < indices.length; i++) {
        marks[indices[i]] = stamp;
        score[indices[i]] = scaled[i];
      }
    } else if (result?.feasibleCount === 1 && indices) {
      marks[indices[0]] = stamp;
      score[indices[0]] = MAX_EXTENDER_PRIORITY;
    }
    const out = new Array<HostPriority>(view.names.length);
    for (let i = 0; i < view.names.length; i++) {
      const node = view.nameNode[i];
      out[i] = { Host: view.names[i], Score: node >= 0 && marks[node] === stamp ? score[node] : 0 };
    }
    return out;
  }

  preempt(body: unknown, deadline: Deadline): PreemptionResult {
    const args = readPreemptionArgs(body, this.readOptions());
    this.remember(args.pod);
    const out: Record<string, MetaVictims> = {};
    if (args.pod.spec.preemptionPolicy === 'Never') return { NodeNameToMetaVictims: out };
    const state = this.cache.current;
    const scheduler = new Scheduler(this.cache.profile, state.snapshot, { ...state.scheduler.options, explain: false });
    const pod = state.snapshot.podInfo(args.pod);
    const budgets = compileBudgets(state.cluster.podDisruptionBudgets, state.snapshot);
    try {
      for (const [name, proposed] of args.nodes) {
        deadline.check('selecting preemption victims');
        const node = state.snapshot.nodeIndex.get(name);
        if (node === undefined) {
          // Full mode names nodes berth may never have cached: it has no say there.
          if (!args.meta)
            out[name] = { Pods: proposed.uids.map((UID) => ({ UID })), NumPDBViolations: proposed.numPDBViolations };
          continue;
        }
        const victims = selectVictimsOnNode(scheduler, pod, node, budgets, deadline);
        // Upstream's dry run rejects a node that needs no victim ("expected at least one victim").
        if (!victims || victims.pods.length === 0) continue;
        out[name] = {
          Pods: victims.pods.map((p) => ({ UID: p.pod.metadata.uid ?? p.key })),
          NumPDBViolations: victims.numPDBViolations,
        };
      }
    } finally {
      this.cache.compactIfSparse();
    }
    return { NodeNameToMetaVictims: out };
  }

  bind(body: unknown): BindingResult {
    const args = readBindingArgs(body);
    const key = `${args.podNamespace}/${args.podName}`;
    const pod = this.recent.get(key);
    if (!pod || (args.podUID !== '' && pod.metadata.uid !== args.podUID)) {
      return {
        Error: `pod ${key} (uid ${JSON.stringify(args.podUID)}) was not in a recent filter, prioritize or preempt request: berth cannot record its binding`,
      };
    }
    const state = this.cache.current;
    if (!state.snapshot.nodeIndex.has(args.node)) {
      const node = this.lastRequestNodes.get(args.node);
      if (!node) return { Error: `node ${JSON.stringify(args.node)}: ${NOT_IN_CACHE}` };
      this.cache.addNode(node);
    }
    this.cache.recordBinding(pod, args.node);
    this.recent.delete(key);
    return { Error: '' };
  }

  /**
   * bind as the binder: the Binding is created through the API server, then recorded here when the
   * pod was seen (the live cache's watch sees the bound pod either way).
   */
  async bindThroughApi(body: unknown): Promise<BindingResult> {
    const args = readBindingArgs(body);
    const refused = this.binder ? await this.binder(args) : '';
    if (refused !== '') return { Error: refused };
    this.bind(body);
    return { Error: '' };
  }
}
