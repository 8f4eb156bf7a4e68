// Strings to small integers, so hot loops compare ints instead of strings.
// Ids are dense and stable for the life of the interner; 0 is a real id, -1 means "absent".

export const ABSENT = -1;

export class Interner {
  private readonly ids = new Map<string, number>();
  readonly strings: string[] = [];

  /** The id of `text`, adding it when new. */
  id(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.strings.length;
      this.ids.set(text, id);
      this.strings.push(text);
    }
    return id;
  }

  /** The id of `text`, or ABSENT when it was never interned (useful for read-only lookups). */
  find(text: string): number {
    return this.ids.get(text) ?? ABSENT;
  }

  str(id: number): string {
    return this.strings[id];
  }

  get size(): number {
    return this.strings.length;
  }
}
