/**
 * Symmetric co-occurrence counts of item pairs over integer item indexes, compact: the pairs a
 * model was loaded with sit in sorted typed arrays per item (compressed sparse rows, both
 * directions), counted up in place; only pairs first seen afterwards go to a small map. A
 * million pairs are a few typed arrays rather than millions of map entries, which keeps the
 * heap small and garbage-collection pauses short.
 */
export class PairCounts {
  /** Row `i` of the loaded pairs is `partners/counts[offsets[i] .. offsets[i + 1])`, partners ascending. */
  readonly #offsets: Int32Array;
  readonly #partners: Int32Array;
  readonly #counts: Int32Array;
  /** Pairs not among the loaded ones: item → partner → count (both directions). */
  readonly #added = new Map<number, Map<number, number>>();

  /** `pairs` are `[i, j, count]` with i ≠ j, each unordered pair once, indexes below `itemCount`. */
  constructor(itemCount: number, pairs: readonly (readonly [number, number, number])[] = []) {
    const offsets = new Int32Array(itemCount + 1);
    for (const [i, j] of pairs) {
      offsets[i + 1] = (offsets[i + 1] as number) + 1;
      offsets[j + 1] = (offsets[j + 1] as number) + 1;
    }
    for (let i = 0; i < itemCount; i++) offsets[i + 1] = (offsets[i + 1] as number) + (offsets[i] as number);
    const partners = new Int32Array(offsets[itemCount] as number);
    const counts = new Int32Array(partners.length);
    const fill = offsets.slice(0, itemCount);
    const place = (from: number, to: number, count: number) => {
      const at = fill[from] as number;
      partners[at] = to;
      counts[at] = count;
      fill[from] = at + 1;
    };
    for (const [i, j, count] of pairs) {
      place(i, j, count);
      place(j, i, count);
    }
    this.#offsets = offsets;
    this.#partners = partners;
    this.#counts = counts;
    // Pairs sorted by (i, j) fill every row in ascending order; anything else is sorted here.
    for (let i = 0; i < itemCount; i++) this.#sortRow(i);
  }

  /** The count of the pair (0 when never seen together). */
  get(a: number, b: number): number {
    const at = this.#find(a, b);
    if (at >= 0) return this.#counts[at] as number;
    return this.#added.get(a)?.get(b) ?? 0;
  }

  /** Counts the pair once more (both directions). */
  increment(a: number, b: number): void {
    this.#incrementOne(a, b);
    this.#incrementOne(b, a);
  }

  /** Calls `visit` with each partner of the item and the pair's count. */
  forEachPartner(item: number, visit: (partner: number, count: number) => void): void {
    if (item + 1 < this.#offsets.length) {
      const end = this.#offsets[item + 1] as number;
      for (let at = this.#offsets[item] as number; at < end; at++) visit(this.#partners[at] as number, this.#counts[at] as number);
    }
    for (const [partner, count] of this.#added.get(item) ?? []) visit(partner, count);
  }

  #incrementOne(a: number, b: number): void {
    const at = this.#find(a, b);
    if (at >= 0) {
      this.#counts[at] = (this.#counts[at] as number) + 1;
      return;
    }
    let row = this.#added.get(a);
    if (row === undefined) {
      row = new Map();
      this.#added.set(a, row);
    }
    row.set(b, (row.get(b) ?? 0) + 1);
  }

  /** Where the loaded pair (a, b) sits, or -1. */
  #find(a: number, b: number): number {
    if (a + 1 >= this.#offsets.length) return -1;
    let low = this.#offsets[a] as number;
    let high = (this.#offsets[a + 1] as number) - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const partner = this.#partners[middle] as number;
      if (partner === b) return middle;
      if (partner < b) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  #sortRow(item: number): void {
    const start = this.#offsets[item] as number;
    const end = this.#offsets[item + 1] as number;
    let sorted = true;
    for (let at = start + 1; at < end && sorted; at++) sorted = (this.#partners[at - 1] as number) < (this.#partners[at] as number);
    if (sorted) return;
    const order = Array.from({ length: end - start }, (_, n) => start + n).sort(
      (x, y) => (this.#partners[x] as number) - (this.#partners[y] as number),
    );
    const partners = order.map((at) => this.#partners[at] as number);
    const counts = order.map((at) => this.#counts[at] as number);
    this.#partners.set(partners, start);
    this.#counts.set(counts, start);
  }
}
