// The simple trace format: a CSV table of pods, one row per pod, sorted by submit time
// (docs/traces.md). A header names the columns, in any order; each row becomes a pod-create event.
import { InputError, type Problem } from '../api/problem.js';
import type { Container, Labels, OwnerReference, Pod } from '../api/types.js';
import { Checker, closest, type Obj } from '../load/check.js';
import { checkLabels } from '../load/meta.js';
import { checkQuantity } from '../load/resources.js';
import { CsvPods } from './csv-pods.js';
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

/** The controller ownerReference the owner column `Kind/name` stands for (Kind in OWNER_API_VERSIONS). */
export function controllerOwner(kind: string, name: string): OwnerReference {
  return { apiVersion: OWNER_API_VERSIONS[kind], kind, name, controller: true };
}

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
export type SpecPart = Pod['spec'];
/** A row's labels and owner, shared (frozen) by the rows that repeat them. */
export interface MetaPart {
  labels: Labels | undefined;
  ownerReferences: OwnerReference[] | undefined;
}
/** Parts remembered per table before it starts over (a trace repeats a few thousand at most at a time). */
const MAX_PARTS = 10_000;

/**
 * A part the rows after it refer to by id, not yet frozen (a worker thread sends it as it is). Ids
 * count from 0 per table; a table that starts over defines id 0 again, and ids above are not used
 * after that until defined again.
 */
export type PartDef =
  | { table: 'spec'; id: number; part: SpecPart }
  | { table: 'meta'; id: number; part: MetaPart }
  | { table: 'namespace'; id: number; part: string };

/**
 * Part ids by their columns' texts, one map level per column: a row looks its fields up as they
 * are (each field string's hash is computed once) instead of joining them into a fresh key string
 * to be flattened and hashed, and without a closure per row. Starts over past MAX_PARTS parts.
 */
class PartTable {
  private root = new Map<string, Map<string, number> | Map<string, Map<string, Map<string, number>>>>();
  private count = 0;

  /** The part under one column's text (a table used with one key only). */
  get1(a: string): number | undefined {
    return (this.root as unknown as Map<string, number>).get(a);
  }

  /** The part under two columns' texts (a table used with two keys only). */
  get2(a: string, b: string): number | undefined {
    return (this.root.get(a) as Map<string, number> | undefined)?.get(b);
  }

  /** The part under four columns' texts (a table used with four keys only). */
  get4(a: string, b: string, c: string, d: string): number | undefined {
    return (this.root.get(a) as Map<string, Map<string, Map<string, number>>> | undefined)?.get(b)?.get(c)?.get(d);
  }

  /** A new id kept under one key. */
  keep1(a: string): number {
    const id = this.fresh();
    (this.root as unknown as Map<string, number>).set(a, id);
    return id;
  }

  /** A new id kept under two keys. */
  keep2(a: string, b: string): number {
    const id = this.fresh();
    this.level<number>(this.root as Map<string, unknown>, a).set(b, id);
    return id;
  }

  /** A new id kept under four keys. */
  keep4(a: string, b: string, c: string, d: string): number {
    const id = this.fresh();
    const l1 = this.level<Map<string, Map<string, number>>>(this.root as Map<string, unknown>, a);
    this.level<number>(this.level<Map<string, number>>(l1, b), c).set(d, id);
    return id;
  }

  /** The next id, after emptying the root when it holds MAX_PARTS parts (ids start again at 0). */
  private fresh(): number {
    if (this.count >= MAX_PARTS) {
      this.root = new Map();
      this.count = 0;
    }
    return this.count++;
  }

  private level<V>(map: Map<string, unknown>, key: string): Map<string, V> {
    let next = map.get(key) as Map<string, V> | undefined;
    if (next === undefined) map.set(key, (next = new Map<string, V>()));
    return next;
  }
}

/**
 * Reads the header row (skipping blank lines before it): the columns in their order. Closes
 * `lines` and throws an InputError naming what is wrong when it is missing or names unknown,
 * repeated or too few columns.
 */
export function readCsvHeader(file: string, lines: LineReader): Column[] {
  let header = lines.read();
  while (header !== null && header.trim() === '') header = lines.read();
  const line = lines.line;
  const names = header === null ? null : splitCsv(header.replace(/^\uFEFF/, ''));
  if (!names) {
    lines.close();
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
  const columns = names.map((raw) => {
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
  for (const name of columns) {
    if (seen.has(name)) problems.push({ code: 'csv-header', file, line, message: `column ${name} appears twice` });
    seen.add(name);
  }
  if (!seen.has('submit_time'))
    problems.push({ code: 'csv-header', file, line, message: 'the submit_time column is required' });
  if (problems.length > 0) {
    lines.close();
    throw new InputError(problems);
  }
  return columns;
}

/** What CsvRowParser.parse found on a line. */
export const BLANK = 0;
export const ROW = 1;
export const BAD = 2;

/**
 * Turns CSV rows (after the header) into pod-create events described by numbers: the row's time
 * and duration, its parts by id (new parts go to `define` before the first row that uses them),
 * and its name; or into the row's problems. Holds no pods, so it can run in a worker thread while
 * the pods are built from the parts where they are used (CsvPods).
 */
export class CsvRowParser {
  // The last row parsed (ROW): its fields. `duration` is NaN when the row has none.
  line = 0;
  t = 0;
  duration = Number.NaN;
  spec = 0;
  meta = 0;
  namespace = 0;
  name = '';
  /** The last row parsed (BAD): what is wrong with it. */
  problems: Problem[] = [];

  private readonly order = new TimeOrder();
  /** Per column name: its field index in a row, or -1 when the header lacks it. */
  private readonly index: Record<Column, number>;
  /**
   * Valid parts of rows by their columns' text: a row whose parts were seen before skips their
   * validation and shares their objects (so the snapshot derives requests and labels once per part).
   */
  private readonly specs = new PartTable();
  private readonly metas = new PartTable();
  private readonly namespaces = new PartTable();
  private checker: Checker;

  constructor(
    private readonly file: string,
    private readonly columns: readonly Column[],
    private readonly define: (def: PartDef) => void,
  ) {
    this.checker = new Checker(file);
    this.index = Object.fromEntries(CSV_COLUMNS.map((name) => [name, columns.indexOf(name)])) as Record<Column, number>;
  }

  /** Parses line number `line`, whose text is `text`: BLANK, ROW or BAD (fields above). */
  parse(text: string, line: number): number {
    if (text.trim() === '') return BLANK;
    this.line = line;
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
    const found = this.row(c, fields, line);
    if (found !== -1) return found;
    this.problems = c.errors.map((p): Problem => ({ ...p, line }));
    return BAD;
  }

  private fail(line: number, message: string): number {
    this.problems = [{ code: 'csv', file: this.file, line, message }];
    return BAD;
  }

  /** A column's text in this row ('' when the header lacks the column). */
  private field(fields: string[], column: Column): string {
    const i = this.index[column];
    return i < 0 ? '' : fields[i];
  }

  /** ROW; BAD with `problems` set (an order problem); or -1 when the problems are in `c`. */
  private row(c: Checker, fields: string[], line: number): number {
    const t = seconds(c, this.field(fields, 'submit_time'), 'submit_time', true);
    const duration = seconds(c, this.field(fields, 'duration'), 'duration', false);
    const cpu = this.field(fields, 'cpu');
    const memory = this.field(fields, 'memory');
    const extended = this.field(fields, 'extended');
    const priority = this.field(fields, 'priority');
    // Known parts are looked up without a closure or a joined key per row.
    let spec = this.specs.get4(cpu, memory, extended, priority);
    if (spec === undefined) {
      const before = c.errors.length;
      const part = this.specPart(c, cpu, memory, extended, priority);
      if (c.errors.length === before) {
        spec = this.specs.keep4(cpu, memory, extended, priority);
        this.define({ table: 'spec', id: spec, part });
      }
    }
    const labels = this.field(fields, 'labels');
    const owner = this.field(fields, 'owner');
    let meta = this.metas.get2(labels, owner);
    if (meta === undefined) {
      const before = c.errors.length;
      const part = this.metaPart(c, labels, owner);
      if (c.errors.length === before) {
        meta = this.metas.keep2(labels, owner);
        this.define({ table: 'meta', id: meta, part });
      }
    }
    const nsText = this.field(fields, 'namespace');
    let namespace = this.namespaces.get1(nsText);
    if (namespace === undefined) {
      const before = c.errors.length;
      const part = namespaceOf(c, nsText);
      if (c.errors.length === before && part !== undefined) {
        namespace = this.namespaces.keep1(nsText);
        this.define({ table: 'namespace', id: namespace, part });
      }
    }
    const name = this.field(fields, 'name').trim() || `pod-${line}`;
    if (!NAME.test(name))
      c.error(
        'format',
        'name',
        `expected a pod name (lower-case letters, digits, '-', '.'), got ${JSON.stringify(name)}`,
      );
    if (c.errors.length > 0 || t === undefined || spec === undefined || meta === undefined || namespace === undefined)
      return -1;
    const late = this.order.check(t, this.file, line, 'submit_time');
    if (late) {
      this.problems = [late];
      return BAD;
    }
    this.t = t;
    this.duration = duration ?? Number.NaN;
    this.spec = spec;
    this.meta = meta;
    this.namespace = namespace;
    this.name = name;
    return ROW;
  }

  /** The cpu, memory, extended and priority columns as a spec; problems into `c`. */
  private specPart(c: Checker, cpu: string, memory: string, extendedText: string, prio: string): SpecPart {
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
    return { containers: [container], ...(priority !== undefined ? { priority } : {}) };
  }

  /** The labels and owner columns; problems into `c`. */
  private metaPart(c: Checker, labelsText: string, ownerTextRaw: string): MetaPart {
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
        owner = controllerOwner(kind, name);
      }
    }
    return {
      labels: labels && Object.keys(labels).length > 0 ? (labels as Labels) : undefined,
      ownerReferences: owner ? [owner] : undefined,
    };
  }
}

/** The CSV pod table read on the calling thread: lines, rows and pods one after the other. */
export class CsvTraceReader implements TraceReader {
  private readonly lines: LineReader;
  private readonly parser: CsvRowParser;
  private readonly pods = new CsvPods();

  /** `chunkBytes`: the file is read this many bytes at a time (tests). */
  constructor(file: string, chunkBytes?: number) {
    this.lines = new LineReader(file, chunkBytes);
    const columns = readCsvHeader(file, this.lines);
    this.parser = new CsvRowParser(file, columns, (def) => this.pods.define(def));
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
    const p = this.parser;
    for (;;) {
      const text = this.lines.read();
      if (text === null) return null;
      const found = p.parse(text, this.lines.line);
      if (found === ROW) return this.pods.item(p.line, p.t, p.duration, p.spec, p.meta, p.namespace, p.name);
      if (found === BAD) return { line: p.line, problems: p.problems };
    }
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
