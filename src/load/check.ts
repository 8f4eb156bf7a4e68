// The validator's toolkit: a Checker collects problems (errors and warnings) while typed readers
// confirm a field's JSON type, reporting what they found otherwise. Validators walk objects once,
// build path strings only where a problem is reported or a child is visited, and never throw.

import type { Problem } from '../api/problem.js';
import { child } from './path.js';

export type Obj = Record<string, unknown>;

export interface CheckOptions {
  /** Report fields berth does not know (typos) as problems. */
  strict?: boolean;
}

export class Checker {
  readonly errors: Problem[] = [];
  readonly warnings: Problem[] = [];
  readonly strict: boolean;

  constructor(
    readonly file?: string,
    opts: CheckOptions = {},
  ) {
    this.strict = opts.strict ?? false;
  }

  /** A problem that stops loading. An empty path means the whole document (or file). */
  error(code: string, path: string, message: string): void {
    this.errors.push(this.problem(code, path, message));
  }

  /** A problem worth telling that does not stop loading. */
  warn(code: string, path: string, message: string): void {
    this.warnings.push(this.problem(code, path, message));
  }

  private problem(code: string, path: string, message: string): Problem {
    const p: Problem = { code, message };
    if (this.file !== undefined) p.file = this.file;
    if (path !== '') p.path = path;
    return p;
  }

  /** Problems from the shared validators in src/api, which know paths but not files. */
  addErrors(problems: readonly Problem[]): void {
    for (const p of problems) this.errors.push(this.file === undefined || p.file ? p : { ...p, file: this.file });
  }

  // ---- typed readers: true when the value is present and of the right type ----------------------

  private present(v: unknown, path: string, required: boolean): boolean {
    if (v !== undefined && v !== null) return true;
    if (required) this.error('required', path, 'is required');
    return false;
  }

  private wrongType(v: unknown, path: string, expected: string): false {
    const hint = expected === 'a string' && (typeof v === 'number' || typeof v === 'boolean') ? ' (quote it)' : '';
    this.error('type', path, `expected ${expected}, got ${describe(v)}${hint}`);
    return false;
  }

  object(v: unknown, path: string, required = false): v is Obj {
    if (!this.present(v, path, required)) return false;
    return isObj(v) || this.wrongType(v, path, 'an object');
  }

  array(v: unknown, path: string, required = false): v is unknown[] {
    if (!this.present(v, path, required)) return false;
    return Array.isArray(v) || this.wrongType(v, path, 'an array');
  }

  string(v: unknown, path: string, required = false): v is string {
    if (!this.present(v, path, required)) return false;
    return typeof v === 'string' || this.wrongType(v, path, 'a string');
  }

  /** A string that must be present and not empty (names, keys). */
  name(v: unknown, path: string): v is string {
    if (!this.string(v, path, true)) return false;
    if (v !== '') return true;
    this.error('required', path, 'must not be empty');
    return false;
  }

  boolean(v: unknown, path: string, required = false): v is boolean {
    if (!this.present(v, path, required)) return false;
    return typeof v === 'boolean' || this.wrongType(v, path, 'a boolean (true or false)');
  }

  /** An integer in [min, max]. */
  integer(
    v: unknown,
    path: string,
    min = -Number.MAX_SAFE_INTEGER,
    max = Number.MAX_SAFE_INTEGER,
    required = false,
  ): v is number {
    if (!this.present(v, path, required)) return false;
    if (typeof v !== 'number' || !Number.isInteger(v)) return this.wrongType(v, path, 'an integer');
    if (v >= min && v <= max) return true;
    // A bound at the end of int32 or beyond is a type limit, not worth naming next to the other one.
    const wide = (n: number) => Math.abs(n) >= 2147483647;
    const range =
      !wide(min) && !wide(max) ? `between ${min} and ${max}` : v < min ? `at least ${min}` : `at most ${max}`;
    this.error('range', path, `must be ${range}, got ${v}`);
    return false;
  }

  /** A string from a fixed set. */
  oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[], required = false): v is T {
    if (!this.present(v, path, required)) return false;
    if (typeof v !== 'string') return this.wrongType(v, path, 'a string');
    if ((allowed as readonly string[]).includes(v)) return true;
    const guess = closest(v, allowed);
    this.error(
      'enum',
      path,
      `must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}${guess ? ` (did you mean ${guess}?)` : ''}`,
    );
    return false;
  }

  /** With --strict, reports fields that are neither modelled by berth nor known Kubernetes fields. */
  fields(obj: Obj, path: string, known: FieldSet): void {
    if (!this.strict) return;
    for (const key of Object.keys(obj)) {
      if (known.has(key)) continue;
      const guess = closest(key, [...known]);
      this.error('unknown-field', child(path, key), `unknown field${guess ? ` (did you mean ${guess}?)` : ''}`);
    }
  }
}

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** How a value looks in a message: strings quoted (and cut), containers by kind. */
export function describe(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  return String(v);
}

/** The allowed word closest to a typo (a few edits for long words, one for short ones; any case). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.min(2, Math.floor(word.length / 4)) + 1;
  for (const c of candidates) {
    const d = c.toLowerCase() === word.toLowerCase() ? 0 : editDistance(word, c, bestDistance);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

// ---- known fields --------------------------------------------------------------------------------

export type FieldSet = ReadonlySet<string>;

type Missing<T, K extends readonly PropertyKey[]> = Exclude<keyof T, K[number]>;

/**
 * The fields `--strict` accepts on an object of type T: every field of T (checked at compile time,
 * so the list follows src/api/types.ts) plus real Kubernetes fields berth reads past.
 * Usage: `knownFields<PodSpec>()(['nodeName', ...], ['dnsPolicy', ...])`.
 */
export function knownFields<T>() {
  return <const K extends readonly (keyof T & string)[]>(
    modelled: K & ([Missing<T, K>] extends [never] ? unknown : { missing: Missing<T, K> }),
    others: readonly string[] = [],
  ): FieldSet => new Set<string>([...modelled, ...others]);
}

/** apiVersion, kind, metadata, spec, status: the top level of every object. */
export const TOP_LEVEL_FIELDS: FieldSet = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
