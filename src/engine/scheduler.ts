// One scheduling cycle, as kube-scheduler's framework runs it: PreFilter once, Filter per node in
// profile order (a node's first failing plugin decides), PreScore and Score over the feasible
// nodes, NormalizeScore, weighted totals, and a winner among the top totals. The per-node loops
// read typed arrays and reuse buffers; the explanation (per-node failures and per-plugin scores)
// is built only when asked for.
import type { Cycle, Plugin } from '../framework/plugin.js';
import { MAX_NODE_SCORE } from '../framework/plugin.js';
import { type Profile, preFilterOrder, preScoreOrder } from '../framework/profile.js';
import { type Code, codeName, SKIP, SUCCESS, UNSCHEDULABLE_AND_UNRESOLVABLE } from '../framework/status.js';
import type { PodInfo } from '../snapshot/pod-info.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { ChoiceScratch, cachedRejections, chooseCached, type RejectionInput } from './cached-choice.js';
import { CompositeKeys } from './composite-keys.js';
import type { Prepared, RemoteReply, RemoteRequest, ScoreStates } from './cycle-steps.js';
import { type CacheEntry, NodeLocalCache } from './node-local-cache.js';
import { NodeLocalResults } from './node-local-results.js';
import { checkedScore, filterCodes, rawScores } from './plugin-calls.js';
import { PodShapes } from './pod-shapes.js';
import type { FilterFailure, NodeScore, PodResult } from './result.js';
import { Rng } from './rng.js';

export type TieBreak = 'first' | 'random';

export interface SchedulerOptions {
  tieBreak: TieBreak;
  seed: number;
  /** Build per-node failures and per-plugin scores (the conformance output). */
  explain: boolean;
  /**
   * Unschedulable pods get a message naming why each node failed (default). Callers that only
   * count failures (the GPU sweep) turn it off: no second walk, no reasons, no lastRejection().
   */
  failureMessages?: boolean;
  /**
   * The caller reads only the chosen node (no totals or node indices): enables the short cycle
   * (cachedChoice), whose result object is reused by the next short cycle (read it before then).
   */
  choiceOnly?: boolean;
}

/** kube-scheduler's floor on how many feasible nodes to look for before stopping early. */
const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE = 5;

/** How many feasible nodes to find before scoring (upstream numFeasibleNodesToFind). */
export function numFeasibleNodesToFind(percentage: number, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let pct = percentage;
  if (pct === 0) {
    pct = 50 - Math.trunc(numAllNodes / 125);
    if (pct < MIN_FEASIBLE_NODES_PERCENTAGE) pct = MIN_FEASIBLE_NODES_PERCENTAGE;
  }
  const n = Math.trunc((numAllNodes * pct) / 100);
  return Math.max(n, MIN_FEASIBLE_NODES_TO_FIND);
}

/** The filters that run for a pod: node-local ones answered from the cache, the others per node. */
interface FilterPlan {
  readonly cachedFilters: Plugin[];
  /** Their indices in profile.filter. */
  readonly cachedIndex: number[];
  readonly active: Plugin[];
  readonly activeIndex: number[];
}

const NO_PLUGINS: Plugin[] = [];
const NO_STATES: unknown[] = [];
const NO_INDICES: number[] = [];

const NO_PLUGIN = -1;
/** A node PreFilter's node-name narrowing left out. */
const NARROWED_OUT = -2;
/** Rejected by a node-local filter answered from the cache (which one is not recorded). */
const CACHED_REJECTION = -3;
/** Nodes filtered per batch: large enough to amortise calls, small enough for sampling. */
const CHUNK = 512;
/** Joins node-local keys into a cache entry's key. */
const KEY_SEPARATOR = '\u0000';
const NO_NODES = new Int32Array(0);

export class Scheduler {
  readonly profile: Profile;
  readonly snapshot: Snapshot;
  readonly options: SchedulerOptions;
  private rng: Rng;
  /** Where the next cycle starts looking, so sampling spreads over the cluster. */
  private nextStartNodeIndex = 0;
  /** Per node: index in profile.filter of the plugin that rejected it, and its code. */
  private failedPlugin = new Int16Array(0);
  private failedCode = new Uint8Array(0);
  private readonly filterIndex = new Map<Plugin, number>();
  private readonly chunkNodes = new Int32Array(CHUNK);
  private readonly chunkCodes = new Uint8Array(CHUNK);
  /** A chunk's nodes in walk order (filterChunk compacts chunkNodes in place). */
  private readonly chunkOrder = new Int32Array(CHUNK);
  /** Which nodes the last unschedulable or explained cycle evaluated (== cycleStamp). */
  private evaluatedStamp = new Uint32Array(0);
  private cycleStamp = 0;
  /** Node-local plugins (Plugin.nodeLocalKey) of the profile, whose results the cache keeps. */
  private readonly nodeLocal: Plugin[];
  /** Per profile.score entry: its slot in a cache entry's score arrays, or -1. */
  private readonly scoreSlot: number[];
  /** How many score plugins have a slot. */
  private readonly cachedScorePlugins: number;
  /** The node-local keys of the current pod, and their joins (the cache entry keys). */
  private readonly keyParts: string[] = [];
  private readonly cacheKeys = new CompositeKeys(KEY_SEPARATOR);
  private readonly cache: NodeLocalCache;
  /** One score plugin's scores over the feasible nodes (reused across plugins and cycles). */
  private scoreScratch = new Float64Array(0);
  private staleNodes = new Int32Array(0);
  private staleScores = new Float64Array(0);
  private readonly choiceScratch = new ChoiceScratch();
  /** Filter plans by skipped filters (a bit each) and whether a cache entry answers node-local ones. */
  private readonly filterPlans = new Map<number, FilterPlan>();
  /** Node-local plugins' PreFilter results by key, for the replay's full cycles only. */
  private readonly nodeLocalResults: NodeLocalResults | null;
  /** The short cycle's node-local results per pod shape; null when it cannot apply (see shortCycle). */
  private readonly shapes: PodShapes | null;
  /** Plugins that are not node-local, whose PreFilter (PreScore) the short cycle runs for each pod. */
  private readonly perPodPreFilters: Plugin[];
  private readonly perPodPreScores: Plugin[];
  private readonly scorers: Set<Plugin>;
  /** The short cycle's result, filled again by each (SchedulerOptions.choiceOnly). */
  private readonly shortResult: PodResult = {
    pod: '',
    preFilter: { code: 'Success' },
    feasibleNodes: [],
    feasibleCount: 0,
    filterFailures: {},
    bestNodes: [''],
    chosenNode: '',
    chosenIndex: -1,
    maxTotal: 0,
  };

  constructor(profile: Profile, snapshot: Snapshot, options: SchedulerOptions) {
    this.profile = profile;
    this.snapshot = snapshot;
    this.options = options;
    this.rng = new Rng(options.seed);
    profile.filter.forEach((p, i) => {
      this.filterIndex.set(p, i);
    });
    const all = [...profile.filter, ...profile.score.map((s) => s.plugin)];
    this.nodeLocal = [...new Set(all)].filter((p) => p.nodeLocalKey !== undefined);
    let slots = 0;
    this.scoreSlot = profile.score.map((s) => (s.plugin.nodeLocalKey ? slots++ : -1));
    this.cachedScorePlugins = slots;
    this.cache = new NodeLocalCache(snapshot);
    this.nodeLocalResults = options.choiceOnly ? new NodeLocalResults(snapshot) : null;
    const perPod = (p: Plugin) => p.nodeLocalKey === undefined;
    this.perPodPreFilters = preFilterOrder(profile).filter(perPod);
    this.perPodPreScores = preScoreOrder(profile).filter(perPod);
    this.scorers = new Set(profile.score.map((s) => s.plugin));
    // A filter or score plugin that is not node-local and cannot skip (no PreFilter/PreScore) always runs.
    const shortCycleApplies =
      options.choiceOnly === true &&
      this.nodeLocal.length > 0 &&
      profile.filter.every((p) => !perPod(p) || p.preFilter) &&
      profile.score.every(({ plugin }) => !perPod(plugin) || plugin.preScore);
    this.shapes = shortCycleApplies
      ? new PodShapes(profile, snapshot, this.nodeLocal, this.scoreSlot, KEY_SEPARATOR)
      : null;
  }

  /** The cache entry for this pod's node-local plugins, or null when there are none. */
  private cacheEntry(cycle: Cycle): CacheEntry | null {
    if (this.nodeLocal.length === 0) return null;
    const parts = this.keyParts;
    for (let i = 0; i < this.nodeLocal.length; i++) parts[i] = this.nodeLocal[i].nodeLocalKey!(cycle);
    return this.cache.entry(this.cacheKeys.join(parts, this.nodeLocal.length), this.cachedScorePlugins);
  }

  /**
   * Decides from now on as a new Scheduler with this seed over the same snapshot would (a new
   * generator, the walk starting at node 0); the caches, which never change a decision, stay.
   */
  reseed(seed: number): void {
    this.rng = new Rng(seed);
    this.nextStartNodeIndex = 0;
  }

  private scratch(n: number): void {
    if (this.staleNodes.length < n) {
      this.staleNodes = new Int32Array(n * 2);
      this.staleScores = new Float64Array(n * 2);
    }
  }

  /**
   * Schedules one pod against the snapshot; the caller decides whether to assume it.
   * `only` restricts the cycle to these nodes (an extender request's node list): every one of
   * them is filtered, whatever percentageOfNodesToScore says.
   */
  scheduleOne(pod: PodInfo, only?: Int32Array, explain = this.options.explain): PodResult {
    const short = this.shapes !== null && only === undefined && !explain;
    if (short) {
      const result = this.shortCycle(pod);
      if (result) return result;
    }
    const step = this.cycle(pod, only, explain, !explain, false).next();
    if (!step.done) throw new Error('an inline cycle asked for remote work');
    return step.value;
  }

  /**
   * The cycle as steps for a worker pool (src/engine/pool): it yields a filter request (every walk
   * position, to be answered per position) and a score request (raw scores of the feasible nodes);
   * the driver answers each through next(). Everything else (PreFilter, PreScore, NormalizeScore,
   * totals, the tie-break) runs here, in the same order as scheduleOne, so results are identical.
   * Only cycles that filter every node are offloaded; a sampling cycle never yields. `only` restricts
   * the cycle as in scheduleOne (every offered node is filtered, so such a cycle is always offloaded).
   */
  remoteCycle(
    pod: PodInfo,
    explain = this.options.explain,
    only?: Int32Array,
  ): Generator<RemoteRequest, PodResult, RemoteReply> {
    return this.cycle(pod, only, explain, !explain, true);
  }

  /** Whether a cycle over `nodeCount` candidates filters every one of them (no sampling stop). */
  filtersEveryNode(nodeCount: number): boolean {
    return numFeasibleNodesToFind(this.profile.percentageOfNodesToScore, nodeCount) >= nodeCount;
  }

  /**
   * The replay's short cycle (src/engine/cached-choice.ts), or null when the full cycle must run: it
   * applies when every filter and score plugin that runs for the pod is node-local (the others skip
   * it in PreFilter and PreScore) and every node is scored. The node-local plugins' PreFilter and
   * PreScore results come from the pod's shape; the decision, the generator's state and where the
   * next walk starts are the full cycle's. Returning null leaves all three untouched.
   */
  private shortCycle(pod: PodInfo): PodResult | null {
    const snap = this.snapshot;
    const n = snap.nodeCount;
    if (n < 2 || !this.filtersEveryNode(n)) return null;
    const cycle: Cycle = { pod, snapshot: snap };
    const shapes = this.shapes!;
    const shape = shapes.of(cycle);
    if (!shape.usable) return null;
    for (const plugin of this.perPodPreFilters) {
      const r = plugin.preFilter!(cycle);
      if (r.code === SKIP) continue;
      // A rejection (reported by the full cycle), a filter that runs, or a narrowing.
      if (r.code !== SUCCESS || r.nodes || this.filterIndex.has(plugin)) return null;
    }
    for (const plugin of this.perPodPreScores) {
      if (plugin.preScore!(cycle, NO_NODES).code !== SKIP && this.scorers.has(plugin)) return null;
    }
    const scoring = shapes.scoring(shape, cycle);
    let entry = shape.entry;
    if (entry !== null && shape.entryEpoch === this.cache.epoch) this.cache.touch(entry);
    else {
      entry = this.cache.entry(shape.key, this.cachedScorePlugins);
      shape.entry = entry;
      shape.entryEpoch = this.cache.epoch;
    }
    const scratch = this.choiceScratch;
    const input = {
      cycle,
      entry,
      filters: shape.filters,
      filterStates: shape.filterStates,
      scoring,
      start: this.nextStartNodeIndex % n,
      rng: this.rng,
      tieBreak: this.options.tieBreak,
    };
    const chosen = chooseCached(input, scratch);
    if (chosen < 0) {
      if (scratch.found > 0 || this.options.failureMessages === false) return null;
      const rejected = this.shortRejection(input);
      // Every node was walked, as the full cycle would have: the next walk starts where this one did.
      if (rejected) this.nextStartNodeIndex %= n;
      return rejected;
    }
    // Every node was walked, as the full cycle would have.
    this.nextStartNodeIndex = (this.nextStartNodeIndex + n) % n;
    this.cycleStamp++;
    const chosenNode = snap.nodeNames[chosen];
    const result = this.shortResult;
    result.pod = pod.key;
    result.feasibleCount = scratch.found;
    result.bestNodes[0] = chosenNode;
    result.chosenNode = chosenNode;
    result.chosenIndex = chosen;
    result.maxTotal = scratch.maxTotal;
    return result;
  }

  /**
   * The answer when no node passes the node-local filters that ran over every node: what the second
   * walk of the full cycle would report (its message, and each node's rejection for lastRejection
   * and preemption), from the cache entry's rejections kept current by cachedRejections; null when
   * they disagree and the walk must run.
   */
  private shortRejection(input: RejectionInput): PodResult | null {
    const rejections = cachedRejections(input, this.choiceScratch);
    if (!rejections) return null;
    const n = rejections.nodeCount;
    this.ensureNodeArrays(n);
    this.cycleStamp++;
    const profileIndex = input.filters.map((p) => this.filterIndex.get(p)!);
    for (let node = 0; node < n; node++) {
      this.failedPlugin[node] = profileIndex[rejections.filter[node]];
      this.failedCode[node] = rejections.code[node];
      this.evaluatedStamp[node] = this.cycleStamp;
    }
    const result = emptyResult(input.cycle.pod);
    rejections.message ??= summarizeCounts(n, rejections.counts);
    result.message = rejections.message;
    return result;
  }

  /** PreFilter for `pod`, and what Filter needs: per-plugin states, candidates, the cache plan. */
  prepare(pod: PodInfo, only: Int32Array | undefined, useCache: boolean): Prepared {
    const snap = this.snapshot;
    const profile = this.profile;
    const cycle: Cycle = { pod, snapshot: snap };
    const filters = profile.filter;
    const filterStates: unknown[] = new Array(filters.length);
    const filterSkipped: boolean[] = new Array(filters.length).fill(false);
    let narrowed: Int32Array | null = null;
    const narrowedBy: string[] = [];
    const prepared: Prepared = {
      cycle,
      filterStates,
      narrowed: null,
      narrowedBy,
      candidates: null,
      entry: null,
      // Set below once PreFilter passes; a rejected pod keeps these shared empty lists (never written).
      cachedFilters: NO_PLUGINS,
      cachedStates: NO_STATES,
      active: NO_PLUGINS,
      activeIndex: NO_INDICES,
      activeStates: NO_STATES,
    };
    const memo = this.nodeLocalResults;
    for (const plugin of profile.preFilter) {
      const r = memo ? memo.preFilter(plugin, cycle) : plugin.preFilter!(cycle);
      const fi = this.filterIndex.get(plugin);
      if (r.code === SKIP) {
        if (fi !== undefined) filterSkipped[fi] = true;
        continue;
      }
      if (r.code !== SUCCESS) {
        prepared.rejected = { plugin: plugin.name, code: r.code, reasons: r.reasons ?? [] };
        return prepared;
      }
      if (fi !== undefined) filterStates[fi] = r.state;
      if (r.nodes) {
        narrowed = narrowed ? intersect(narrowed, r.nodes) : r.nodes;
        narrowedBy.push(plugin.name);
      }
    }
    // Filter plugins outside the preFilter list still get their per-pod state.
    filters.forEach((plugin, i) => {
      if (filterStates[i] !== undefined || filterSkipped[i] || !plugin.preFilter) return;
      if (profile.preFilter.includes(plugin)) return;
      const r = memo ? memo.preFilter(plugin, cycle) : plugin.preFilter(cycle);
      if (r.code === SKIP) filterSkipped[i] = true;
      else filterStates[i] = r.state;
    });
    prepared.narrowed = narrowed;
    if (only) narrowed = narrowed ? intersect(only, narrowed) : only;
    prepared.candidates = narrowed;
    const entry = useCache ? this.cacheEntry(cycle) : null;
    // With a cache entry, node-local filters are answered from it; the others run as usual.
    const plan = this.filterPlan(filterSkipped, entry !== null);
    prepared.entry = entry;
    prepared.cachedFilters = plan.cachedFilters;
    prepared.active = plan.active;
    prepared.activeIndex = plan.activeIndex;
    prepared.activeStates = plan.activeIndex.map((f) => filterStates[f]);
    prepared.cachedStates = plan.cachedIndex.map((f) => filterStates[f]);
    if (entry) this.scratch(snap.nodeCount);
    this.ensureNodeArrays(snap.nodeCount);
    return prepared;
  }

  /** Which filters run, and how, given the ones PreFilter skipped; the same few plans repeat for every pod. */
  private filterPlan(skipped: readonly boolean[], cached: boolean): FilterPlan {
    let key = cached ? 1 : 0;
    for (let f = 0; f < skipped.length && f < 30; f++) if (skipped[f]) key |= 2 << f;
    const memo = skipped.length < 30 ? this.filterPlans.get(key) : undefined;
    if (memo) return memo;
    const runnable = this.profile.filter.filter((_, f) => !skipped[f]);
    const cachedFilters = cached ? runnable.filter((p) => p.nodeLocalKey) : [];
    const active = cached ? runnable.filter((p) => !p.nodeLocalKey) : runnable;
    const plan: FilterPlan = {
      cachedFilters,
      cachedIndex: cachedFilters.map((p) => this.filterIndex.get(p)!),
      active,
      activeIndex: active.map((p) => this.filterIndex.get(p)!),
    };
    if (skipped.length < 30) this.filterPlans.set(key, plan);
    return plan;
  }

  private ensureNodeArrays(nodeCount: number): void {
    if (this.failedPlugin.length < nodeCount) {
      this.failedPlugin = new Int16Array(nodeCount * 2);
      this.failedCode = new Uint8Array(nodeCount * 2);
      this.evaluatedStamp = new Uint32Array(nodeCount * 2);
    }
  }

  /**
   * Filters the nodes `chunk[0..len)`: records each rejected node's plugin and code in
   * failedPlugin/failedCode and compacts the survivors to the front of `chunk`; returns how many.
   */
  private filterChunk(p: Prepared, chunk: Int32Array, len: number): number {
    const { cycle, entry, cachedFilters, cachedStates, active, activeIndex, activeStates } = p;
    const codes = this.chunkCodes;
    const failedPlugin = this.failedPlugin;
    const failedCode = this.failedCode;
    let alive = len;
    if (entry) {
      // Nodes changed since the cache saw them go through the node-local filters again.
      const generation = this.snapshot.nodeGeneration;
      const stale = this.staleNodes;
      const staleCount = collectStale(chunk, len, entry.filterStamp, generation, stale);
      for (let i = 0; i < staleCount; i++) entry.pass[stale[i]] = 0;
      let survivors = staleCount;
      for (let c = 0; c < cachedFilters.length && survivors > 0; c++) {
        const plugin = cachedFilters[c];
        filterCodes(cycle, plugin, cachedStates[c], stale, survivors, codes);
        let kept = 0;
        for (let i = 0; i < survivors; i++) if (codes[i] === SUCCESS) stale[kept++] = stale[i];
        survivors = kept;
      }
      for (let i = 0; i < survivors; i++) entry.pass[stale[i]] = 1;
      for (let i = 0; i < len; i++) entry.filterStamp[chunk[i]] = generation[chunk[i]] + 1;
      let kept = 0;
      for (let i = 0; i < len; i++) {
        const node = chunk[i];
        if (entry.pass[node]) chunk[kept++] = node;
        else failedPlugin[node] = CACHED_REJECTION;
      }
      alive = kept;
    }
    for (let a = 0; a < active.length && alive > 0; a++) {
      const plugin = active[a];
      const state = activeStates[a];
      filterCodes(cycle, plugin, state, chunk, alive, codes);
      let kept = 0;
      for (let i = 0; i < alive; i++) {
        const node = chunk[i];
        if (codes[i] === SUCCESS) chunk[kept++] = node;
        else {
          failedPlugin[node] = activeIndex[a];
          failedCode[node] = codes[i];
        }
      }
      alive = kept;
    }
    for (let i = 0; i < alive; i++) failedPlugin[chunk[i]] = NO_PLUGIN;
    return alive;
  }

  /**
   * Worker side of a filter request: the verdict of walk positions [from, to) of a cycle that
   * starts at `start` — the rejecting plugin's index (or NO_PLUGIN / CACHED_REJECTION) and code.
   */
  filterPositions(
    p: Prepared,
    start: number,
    from: number,
    to: number,
    outPlugin: Int16Array,
    outCode: Uint8Array,
  ): void {
    const candidates = p.candidates;
    const numCandidates = candidates ? candidates.length : this.snapshot.nodeCount;
    const chunk = this.chunkNodes;
    for (let pos = from; pos < to; pos += CHUNK) {
      const len = Math.min(CHUNK, to - pos);
      for (let i = 0; i < len; i++) {
        const slot = (start + pos + i) % numCandidates;
        chunk[i] = candidates ? candidates[slot] : slot;
      }
      const order = this.chunkOrder;
      order.set(chunk.subarray(0, len));
      this.filterChunk(p, chunk, len);
      for (let i = 0; i < len; i++) {
        const node = order[i];
        outPlugin[pos + i] = this.failedPlugin[node];
        outCode[pos + i] = this.failedCode[node];
      }
    }
  }

  /** One cycle; `useCache` lets node-local plugins' results be reused (never when explaining). */
  private *cycle(
    pod: PodInfo,
    only: Int32Array | undefined,
    explain: boolean,
    useCache: boolean,
    remote: boolean,
  ): Generator<RemoteRequest, PodResult, RemoteReply> {
    const startIndex = this.nextStartNodeIndex;
    const snap = this.snapshot;
    const profile = this.profile;
    const nodeCount = snap.nodeCount;

    // ---- PreFilter ----------------------------------------------------------------------------
    const prepared = this.prepare(pod, only, useCache);
    if (prepared.rejected) {
      const { plugin, code, reasons } = prepared.rejected;
      return this.rejectAll(emptyResult(pod), plugin, code, reasons);
    }
    const { cycle, filterStates, narrowedBy, candidates, entry } = prepared;
    const filters = profile.filter;

    // ---- Filter -------------------------------------------------------------------------------
    // Nodes go through the filters a chunk at a time, plugin by plugin, each plugin seeing only the
    // nodes every earlier plugin passed: the same first-failing plugin per node as a node-by-node
    // walk, with each plugin's loop kept inside the plugin. Sampling stops at the exact node that
    // completes the quota, as upstream's walk would.
    const numCandidates = candidates ? candidates.length : nodeCount;
    const toFind = only ? numCandidates : numFeasibleNodesToFind(profile.percentageOfNodesToScore, numCandidates);
    const start = numCandidates > 0 ? this.nextStartNodeIndex % numCandidates : 0;
    const result = emptyResult(pod);
    if (prepared.narrowed) result.preFilterNodeNames = Array.from(prepared.narrowed, (n) => snap.nodeNames[n]);
    const feasible = new Int32Array(Math.min(toFind, numCandidates));
    let found = 0;
    let processed = 0;
    const failedPlugin = this.failedPlugin;
    const failedCode = this.failedCode;
    const offload = remote && toFind >= numCandidates && numCandidates > 0;
    if (offload) {
      // Workers filter ranges of walk positions; their verdicts are read back in walk order, so the
      // feasible list, the first failing plugin per node and the next start index are the same.
      const reply = yield { kind: 'filter', start, positions: numCandidates, cached: entry !== null, prepared };
      if (reply.kind !== 'filter') throw new Error('expected a filter reply');
      for (let pos = 0; pos < numCandidates; pos++) {
        const slot = (start + pos) % numCandidates;
        const node = candidates ? candidates[slot] : slot;
        const fp = reply.plugin[pos];
        failedPlugin[node] = fp;
        failedCode[node] = reply.code[pos];
        if (fp === NO_PLUGIN) feasible[found++] = node;
      }
      processed = numCandidates;
    } else {
      const chunk = this.chunkNodes;
      for (let pos = 0; pos < numCandidates && found < toFind; pos += CHUNK) {
        const len = Math.min(CHUNK, numCandidates - pos);
        for (let i = 0; i < len; i++) {
          const slot = (start + pos + i) % numCandidates;
          chunk[i] = candidates ? candidates[slot] : slot;
        }
        const alive = this.filterChunk(prepared, chunk, len);
        // Survivors, in walk order; stop at the one that completes the quota.
        processed = pos + len;
        for (let i = 0; i < alive; i++) {
          const node = chunk[i];
          feasible[found++] = node;
          if (found === toFind) {
            processed = pos + this.walkPosition(node, candidates, start, pos, len, numCandidates) + 1;
            break;
          }
        }
      }
    }
    if (nodeCount > 0) this.nextStartNodeIndex = (this.nextStartNodeIndex + processed) % nodeCount;
    const feasibleNodes = feasible.subarray(0, found);
    if (found === 0 && !explain && this.options.failureMessages === false) {
      result.feasibleCount = 0;
      return result;
    }
    if (found === 0 && entry) {
      // Which plugin rejected each node (for the message and for preemption): kept per cache entry
      // when only node-local filters ran over every node, else from a second walk without the cache.
      const nodeLocalOnly = !explain && !only && !candidates && prepared.active.length === 0;
      if (nodeLocalOnly && this.options.failureMessages !== false) {
        const { cachedFilters: filters, cachedStates: filterStates } = prepared;
        const rejected = this.shortRejection({ cycle, entry, filters, filterStates });
        if (rejected) return rejected;
      }
      this.nextStartNodeIndex = startIndex;
      return yield* this.cycle(pod, only, explain, false, remote);
    }

    // Failures: every node not feasible, with the plugin that rejected it. An explanation keeps
    // them per node; otherwise only an unschedulable pod needs them, as reason counts for its message.
    result.feasibleCount = found;
    this.cycleStamp++;
    if (explain || found === 0) {
      const counts = new Map<string, number>();
      const note = (node: number, plugin: string, code: Code, reasons: string[]) => {
        if (explain) result.filterFailures[snap.nodeNames[node]] = { plugin, code: codeName(code), reasons };
        for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
      };
      for (let i = 0; i < processed; i++) {
        const slot = (start + i) % numCandidates;
        const node = candidates ? candidates[slot] : slot;
        const fi = failedPlugin[node];
        this.evaluatedStamp[node] = this.cycleStamp;
        if (fi === NO_PLUGIN) continue;
        const plugin = filters[fi];
        note(
          node,
          plugin.name,
          failedCode[node] as Code,
          plugin.filterReasons ? plugin.filterReasons(cycle, filterStates[fi], node) : [],
        );
      }
      if (candidates && narrowedBy.length > 0) {
        const inCandidates = new Set(candidates);
        const offered = only ? new Set(only) : null;
        const reason = `node(s) didn't satisfy plugin(s) [${narrowedBy.sort().join(', ')}]`;
        for (let n = 0; n < nodeCount; n++) {
          if (inCandidates.has(n) || (offered && !offered.has(n))) continue;
          failedPlugin[n] = NARROWED_OUT;
          failedCode[n] = UNSCHEDULABLE_AND_UNRESOLVABLE;
          this.evaluatedStamp[n] = this.cycleStamp;
          note(n, narrowedBy[0], UNSCHEDULABLE_AND_UNRESOLVABLE, [reason]);
        }
      }
      if (found === 0) result.message = summarizeCounts(nodeCount, counts);
    }
    // Names cost an allocation per node: only an explanation pays for them.
    if (explain || found <= 1) result.feasibleNodes = Array.from(feasibleNodes, (n) => snap.nodeNames[n]);
    if (found === 0) return result;
    result.nodeIndices = feasibleNodes;
    if (found === 1) {
      result.chosenNode = snap.nodeNames[feasibleNodes[0]];
      result.bestNodes = [result.chosenNode];
      result.scoringSkippedBecauseSingleFeasibleNode = true;
      return result;
    }
    return yield* this.scoreAndSelect(prepared, feasibleNodes, result, explain, offload);
  }

  /** PreScore over the feasible nodes: each scoring plugin's state, and the plugins that skip. */
  preScore(cycle: Cycle, feasible: Int32Array): ScoreStates {
    const profile = this.profile;
    const states = new Map<Plugin, unknown>();
    const skipped = new Set<Plugin>();
    for (const plugin of profile.preScore) {
      const r = plugin.preScore!(cycle, feasible);
      if (r.code === SKIP) skipped.add(plugin);
      else states.set(plugin, r.state);
    }
    for (const { plugin } of profile.score) {
      if (states.has(plugin) || skipped.has(plugin) || !plugin.preScore || profile.preScore.includes(plugin)) continue;
      const r = plugin.preScore(cycle, feasible);
      if (r.code === SKIP) skipped.add(plugin);
      else states.set(plugin, r.state);
    }
    return { states, skipped };
  }

  /** Score plugins (indices in profile.score) whose weighted sum per node comes from the cache in one pass. */
  private combinedPlugins(entry: CacheEntry | null, explain: boolean, skipped: Set<Plugin>): number[] {
    const combined: number[] = [];
    if (!entry || explain) return combined;
    const scorePlugins = this.profile.score;
    for (let j = 0; j < scorePlugins.length; j++) {
      const plugin = scorePlugins[j].plugin;
      if (this.scoreSlot[j] >= 0 && !plugin.normalizeScore && !skipped.has(plugin)) combined.push(j);
    }
    return combined;
  }

  /** Raw scores of score plugin `j` for `feasible`, into `scores` (from the cache where it can). */
  private rawScores(
    cycle: Cycle,
    j: number,
    state: unknown,
    feasible: Int32Array,
    scores: Float64Array,
    entry: CacheEntry | null,
  ): void {
    const plugin = this.profile.score[j].plugin;
    const slot = entry ? this.scoreSlot[j] : -1;
    if (entry && slot >= 0) this.cachedScores(cycle, plugin, state, feasible, scores, entry, slot);
    else rawScores(cycle, plugin, state, feasible, feasible.length, scores);
  }

  /**
   * Worker side of a score request: for positions [from, to) of `feasible`, each score plugin's raw
   * scores (outRaw[j], skipped and cache-combined plugins left alone) and the cache-combined partial totals.
   */
  scorePositions(
    p: Prepared,
    feasible: Int32Array,
    from: number,
    to: number,
    outRaw: Float64Array[],
    outPartial: Float64Array,
  ): void {
    p.scoring ??= this.preScore(p.cycle, feasible);
    const { states, skipped } = p.scoring;
    const nodes = feasible.subarray(from, to);
    const combined = this.combinedPlugins(p.entry, p.entry === null, skipped);
    if (combined.length > 0)
      this.cachedPartialTotals(p.cycle, combined, states, nodes, outPartial.subarray(from, to), p.entry!);
    const scorePlugins = this.profile.score;
    for (let j = 0; j < scorePlugins.length; j++) {
      const plugin = scorePlugins[j].plugin;
      if (skipped.has(plugin) || combined.includes(j)) continue;
      this.rawScores(p.cycle, j, states.get(plugin), nodes, outRaw[j].subarray(from, to), p.entry);
    }
  }

  private *scoreAndSelect(
    prepared: Prepared,
    feasible: Int32Array,
    result: PodResult,
    explain: boolean,
    offload: boolean,
  ): Generator<RemoteRequest, PodResult, RemoteReply> {
    const snap = this.snapshot;
    const scorePlugins = this.profile.score;
    const { cycle, entry } = prepared;

    // ---- PreScore -----------------------------------------------------------------------------
    const { states, skipped } = this.preScore(cycle, feasible);
    prepared.scoring = { states, skipped };

    // ---- Score, NormalizeScore, weights -------------------------------------------------------
    const totals = new Float64Array(feasible.length);
    const nodeScores: Record<string, NodeScore> | null = explain ? {} : null;
    if (nodeScores) for (const n of feasible) nodeScores[snap.nodeNames[n]] = { plugins: {}, total: 0 };
    if (this.scoreScratch.length < feasible.length) this.scoreScratch = new Float64Array(feasible.length * 2);
    const scores = this.scoreScratch.subarray(0, feasible.length);
    // Node-local plugins that need no normalisation: their weighted sum per node comes from the
    // cache in one pass, recomputed only for nodes that changed.
    const combined = this.combinedPlugins(entry, explain, skipped);
    let remoteRaw: Float64Array[] | null = null;
    if (offload) {
      // Workers run PreScore themselves and return raw scores; normalisation and totals stay here.
      const reply = yield { kind: 'score', feasible, cached: entry !== null, prepared };
      if (reply.kind !== 'score') throw new Error('expected a score reply');
      remoteRaw = reply.raw;
      if (combined.length > 0) totals.set(reply.partial.subarray(0, feasible.length));
    } else if (combined.length > 0) {
      this.cachedPartialTotals(cycle, combined, states, feasible, totals, entry!);
    }
    for (let j = 0; j < scorePlugins.length; j++) {
      const { plugin, weight } = scorePlugins[j];
      if (skipped.has(plugin) || combined.includes(j)) continue;
      const state = states.get(plugin);
      if (remoteRaw) scores.set(remoteRaw[j].subarray(0, feasible.length));
      else this.rawScores(cycle, j, state, feasible, scores, entry);
      const raw = explain ? Float64Array.from(scores) : null;
      if (plugin.normalizeScore) plugin.normalizeScore(cycle, state, feasible, scores);
      for (let i = 0; i < feasible.length; i++) {
        const s = scores[i];
        if (s < 0 || s > MAX_NODE_SCORE) {
          throw new Error(
            `plugin ${plugin.name} returned score ${s} for node ${snap.nodeNames[feasible[i]]}, outside 0..100`,
          );
        }
        totals[i] += s * weight;
      }
      if (nodeScores && raw) {
        for (let i = 0; i < feasible.length; i++) {
          nodeScores[snap.nodeNames[feasible[i]]].plugins[plugin.name] = {
            raw: raw[i],
            normalized: scores[i],
            weight,
            weighted: scores[i] * weight,
          };
        }
      }
    }

    // ---- Select -------------------------------------------------------------------------------
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < totals.length; i++) if (totals[i] > max) max = totals[i];
    let chosen = -1;
    let ties = 0;
    const best: number[] = [];
    for (let i = 0; i < totals.length; i++) {
      if (totals[i] !== max) continue;
      const node = feasible[i];
      if (explain) best.push(node);
      if (this.options.tieBreak === 'first') {
        if (chosen < 0 || node < chosen) chosen = node;
      } else {
        // Reservoir sampling: each top node is equally likely, as upstream's selectHost.
        ties++;
        if (this.rng.int(ties) === 0) chosen = node;
      }
    }
    result.chosenNode = snap.nodeNames[chosen];
    result.maxTotal = max;
    result.totals = totals;
    if (explain && nodeScores) {
      for (let i = 0; i < feasible.length; i++) nodeScores[snap.nodeNames[feasible[i]]].total = totals[i];
      result.scores = nodeScores;
      result.scoreSkippedPlugins = scorePlugins.filter((s) => skipped.has(s.plugin)).map((s) => s.plugin.name);
      result.bestNodes = best.sort((a, b) => a - b).map((n) => snap.nodeNames[n]);
    } else {
      result.bestNodes = [result.chosenNode];
    }
    return result;
  }

  /** totals[i] = Σ weight × score over the `combined` score plugins, from the cache where it can. */
  private cachedPartialTotals(
    cycle: Cycle,
    combined: readonly number[],
    states: Map<Plugin, unknown>,
    feasible: Int32Array,
    totals: Float64Array,
    entry: CacheEntry,
  ): void {
    const generation = this.snapshot.nodeGeneration;
    const stamp = entry.partialStamp;
    const partial = entry.partial;
    const stale = this.staleNodes;
    const staleCount = collectStale(feasible, feasible.length, stamp, generation, stale);
    if (staleCount > 0) {
      for (let i = 0; i < staleCount; i++) partial[stale[i]] = 0;
      const fresh = this.staleScores;
      for (const j of combined) {
        const { plugin, weight } = this.profile.score[j];
        const state = states.get(plugin);
        rawScores(cycle, plugin, state, stale, staleCount, fresh);
        for (let i = 0; i < staleCount; i++) {
          partial[stale[i]] += checkedScore(plugin, fresh[i]) * weight;
        }
      }
      for (let i = 0; i < staleCount; i++) stamp[stale[i]] = generation[stale[i]] + 1;
    }
    for (let i = 0; i < feasible.length; i++) totals[i] = partial[feasible[i]];
  }

  /** Raw scores of a node-local plugin, from the cache where the node has not changed. */
  private cachedScores(
    cycle: Cycle,
    plugin: Plugin,
    state: unknown,
    feasible: Int32Array,
    scores: Float64Array,
    entry: CacheEntry,
    slot: number,
  ): void {
    const generation = this.snapshot.nodeGeneration;
    const stamp = entry.scoreStamp[slot];
    const raw = entry.raw[slot];
    const stale = this.staleNodes;
    const staleCount = collectStale(feasible, feasible.length, stamp, generation, stale);
    if (staleCount > 0) {
      const fresh = this.staleScores;
      rawScores(cycle, plugin, state, stale, staleCount, fresh);
      for (let i = 0; i < staleCount; i++) {
        raw[stale[i]] = fresh[i];
        stamp[stale[i]] = generation[stale[i]] + 1;
      }
    }
    for (let i = 0; i < feasible.length; i++) scores[i] = raw[feasible[i]];
  }

  /**
   * After a cycle that found no feasible node (or an explained one): the status code `node` was
   * rejected with, or undefined when the node passed or was not evaluated. Valid until the next cycle.
   */
  lastRejection(node: number): Code | undefined {
    if (this.evaluatedStamp[node] !== this.cycleStamp || this.failedPlugin[node] === NO_PLUGIN) return undefined;
    return this.failedCode[node] as Code;
  }

  /** Offset within the chunk [pos, pos+len) of the walk at which `node` sits. */
  private walkPosition(
    node: number,
    candidates: Int32Array | null,
    start: number,
    pos: number,
    len: number,
    n: number,
  ): number {
    for (let i = 0; i < len; i++) {
      const slot = (start + pos + i) % n;
      if ((candidates ? candidates[slot] : slot) === node) return i;
    }
    return len - 1;
  }

  private rejectAll(result: PodResult, plugin: string, code: Code, reasons: string[]): PodResult {
    result.preFilter = { code: codeName(code), plugin, reasons };
    const failure: FilterFailure = { plugin, code: codeName(code), reasons };
    for (const name of this.snapshot.nodeNames) result.filterFailures[name] = failure;
    result.message = summarize(this.snapshot.nodeCount, result.filterFailures);
    return result;
  }
}

/** Writes to `out` the nodes of `nodes[0..count)` changed since `stamp` saw them; returns how many. */
function collectStale(
  nodes: Int32Array,
  count: number,
  stamp: Uint32Array,
  generation: Uint32Array,
  out: Int32Array,
): number {
  let n = 0;
  for (let i = 0; i < count; i++) {
    const node = nodes[i];
    if (stamp[node] !== generation[node] + 1) out[n++] = node;
  }
  return n;
}

function intersect(a: Int32Array, b: Int32Array): Int32Array {
  const keep = new Set(b);
  return a.filter((n) => keep.has(n));
}

/** kube-scheduler's FitError message: "0/6 nodes are available: 2 Insufficient cpu, 4 …." */
export function summarize(nodeCount: number, failures: Record<string, FilterFailure>): string {
  const counts = new Map<string, number>();
  for (const f of Object.values(failures)) for (const r of f.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return summarizeCounts(nodeCount, counts);
}

function summarizeCounts(nodeCount: number, counts: Map<string, number>): string {
  const parts = [...counts].map(([r, n]) => `${n} ${r}`).sort();
  return `0/${nodeCount} nodes are available: ${parts.join(', ')}.`;
}

/** A result before Filter has found anything. */
function emptyResult(pod: PodInfo): PodResult {
  return {
    pod: pod.key,
    preFilter: { code: 'Success' },
    feasibleNodes: [],
    feasibleCount: 0,
    filterFailures: {},
    bestNodes: [],
  };
}
