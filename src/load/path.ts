// Field paths as people read them (`spec.containers[0].resources.requests.cpu`), and back to the
// keys and indexes they name, so a problem can be placed on a line of its file.

export type Segment = string | number;

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `path.key`, or `path[key]` when the key holds dots, slashes or other separators. */
export function child(path: string, key: string): string {
  if (PLAIN_KEY.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${key}]`;
}

/**
 * The keys and indexes a path string names inside `root`. Keys may contain dots (label keys,
 * resource names), so each step takes the longest key of the actual object that the path continues
 * with; `[key]`, `["key"]` and `[0]` forms are understood too. Stops where the value runs out.
 */
export function resolvePath(root: unknown, path: string): Segment[] {
  const segments: Segment[] = [];
  let value = root;
  let pos = 0;
  while (pos < path.length) {
    const c = path[pos];
    let seg: Segment;
    if (c === '[') {
      const parsed = bracket(path, pos);
      if (!parsed) break;
      pos = parsed.end;
      seg = Array.isArray(value) && /^[0-9]+$/.test(parsed.text) ? Number(parsed.text) : parsed.text;
    } else {
      if (c === '.') pos++;
      const key = longestKey(value, path, pos);
      seg = key;
      pos += key.length;
    }
    segments.push(seg);
    value = isContainer(value) ? (value as Record<string, unknown>)[seg] : undefined;
  }
  return segments;
}

function isContainer(v: unknown): boolean {
  return typeof v === 'object' && v !== null;
}

function bracket(path: string, pos: number): { text: string; end: number } | undefined {
  if (path[pos + 1] === '"') {
    const m = /^"(?:[^"\\]|\\.)*"\]/.exec(path.slice(pos + 1));
    if (!m) return undefined;
    return { text: JSON.parse(m[0].slice(0, -1)) as string, end: pos + 1 + m[0].length };
  }
  const close = path.indexOf(']', pos);
  if (close < 0) return undefined;
  return { text: path.slice(pos + 1, close), end: close + 1 };
}

function longestKey(value: unknown, path: string, pos: number): string {
  let best: string | undefined;
  if (isContainer(value) && !Array.isArray(value)) {
    for (const key of Object.keys(value as object)) {
      if (!path.startsWith(key, pos) || (best !== undefined && key.length <= best.length)) continue;
      const next = path[pos + key.length];
      if (next === undefined || next === '.' || next === '[') best = key;
    }
  }
  if (best !== undefined) return best;
  const m = /^[^.[]*/.exec(path.slice(pos));
  return m ? m[0] : '';
}

/** 1-based line numbers of the given offsets, in one pass over the text. */
export function linesOfOffsets(text: string, offsets: readonly number[]): number[] {
  const order = offsets.map((_, i) => i).sort((a, b) => offsets[a] - offsets[b]);
  const lines = new Array<number>(offsets.length);
  let line = 1;
  let pos = 0;
  for (const i of order) {
    const target = offsets[i];
    for (;;) {
      const nl = text.indexOf('\n', pos);
      if (nl < 0 || nl >= target) break;
      line++;
      pos = nl + 1;
    }
    lines[i] = line;
  }
  return lines;
}
