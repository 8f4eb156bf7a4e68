// The filter reply of full mode with its `Nodes.items` copied from the request's bytes (see
// raw-items.ts) rather than serialised again. A copied item must read back exactly as the object the
// serialising path would write: only nodes whose object berth left untouched (those standing for a
// cached node; validating a new one may default fields) and holding no `null` (that path drops them)
// are copied; the others are serialised as before.
import type { Obj } from '../load/check.js';
import type { ItemSpans } from './raw-items.js';
import { dropNulls, type FilterResult, type RequestNode } from './wire.js';

/** A reply already encoded as JSON; the server sends its bytes as they are. */
export class RawJson {
  constructor(readonly bytes: Buffer) {}
}

const COMMA = Buffer.from(',');

/**
 * `{"Nodes":{...head,"items":[...]},...rest}` with `items` the request nodes at `order` (indices
 * into `nodes`, which are the request's `Nodes.items` one for one with `spans`).
 */
export function echoFilterReply(
  source: Buffer,
  spans: ItemSpans,
  nodes: readonly RequestNode[],
  order: readonly number[],
  head: Obj,
  rest: Omit<FilterResult, 'Nodes'>,
): RawJson {
  const headJson = JSON.stringify(head);
  const open = `{"Nodes":${headJson.slice(0, -1)}${headJson === '{}' ? '' : ','}"items":[`;
  const parts: Buffer[] = [Buffer.from(open)];
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    if (k > 0) parts.push(COMMA);
    const node = nodes[i];
    if (node.known && spans.hasNull[i] === 0) parts.push(source.subarray(spans.start[i], spans.end[i]));
    else {
      dropNulls(node.raw);
      parts.push(Buffer.from(JSON.stringify(node.raw)));
    }
  }
  parts.push(Buffer.from(`]},${JSON.stringify(rest).slice(1)}`));
  return new RawJson(Buffer.concat(parts));
}
