// Which nodes changed, in order: every bump of a node's generation appends the node. Incremental
// readers (the replay's choice trees) keep a position and apply only the nodes past it instead of
// comparing every node's generation. A bounded window is kept; a reader whose position fell below it
// starts over from the whole snapshot.

/** Entries kept before the oldest half is dropped. */
const MAX_ENTRIES = 1 << 16;

export class NodeChangeLog {
  /** Absolute position of the first kept entry. */
  base = 0;
  private nodes = new Int32Array(1024);
  private length = 0;

  /** Position after the last entry. */
  get end(): number {
    return this.base + this.length;
  }

  note(node: number): void {
    if (this.length === this.nodes.length) {
      if (this.length >= MAX_ENTRIES) {
        const drop = this.length >> 1;
        this.nodes.copyWithin(0, drop, this.length);
        this.length -= drop;
        this.base += drop;
      } else {
        const grown = new Int32Array(this.nodes.length * 2);
        grown.set(this.nodes);
        this.nodes = grown;
      }
    }
    this.nodes[this.length++] = node;
  }

  /** The node at absolute position `at` (base ≤ at < end). */
  at(at: number): number {
    return this.nodes[at - this.base];
  }
}
