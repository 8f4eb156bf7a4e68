// Variable-length per-node lists (a node's taints, its images) packed into one shared buffer: each
// node's list is a view at start[node], length[node]. Appending past the end moves everything into
// a buffer twice the size (and the caller rebuilds its views); lists are never rewritten in place.
import { sharedF64, sharedI32 } from './shared-arrays.js';

export class SharedRagged<T extends Int32Array | Float64Array> {
  pool: T;
  private used = 0;

  constructor(private readonly make: (length: number) => T) {
    this.pool = make(0);
  }

  /** Copies `values` to the end; returns where they start and whether the pool moved. */
  append(values: ArrayLike<number>): { start: number; moved: boolean } {
    const start = this.used;
    let moved = false;
    if (start + values.length > this.pool.length) {
      const grown = this.make(Math.max(start + values.length, this.pool.length * 2, 64));
      grown.set(this.pool.subarray(0, start));
      this.pool = grown;
      moved = true;
    }
    this.pool.set(values, start);
    this.used += values.length;
    return { start, moved };
  }

  view(start: number, length: number): T {
    return this.pool.subarray(start, start + length) as T;
  }
}

export const raggedI32 = (): SharedRagged<Int32Array> => new SharedRagged(sharedI32);
export const raggedF64 = (): SharedRagged<Float64Array> => new SharedRagged(sharedF64);
