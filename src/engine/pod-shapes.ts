// What the node-local plugins (Plugin.nodeLocalKey) make of a pod, once per tuple of their keys: the
// contract says pods with the same key get the same PreFilter and PreScore outcome from such a plugin,
// so the replay's short cycle asks each plugin for its key once per pod and finds, by one walk down
// nested maps, the PreFilter and PreScore results, the filters that run and the cache entry that
// earlier pods of the same shape left; when every such plugin's key reads only the spec
// (Plugin.nodeLocalKeyBySpec), pods that share a frozen spec object find it by that object alone.
// Forgotten when the node set changes (as NodeLocalResults and the node-local cache are:
// ImageLocality counts nodes with each image).
import { isSharedFrozen } from '../api/shared-objects.js';
import type { PodSpec } from '../api/types.js';
import type { Cycle, Plugin } from '../framework/plugin.js';
import { type Profile, preFilterOrder, preScoreOrder } from '../framework/profile.js';
import { SKIP, SUCCESS } from '../framework/status.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import type { CacheEntry } from './node-local-cache.js';

/** A plugin that scores pods of a shape: its weight, PreScore state and slot in the cache entry. */
export interface ScoringEntry {
  plugin: Plugin;
  weight: number;
  state: unknown;
  slot: number;
  /** A normalising plugin's column in the choice tree (its position in Scoring.normalised), else −1. */
  column: number;
  /** A normalising plugin's score for every node when all raw scores are 0 (NaN until asked). */
  allZero: number;
}

/** The plugins that score a pod, split by whether they normalise. */
export interface Scoring {
  /** Plugins summed into the cached partial total, in profile order. */
  summed: ScoringEntry[];
  /** Normalising plugins, in profile order. */
  normalised: ScoringEntry[];
}

export interface PodShape {
  /** The node-local keys joined: the node-local cache's key. */
  readonly key: string;
  /**
   * False when a node-local PreFilter rejects the pod or narrows the nodes: the full cycle runs
   * (and reports it).
   */
  readonly usable: boolean;
  /** The node-local filters that run for the pod, in profile order, and their PreFilter states. */
  readonly filters: readonly Plugin[];
  readonly filterStates: readonly unknown[];
  /** The node-local plugins' scoring, from their PreScore (run on first use). */
  scoring: Scoring | null;
  /** The cache entry, while the cache's epoch is `entryEpoch`. */
  entry: CacheEntry | null;
  entryEpoch: number;
}

interface TrieNode {
  next: Map<string, TrieNode> | undefined;
  shape: PodShape | undefined;
}

/** Shapes remembered before the table starts over. */
const MAX_SHAPES = 4096;

const NO_NODES = new Int32Array(0);

export class PodShapes {
  private root: TrieNode = { next: undefined, shape: undefined };
  private count = 0;
  private nodeCount = -1;
  /** The node-local plugins of the profile, in the order their keys are joined. */
  private readonly nodeLocal: readonly Plugin[];
  /** Node-local plugins with a PreFilter, in the order the cycle runs them. */
  private readonly preFilters: readonly Plugin[];
  private readonly parts: string[] = [];
  /** Shapes by shared spec object, when every node-local key reads only the spec; else null. */
  private bySpec: WeakMap<PodSpec, PodShape> | null;

  constructor(
    private readonly profile: Profile,
    private readonly snapshot: Snapshot,
    nodeLocal: readonly Plugin[],
    private readonly scoreSlot: readonly number[],
    private readonly separator: string,
  ) {
    this.nodeLocal = nodeLocal;
    this.preFilters = preFilterOrder(profile).filter((p) => p.nodeLocalKey !== undefined);
    this.bySpec = nodeLocal.every((p) => p.nodeLocalKeyBySpec === true) ? new WeakMap() : null;
  }

  private forget(): void {
    this.root = { next: undefined, shape: undefined };
    this.count = 0;
    if (this.bySpec) this.bySpec = new WeakMap();
  }

  /** The shape of the cycle's pod. */
  of(cycle: Cycle): PodShape {
    if (this.snapshot.nodeCount !== this.nodeCount) {
      this.forget();
      this.nodeCount = this.snapshot.nodeCount;
    }
    const spec = cycle.pod.pod.spec;
    const bySpec = this.bySpec !== null && isSharedFrozen(spec) ? this.bySpec : null;
    if (bySpec !== null) {
      const known = bySpec.get(spec);
      if (known !== undefined) return known;
    }
    const shape = this.byKeys(cycle);
    bySpec?.set(spec, shape);
    return shape;
  }

  /** The shape found by the pod's node-local keys. */
  private byKeys(cycle: Cycle): PodShape {
    const parts = this.parts;
    const n = this.nodeLocal.length;
    let node = this.root;
    for (let i = 0; i < n; i++) {
      const part = this.nodeLocal[i].nodeLocalKey!(cycle);
      parts[i] = part;
      if (node.next === undefined) node.next = new Map();
      let child = node.next.get(part);
      if (child === undefined) {
        child = { next: undefined, shape: undefined };
        node.next.set(part, child);
      }
      node = child;
    }
    if (node.shape !== undefined) return node.shape;
    if (this.count >= MAX_SHAPES) {
      this.forget();
      return this.byKeys(cycle);
    }
    this.count++;
    node.shape = this.build(cycle, parts.slice(0, n).join(this.separator));
    return node.shape;
  }

  /** The node-local plugins' scoring for a pod of this shape (their PreScore runs once per shape). */
  scoring(shape: PodShape, cycle: Cycle): Scoring {
    if (shape.scoring) return shape.scoring;
    const states = new Map<Plugin, unknown>();
    const skipped = new Set<Plugin>();
    for (const plugin of this.preScoreOrder()) {
      const r = plugin.preScore!(cycle, NO_NODES);
      if (r.code === SKIP) skipped.add(plugin);
      else states.set(plugin, r.state);
    }
    const scoring: Scoring = { summed: [], normalised: [] };
    this.profile.score.forEach(({ plugin, weight }, j) => {
      const slot = this.scoreSlot[j];
      if (slot < 0 || skipped.has(plugin)) return;
      const column = plugin.normalizeScore ? scoring.normalised.length : -1;
      const e: ScoringEntry = { plugin, weight, state: states.get(plugin), slot, column, allZero: Number.NaN };
      if (plugin.normalizeScore) scoring.normalised.push(e);
      else scoring.summed.push(e);
    });
    shape.scoring = scoring;
    return scoring;
  }

  /** Node-local plugins with a PreScore, each once, in the order the cycle runs PreScore. */
  private preScoreOrder(): Plugin[] {
    return preScoreOrder(this.profile).filter((p) => p.nodeLocalKey !== undefined && p.preScore);
  }

  private build(cycle: Cycle, key: string): PodShape {
    const skipped = new Set<Plugin>();
    const states = new Map<Plugin, unknown>();
    let usable = true;
    for (const plugin of this.preFilters) {
      const r = plugin.preFilter!(cycle);
      if (r.code === SKIP) skipped.add(plugin);
      else if (r.code !== SUCCESS || r.nodes) {
        usable = false;
        break;
      } else states.set(plugin, r.state);
    }
    const filters = usable ? this.profile.filter.filter((p) => p.nodeLocalKey !== undefined && !skipped.has(p)) : [];
    return {
      key,
      usable,
      filters,
      filterStates: filters.map((p) => states.get(p)),
      scoring: null,
      entry: null,
      entryEpoch: -1,
    };
  }
}
