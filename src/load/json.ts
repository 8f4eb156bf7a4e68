// JSON without a full position-keeping parse: JSON.parse does the work, and only when something is
// wrong do we scan the text again, once, to find where. The yaml package could map JSON positions
// too, but it needs gigabytes for a snapshot of tens of MB; these scanners need nothing per value.

import type { Segment } from './path.js';

export interface JsonSyntaxError {
  /** Offset in the text where the error was found. */
  offset: number;
  message: string;
}

class Found extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** The first syntax error in `text` (which JSON.parse rejected), with its offset and a short reason. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const scanner = new SyntaxScanner(text);
  try {
    scanner.document();
    return undefined;
  } catch (err) {
    if (err instanceof Found) return { offset: err.offset, message: err.reason };
    throw err;
  }
}

function describeChar(text: string, at: number): string {
  if (at >= text.length) return 'end of input';
  const ch = text[at];
  return ch >= ' ' && ch <= '~' ? `'${ch}'` : JSON.stringify(ch);
}

class SyntaxScanner {
  private pos = 0;
  constructor(private readonly s: string) {}

  document(): void {
    this.value();
    this.ws();
    if (this.pos < this.s.length) this.fail('unexpected content after the end of the JSON value');
  }

  private fail(reason: string, at = this.pos): never {
    throw new Found(at, reason);
  }

  private ws(): void {
    const s = this.s;
    let c = s.charCodeAt(this.pos);
    while (c === 32 || c === 9 || c === 10 || c === 13) c = s.charCodeAt(++this.pos);
  }

  private value(): void {
    this.ws();
    const c = this.s[this.pos];
    if (c === '{') this.object();
    else if (c === '[') this.array();
    else if (c === '"') this.string();
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) this.number();
    else if (c === 't') this.literal('true');
    else if (c === 'f') this.literal('false');
    else if (c === 'n') this.literal('null');
    else if (c === undefined) this.fail('unexpected end of input, expected a value');
    else this.fail(`unexpected ${describeChar(this.s, this.pos)}, expected a value`);
  }

  private object(): void {
    this.pos++;
    this.ws();
    if (this.s[this.pos] === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      this.ws();
      if (this.s[this.pos] !== '"') {
        this.fail(`expected a property name in double quotes, got ${describeChar(this.s, this.pos)}`);
      }
      this.string();
      this.ws();
      if (this.s[this.pos] !== ':')
        this.fail(`expected ':' after a property name, got ${describeChar(this.s, this.pos)}`);
      this.pos++;
      this.value();
      this.ws();
      const c = this.s[this.pos];
      if (c === '}') {
        this.pos++;
        return;
      }
      if (c !== ',') this.fail(`expected ',' or '}' after a property value, got ${describeChar(this.s, this.pos)}`);
      const comma = this.pos++;
      this.ws();
      if (this.s[this.pos] === '}') this.fail("trailing comma before '}'", comma);
    }
  }

  private array(): void {
    this.pos++;
    this.ws();
    if (this.s[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (;;) {
      this.value();
      this.ws();
      const c = this.s[this.pos];
      if (c === ']') {
        this.pos++;
        return;
      }
      if (c !== ',') this.fail(`expected ',' or ']' after an array element, got ${describeChar(this.s, this.pos)}`);
      const comma = this.pos++;
      this.ws();
      if (this.s[this.pos] === ']') this.fail("trailing comma before ']'", comma);
    }
  }

  private string(): void {
    const s = this.s;
    const start = this.pos++;
    for (;;) {
      if (this.pos >= s.length) this.fail('unterminated string', start);
      const c = s.charCodeAt(this.pos);
      if (c === 34) {
        this.pos++;
        return;
      }
      if (c === 10 || c === 13) this.fail('unterminated string (line break inside a string)', start);
      if (c < 32) this.fail('control character inside a string');
      if (c === 92) {
        const e = s[this.pos + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(this.pos + 2, this.pos + 6))) this.fail('bad \\u escape in a string');
          this.pos += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          this.pos += 2;
        } else {
          this.fail(`bad escape ${JSON.stringify(`\\${e ?? ''}`)} in a string`);
        }
      } else {
        this.pos++;
      }
    }
  }

  private number(): void {
    const start = this.pos;
    const m = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
    m.lastIndex = start;
    const found = m.exec(this.s);
    if (!found) this.fail('malformed number', start);
    this.pos += found[0].length;
    const next = this.s[this.pos];
    if (next !== undefined && /[0-9A-Za-z.+-]/.test(next)) this.fail('malformed number', start);
  }

  private literal(word: string): void {
    if (this.s.startsWith(word, this.pos)) {
      this.pos += word.length;
      return;
    }
    const bad = /^[A-Za-z0-9_]+/.exec(this.s.slice(this.pos, this.pos + 40))?.[0] ?? this.s[this.pos];
    this.fail(`unexpected ${JSON.stringify(bad)}, expected a value (strings need double quotes)`);
  }
}

// ---- where a field path sits in valid JSON -----------------------------------------------------

interface TrieNode {
  children: Map<Segment, TrieNode>;
  /** Offset of the member's key (objects) or of the element (arrays); -1 until seen. */
  offset: number;
}

/**
 * For each path, the offset of the deepest part of it that exists in `text` (valid JSON): the key of
 * the last existing member, or the start of the last existing array element; 0 for the root.
 * One pass over the text, skipping every value no path goes into.
 */
export function locateJsonPaths(text: string, paths: readonly (readonly Segment[])[]): number[] {
  const root: TrieNode = { children: new Map(), offset: 0 };
  for (const path of paths) {
    let node = root;
    for (const seg of path) {
      let next = node.children.get(seg);
      if (!next) {
        next = { children: new Map(), offset: -1 };
        node.children.set(seg, next);
      }
      node = next;
    }
  }
  const walker = new PathWalker(text);
  walker.walk(walker.skipWs(0), root);
  return paths.map((path) => {
    let node = root;
    let offset = root.offset;
    for (const seg of path) {
      const next = node.children.get(seg);
      if (!next || next.offset < 0) break;
      offset = next.offset;
      node = next;
    }
    return offset;
  });
}

class PathWalker {
  constructor(private readonly s: string) {}

  skipWs(pos: number): number {
    const s = this.s;
    let c = s.charCodeAt(pos);
    while (c === 32 || c === 9 || c === 10 || c === 13) c = s.charCodeAt(++pos);
    return pos;
  }

  /** Walks the value at `pos` (no leading whitespace) and returns the offset just past it. */
  walk(pos: number, node: TrieNode): number {
    if (node.children.size === 0) return this.skip(pos);
    const c = this.s.charCodeAt(pos);
    if (c === 123) return this.walkObject(pos, node);
    if (c === 91) return this.walkArray(pos, node);
    return this.skip(pos);
  }

  private walkObject(pos: number, node: TrieNode): number {
    const s = this.s;
    pos = this.skipWs(pos + 1);
    if (s.charCodeAt(pos) === 125) return pos + 1;
    for (;;) {
      const keyStart = pos;
      const keyEnd = this.skipString(pos);
      const raw = s.slice(keyStart + 1, keyEnd - 1);
      const key = raw.includes('\\') ? (JSON.parse(s.slice(keyStart, keyEnd)) as string) : raw;
      pos = this.skipWs(this.skipWs(keyEnd) + 1);
      const child = node.children.get(key);
      if (child) {
        child.offset = keyStart;
        pos = this.walk(pos, child);
      } else {
        pos = this.skip(pos);
      }
      pos = this.skipWs(pos);
      if (s.charCodeAt(pos) === 125) return pos + 1;
      pos = this.skipWs(pos + 1);
    }
  }

  private walkArray(pos: number, node: TrieNode): number {
    const s = this.s;
    pos = this.skipWs(pos + 1);
    if (s.charCodeAt(pos) === 93) return pos + 1;
    for (let index = 0; ; index++) {
      const child = node.children.get(index);
      if (child) {
        child.offset = pos;
        pos = this.walk(pos, child);
      } else {
        pos = this.skip(pos);
      }
      pos = this.skipWs(pos);
      if (s.charCodeAt(pos) === 93) return pos + 1;
      pos = this.skipWs(pos + 1);
    }
  }

  private skipString(pos: number): number {
    const s = this.s;
    let from = pos + 1;
    for (;;) {
      const end = s.indexOf('"', from);
      let backslashes = 0;
      while (s.charCodeAt(end - 1 - backslashes) === 92) backslashes++;
      if (backslashes % 2 === 0) return end + 1;
      from = end + 1;
    }
  }

  private skip(pos: number): number {
    const s = this.s;
    const c = s.charCodeAt(pos);
    if (c === 34) return this.skipString(pos);
    if (c === 123 || c === 91) {
      let depth = 0;
      for (;;) {
        const d = s.charCodeAt(pos);
        if (d === 34) {
          pos = this.skipString(pos);
          continue;
        }
        if (d === 123 || d === 91) depth++;
        else if (d === 125 || d === 93) {
          depth--;
          if (depth === 0) return pos + 1;
        }
        pos++;
      }
    }
    while (pos < s.length) {
      const d = s.charCodeAt(pos);
      if (d === 44 || d === 125 || d === 93 || d === 32 || d === 9 || d === 10 || d === 13) break;
      pos++;
    }
    return pos;
  }
}
