import { type CustomerGroups, groupByCustomer } from '../feedback/customer-groups.js';
import type { TrainingSet } from '../feedback/feedback-event.js';
import type { ItemKnnModel } from './item-knn-model.js';
import { type ItemKnnOptionsInput, itemKnnOptions } from './item-knn-options.js';

/**
 * Trains item-kNN straight to its plain-data model, for full retrains: the same model as
 * `ItemKnnCounts.train(set, options).toModel()` (a test holds them equal), counted per item in
 * a dense array over a flat inverted index of the customers' item lists rather than a map of
 * millions of pair keys.
 */
export function trainItemKnnModel(set: TrainingSet, input: ItemKnnOptionsInput = {}): ItemKnnModel {
  return itemKnnModelOf(groupByCustomer(set.events), input);
}

/**
 * Item-kNN from events grouped per customer. Each customer's distinct items, in time order,
 * go into one flat typed array; an inverted index lists where each item occurs. Then one item
 * at a time, its partners within the window are counted in a dense array (only partners with
 * a higher index, so each pair once), sorted and emitted — pairs come out ordered by (i, j)
 * without a map of millions of pair keys, which is what made training slow and the heap big.
 */
export function itemKnnModelOf(grouped: CustomerGroups, input: ItemKnnOptionsInput = {}): ItemKnnModel {
  const options = itemKnnOptions(input);
  const { customerIds, groups, items, itemIndex } = grouped;
  const n = items.length;
  const customerCount = customerIds.length;
  // Each customer's distinct items as indexes, in the order `ItemKnnCounts.add` would see them.
  const lists: number[][] = new Array(customerCount);
  const seenBy = new Int32Array(n).fill(-1);
  let total = 0;
  for (let c = 0; c < customerCount; c++) {
    const list: number[] = [];
    for (const event of groups[c] as (typeof groups)[number]) {
      const item = itemIndex.get(event.itemId) as number;
      if (seenBy[item] === c) continue;
      seenBy[item] = c;
      list.push(item);
    }
    lists[c] = list;
    total += list.length;
  }
  // Flat: `flat[offsets[c] .. offsets[c + 1])` is customer c's list; `owner[g]` the customer at position g.
  const flat = new Int32Array(total);
  const owner = new Int32Array(total);
  const offsets = new Int32Array(customerCount + 1);
  const itemCounts = new Array<number>(n).fill(0);
  for (let c = 0, g = 0; c < customerCount; c++) {
    offsets[c] = g;
    for (const item of lists[c] as number[]) {
      flat[g] = item;
      owner[g] = c;
      g++;
      itemCounts[item] = (itemCounts[item] as number) + 1;
    }
  }
  offsets[customerCount] = total;
  // Where each item occurs: `occurrences[starts[i] .. starts[i + 1])` are positions in `flat`.
  const starts = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) starts[i + 1] = (starts[i] as number) + (itemCounts[i] as number);
  const fill = starts.slice(0, n);
  const occurrences = new Int32Array(total);
  for (let g = 0; g < total; g++) {
    const item = flat[g] as number;
    occurrences[fill[item] as number] = g;
    fill[item] = (fill[item] as number) + 1;
  }
  // Only the latest `maxItemsPerCustomer` items form pairs: positions at most `window` apart.
  const window = options.maxItemsPerCustomer - 1;
  const together = new Int32Array(n);
  const touched = new Int32Array(n);
  const pairs: [number, number, number][] = [];
  for (let i = 0; i < n; i++) {
    let found = 0;
    for (let k = starts[i] as number, end = starts[i + 1] as number; k < end; k++) {
      const g = occurrences[k] as number;
      const c = owner[g] as number;
      const high = Math.min((offsets[c + 1] as number) - 1, g + window);
      for (let h = Math.max(offsets[c] as number, g - window); h <= high; h++) {
        const j = flat[h] as number;
        if (j <= i) continue;
        if (together[j] === 0) touched[found++] = j;
        together[j] = (together[j] as number) + 1;
      }
    }
    const partners = touched.subarray(0, found).sort();
    for (let at = 0; at < found; at++) {
      const j = partners[at] as number;
      pairs.push([i, j, together[j] as number]);
      together[j] = 0;
    }
  }
  const customers: [string, number[]][] = new Array(customerCount);
  for (let c = 0; c < customerCount; c++) customers[c] = [customerIds[c] as string, lists[c] as number[]];
  return { kind: 'item-knn', version: 1, options: { ...options }, items, itemCounts, pairs, customers };
}
