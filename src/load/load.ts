// The loader's entry point: files and directories of manifests (YAML, JSON, Lists) and snapshots
// (the conformance case format) become one cluster, every problem of every file collected first.

import { readdir, readFile, stat } from 'node:fs/promises';
import { join as joinPath } from 'node:path';
import { InputError, type Problem } from '../api/problem.js';
import type { ClusterSnapshot, Pod, PriorityClass } from '../api/types.js';
import { Checker, type CheckOptions, describe, isObj, type Obj } from './check.js';
import { KINDS, SNAPSHOT_KEYS } from './objects.js';
import { child } from './path.js';
import { isFinished } from './pod.js';
import { priorityTable, resolvePriority } from './priority.js';
import { type Placed, parseSource, placeLines, type Source } from './source.js';

export type LoadOptions = CheckOptions;

export interface LoadResult {
  cluster: ClusterSnapshot;
  /** Problems that do not stop loading: unknown kinds (skipped), nodes without a pod count, ... */
  warnings: Problem[];
}

/** Files a directory contributes: manifests, found recursively, in sorted order. */
const MANIFEST = /\.(ya?ml|json)$/i;

/** One document of one source, with the checker that holds its problems. */
interface Unit {
  source: Source;
  index: number;
  doc: number;
  c: Checker;
  /** Pods in phase Succeeded or Failed, left out. */
  finished: number;
}

interface Entry {
  obj: Obj;
  unit: Unit;
  path: string;
}

/** Where a pod goes: by spec.nodeName (manifests), or as the snapshot key says. */
type Placement = 'auto' | 'bound' | 'pending';

class Loader {
  private readonly opts: LoadOptions;
  private readonly units: Unit[] = [];
  private readonly syntax: { problem: Problem; index: number }[] = [];
  private readonly fileProblems: { problem: Problem; index: number }[] = [];
  private sources = 0;
  readonly entries: Record<keyof ClusterSnapshot, Entry[]> = {
    nodes: [],
    pods: [],
    pendingPods: [],
    namespaces: [],
    services: [],
    replicaSets: [],
    replicationControllers: [],
    statefulSets: [],
    deployments: [],
    daemonSets: [],
    jobs: [],
    podDisruptionBudgets: [],
    priorityClasses: [],
    horizontalPodAutoscalers: [],
    limitRanges: [],
    resourceQuotas: [],
    persistentVolumes: [],
    persistentVolumeClaims: [],
    storageClasses: [],
  };

  constructor(opts: LoadOptions) {
    this.opts = opts;
  }

  /** A file that could not be read, or a path with nothing to read. */
  fileProblem(file: string, message: string): void {
    this.fileProblems.push({ problem: { code: 'file', file, message }, index: this.sources++ });
  }

  addText(text: string, file: string): void {
    const index = this.sources++;
    const { source, problems } = parseSource(text, file);
    for (const problem of problems) this.syntax.push({ problem, index });
    source.docs.forEach((value, doc) => {
      if (value === undefined || value === null) return;
      const unit: Unit = { source, index, doc, c: new Checker(file, this.opts), finished: 0 };
      this.units.push(unit);
      this.document(unit, value);
    });
  }

  private document(unit: Unit, value: unknown): void {
    const { c } = unit;
    if (!isObj(value)) {
      c.error('type', '', `expected a Kubernetes object, a List or a snapshot, got ${describe(value)}`);
      return;
    }
    if ((value.kind === undefined || value.kind === null) && Object.keys(SNAPSHOT_KEYS).some((k) => k in value)) {
      this.snapshot(unit, value);
      return;
    }
    this.object(unit, value, '', undefined, 'auto');
  }

  /** `{nodes: [...], pods: [...], pendingPods: [...], ...}`: items may omit apiVersion and kind. */
  private snapshot(unit: Unit, value: Obj): void {
    const { c } = unit;
    for (const key of Object.keys(value)) {
      const kind = (SNAPSHOT_KEYS as Record<string, string>)[key];
      if (kind === undefined) {
        if (c.strict)
          c.error('unknown-field', key, `unknown snapshot key (expected ${Object.keys(SNAPSHOT_KEYS).join(', ')})`);
        continue;
      }
      const items = value[key];
      if (!c.array(items, key)) continue;
      const placement: Placement = key === 'pods' ? 'bound' : key === 'pendingPods' ? 'pending' : 'auto';
      for (let i = 0; i < items.length; i++) this.object(unit, items[i], `${key}[${i}]`, kind, placement);
    }
  }

  private object(unit: Unit, v: unknown, path: string, kindHint: string | undefined, placement: Placement): void {
    const { c } = unit;
    if (!c.object(v, path, true)) return;
    const kindPath = child(path, 'kind');
    let kind = v.kind;
    if (kind === undefined || kind === null) {
      if (kindHint === undefined) {
        c.error(
          'required',
          kindPath,
          'is required (a manifest needs apiVersion and kind; a snapshot has nodes, pods, pendingPods, ...)',
        );
        return;
      }
      kind = kindHint;
    } else if (!c.string(kind, kindPath)) {
      return;
    }
    c.string(v.apiVersion, child(path, 'apiVersion'));
    const kindName = kind as string;
    if (kindName === 'List' || (kindName.endsWith('List') && KINDS[kindName] === undefined && 'items' in v)) {
      this.list(unit, v, path, kindName);
      return;
    }
    const info = KINDS[kindName];
    if (!info) {
      c.warn('unknown-kind', kindPath, `unknown kind ${JSON.stringify(kindName)}: skipped`);
      return;
    }
    if (kindHint !== undefined && kindName !== kindHint) {
      c.error('kind', kindPath, `expected ${kindHint} here, got ${JSON.stringify(kindName)}`);
      return;
    }
    const obj = info.check(c, v, path) as Obj | undefined;
    if (!obj) return;
    if (info.collection !== 'pods') {
      this.entries[info.collection].push({ obj, unit, path });
      return;
    }
    this.pod(unit, obj, path, placement);
  }

  private pod(unit: Unit, obj: Obj, path: string, placement: Placement): void {
    if (isFinished(obj as unknown as Pod)) {
      unit.finished++;
      return;
    }
    const spec = obj.spec;
    const nodeName =
      isObj(spec) && typeof spec.nodeName === 'string' && spec.nodeName !== '' ? spec.nodeName : undefined;
    if (placement === 'bound' && nodeName === undefined) {
      unit.c.error(
        'required',
        child(child(path, 'spec'), 'nodeName'),
        'is required for a pod under "pods" (bound pods); pods waiting to be scheduled go under "pendingPods"',
      );
      return;
    }
    const bound = placement === 'bound' || (placement === 'auto' && nodeName !== undefined);
    this.entries[bound ? 'pods' : 'pendingPods'].push({ obj, unit, path });
  }

  /** `kind: List`, or a typed list (`PodList`, `NodeList`) whose items may omit their kind. */
  private list(unit: Unit, v: Obj, path: string, kind: string): void {
    const { c } = unit;
    const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
    if (itemKind !== undefined && KINDS[itemKind] === undefined) {
      c.warn('unknown-kind', child(path, 'kind'), `unknown kind ${JSON.stringify(kind)}: skipped`);
      return;
    }
    const itemsPath = child(path, 'items');
    const items = v.items;
    if (!c.array(items, itemsPath, true)) return;
    for (let i = 0; i < items.length; i++) this.object(unit, items[i], `${itemsPath}[${i}]`, itemKind, 'auto');
  }

  // ---- across objects ----------------------------------------------------------------------------

  finish(): LoadResult {
    const refs: { problem: Problem; first: Entry }[] = [];
    this.checkPriorityClasses();
    const table = priorityTable(this.entries.priorityClasses.map((e) => e.obj as unknown as PriorityClass));
    for (const list of [this.entries.pods, this.entries.pendingPods]) {
      for (const e of list) resolvePriority(e.unit.c, e.obj as unknown as Pod, e.path, table);
    }
    this.checkDuplicates(refs);
    this.dropPodsOnMissingNodes();
    this.reportFinishedPods();

    const placed: Placed[] = [];
    const errors: { problem: Problem; index: number }[] = [...this.fileProblems, ...this.syntax];
    const warnings: { problem: Problem; index: number }[] = [];
    for (const unit of this.units) {
      for (const problem of unit.c.errors) {
        errors.push({ problem, index: unit.index });
        placed.push({ problem, source: unit.source, doc: unit.doc });
      }
      for (const problem of unit.c.warnings) {
        warnings.push({ problem, index: unit.index });
        if (problem.path) placed.push({ problem, source: unit.source, doc: unit.doc });
      }
    }
    const firsts = refs.map(
      (r): Placed => ({
        problem: {
          code: 'ref',
          file: r.first.unit.source.file,
          path: child(child(r.first.path, 'metadata'), 'name'),
          message: '',
        },
        source: r.first.unit.source,
        doc: r.first.unit.doc,
      }),
    );
    placeLines([...placed, ...firsts]);
    refs.forEach((r, i) => {
      const { file, line } = firsts[i].problem;
      r.problem.message += ` (first defined at ${file}${line ? `:${line}` : ''})`;
    });

    const byPlace = (a: { problem: Problem; index: number }, b: { problem: Problem; index: number }) =>
      a.index - b.index || (a.problem.line ?? 0) - (b.problem.line ?? 0);
    if (errors.length > 0) throw new InputError(errors.sort(byPlace).map((e) => e.problem));
    const cluster = {} as Record<keyof ClusterSnapshot, unknown[]>;
    for (const key of Object.keys(this.entries) as (keyof ClusterSnapshot)[]) {
      cluster[key] = this.entries[key].map((e) => e.obj);
    }
    return { cluster: cluster as unknown as ClusterSnapshot, warnings: warnings.sort(byPlace).map((w) => w.problem) };
  }

  /** One warning per file for the pods left out because they have finished. */
  private reportFinishedPods(): void {
    const perSource = new Map<Source, { unit: Unit; count: number }>();
    for (const unit of this.units) {
      if (unit.finished === 0) continue;
      const seen = perSource.get(unit.source);
      if (seen) seen.count += unit.finished;
      else perSource.set(unit.source, { unit, count: unit.finished });
    }
    for (const { unit, count } of perSource.values()) {
      const pods = count === 1 ? '1 pod' : `${count} pods`;
      unit.c.warn('finished-pods', '', `${pods} in phase Succeeded or Failed left out (they hold no resources)`);
    }
  }

  /** At most one PriorityClass may be the global default (the API server refuses a second). */
  private checkPriorityClasses(): void {
    let first: string | undefined;
    for (const e of this.entries.priorityClasses) {
      if (e.obj.globalDefault !== true) continue;
      const name = (e.obj.metadata as Obj | undefined)?.name;
      if (first === undefined) first = String(name);
      else {
        e.unit.c.error(
          'priority',
          child(e.path, 'globalDefault'),
          `only one PriorityClass may be the global default, and ${JSON.stringify(first)} already is`,
        );
      }
    }
  }

  /** Two objects of a kind with one name (namespace/name for namespaced kinds). */
  private checkDuplicates(refs: { problem: Problem; first: Entry }[]): void {
    for (const [kind, { collection, namespaced }] of Object.entries(KINDS)) {
      const list =
        collection === 'pods' ? [...this.entries.pods, ...this.entries.pendingPods] : this.entries[collection];
      const seen = new Map<string, Entry>();
      for (const e of list) {
        const meta = e.obj.metadata;
        if (!isObj(meta) || typeof meta.name !== 'string' || meta.name === '') continue;
        const key = namespaced ? `${String(meta.namespace)}/${meta.name}` : meta.name;
        const first = seen.get(key);
        if (!first) {
          seen.set(key, e);
          continue;
        }
        const before = e.unit.c.errors.length;
        e.unit.c.error(
          'duplicate',
          child(child(e.path, 'metadata'), 'name'),
          `duplicate ${kind} ${JSON.stringify(key)}`,
        );
        refs.push({ problem: e.unit.c.errors[before], first });
      }
    }
  }

  /**
   * Bound pods whose node is not in the input: kube-scheduler's snapshot leaves them out too (their
   * node has no NodeInfo). One warning per missing node.
   */
  private dropPodsOnMissingNodes(): void {
    const nodes = new Set<string>();
    for (const e of this.entries.nodes) {
      const name = (e.obj.metadata as Obj | undefined)?.name;
      if (typeof name === 'string') nodes.add(name);
    }
    const missing = new Map<string, { first: Entry; count: number }>();
    this.entries.pods = this.entries.pods.filter((e) => {
      const nodeName = (e.obj.spec as Obj).nodeName as string;
      if (nodes.has(nodeName)) return true;
      const m = missing.get(nodeName);
      if (m) m.count++;
      else missing.set(nodeName, { first: e, count: 1 });
      return false;
    });
    for (const [nodeName, { first, count }] of missing) {
      first.unit.c.warn(
        'unknown-node',
        child(child(first.path, 'spec'), 'nodeName'),
        `${count === 1 ? '1 pod is' : `${count} pods are`} bound to node ${JSON.stringify(nodeName)}, which is not in the input: left out`,
      );
    }
  }
}

/** Every manifest under `path` (recursively, sorted), or `path` itself when it is a file. */
async function expand(path: string, loader: Loader): Promise<string[]> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (err) {
    loader.fileProblem(path, `cannot read: ${reason(err)}`);
    return [];
  }
  if (!info.isDirectory()) return [path];
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = joinPath(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (MANIFEST.test(entry.name)) out.push(full);
    }
  };
  await walk(path);
  if (out.length === 0) loader.fileProblem(path, 'no manifests (*.yaml, *.yml, *.json) in this directory');
  return out;
}

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return err instanceof Error ? err.message : String(err);
}

/**
 * Loads files and directories of manifests and snapshots into one cluster: validated, defaulted as the
 * API server would, pods split into bound and pending. Throws InputError with every problem found.
 */
export async function loadCluster(paths: readonly string[], opts: LoadOptions = {}): Promise<LoadResult> {
  const loader = new Loader(opts);
  for (const path of paths) {
    for (const file of await expand(path, loader)) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        loader.fileProblem(file, `cannot read: ${reason(err)}`);
        continue;
      }
      loader.addText(text, file);
    }
  }
  return loader.finish();
}

/** loadCluster for text in hand (tests, request bodies). `fileLabel` names it in problems; `.json` means JSON. */
export function loadClusterFromText(text: string, fileLabel: string, opts: LoadOptions = {}): LoadResult {
  const loader = new Loader(opts);
  loader.addText(text, fileLabel);
  return loader.finish();
}

export { type Validated, type ValidateOptions, validateNode, validatePod } from './validate-object.js';
