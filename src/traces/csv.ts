// The simple trace format: a CSV table of pods, one row per pod, sorted by submit time
// (docs/traces.md). A header names the columns, in any order; each row becomes a pod-create event.
import { InputError, type Problem } from '../api/problem.js';
import { shareFrozen } from '../api/shared-objects.js';
import type { Container, Labels, OwnerReference, Pod } from '../api/types.js';
import { Checker, closest, type Obj } from '../load/check.js';
import { checkLabels } from '../load/meta.js';
import { checkQuantity } from '../load/resources.js';
import type { TraceEvent } from './events.js';
import { TimeOrder, type TraceItem, type TraceReader } from './item.js';
import { LineReader } from './lines.js';

export const CSV_COLUMNS = [
  'submit_time',
  'duration',
  'cpu',
  'memory',
  'extended',
  'priority',
  'labels',
  'owner',
  'namespace',
  'name',
] as const;
type Column = (typeof CSV_COLUMNS)[number];

/** Owner kinds and their API groups (the pod's ownerReference). */
export const OWNER_API_VERSIONS: Record<string, string> = {
  ReplicaSet: 'apps/v1',
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
  ReplicationController: 'v1',
};

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Splits one CSV record (RFC 4180 quoting; no newlines inside fields). Null when a quote is left open. */
export function splitCsv(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return null;
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(value);
      if (i >= line.length) return out;
      if (line[i] !== ',') return null;
      i++;
    } else {
      const comma = line.indexOf(',', i);
      if (comma < 0) {
        out.push(line.slice(i));
        return out;
      }
      out.push(line.slice(i, comma));
      i = comma + 1;
    }
  }
}

/** `k=v;k2=v2` → map; null (with a problem) when an entry has no `=`. */
function pairs(c: Checker, text: string, column: string, what: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  if (text.trim() === '') return out;
  for (const entry of text.split(';')) {
    const eq = entry.indexOf('=');
    if (eq <= 0) {
      c.error('format', column, `expected ${what} as key=value pairs separated by ";", got ${JSON.stringify(entry)}`);
      return null;
    }
    out[entry.slice(0, eq).trim()] = entry.slice(eq + 1).trim();
  }
  return out;
}

function seconds(c: Checker, text: string, column: string, required: boolean): number | undefined {
  if (text.trim() === '') {
    if (required) c.error('required', column, 'is required: seconds from the start of the trace');
    return undefined;
  }
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || !/^\s*[0-9.eE+]+\s*$/.test(text)) {
    c.error('type', column, `expected a number of seconds (0 or more), got ${JSON.stringify(text)}`);
    return undefined;
  }
  return n;
}

/** A row's resources and priority as a pod spec, shared (frozen) by the rows that repeat them. */
type SpecPart = Pod['spec'];
/** A row's labels and owner, shared (frozen) by the rows that repeat them. */
interface MetaPart {
  labels: Labels | undefined;
  ownerReferences: OwnerReference[] | undefined;
}
/** Parts remembered per table before it starts over (a trace repeats a few thousand at most at a time). */
const MAX_PARTS = 10_000;

/**
 * Parts by their columns' texts, one map level per column: a row looks its fields up as they are
 * (each field string's hash is computed once) instead of joining them into a fresh key string to be
 * flattened and hashed, and without a closure per row. Starts over past MAX_PARTS parts.
 */
class PartTable<T> {
  private root = new Map<string, Map<string, T> | Map<string, Map<string, Map<string, T>>>>();
  private count = 0;

  /** The part under two columns' texts (a table used with two keys only). */
  get2(a: string, b: string): T | undefined {
    return (this.root.get(a) as Map<string, T> | undefined)?.get(b);
  }

  /** The part under four columns' texts (a table used with four keys only). */
  get4(a: string, b: string, c: string, d: string): T | undefined {
    return (this.root.get(a) as Map<string, Map<string, Map<string, T>>> | undefined)?.get(b)?.get(c)?.get(d);
  }

  /** `made` kept under two keys, unless building it added a problem to `checker` (then undefined). */
  keep2(a: string, b: string, checker: Checker, before: number, made: T | undefined): T | undefined {
    if (made === undefined || checker.errors.length > before) return undefined;
    this.level<T>(this.fresh(), a).set(b, made);
    return made;
  }

  /** `made` kept under four keys, unless building it added a problem to `checker` (then undefined). */
  keep4(
    a: string,
    b: string,
    c: string,
    d: string,
    checker: Checker,
    before: number,
    made: T | undefined,
  ): T | undefined {
    if (made === undefined || checker.errors.length > before) return undefined;
    const l1 = this.level<Map<string, Map<string, T>>>(this.fresh(), a);
    this.level<T>(this.level<Map<string, T>>(l1, b), c).set(d, made);
    return made;
  }

  /** The root, emptied first when it holds MAX_PARTS parts; counts the part about to be added. */
  private fresh(): Map<string, unknown> {
    if (this.count >= MAX_PARTS) {
      this.root = new Map();
      this.count = 0;
    }
    this.count++;
    return this.root as Map<string, unknown>;
  }

  private level<V>(map: Map<string, unknown>, key: string): Map<string, V> {
    let next = map.get(key) as Map<string, V> | undefined;
    if (next === undefined) map.set(key, (next = new Map<string, V>()));
    return next;
  }
}

export class CsvTraceReader implements TraceReader {
  private readonly lines: LineReader;
  private readonly order = new TimeOrder();
  private readonly columns: Column[];
  /** Per column name: its field index in a row, or -1 when the header lacks it. */
  private readonly index: Record<Column, number>;
  /**
   * Valid parts of rows by their columns' text: a row whose parts were seen before skips their
   * validation and shares their objects (so the snapshot derives requests and labels once per part).
   */
  private readonly specs = new PartTable<SpecPart>();
  private readonly metas = new PartTable<MetaPart>();
  private readonly namespaces = new Map<string, string>();
  private checker: Checker;

  constructor(private readonly file: string) {
    this.checker = new Checker(file);
    this.lines = new LineReader(file);
    let header = this.lines.read();
    while (header !== null && header.trim() === '') header = this.lines.read();
    const line = this.lines.line;
    const names = header === null ? null : splitCsv(header.replace(/^\uFEFF/, ''));
    if (!names) {
      this.lines.close();
      throw new InputError([
        {
          code: 'csv-header',
          file,
          line,
          message: `expected a header row naming the columns (${CSV_COLUMNS.join(', ')})`,
        },
      ]);
    }
    const problems: Problem[] = [];
    this.columns = names.map((raw) => {
      const name = raw.trim().toLowerCase();
      if (!(CSV_COLUMNS as readonly string[]).includes(name)) {
        const guess = closest(name, CSV_COLUMNS);
        problems.push({
          code: 'csv-header',
          file,
          line,
          message: `unknown column ${JSON.stringify(raw)}${guess ? ` (did you mean ${guess}?)` : ''}; columns are ${CSV_COLUMNS.join(', ')}`,
        });
      }
      return name as Column;
    });
    const seen = new Set<string>();
    for (const name of this.columns) {
      if (seen.has(name)) problems.push({ code: 'csv-header', file, line, message: `column ${name} appears twice` });
      seen.add(name);
    }
    if (!seen.has('submit_time'))
      problems.push({ code: 'csv-header', file, line, message: 'the submit_time column is required' });
    if (problems.length > 0) {
      this.lines.close();
      throw new InputError(problems);
    }
    this.index = Object.fromEntries(CSV_COLUMNS.map((name) => [name, this.columns.indexOf(name)])) as Record<
      Column,
      number
    >;
  }

  get bytesRead(): number {
    return this.lines.bytesRead;
  }

  get size(): number {
    return this.lines.size;
  }

  close(): void {
    this.lines.close();
  }

  next(): TraceItem | null {
    for (;;) {
      const text = this.lines.read();
      if (text === null) return null;
      if (text.trim() === '') continue;
      const line = this.lines.line;
      // Most rows quote nothing: the built-in split gives the same fields, faster.
      const fields = text.includes('"') ? splitCsv(text) : text.split(',');
      if (!fields) return this.fail(line, 'a quoted field is not closed (fields cannot span lines)');
      if (fields.length !== this.columns.length) {
        return this.fail(
          line,
          `expected ${this.columns.length} fields as in the header (${this.columns.join(',')}), got ${fields.length}`,
        );
      }
      // One Checker serves rows until one has a problem (most rows have none).
      let c = this.checker;
      if (c.errors.length > 0 || c.warnings.length > 0) c = this.checker = new Checker(this.file);
      const item = this.rowEvent(c, fields, line);
      if (item && c.errors.length === 0) return item;
      return { line, problems: c.errors.map((p): Problem => ({ ...p, line })) };
    }
  }

  private fail(line: number, message: string): TraceItem {
    return { line, problems: [{ code: 'csv', file: this.file, line, message }] };
  }

  /** A column's text in this row ('' when the header lacks the column). */
  private field(fields: string[], column: Column): string {
    const i = this.index[column];
    return i < 0 ? '' : fields[i];
  }

  private rowEvent(c: Checker, fields: string[], line: number): TraceItem | undefined {
    const t = seconds(c, this.field(fields, 'submit_time'), 'submit_time', true);
    const duration = seconds(c, this.field(fields, 'duration'), 'duration', false);
    const cpu = this.field(fields, 'cpu');
    const memory = this.field(fields, 'memory');
    const extended = this.field(fields, 'extended');
    const priority = this.field(fields, 'priority');
    // Known parts are looked up without a closure or a joined key per row.
    const spec =
      this.specs.get4(cpu, memory, extended, priority) ??
      this.specs.keep4(
        cpu,
        memory,
        extended,
        priority,
        c,
        c.errors.length,
        this.specPart(c, cpu, memory, extended, priority),
      );
    const labels = this.field(fields, 'labels');
    const owner = this.field(fields, 'owner');
    const meta =
      this.metas.get2(labels, owner) ??
      this.metas.keep2(labels, owner, c, c.errors.length, this.metaPart(c, labels, owner));
    const nsText = this.field(fields, 'namespace');
    let namespace = this.namespaces.get(nsText);
    if (namespace === undefined) {
      const before = c.errors.length;
      namespace = namespaceOf(c, nsText);
      if (c.errors.length > before) namespace = undefined;
      else if (namespace !== undefined) {
        if (this.namespaces.size >= MAX_PARTS) this.namespaces.clear();
        this.namespaces.set(nsText, namespace);
      }
    }
    const name = this.field(fields, 'name').trim() || `pod-${line}`;
    if (!NAME.test(name))
      c.error(
        'format',
        'name',
        `expected a pod name (lower-case letters, digits, '-', '.'), got ${JSON.stringify(name)}`,
      );
    if (c.errors.length > 0 || t === undefined || !spec || !meta || !namespace) return undefined;
    const late = this.order.check(t, this.file, line, 'submit_time');
    if (late) return { line, problems: [late] };
    // Built field by field in the same key order as spreads would give, without their temporaries.
    const metadata: Pod['metadata'] = { name, namespace };
    if (meta.labels) metadata.labels = meta.labels;
    if (meta.ownerReferences) metadata.ownerReferences = meta.ownerReferences;
    const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata, spec };
    const event: TraceEvent = { t, type: 'pod-create', pod };
    if (duration !== undefined) event.duration = duration;
    return { line, event };
  }

  /** The cpu, memory, extended and priority columns as a shared spec; problems into `c`. */
  private specPart(c: Checker, cpu: string, memory: string, extendedText: string, prio: string): SpecPart | undefined {
    const requests: Record<string, string> = {};
    const limits: Record<string, string> = {};
    const holder: Obj = {};
    for (const [column, raw] of [
      ['cpu', cpu],
      ['memory', memory],
    ] as const) {
      const text = raw.trim();
      if (text === '') continue;
      holder[column] = text;
      if (checkQuantity(c, holder, column, column) !== undefined) requests[column] = text;
    }
    const extended = pairs(c, extendedText, 'extended', 'extended resources (e.g. nvidia.com/gpu=1)');
    for (const [name, qty] of Object.entries(extended ?? {})) {
      const path = `extended[${name}]`;
      if (!name.includes('/') && !name.startsWith('hugepages-') && name !== 'ephemeral-storage') {
        c.error(
          'resource-name',
          path,
          `expected a qualified resource name such as nvidia.com/gpu, or ephemeral-storage or hugepages-<size>`,
        );
        continue;
      }
      holder[name] = qty;
      if (checkQuantity(c, holder, name, path) === undefined) continue;
      requests[name] = qty;
      if (name !== 'ephemeral-storage') limits[name] = qty;
    }
    let priority: number | undefined;
    const prioText = prio.trim();
    if (prioText !== '') {
      priority = Number(prioText);
      if (!/^-?\d+$/.test(prioText) || priority < -2147483648 || priority > 1000000000) {
        c.error(
          'type',
          'priority',
          `expected an integer from -2147483648 to 1000000000, got ${JSON.stringify(prioText)}`,
        );
      }
    }
    const container: Container = {
      name: 'main',
      resources: { requests, ...(Object.keys(limits).length > 0 ? { limits } : {}) },
    };
    return shareFrozen({ containers: [container], ...(priority !== undefined ? { priority } : {}) });
  }

  /** The labels and owner columns as shared objects; problems into `c`. */
  private metaPart(c: Checker, labelsText: string, ownerTextRaw: string): MetaPart | undefined {
    const labels = pairs(c, labelsText, 'labels', 'labels');
    if (labels && Object.keys(labels).length > 0) checkLabels(c, labels, 'labels');
    let owner: OwnerReference | undefined;
    const ownerText = ownerTextRaw.trim();
    if (ownerText !== '') {
      const slash = ownerText.indexOf('/');
      const kind = ownerText.slice(0, slash);
      const name = ownerText.slice(slash + 1);
      if (slash <= 0 || !OWNER_API_VERSIONS[kind] || !NAME.test(name)) {
        c.error(
          'format',
          'owner',
          `expected Kind/name with Kind one of ${Object.keys(OWNER_API_VERSIONS).join(', ')}, got ${JSON.stringify(ownerText)}`,
        );
      } else {
        owner = { apiVersion: OWNER_API_VERSIONS[kind], kind, name, controller: true };
      }
    }
    return {
      labels: labels && Object.keys(labels).length > 0 ? shareFrozen(labels as Labels) : undefined,
      ownerReferences: owner ? shareFrozen([owner]) : undefined,
    };
  }
}

/** The namespace column ('' is default); problems into `c`. */
function namespaceOf(c: Checker, text: string): string | undefined {
  const namespace = text.trim() || 'default';
  if (!NAME.test(namespace) || namespace.includes('.')) {
    c.error(
      'format',
      'namespace',
      `expected a namespace name (lower-case letters, digits, '-'), got ${JSON.stringify(namespace)}`,
    );
    return undefined;
  }
  return namespace;
}
