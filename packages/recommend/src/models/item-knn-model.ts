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

/** Per-item accumulators of {@link ItemKnnCounts.scoreSeeds}. */
interface ScoringScratch {
  /** The call that last touched the item (negative: it was a seed of that call). */
  stamp: Float64Array;
  score: Float64Array;
  /** The largest single contribution, and the seed that gave it. */
  best: Float64Array;
  because: Int32Array;
  touched: Int32Array;
}

function scoringScratch(size: number): ScoringScratch {
  return {
    stamp: new Float64Array(size),
    score: new Float64Array(size),
    best: new Float64Array(size),
    because: new Int32Array(size),
    touched: new Int32Array(size),
  };
}

/** A candidate of {@link ItemKnnCounts.topCandidates}. */
export interface RankedCandidate {
  itemId: string;
  score: number;
  /** The seed that contributed most. */
  because: string;
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
  /** Reused by {@link ItemKnnCounts.scoreSeeds}; grows with the items. */
  #scratch = scoringScratch(0);
  #calls = 0;
  /** Reused while a neighbour list is built: partners and their similarities. */
  #partnerScratch = new Int32Array(0);
  #similarityScratch = new Float64Array(0);

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
    return item === undefined ? [] : this.#neighbourEntry(item).list;
  }

  /**
   * Scores seed items (item id → weight) by Σ weight × similarity over their neighbours, the
   * seeds themselves left out; each candidate names the seed that gave it the most (ties by
   * seed id). Sums run in the seeds' order, then each list's, so results are deterministic.
   * Accumulates by item index in reused typed arrays rather than a map of objects per call,
   * since a customer with hundreds of items touches thousands of candidates.
   */
  scoreSeeds(seeds: ReadonlyMap<string, number>): Map<string, { score: number; because: string }> {
    const found = this.#accumulate(seeds);
    const { score, because, touched } = this.#scratch;
    const candidates = new Map<string, { score: number; because: string }>();
    for (let at = 0; at < found; at++) {
      const partner = touched[at] as number;
      candidates.set(this.#ids[partner] as string, {
        score: score[partner] as number,
        because: this.#ids[because[partner] as number] as string,
      });
    }
    return candidates;
  }

  /**
   * The best `limit` candidates of {@link ItemKnnCounts.scoreSeeds}, best first (ties by item
   * id), and how many there were in all: a threshold from a numeric sort of the scores picks
   * them, so only they are sorted and made into objects.
   */
  topCandidates(seeds: ReadonlyMap<string, number>, limit: number): { candidates: RankedCandidate[]; total: number } {
    const found = this.#accumulate(seeds);
    const { score, because, touched } = this.#scratch;
    let chosen: number[];
    if (found <= limit) chosen = Array.from(touched.subarray(0, found));
    else {
      const values = new Float64Array(found);
      for (let at = 0; at < found; at++) values[at] = score[touched[at] as number] as number;
      values.sort();
      // The limit-th largest score; ties at it are all taken, then cut after the id order.
      const threshold = values[found - limit] as number;
      chosen = [];
      for (let at = 0; at < found; at++) if ((score[touched[at] as number] as number) >= threshold) chosen.push(touched[at] as number);
    }
    chosen.sort((x, y) => (score[y] as number) - (score[x] as number) || cmp(this.#ids[x] as string, this.#ids[y] as string));
    if (chosen.length > limit) chosen.length = limit;
    return {
      candidates: chosen.map((item) => ({
        itemId: this.#ids[item] as string,
        score: score[item] as number,
        because: this.#ids[because[item] as number] as string,
      })),
      total: found,
    };
  }

  /** Accumulates the seeds' contributions into the scratch arrays; returns how many candidates `touched` lists. */
  #accumulate(seeds: ReadonlyMap<string, number>): number {
    const n = this.#ids.length;
    if (this.#scratch.stamp.length < n) this.#scratch = scoringScratch(Math.max(n, this.#scratch.stamp.length * 2));
    const { stamp, score, best, because, touched } = this.#scratch;
    // Each call stamps what it touches with its own number, so nothing needs clearing between calls.
    const call = ++this.#calls;
    const seedMark = -call;
    for (const seed of seeds.keys()) {
      const item = this.#index.get(seed);
      if (item !== undefined) stamp[item] = seedMark;
    }
    let found = 0;
    for (const [seed, weight] of seeds) {
      const item = this.#index.get(seed);
      if (item === undefined) continue;
      const { partners, list } = this.#neighbourEntry(item);
      for (let at = 0; at < partners.length; at++) {
        const partner = partners[at] as number;
        const mark = stamp[partner] as number;
        if (mark === seedMark) continue;
        const amount = weight * (list[at] as Neighbour).similarity;
        if (mark !== call) {
          stamp[partner] = call;
          score[partner] = amount;
          best[partner] = amount;
          because[partner] = item;
          touched[found++] = partner;
          continue;
        }
        score[partner] = (score[partner] as number) + amount;
        const top = best[partner] as number;
        if (amount > top || (amount === top && (this.#ids[item] as string) < (this.#ids[because[partner] as number] as string))) {
          best[partner] = amount;
          because[partner] = item;
        }
      }
    }
    return found;
  }

  /** The item's cached neighbour list, rebuilt first when something it was built from changed (see {@link ItemKnnCounts.neighbours}). */
  #neighbourEntry(item: number): CachedNeighbours {
    const cached = this.#neighbours.get(item);
    if (cached !== undefined && cached.version === this.#versions[item] && this.#keptCountsUnchanged(cached)) return cached;
    // Similarities into reused typed arrays; only the kept ones are sorted and made into objects
    // (a popular item has thousands of partners and keeps 50).
    const n = this.#ids.length;
    if (this.#partnerScratch.length < n) {
      this.#partnerScratch = new Int32Array(Math.max(n, this.#partnerScratch.length * 2));
      this.#similarityScratch = new Float64Array(this.#partnerScratch.length);
    }
    const partnerOf = this.#partnerScratch;
    const similarityOf = this.#similarityScratch;
    let found = 0;
    const own = this.#itemCounts[item] as number;
    this.#pairs.forEachPartner(item, (partner, together) => {
      const similarity = this.#similarity(own, this.#itemCounts[partner] as number, together);
      if (similarity > 0) {
        partnerOf[found] = partner;
        similarityOf[found] = similarity;
        found++;
      }
    });
    const size = this.options.neighbours;
    let chosen: number[];
    if (found <= size) chosen = Array.from({ length: found }, (_, at) => at);
    else {
      // The size-th largest similarity; ties at it are all taken, then cut after the id order.
      const threshold = similarityOf.slice(0, found).sort()[found - size] as number;
      chosen = [];
      for (let at = 0; at < found; at++) if ((similarityOf[at] as number) >= threshold) chosen.push(at);
    }
    chosen.sort(
      (x, y) =>
        (similarityOf[y] as number) - (similarityOf[x] as number) ||
        cmp(this.#ids[partnerOf[x] as number] as string, this.#ids[partnerOf[y] as number] as string),
    );
    if (chosen.length > size) chosen.length = size;
    const partners = Int32Array.from(chosen, (at) => partnerOf[at] as number);
    const entry: CachedNeighbours = {
      list: chosen.map((at) => ({ itemId: this.#ids[partnerOf[at] as number] as string, similarity: similarityOf[at] as number })),
      version: this.#versions[item] as number,
      partners,
      partnerCounts: this.options.similarity === 'cosine' ? this.#countsOf(partners) : 0,
    };
    this.#neighbours.set(item, entry);
    return entry;
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
