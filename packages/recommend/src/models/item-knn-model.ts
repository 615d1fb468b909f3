import { cmp, type FeedbackEvent, type TrainingSet } from '../feedback/feedback-event.js';
import { type ItemKnnOptions, type ItemKnnOptionsInput, itemKnnOptions } from './item-knn-options.js';
import { trainItemKnnModel } from './item-knn-train.js';
import { PairCounts } from './pair-counts.js';

/**
 * Item-kNN counts as plain data (what a model table will hold): items, how many customers
 * saw each, how many saw each pair, and each customer's item list (needed to update pairs
 * when a new interaction arrives).
 */
export interface ItemKnnModel {
  kind: 'item-knn';
  version: 1;
  options: ItemKnnOptions;
  items: string[];
  /** `itemCounts[i]`: customers who interacted with `items[i]`. */
  itemCounts: number[];
  /** `[i, j, count]` with i < j, indexes into `items`. */
  pairs: [number, number, number][];
  /** Customer id → indexes of their items, oldest first. */
  customers: [string, number[]][];
}

/** A neighbour list as cached, with what it was built from. */
interface CachedNeighbours {
  list: Neighbour[];
  /** The item's version when built. */
  version: number;
  /** The kept neighbours' indexes. */
  partners: Int32Array;
  /** Under cosine, the sum of the kept neighbours' counts when built. */
  partnerCounts: number;
}

/** A neighbour of an item. */
export interface Neighbour {
  itemId: string;
  similarity: number;
}

/**
 * Item-kNN co-occurrence counts, updated one interaction at a time: a customer's new item
 * pairs with each item they had (O(their items)), so counts stay exact without a retrain.
 * Items are integer indexes and pairs a compact `PairCounts` (typed arrays), so a
 * loaded model of millions of pairs stays small and cheap for the garbage collector.
 * Neighbour lists are computed on demand and cached; an update only bumps per-item versions
 * (O(the customer's items), never a walk over an item's partners), and a cached list is
 * checked against them when read (see {@link ItemKnnCounts.neighbours}).
 */
export class ItemKnnCounts {
  readonly options: ItemKnnOptions;
  readonly #ids: string[] = [];
  readonly #index = new Map<string, number>();
  readonly #itemCounts: number[] = [];
  #pairs: PairCounts;
  /** Customer id → indexes of their items, oldest first (short lists: a scan beats a set per customer). */
  readonly #customers = new Map<string, number[]>();
  /**
   * Per item, bumped whenever its own count or the count of a pair it is in changes: everything
   * its neighbour list reads apart from its partners' own counts.
   */
  readonly #versions: number[] = [];
  readonly #neighbours = new Map<number, CachedNeighbours>();

  constructor(options: ItemKnnOptionsInput = {}) {
    this.options = itemKnnOptions(options);
    this.#pairs = new PairCounts(0);
  }

  /**
   * Counts of a training set, in event order (sorted by time first, so the result is
   * deterministic): trained flat by {@link trainItemKnnModel}, then loaded compact.
   */
  static train(set: TrainingSet, options: ItemKnnOptionsInput = {}): ItemKnnCounts {
    return ItemKnnCounts.fromModel(trainItemKnnModel(set, options));
  }

  /** Counts restored from a model. */
  static fromModel(model: ItemKnnModel): ItemKnnCounts {
    const counts = new ItemKnnCounts(model.options);
    model.items.forEach((item, index) => {
      counts.#ids.push(item);
      counts.#index.set(item, index);
      counts.#itemCounts.push(model.itemCounts[index] ?? 0);
      counts.#versions.push(0);
    });
    counts.#pairs = new PairCounts(model.items.length, model.pairs);
    for (const [customerId, indexes] of model.customers) counts.#customers.set(customerId, [...indexes]);
    return counts;
  }

  /**
   * Adds one interaction. Returns false when the customer already had the item (binary
   * feedback: nothing changes). Only the latest `maxItemsPerCustomer` items form pairs.
   */
  add(event: Pick<FeedbackEvent, 'customerId' | 'itemId'>): boolean {
    const { customerId, itemId } = event;
    let item = this.#index.get(itemId);
    let list = this.#customers.get(customerId);
    if (list !== undefined && item !== undefined && list.includes(item)) return false;
    if (item === undefined) {
      item = this.#ids.length;
      this.#ids.push(itemId);
      this.#index.set(itemId, item);
      this.#itemCounts.push(0);
      this.#versions.push(0);
    }
    if (list === undefined) {
      list = [];
      this.#customers.set(customerId, list);
    }
    const start = Math.max(0, list.length - (this.options.maxItemsPerCustomer - 1));
    for (let at = start; at < list.length; at++) {
      const other = list[at] as number;
      this.#pairs.increment(item, other);
      this.#versions[other] = (this.#versions[other] as number) + 1;
    }
    // The item's partners are not touched: under cosine their lists read n(item), which they
    // compare at read time (a neighbour's count only grows, so only a kept neighbour can matter).
    this.#versions[item] = (this.#versions[item] as number) + 1;
    list.push(item);
    this.#itemCounts[item] = (this.#itemCounts[item] as number) + 1;
    return true;
  }

  /** Customers who interacted with the item. */
  count(itemId: string): number {
    const item = this.#index.get(itemId);
    return item === undefined ? 0 : (this.#itemCounts[item] as number);
  }

  /** Customers who interacted with both items. */
  cooccurrence(a: string, b: string): number {
    if (a === b) return this.count(a);
    const i = this.#index.get(a);
    const j = this.#index.get(b);
    return i === undefined || j === undefined ? 0 : this.#pairs.get(i, j);
  }

  /** True when the model has seen the item. */
  has(itemId: string): boolean {
    return this.#index.has(itemId);
  }

  /** The similarity of two items under the options (shrunk, 0 for unseen pairs). */
  similarity(a: string, b: string): number {
    if (a === b) return 0;
    return this.#similarity(this.count(a), this.count(b), this.cooccurrence(a, b));
  }

  /**
   * The item's nearest neighbours, most similar first (ties by id), at most `options.neighbours`.
   * A cached list is served only while nothing it was built from changed: the item's version
   * (its count and its pair counts) and, under cosine, the counts of the neighbours it kept. A
   * partner left out cannot get back in by an update elsewhere: its count only grows, which
   * only lowers its similarity.
   */
  neighbours(itemId: string): readonly Neighbour[] {
    const item = this.#index.get(itemId);
    if (item === undefined) return [];
    const cached = this.#neighbours.get(item);
    if (cached !== undefined && cached.version === this.#versions[item] && this.#keptCountsUnchanged(cached)) return cached.list;
    const found: { partner: number; similarity: number }[] = [];
    const own = this.#itemCounts[item] as number;
    this.#pairs.forEachPartner(item, (partner, together) => {
      const similarity = this.#similarity(own, this.#itemCounts[partner] as number, together);
      if (similarity > 0) found.push({ partner, similarity });
    });
    found.sort((x, y) => y.similarity - x.similarity || cmp(this.#ids[x.partner] as string, this.#ids[y.partner] as string));
    const kept = found.slice(0, this.options.neighbours);
    const partners = Int32Array.from(kept, (entry) => entry.partner);
    const list = kept.map((entry) => ({ itemId: this.#ids[entry.partner] as string, similarity: entry.similarity }));
    this.#neighbours.set(item, {
      list,
      version: this.#versions[item] as number,
      partners,
      partnerCounts: this.options.similarity === 'cosine' ? this.#countsOf(partners) : 0,
    });
    return list;
  }

  /** The customer's items, oldest first. */
  customerItems(customerId: string): readonly string[] | undefined {
    return this.#customers.get(customerId)?.map((item) => this.#ids[item] as string);
  }

  /** Number of items seen. */
  get itemCount(): number {
    return this.#ids.length;
  }

  /** The counts as plain, JSON-safe data (items sorted, so equal counts give equal models). */
  toModel(): ItemKnnModel {
    const items = [...this.#ids].sort(cmp);
    const sortedIndex = new Map(items.map((item, position) => [item, position]));
    const remap = this.#ids.map((item) => sortedIndex.get(item) as number);
    const pairs: [number, number, number][] = [];
    for (let a = 0; a < this.#ids.length; a++) {
      const i = remap[a] as number;
      this.#pairs.forEachPartner(a, (b, count) => {
        const j = remap[b] as number;
        if (i < j) pairs.push([i, j, count]);
      });
    }
    pairs.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    const customers: [string, number[]][] = [...this.#customers.entries()]
      .sort(([a], [b]) => cmp(a, b))
      .map(([id, list]) => [id, list.map((item) => remap[item] as number)]);
    return {
      kind: 'item-knn',
      version: 1,
      options: { ...this.options },
      items,
      itemCounts: items.map((item) => this.count(item)),
      pairs,
      customers,
    };
  }

  /** Under cosine, whether the kept neighbours' counts are those the list was built with (counts only grow, so equal sums mean equal counts). */
  #keptCountsUnchanged(cached: CachedNeighbours): boolean {
    return this.options.similarity !== 'cosine' || this.#countsOf(cached.partners) === cached.partnerCounts;
  }

  #countsOf(partners: Int32Array): number {
    let sum = 0;
    for (let at = 0; at < partners.length; at++) sum += this.#itemCounts[partners[at] as number] as number;
    return sum;
  }

  #similarity(countA: number, countB: number, together: number): number {
    if (together < this.options.minCooccurrence || together === 0) return 0;
    const base = this.options.similarity === 'cosine' ? together / Math.sqrt(countA * countB) : together;
    return base * (together / (together + this.options.shrinkage));
  }
}
