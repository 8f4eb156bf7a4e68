// The filter reply of full mode with its `Nodes.items` copied from the request's bytes (see
// raw-items.ts) rather than serialised again. A copied item must read back exactly as the object the
// serialising path would write: only nodes whose object berth left untouched (those standing for a
// cached node; validating a new one may default fields) and holding no `null` (that path drops them)
// are copied; the others are serialised as before.
import type { Obj } from '../load/check.js';
import type { ItemSpans } from './raw-items.js';
import { dropNulls, type FilterResult, type RequestNode } from './wire.js';

/**
 * A reply already encoded as JSON, in parts the server writes one after the other. The parts are
 * mostly views of the request's bytes: nothing the size of the reply is allocated again.
 */
export class RawJson {
  readonly length: number;
  constructor(readonly parts: readonly Buffer[]) {
    let length = 0;
    for (const part of parts) length += part.length;
    this.length = length;
  }

  /** The whole reply in one buffer. */
  toBuffer(): Buffer {
    return Buffer.concat(this.parts as Buffer[], this.length);
  }
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
  // Items next to each other in the request are copied as one run, separators included (a comma
  // and maybe whitespace): when every node passes, the whole array is one copy.
  let runFrom = -1;
  let runTo = -1;
  let previous = -2;
  const flush = () => {
    if (runFrom >= 0) parts.push(source.subarray(spans.base + runFrom, spans.base + runTo));
    runFrom = -1;
  };
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    const node = nodes[i];
    const copy = node.known === true && spans.hasNull[i] === 0;
    if (copy && runFrom >= 0 && i === previous + 1) {
      runTo = spans.end[i];
      previous = i;
      continue;
    }
    flush();
    if (k > 0) parts.push(COMMA);
    if (copy) {
      runFrom = spans.start[i];
      runTo = spans.end[i];
      previous = i;
    } else {
      dropNulls(node.raw);
      parts.push(Buffer.from(JSON.stringify(node.raw)));
      previous = -2;
    }
  }
  flush();
  parts.push(Buffer.from(`]},${JSON.stringify(rest).slice(1)}`));
  return new RawJson(parts);
}
