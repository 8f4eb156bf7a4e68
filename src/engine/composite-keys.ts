// One string per tuple of key parts: the node-local cache key of a pod joins its plugins' keys,
// and building (then hashing) that long string for every pod showed in profiles. The parts are
// mostly the same string objects from pod to pod (memoised per spec), whose hashes V8 keeps, so a
// walk down nested maps finds the joined key built the first time.

interface TrieNode {
  next: Map<string, TrieNode> | undefined;
  joined: string | undefined;
}

/** Joined keys remembered before the table starts over. */
const MAX_KEYS = 4096;

export class CompositeKeys {
  private root: TrieNode = { next: undefined, joined: undefined };
  private count = 0;

  constructor(private readonly separator: string) {}

  /** parts[0..n) joined by the separator; the same string object for the same parts. */
  join(parts: readonly string[], n: number): string {
    let node = this.root;
    for (let i = 0; i < n; i++) {
      if (node.next === undefined) node.next = new Map();
      let child = node.next.get(parts[i]);
      if (child === undefined) {
        child = { next: undefined, joined: undefined };
        node.next.set(parts[i], child);
      }
      node = child;
    }
    if (node.joined === undefined) {
      if (this.count >= MAX_KEYS) {
        this.root = { next: undefined, joined: undefined };
        this.count = 0;
        return this.join(parts, n);
      }
      this.count++;
      node.joined = parts.slice(0, n).join(this.separator);
    }
    return node.joined;
  }
}
