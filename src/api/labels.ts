// Label selectors in object form: matching, validation, and the string form kubectl uses
// (`a=b,c!=d,e in (x,y),f notin (z),g,!h`). Semantics follow k8s.io/apimachinery (v1.35):
// metav1.LabelSelectorAsSelector for matching, ValidateLabelSelector for validation, labels.Parse for
// the string form. This is the reference the compiled (integer) form in src/snapshot is checked against.
import type { Problem } from './problem.js';
import type { LabelSelector, LabelSelectorRequirement, Labels } from './types.js';

// ---- label key and value syntax (k8s.io/apimachinery/pkg/util/validation) ----------------------

const NAME_MAX = 63;
const SUBDOMAIN_MAX = 253;
const NAME_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NAME_CHARS =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** Why `s` is not a lowercase RFC 1123 DNS subdomain (≤ 253 characters), or `[]`. Node names follow it. */
export function dnsSubdomainErrors(s: string): string[] {
  const errors: string[] = [];
  if (s.length > SUBDOMAIN_MAX) errors.push(`must be no more than ${SUBDOMAIN_MAX} characters`);
  if (!SUBDOMAIN_RE.test(s)) {
    errors.push(
      "must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
    );
  }
  return errors;
}

/**
 * Why `key` is not a label key, or `[]` (upstream IsQualifiedName): an optional DNS-subdomain prefix
 * and `/`, then a name of 1..63 characters of [A-Za-z0-9-_.] that starts and ends alphanumeric.
 */
export function labelKeyErrors(key: string): string[] {
  const parts = key.split('/');
  if (parts.length > 2)
    return ["must be a name with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
  const errors: string[] = [];
  const name = parts.length === 2 ? parts[1] : parts[0];
  if (parts.length === 2) {
    if (parts[0] === '') errors.push('prefix part must be non-empty');
    else errors.push(...dnsSubdomainErrors(parts[0]).map((m) => `prefix part ${m}`));
  }
  if (name === '') errors.push('name part must be non-empty');
  else if (name.length > NAME_MAX) errors.push(`name part must be no more than ${NAME_MAX} characters`);
  if (!NAME_RE.test(name)) errors.push(`name part ${NAME_CHARS}`);
  return errors;
}

/** Why `value` is not a label value, or `[]`: empty, or up to 63 characters like a key's name part. */
export function labelValueErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > NAME_MAX) errors.push(`must be no more than ${NAME_MAX} characters`);
  if (!VALUE_RE.test(value)) errors.push(`a label value must be empty or ${NAME_CHARS}`);
  return errors;
}

export function isValidLabelKey(key: string): boolean {
  return labelKeyErrors(key).length === 0;
}

export function isValidLabelValue(value: string): boolean {
  return labelValueErrors(value).length === 0;
}

// ---- matching ----------------------------------------------------------------------------------

/** The value of `key`, or undefined when the key is absent (own properties only). */
export function labelValue(labels: Labels | undefined, key: string): string | undefined {
  return labels !== undefined && Object.hasOwn(labels, key) ? labels[key] : undefined;
}

/** One matchExpressions entry: In needs the key with a listed value; NotIn matches a missing key. */
export function matchesLabelRequirement(req: LabelSelectorRequirement, labels: Labels | undefined): boolean {
  const value = labelValue(labels, req.key);
  switch (req.operator) {
    case 'In':
      return value !== undefined && (req.values ?? []).includes(value);
    case 'NotIn':
      return value === undefined || !(req.values ?? []).includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    default:
      return false;
  }
}

/**
 * metav1.LabelSelectorAsSelector semantics: a null or missing selector matches nothing; `{}` (no
 * matchLabels and no matchExpressions) matches everything; otherwise every matchLabels pair and every
 * expression must hold. Invalid selectors (upstream: a conversion error) must be rejected at the
 * border with validateLabelSelector; here they are evaluated literally (an unknown operator never
 * matches, `In []` matches nothing, `NotIn []` everything).
 */
export function matchesLabelSelector(selector: LabelSelector | null | undefined, labels: Labels | undefined): boolean {
  if (selector == null) return false;
  const matchLabels = selector.matchLabels;
  if (matchLabels) {
    for (const key of Object.keys(matchLabels)) {
      if (labelValue(labels, key) !== matchLabels[key]) return false;
    }
  }
  for (const req of selector.matchExpressions ?? []) {
    if (!matchesLabelRequirement(req, labels)) return false;
  }
  return true;
}

/**
 * A Service's or ReplicationController's selector (a plain map) as a LabelSelector. An empty or
 * missing map gives `null`, which selects nothing. Upstream's DefaultSelector skips Services whose
 * selector is nil, and an empty map adds no requirement to the merged default selector (an empty
 * merged selector means "no default spreading"), so treating `{}` as "selects nothing" gives the
 * same defaults while keeping "this Service selects every pod" out of the picture.
 */
export function selectorFromMap(labels: Labels | null | undefined): LabelSelector | null {
  if (labels == null || Object.keys(labels).length === 0) return null;
  return { matchLabels: { ...labels } };
}

// ---- validation --------------------------------------------------------------------------------

/**
 * metav1 ValidateLabelSelector: matchLabels keys and values well formed; In/NotIn need at least one
 * value; Exists/DoesNotExist take none; operators are In, NotIn, Exists, DoesNotExist; expression
 * keys and values well formed. A null selector has nothing to check.
 */
export function validateLabelSelector(sel: LabelSelector | null | undefined, path: string): Problem[] {
  const problems: Problem[] = [];
  if (sel == null) return problems;
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) {
    const at = `${path}.matchLabels[${key}]`;
    for (const m of labelKeyErrors(key)) problems.push(labelKeyProblem(at, key, m));
    for (const m of labelValueErrors(value)) problems.push(labelValueProblem(at, value, m));
  }
  (sel.matchExpressions ?? []).forEach((req, i) => {
    const at = `${path}.matchExpressions[${i}]`;
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) {
          problems.push({
            code: 'values',
            path: `${at}.values`,
            message: `must be specified when operator is ${req.operator}`,
          });
        }
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) {
          problems.push({
            code: 'values',
            path: `${at}.values`,
            message: `must be empty when operator is ${req.operator}`,
          });
        }
        break;
      default:
        problems.push({
          code: 'operator',
          path: `${at}.operator`,
          message: `${JSON.stringify(req.operator)} is not a label selector operator (expected In, NotIn, Exists or DoesNotExist)`,
        });
    }
    for (const m of labelKeyErrors(req.key)) problems.push(labelKeyProblem(`${at}.key`, req.key, m));
    values.forEach((v, j) => {
      for (const m of labelValueErrors(v)) problems.push(labelValueProblem(`${at}.values[${j}]`, v, m));
    });
  });
  return problems;
}

export function labelKeyProblem(path: string, key: string, reason: string): Problem {
  return { code: 'label-key', path, message: `${JSON.stringify(key)} is not a valid label key: ${reason}` };
}

export function labelValueProblem(path: string, value: string, reason: string): Problem {
  return { code: 'label-value', path, message: `${JSON.stringify(value)} is not a valid label value: ${reason}` };
}

// ---- string form -------------------------------------------------------------------------------

/** A selector string that does not parse: `position` is the 0-based offset of the offending token. */
export class SelectorParseError extends Error {
  readonly input: string;
  readonly position: number;
  readonly expected: string;
  readonly found: string;
  constructor(input: string, position: number, found: string, expected: string) {
    super(`invalid selector ${JSON.stringify(input)}: at column ${position + 1}, found ${found}, expected ${expected}`);
    this.name = 'SelectorParseError';
    this.input = input;
    this.position = position;
    this.found = found;
    this.expected = expected;
  }
}

type TokenKind = 'id' | ',' | '(' | ')' | '!' | '=' | '==' | '!=' | '>' | '<' | 'end';

interface Token {
  kind: TokenKind;
  text: string;
  pos: number;
}

const WHITESPACE = ' \t\r\n';
const SYMBOLS = '=!(),><';

/** labels.Lexer: identifiers are runs of anything but whitespace and `=!(),><`; `==` and `!=` are one token. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  for (;;) {
    while (i < text.length && WHITESPACE.includes(text[i])) i++;
    if (i >= text.length) {
      tokens.push({ kind: 'end', text: '', pos: i });
      return tokens;
    }
    const two = text.slice(i, i + 2);
    if (two === '==' || two === '!=') {
      tokens.push({ kind: two, text: two, pos: i });
      i += 2;
    } else if (SYMBOLS.includes(text[i])) {
      tokens.push({ kind: text[i] as TokenKind, text: text[i], pos: i });
      i += 1;
    } else {
      const start = i;
      while (i < text.length && !WHITESPACE.includes(text[i]) && !SYMBOLS.includes(text[i])) i++;
      tokens.push({ kind: 'id', text: text.slice(start, i), pos: start });
    }
  }
}

function describe(t: Token): string {
  return t.kind === 'end' ? 'end of string' : `'${t.text}'`;
}

class SelectorParser {
  private readonly tokens: Token[];
  private at = 0;
  private readonly matchLabels: Labels = {};
  private readonly expressions: LabelSelectorRequirement[] = [];

  constructor(private readonly input: string) {
    this.tokens = tokenize(input);
  }

  parse(): LabelSelector {
    if (this.peek().kind !== 'end') {
      for (;;) {
        const first = this.peek();
        if (first.kind !== 'id' && first.kind !== '!') this.fail(first, "'!', a key, or end of string");
        this.requirement();
        const sep = this.next();
        if (sep.kind === 'end') break;
        if (sep.kind !== ',') this.fail(sep, "',' or end of string");
        const after = this.peek();
        if (after.kind !== 'id' && after.kind !== '!') this.fail(after, "a key or '!' after ','");
      }
    }
    const sel: LabelSelector = {};
    if (Object.keys(this.matchLabels).length > 0) sel.matchLabels = this.matchLabels;
    if (this.expressions.length > 0) sel.matchExpressions = this.expressions;
    return sel;
  }

  private peek(): Token {
    return this.tokens[this.at];
  }

  private next(): Token {
    return this.tokens[this.at++];
  }

  private fail(t: Token, expected: string): never {
    throw new SelectorParseError(this.input, t.pos, describe(t), expected);
  }

  private requirement(): void {
    let t = this.next();
    const negated = t.kind === '!';
    if (negated) t = this.next();
    if (t.kind !== 'id') this.fail(t, 'a label key');
    const key = t.text;
    const keyErrors = labelKeyErrors(key);
    if (keyErrors.length > 0) this.fail(t, `a valid label key (${keyErrors.join('; ')})`);
    const after = this.peek().kind;
    if (negated || after === 'end' || after === ',') {
      // `!key` takes no operator: anything after it is reported by the caller as a missing ','.
      this.expressions.push({ key, operator: negated ? 'DoesNotExist' : 'Exists' });
      return;
    }
    const op = this.next();
    if (op.kind === '=' || op.kind === '==') {
      const value = this.exactValue();
      if (Object.hasOwn(this.matchLabels, key)) this.expressions.push({ key, operator: 'In', values: [value] });
      else this.matchLabels[key] = value;
    } else if (op.kind === '!=') {
      this.expressions.push({ key, operator: 'NotIn', values: [this.exactValue()] });
    } else if (op.kind === 'id' && (op.text === 'in' || op.text === 'notin')) {
      this.expressions.push({ key, operator: op.text === 'in' ? 'In' : 'NotIn', values: this.valueSet() });
    } else if (op.kind === '>' || op.kind === '<') {
      this.fail(op, "=, ==, !=, in or notin ('>' and '<' exist only in node selectors)");
    } else {
      this.fail(op, '=, ==, !=, in or notin');
    }
  }

  /** After `=`, `==` or `!=`: one value, or the empty value when the requirement ends there. */
  private exactValue(): string {
    const t = this.peek();
    if (t.kind === 'end' || t.kind === ',') return '';
    this.next();
    if (t.kind !== 'id') this.fail(t, 'a label value');
    return this.checkedValue(t);
  }

  /**
   * `(v1,v2,...)`, values possibly empty: `()` is the empty value, `(,a)` is {"", a}. Follows upstream
   * parseIdentifiersList exactly, including its one quirk: `(a,,)` and `(,,)` are errors.
   */
  private valueSet(): string[] {
    const open = this.next();
    if (open.kind !== '(') this.fail(open, "'('");
    const values = new Set<string>();
    const first = this.peek();
    if (first.kind === ')') {
      values.add('');
    } else if (first.kind !== 'id' && first.kind !== ',') {
      this.fail(first, "',', ')' or a label value");
    } else {
      for (;;) {
        const t = this.next();
        if (t.kind === 'id') {
          values.add(this.checkedValue(t));
          const la = this.peek();
          if (la.kind === ')') break;
          if (la.kind !== ',') this.fail(la, "',' or ')'");
        } else if (t.kind === ',') {
          if (values.size === 0) values.add('');
          const la = this.peek();
          if (la.kind === ')') {
            values.add('');
            break;
          }
          if (la.kind === ',') {
            this.next();
            values.add('');
          }
        } else {
          this.fail(t, "',' or a label value");
        }
      }
    }
    this.next(); // the ')' seen above
    return [...values].sort(compareStrings);
  }

  private checkedValue(t: Token): string {
    const errors = labelValueErrors(t.text);
    if (errors.length > 0) this.fail(t, `a valid label value (${errors.join('; ')})`);
    return t.text;
  }
}

/**
 * Parses kubectl's selector syntax (`a=b,c!=d,e in (x,y),f notin (z),g,!h`, also `a==b`; whitespace
 * around tokens is ignored; `""` is `{}`, which matches everything). `=`/`==` become matchLabels (a
 * second equality on the same key becomes `In [v]`), `!=` becomes `NotIn [v]`. Keys and values are
 * checked like upstream labels.Parse. Throws SelectorParseError.
 */
export function parseSelector(text: string): LabelSelector {
  return new SelectorParser(text).parse();
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The canonical string form of a valid selector, accepted by parseSelector: one requirement per
 * matchLabels pair (`k=v`) and expression (`k in (a,b)`, `k notin (a)`, `k`, `!k`), values sorted and
 * deduplicated, requirements sorted by key then text. `{}` gives `""`. There is no string for a null
 * selector (it matches nothing).
 */
export function formatSelector(sel: LabelSelector): string {
  const parts: { key: string; text: string }[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) parts.push({ key, text: `${key}=${value}` });
  for (const req of sel.matchExpressions ?? []) {
    const values = () => [...new Set(req.values ?? [])].sort(compareStrings).join(',');
    switch (req.operator) {
      case 'In':
        parts.push({ key: req.key, text: `${req.key} in (${values()})` });
        break;
      case 'NotIn':
        parts.push({ key: req.key, text: `${req.key} notin (${values()})` });
        break;
      case 'Exists':
        parts.push({ key: req.key, text: req.key });
        break;
      case 'DoesNotExist':
        parts.push({ key: req.key, text: `!${req.key}` });
        break;
      default:
        throw new Error(`formatSelector: unknown operator ${JSON.stringify(req.operator)} (validate selectors first)`);
    }
  }
  parts.sort((a, b) => compareStrings(a.key, b.key) || compareStrings(a.text, b.text));
  return parts.map((p) => p.text).join(',');
}
