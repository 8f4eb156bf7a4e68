// Full mode sends every node in every request, megabytes of JSON that are mostly the bytes of the
// last request again: parsing them was most of a request's cost, and the parsed objects, live
// while the request ran, made the young-generation GCs slow. This reader parses only what it has
// not read before. A node item byte-identical to one read earlier that stood for a cached node (a
// `known` RequestNode, see wire.ts) is that same RequestNode again, as long as the cache still
// holds the very Node object it stood for (nodes are replaced, never changed in place): reading it
// again would give the same answer, since JSON.parse, the name and knownNode depend on the bytes
// and on that Node alone.
// The rest of the body is parsed as JSON with `0` in place of each reused item. That skeleton is
// the body's own bytes outside the items, so JSON.parse checks them; each reused item's bytes
// parsed before as one element of an accepted body, so the whole body is valid JSON exactly when
// the skeleton is, and reads as the skeleton with the earlier items in place. Anything the item
// scan is not certain of (raw-items.ts), and a skeleton JSON.parse refuses, takes the old path:
// JSON.parse of the whole body, with its own error message.
import type { Node } from '../api/types.js';
import { RequestError } from './errors.js';
import { type ItemSpans, itemName, type KnownItem, type KnownLookup, NodeItemScanner } from './raw-items.js';
import { type ExtenderArgs, type ReadOptions, type RequestNode, readExtenderArgs } from './wire.js';

/** A node item read before: its bytes (a copy), what they read as, and when it was last seen. */
interface Remembered extends KnownItem {
  readonly bytes: Buffer;
  readonly item: RequestNode;
  seen: number;
}

/** Items remembered beyond this many per node (of the cache, or of the request) are swept when unseen lately. */
const REMEMBERED_PER_NODE = 2;
/** Requests an item may go unseen before a sweep forgets it. */
const SWEEP_AGE = 16;

export interface ArgsReaderOptions extends ReadOptions {
  /** The Node the cache holds under `name` now. */
  cachedNode: (name: string) => Node | undefined;
  /** How many nodes the cache holds (kube-scheduler may send a different part of them each time). */
  cachedNodes: number;
}

export class ArgsReader {
  private readonly scanner = new NodeItemScanner();
  /** Known items read before, by node name (a lookup hint; the bytes decide). */
  private readonly remembered = new Map<string, Remembered>();
  /** The items of the last body read, one per element of its Nodes.items (for an identical array). */
  private last: { array: number; items: readonly RequestNode[] } | undefined;
  private requests = 0;
  /** "0,0,0,…": placeholders for runs of reused items, cut to length. */
  private placeholders = Buffer.alloc(0);
  /** For the scan: the remembered item an element may be, by the name its bytes start with. */
  private readonly lookup: KnownLookup = (body, at) => {
    const name = itemName(body, at);
    return name === undefined ? undefined : this.remembered.get(name);
  };

  /** The byte ranges of the body's Nodes.items (remembered for the body last read). */
  spans(body: Buffer): ItemSpans | undefined {
    return this.scanner.scan(body);
  }

  /** The request's ExtenderArgs, as readExtenderArgs(JSON.parse(body)) would give them. */
  read(body: Buffer, opts: ArgsReaderOptions): ExtenderArgs {
    this.requests++;
    const last = this.last;
    // Set again only once this body is read: a body that fails leaves nothing to compare with.
    this.last = undefined;
    const spans = this.scanner.scan(body, this.lookup);
    if (!spans || spans.start.length === 0) return readExtenderArgs(parseJson(body), opts);
    const reused = this.reusable(body, spans, last, opts);
    let args: ExtenderArgs | undefined;
    if (reused) {
      let skeleton: unknown;
      try {
        skeleton = JSON.parse(this.skeleton(body, spans, reused).toString('utf8'));
      } catch {
        // Not JSON (the scan does not validate): the whole body, for JSON.parse's own message.
      }
      if (skeleton !== undefined) args = readExtenderArgs(skeleton, { ...opts, reusedItems: reused });
    }
    args ??= readExtenderArgs(parseJson(body), opts);
    if (args.nodes?.length === spans.start.length) this.remember(body, spans, args.nodes, opts.cachedNodes);
    return args;
  }

  /** Per item, the RequestNode it reads as from earlier bytes; undefined when there is none. */
  private reusable(
    body: Buffer,
    spans: ItemSpans,
    last: { array: number; items: readonly RequestNode[] } | undefined,
    opts: ArgsReaderOptions,
  ): (RequestNode | undefined)[] | undefined {
    const n = spans.start.length;
    const reused = new Array<RequestNode | undefined>(n);
    let count = 0;
    const still = (item: RequestNode | undefined): item is RequestNode =>
      item?.known === true && opts.cachedNode(item.name) === item.node;
    // Item i is byte for byte the last body's item i when the whole array is the last one, or the
    // scan found that item unchanged against it; else the scan may have found it to be a remembered
    // item (by name, then bytes); else it is looked up here.
    const whole = last !== undefined && spans.array === last.array && last.items.length === n;
    const some = last !== undefined && !whole && spans.before === last.array;
    for (let i = 0; i < n; i++) {
      if (whole || (some && i < (last?.items.length ?? 0) && spans.sameAsBefore[i] === 1)) {
        const item = last?.items[i];
        if (still(item)) {
          reused[i] = item;
          count++;
        }
        continue;
      }
      const matched = spans.matched[i] as Remembered | undefined;
      if (matched && still(matched.item)) {
        reused[i] = matched.item;
        count++;
        continue;
      }
      const from = spans.base + spans.start[i];
      const to = spans.base + spans.end[i];
      const name = itemName(body, from);
      const earlier = name === undefined ? undefined : this.remembered.get(name);
      if (!earlier || earlier.bytes.length !== to - from || !still(earlier.item)) continue;
      if (body.compare(earlier.bytes, 0, earlier.bytes.length, from, to) !== 0) continue;
      reused[i] = earlier.item;
      count++;
    }
    return count > 0 ? reused : undefined;
  }

  /** The body with `0` for every reused item (and `,` between items, as JSON allows). */
  private skeleton(body: Buffer, spans: ItemSpans, reused: readonly (RequestNode | undefined)[]): Buffer {
    const base = spans.base;
    const parts: Buffer[] = [body.subarray(0, base + 1)];
    let run = 0;
    const item = (part: Buffer) => {
      if (parts.length > 1) parts.push(COMMA);
      parts.push(part);
    };
    const flush = () => {
      if (run > 0) item(this.placeholderRun(run));
      run = 0;
    };
    for (let i = 0; i < reused.length; i++) {
      if (reused[i]) {
        run++;
        continue;
      }
      flush();
      item(body.subarray(base + spans.start[i], base + spans.end[i]));
    }
    flush();
    parts.push(body.subarray(base + spans.close - 1));
    return Buffer.concat(parts);
  }

  private placeholderRun(count: number): Buffer {
    const length = 2 * count - 1;
    if (this.placeholders.length < length) this.placeholders = Buffer.from('0,'.repeat(count));
    return this.placeholders.subarray(0, length);
  }

  /** Notes the body's known items for later requests; forgets long-unseen ones. */
  private remember(body: Buffer, spans: ItemSpans, items: readonly RequestNode[], cachedNodes: number): void {
    const now = this.requests;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (!item.known) continue;
      const earlier = this.remembered.get(item.name);
      if (earlier?.item === item) {
        earlier.seen = now;
        continue;
      }
      const bytes = Buffer.from(body.subarray(spans.base + spans.start[i], spans.base + spans.end[i]));
      this.remembered.set(item.name, { bytes, hasNull: spans.hasNull[i], item, seen: now });
    }
    this.last = { array: spans.array, items };
    if (this.remembered.size > REMEMBERED_PER_NODE * Math.max(items.length, cachedNodes) + 1024) {
      for (const [name, entry] of this.remembered) if (now - entry.seen > SWEEP_AGE) this.remembered.delete(name);
    }
  }
}

const COMMA = Buffer.from(',');

/** JSON.parse with a message that says where the text stops being JSON. */
export function parseJson(bytes: Buffer): unknown {
  if (bytes.length === 0) throw new RequestError('BAD_JSON', 'empty request body: expected a JSON object');
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new RequestError('BAD_JSON', `request body is not valid JSON: ${(err as Error).message}`);
  }
}
