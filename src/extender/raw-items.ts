// Full mode's filter reply echoes the passing nodes (ExtenderFilterResult.Nodes): megabytes of JSON
// that the request already holds. This finds each `Nodes.items` element's byte range in the request
// body, so the reply can copy those bytes instead of serialising the parsed objects again, and so
// the args reader (args-reader.ts) can tell which elements it has read before.
// The scan reads structure and does not validate: it runs before JSON.parse, and what it finds in a
// body that is not JSON is only byte ranges (the reader's JSON.parse then refuses that body). It
// gives up (undefined) whenever the bytes might not name the same thing JSON.parse + `field` picks:
// a body that is not valid UTF-8, escapes in a key that decides the path, a `Nodes` or `items` key
// matched more than once (any case), or anything it does not expect.
import { isUtf8 } from 'node:buffer';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const LOWER_N = 0x6e;

/** An item read before (the caller's): its bytes, an object's, and whether they hold a `null`. */
export interface KnownItem {
  readonly bytes: Uint8Array;
  readonly hasNull: number;
}

/** Where an item that starts at `at` in `body` may have been read before (a hint: bytes decide). */
export type KnownLookup = (body: Buffer, at: number) => KnownItem | undefined;

/**
 * Byte ranges of `Nodes.items[i]` in the body: `base + start[i]` to `base + end[i]`, and whether
 * each one holds a `null` literal.
 */
export interface ItemSpans {
  base: number;
  start: Int32Array;
  end: Int32Array;
  /** 1 where the item has a `null` (Go reads it as unset; the old reply dropped it). */
  hasNull: Uint8Array;
  /** Just past the array's closing ']' (relative to base, as start and end). */
  close: number;
  /**
   * Which array this is: scans of byte-identical arrays one after the other share the id; an
   * array that differs from the one scanned before gets a new one.
   */
  array: number;
  /** The id of the array this one was compared with item by item (0: none). */
  before: number;
  /** 1 where item i is byte for byte item i of array `before`. */
  sameAsBefore: Uint8Array;
  /** Per item, the known item (from the scan's lookup) whose bytes it is, where one was found. */
  matched: readonly (KnownItem | undefined)[];
}

class Uncertain extends Error {}
const UNCERTAIN = new Uncertain();

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipSpace(b: Uint8Array, i: number): number {
  while (i < b.length && isSpace(b[i])) i++;
  return i;
}

function expect(b: Uint8Array, i: number, c: number): number {
  if (b[i] !== c) throw UNCERTAIN;
  return i + 1;
}

/** Index just past the string whose opening quote is at `i`. */
function stringEnd(b: Uint8Array, i: number): number {
  const n = b.length;
  for (i++; i < n; i++) {
    const c = b[i];
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  throw UNCERTAIN;
}

/** True when the key b[from, to) (quotes excluded, no escapes) is `lower` in any ASCII case. */
function keyIs(b: Uint8Array, from: number, to: number, lower: string): boolean {
  if (to - from !== lower.length) return false;
  for (let k = 0; k < lower.length; k++) if ((b[from + k] | 0x20) !== lower.charCodeAt(k)) return false;
  return true;
}

/** Set by skipValue: whether the value it skipped held a `null`. */
let sawNull = false;

/** Index just past the value starting at `i` (no leading space); notes any `null` in sawNull. */
function skipValue(b: Uint8Array, i: number): number {
  const n = b.length;
  const c = b[i];
  if (c === QUOTE) return stringEnd(b, i);
  if (c === LBRACE || c === LBRACKET) {
    let depth = 0;
    for (; i < n; i++) {
      const d = b[i];
      if (d === QUOTE) {
        // Inline stringEnd: strings are most of a node's bytes.
        for (i++; i < n; i++) {
          const e = b[i];
          if (e === BACKSLASH) i++;
          else if (e === QUOTE) break;
        }
      } else if (d === LBRACE || d === LBRACKET) depth++;
      else if (d === RBRACE || d === RBRACKET) {
        if (--depth === 0) return i + 1;
      } else if (d === LOWER_N) sawNull = true; // outside strings only `null` has an n
    }
    throw UNCERTAIN;
  }
  // A scalar: number, true, false or null.
  if (c === LOWER_N) sawNull = true;
  let j = i;
  while (j < n) {
    const d = b[j];
    if (d === COMMA || d === RBRACE || d === RBRACKET || isSpace(d)) break;
    j++;
  }
  if (j === i) throw UNCERTAIN;
  return j;
}

/**
 * Walks the object at `i`, calling `member` with each key's byte range (quotes excluded) and the
 * start of its value; `member` returns the index just past the value. Returns the index past '}'.
 */
function eachMember(
  b: Uint8Array,
  i: number,
  member: (keyFrom: number, keyTo: number, escaped: boolean, value: number) => number,
): number {
  i = expect(b, skipSpace(b, i), LBRACE);
  i = skipSpace(b, i);
  if (b[i] === RBRACE) return i + 1;
  for (;;) {
    if (b[i] !== QUOTE) throw UNCERTAIN;
    const keyEnd = stringEnd(b, i);
    const escaped = b.subarray(i + 1, keyEnd - 1).includes(BACKSLASH);
    let j = expect(b, skipSpace(b, keyEnd), COLON);
    j = skipSpace(b, j);
    i = skipSpace(b, member(i + 1, keyEnd - 1, escaped, j));
    if (b[i] === RBRACE) return i + 1;
    i = skipSpace(b, expect(b, i, COMMA));
  }
}

/** The last items array scanned: a copy of its bytes (in `bytes`, reused), its ranges. */
interface Remembered {
  bytes: Buffer;
  length: number;
  spans: ItemSpans;
}

/**
 * Finds the `Nodes.items` byte ranges of request bodies. kube-scheduler sends the same node list
 * request after request (only the pod differs), so the last items array is remembered (a copy: the
 * server reuses body buffers): when the new body holds the same bytes where its array starts, those
 * bytes are the same complete JSON value (a value starting with '[' ends where its bytes say), and
 * the remembered ranges hold.
 */
export class NodeItemScanner {
  private last: Remembered | undefined;
  /** Ids of the arrays scanned: a new one for each array that differs from the one before. */
  private arrays = 0;
  /** The last body scanned and what the scan found: the filter verb scans its body twice. */
  private scanned: { body: Buffer; spans: ItemSpans | undefined } | undefined;

  /** The byte ranges of the body's `Nodes.items` elements, or undefined when not certain. */
  scan(body: Buffer, known?: KnownLookup): ItemSpans | undefined {
    if (this.scanned?.body === body) return this.scanned.spans;
    const spans = this.scanBody(body, known);
    this.scanned = { body, spans };
    return spans;
  }

  private scanBody(body: Buffer, known: KnownLookup | undefined): ItemSpans | undefined {
    let spans: ItemSpans | undefined;
    let nodes = 0;
    const onlyKeys = (escaped: boolean, matched: boolean, count: number): number => {
      // An escaped key might decode to the one looked for; which one JSON.parse kept is then unknown.
      if (escaped || (matched && count > 0)) throw UNCERTAIN;
      return matched ? count + 1 : count;
    };
    try {
      const end = eachMember(body, 0, (from, to, escaped, value) => {
        const before = nodes;
        nodes = onlyKeys(escaped, keyIs(body, from, to, 'nodes'), nodes);
        if (nodes === before) return skipValue(body, value);
        let items = 0;
        return eachMember(body, value, (f, t, esc, v) => {
          const seen = items;
          items = onlyKeys(esc, keyIs(body, f, t, 'items'), items);
          if (items === seen) return skipValue(body, v);
          if (body[v] !== LBRACKET) throw UNCERTAIN;
          spans = this.items(body, v, known);
          return v + spans.close;
        });
      });
      if (skipSpace(body, end) !== body.length) return undefined;
    } catch (err) {
      if (err instanceof Uncertain) return undefined;
      throw err;
    }
    if (!spans) return undefined;
    // Valid UTF-8 throughout (checked in pieces: the cuts are at ASCII bytes); an array equal to
    // the remembered one was checked when it was scanned.
    const from = spans.base;
    const to = from + spans.close;
    const same = spans.array === this.last?.spans.array;
    if (!isUtf8(body.subarray(0, from)) || !isUtf8(body.subarray(to))) return undefined;
    if (!same && !isUtf8(body.subarray(from, to))) return undefined;
    if (!same) this.remember(body.subarray(from, to), spans);
    return spans;
  }

  /**
   * The array at `from`: the remembered ranges when its bytes are the last array's, else a scan
   * that compares each item with the last array's item at the same index before walking it.
   */
  private items(body: Buffer, from: number, known: KnownLookup | undefined): ItemSpans {
    const last = this.last;
    if (
      last &&
      from + last.length <= body.length &&
      body.compare(last.bytes, 0, last.length, from, from + last.length) === 0
    )
      return { ...last.spans, base: from };
    return scanArray(body, from, ++this.arrays, last, known);
  }

  private remember(array: Uint8Array, spans: ItemSpans): void {
    let bytes = this.last?.bytes;
    if (!bytes || bytes.length < array.length) bytes = Buffer.allocUnsafe(array.length + (array.length >> 3));
    bytes.set(array);
    this.last = { bytes, length: array.length, spans };
  }
}

/**
 * Scans the array at `from` element by element; `array` is its id. An element whose bytes are those
 * of `last`'s element at the same index, or of an object `known` offers for it, is that element (a
 * value ends where its bytes say), so only elements not seen before are walked byte by byte.
 */
function scanArray(
  body: Buffer,
  from: number,
  array: number,
  last: Remembered | undefined,
  known: KnownLookup | undefined,
): ItemSpans {
  const start: number[] = [];
  const end: number[] = [];
  const nulls: number[] = [];
  const same: number[] = [];
  const matched: (KnownItem | undefined)[] = [];
  const before = last?.spans;
  const count = before ? before.start.length : 0;
  let i = skipSpace(body, from + 1);
  if (body[i] !== RBRACKET) {
    for (let k = 0; ; k++) {
      let e = -1;
      if (k < count && before && last) {
        const length = before.end[k] - before.start[k];
        const at = before.start[k];
        if (i + length <= body.length && body.compare(last.bytes, at, at + length, i, i + length) === 0) {
          e = i + length;
          nulls.push(before.hasNull[k]);
          same.push(1);
        }
      }
      if (e < 0 && known && body[i] === LBRACE) {
        const item = known(body, i);
        const length = item ? item.bytes.length : 0;
        if (
          item &&
          item.bytes[0] === LBRACE &&
          i + length <= body.length &&
          body.compare(item.bytes, 0, length, i, i + length) === 0
        ) {
          e = i + length;
          nulls.push(item.hasNull);
          same.push(0);
          matched[start.length] = item;
        }
      }
      if (e < 0) {
        sawNull = false;
        e = skipValue(body, i);
        nulls.push(sawNull ? 1 : 0);
        same.push(0);
      }
      start.push(i - from);
      end.push(e - from);
      i = skipSpace(body, e);
      if (body[i] === RBRACKET) break;
      i = skipSpace(body, expect(body, i, COMMA));
    }
  }
  return {
    base: from,
    start: Int32Array.from(start),
    end: Int32Array.from(end),
    hasNull: Uint8Array.from(nulls),
    close: i + 1 - from,
    array,
    before: before ? before.array : 0,
    sameAsBefore: Uint8Array.from(same),
    matched,
  };
}

/** One-off scan, without memory of an earlier body. */
export function scanNodeItems(body: Buffer): ItemSpans | undefined {
  return new NodeItemScanner().scan(body);
}

const METADATA = Buffer.from('metadata');
const NAME = Buffer.from('name');

/** True when b[from, from + key.length) is `key`. */
function bytesAre(b: Uint8Array, from: number, key: Uint8Array): boolean {
  for (let k = 0; k < key.length; k++) if (b[from + k] !== key[k]) return false;
  return true;
}

/** Where the value of the first member named exactly `key` of the object at `i` starts, or -1. */
function memberValue(b: Uint8Array, i: number, key: Uint8Array): number {
  i = expect(b, skipSpace(b, i), LBRACE);
  i = skipSpace(b, i);
  if (b[i] === RBRACE) return -1;
  for (;;) {
    if (b[i] !== QUOTE) throw UNCERTAIN;
    const keyEnd = stringEnd(b, i);
    const value = skipSpace(b, expect(b, skipSpace(b, keyEnd), COLON));
    if (keyEnd - i - 2 === key.length && bytesAre(b, i + 1, key)) return value;
    i = skipSpace(b, skipValue(b, value));
    if (b[i] === RBRACE) return -1;
    i = skipSpace(b, expect(b, i, COMMA));
  }
}

/**
 * The `metadata.name` of the node item starting at `from`, read from its bytes without parsing the
 * rest; undefined when it is not a plain string there. A hint to find the item's earlier copy by,
 * never trusted as the name: whatever it finds is compared byte for byte.
 */
export function itemName(body: Buffer, from: number): string | undefined {
  try {
    const meta = memberValue(body, from, METADATA);
    if (meta < 0 || body[meta] !== LBRACE) return undefined;
    const name = memberValue(body, meta, NAME);
    if (name < 0 || body[name] !== QUOTE) return undefined;
    const end = stringEnd(body, name);
    for (let k = name + 1; k < end - 1; k++) if (body[k] === BACKSLASH) return undefined;
    return body.toString('utf8', name + 1, end - 1);
  } catch (err) {
    if (err instanceof Uncertain) return undefined;
    throw err;
  }
}
