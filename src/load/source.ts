// A file's text as documents: JSON through JSON.parse (fast, no positions), YAML through the yaml
// package (multi-document). Positions are recovered only when a problem needs a line number.

import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';
import type { Problem } from '../api/problem.js';
import { findJsonSyntaxError, locateJsonPaths } from './json.js';
import { linesOfOffsets, resolvePath, type Segment } from './path.js';

export type Format = 'json' | 'yaml';

export interface Source {
  /** A file path, or a label such as `request body`. */
  file: string;
  text: string;
  format: Format;
  /** One value per document; `undefined` for a document that did not parse. */
  docs: unknown[];
}

/** A problem waiting for its line: which document of which source, and the path string inside it. */
export interface Placed {
  problem: Problem;
  source: Source;
  doc: number;
}

function looksLikeJson(text: string): boolean {
  const m = /^\s*(.)/.exec(text);
  return m?.[1] === '{' || m?.[1] === '[';
}

/** Parses `text`; syntax errors come back as problems with their line. */
export function parseSource(text: string, file: string): { source: Source; problems: Problem[] } {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const isJsonFile = file.toLowerCase().endsWith('.json');
  if (!isJsonFile && !looksLikeJson(text)) return parseYaml(text, file);
  try {
    return { source: { file, text, format: 'json', docs: [JSON.parse(text)] }, problems: [] };
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    const failed = {
      source: { file, text, format: 'json' as const, docs: [undefined] },
      problems: [jsonSyntax(text, file, err)],
    };
    if (isJsonFile) return failed;
    // Outside .json files, YAML's own flow style is fine; if it is not YAML either, JSON was meant.
    const yaml = parseYaml(text, file);
    return yaml.problems.length === 0 ? yaml : failed;
  }
}

function jsonSyntax(text: string, file: string, err: SyntaxError): Problem {
  const found = findJsonSyntaxError(text);
  if (!found) return { code: 'json', file, message: `JSON syntax error: ${err.message}` };
  const lineStart = text.lastIndexOf('\n', found.offset - 1) + 1;
  const [line] = linesOfOffsets(text, [found.offset]);
  const column = found.offset - lineStart + 1;
  return { code: 'json', file, line, message: `JSON syntax error: ${found.message} (column ${column})` };
}

function parseYaml(text: string, file: string): { source: Source; problems: Problem[] } {
  const problems: Problem[] = [];
  const docs: unknown[] = [];
  for (const doc of parseAllDocuments(text, { lineCounter: new LineCounter() })) {
    if (doc.errors.length > 0) {
      for (const err of doc.errors) {
        const reason = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
        const pos = err.linePos?.[0];
        problems.push({
          code: 'yaml',
          file,
          line: pos?.line,
          message: `YAML syntax error: ${reason}${pos ? ` (column ${pos.col})` : ''}`,
        });
      }
      docs.push(undefined);
      continue;
    }
    docs.push(doc.toJS({ maxAliasCount: 1000 }));
  }
  return { source: { file, text, format: 'yaml', docs }, problems };
}

/** Sets `line` on every problem, from its path inside its document. */
export function placeLines(items: readonly Placed[]): void {
  const bySource = new Map<Source, Placed[]>();
  for (const item of items) {
    if (item.problem.line !== undefined) continue;
    const list = bySource.get(item.source);
    if (list) list.push(item);
    else bySource.set(item.source, [item]);
  }
  for (const [source, list] of bySource) {
    const segments = list.map((item) => resolvePath(source.docs[item.doc], item.problem.path ?? ''));
    const lines = source.format === 'json' ? jsonLines(source, segments) : yamlLines(source, list, segments);
    list.forEach((item, i) => {
      item.problem.line = lines[i];
    });
  }
}

function jsonLines(source: Source, segments: Segment[][]): number[] {
  return linesOfOffsets(source.text, locateJsonPaths(source.text, segments));
}

function yamlLines(source: Source, list: readonly Placed[], segments: Segment[][]): number[] {
  const lineCounter = new LineCounter();
  const docs = Array.from(parseAllDocuments(source.text, { lineCounter }));
  return list.map((item, i) => {
    const doc = docs[item.doc];
    return doc ? lineCounter.linePos(yamlOffset(doc, segments[i])).line : 1;
  });
}

/** Offset of the deepest node of `path` present in the document: a map entry's key, a list item. */
function yamlOffset(doc: Document, path: readonly Segment[]): number {
  let node: unknown = doc.contents;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
      if (!pair) break;
      offset = (pair.key as Node | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}
