import { cmp, type FeedbackEvent, type TrainingSet } from '../feedback/feedback-event.js';
import { type ItemKnnOptions, type ItemKnnOptionsInput, itemKnnOptions } from './item-knn-options.js';

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

/** A neighbour of an item. */
export interface Neighbour {
  itemId: string;
  similarity: number;
}

/**
 * Item-kNN co-occurrence counts, updated one interaction at a time: a customer's new item
 * pairs with each item they had (O(their items)), so counts stay exact without a retrain.
 * Neighbour lists are computed on demand and cached until a count they read changes.
 */
export class ItemKnnCounts {
  readonly options: ItemKnnOptions;
  readonly #itemCounts = new Map<string, number>();
  readonly #pairs = new Map<string, Map<string, number>>();
  readonly #customers = new Map<string, string[]>();
  readonly #customerSets = new Map<string, Set<string>>();
  readonly #neighbours = new Map<string, Neighbour[]>();

  constructor(options: ItemKnnOptionsInput = {}) {
    this.options = itemKnnOptions(options);
  }

  /** Counts of a training set, in event order (sorted by time first, so the result is deterministic). */
  static train(set: TrainingSet, options: ItemKnnOptionsInput = {}): ItemKnnCounts {
    const counts = new ItemKnnCounts(options);
    const events = [...set.events].sort((a, b) => a.at - b.at || cmp(a.customerId, b.customerId) || cmp(a.itemId, b.itemId));
    for (const event of events) counts.add(event);
    return counts;
  }

  /** Counts restored from a model. */
  static fromModel(model: ItemKnnModel): ItemKnnCounts {
    const counts = new ItemKnnCounts(model.options);
    model.items.forEach((item, index) => {
      counts.#itemCounts.set(item, model.itemCounts[index] ?? 0);
    });
    for (const [i, j, count] of model.pairs) {
      const a = model.items[i] as string;
      const b = model.items[j] as string;
      counts.#pairRow(a).set(b, count);
      counts.#pairRow(b).set(a, count);
    }
    for (const [customerId, indexes] of model.customers) {
      const list = indexes.map((index) => model.items[index] as string);
      counts.#customers.set(customerId, list);
      counts.#customerSets.set(customerId, new Set(list));
    }
    return counts;
  }

  /**
   * Adds one interaction. Returns false when the customer already had the item (binary
   * feedback: nothing changes). Only the latest `maxItemsPerCustomer` items form pairs.
   */
  add(event: Pick<FeedbackEvent, 'customerId' | 'itemId'>): boolean {
    const { customerId, itemId } = event;
    let set = this.#customerSets.get(customerId);
    if (set?.has(itemId)) return false;
    if (!set) {
      set = new Set();
      this.#customerSets.set(customerId, set);
      this.#customers.set(customerId, []);
    }
    const list = this.#customers.get(customerId) as string[];
    const start = Math.max(0, list.length - (this.options.maxItemsPerCustomer - 1));
    const row = this.#pairRow(itemId);
    for (let index = start; index < list.length; index++) {
      const other = list[index] as string;
      row.set(other, (row.get(other) ?? 0) + 1);
      const back = this.#pairRow(other);
      back.set(itemId, (back.get(itemId) ?? 0) + 1);
      this.#neighbours.delete(other);
    }
    // Under cosine n(item) is in every similarity with the item: its partners' lists go stale too.
    // Co-occurrence reads only the pair counts, whose partners were dropped above.
    // Nothing is cached while a model trains, so the walk is skipped then.
    if (this.options.similarity === 'cosine' && this.#neighbours.size > 0)
      for (const partner of row.keys()) this.#neighbours.delete(partner);
    this.#neighbours.delete(itemId);
    list.push(itemId);
    set.add(itemId);
    this.#itemCounts.set(itemId, (this.#itemCounts.get(itemId) ?? 0) + 1);
    return true;
  }

  /** Customers who interacted with the item. */
  count(itemId: string): number {
    return this.#itemCounts.get(itemId) ?? 0;
  }

  /** Customers who interacted with both items. */
  cooccurrence(a: string, b: string): number {
    return a === b ? this.count(a) : (this.#pairs.get(a)?.get(b) ?? 0);
  }

  /** True when the model has seen the item. */
  has(itemId: string): boolean {
    return this.#itemCounts.has(itemId);
  }

  /** The similarity of two items under the options (shrunk, 0 for unseen pairs). */
  similarity(a: string, b: string): number {
    if (a === b) return 0;
    const together = this.cooccurrence(a, b);
    if (together < this.options.minCooccurrence) return 0;
    const base = this.options.similarity === 'cosine' ? together / Math.sqrt(this.count(a) * this.count(b)) : together;
    return base * (together / (together + this.options.shrinkage));
  }

  /** The item's nearest neighbours, most similar first (ties by id), at most `options.neighbours`. */
  neighbours(itemId: string): readonly Neighbour[] {
    const cached = this.#neighbours.get(itemId);
    if (cached) return cached;
    const list: Neighbour[] = [];
    for (const other of this.#pairs.get(itemId)?.keys() ?? []) {
      const similarity = this.similarity(itemId, other);
      if (similarity > 0) list.push({ itemId: other, similarity });
    }
    list.sort((a, b) => b.similarity - a.similarity || cmp(a.itemId, b.itemId));
    const kept = list.slice(0, this.options.neighbours);
    this.#neighbours.set(itemId, kept);
    return kept;
  }

  /** The customer's items, oldest first. */
  customerItems(customerId: string): readonly string[] | undefined {
    return this.#customers.get(customerId);
  }

  /** Number of items seen. */
  get itemCount(): number {
    return this.#itemCounts.size;
  }

  /** The counts as plain, JSON-safe data (items sorted, so equal counts give equal models). */
  toModel(): ItemKnnModel {
    const items = [...this.#itemCounts.keys()].sort(cmp);
    const index = new Map(items.map((item, position) => [item, position]));
    const pairs: [number, number, number][] = [];
    for (const [a, row] of this.#pairs) {
      const i = index.get(a) as number;
      for (const [b, count] of row) {
        const j = index.get(b) as number;
        if (i < j) pairs.push([i, j, count]);
      }
    }
    pairs.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    const customers: [string, number[]][] = [...this.#customers.entries()]
      .sort(([a], [b]) => cmp(a, b))
      .map(([id, list]) => [id, list.map((item) => index.get(item) as number)]);
    return {
      kind: 'item-knn',
      version: 1,
      options: { ...this.options },
      items,
      itemCounts: items.map((item) => this.#itemCounts.get(item) ?? 0),
      pairs,
      customers,
    };
  }

  #pairRow(itemId: string): Map<string, number> {
    let row = this.#pairs.get(itemId);
    if (!row) {
      row = new Map();
      this.#pairs.set(itemId, row);
    }
    return row;
  }
}
