import { parseInput } from '@rapport/core/plugin';
import { z } from 'zod';
import { RecommendErrorCode } from '../error-codes.js';
import type { TrainingSet } from '../feedback/feedback-event.js';
import { addTo, getOrCreate, type RankedList, rank } from './ranked-list.js';

/** Options of {@link trainPopularity}. */
export const PopularityOptionsSchema = z.strictObject({
  /** Half-life of the "trending" list in days: an event this old counts half. @default 7 */
  halfLifeDays: z.number().positive().max(3650).default(7),
  /** The time "trending" is measured at, epoch ms; defaults to the latest event. */
  now: z.number().int().optional(),
  /** Longest list kept per scope. @default 1000 */
  maxItems: z.number().int().min(1).max(100_000).default(1000),
});
/** Popularity options as passed in. */
export type PopularityOptions = z.input<typeof PopularityOptionsSchema>;

/**
 * Popularity as plain data: each customer counts once per item with their strongest weight,
 * globally, per segment and per store; "trending" decays each event by its age.
 */
export interface PopularityModel {
  kind: 'popularity';
  version: 1;
  /** The time trending was measured at, epoch ms. */
  trainedAt: number;
  halfLifeDays: number;
  /** Number of customers each item was seen by, for the popularity-bias metric. */
  customerCount: number;
  global: RankedList;
  trending: RankedList;
  bySegment: Record<string, RankedList>;
  byStore: Record<string, RankedList>;
}

/** Trains a {@link PopularityModel}. Pure: the same set and options give the same model. */
export function trainPopularity(set: TrainingSet, options: PopularityOptions = {}): PopularityModel {
  const parsed = parseInput(PopularityOptionsSchema, options, 'options', RecommendErrorCode.InvalidOptions);
  let latest = 0;
  for (const event of set.events) latest = Math.max(latest, event.at);
  const now = parsed.now ?? latest;
  const halfLifeMs = parsed.halfLifeDays * 86_400_000;

  // Strongest weight per (customer, item), so one shopper buying 40 times is one vote.
  const strongest = new Map<string, Map<string, number>>();
  const storeOf = new Map<string, Map<string, number>>();
  const trending = new Map<string, number>();
  for (const event of set.events) {
    const items = getOrCreate(strongest, event.customerId, () => new Map());
    items.set(event.itemId, Math.max(items.get(event.itemId) ?? 0, event.weight));
    if (event.storeId !== null) {
      const stores = getOrCreate(storeOf, event.storeId, () => new Map());
      addTo(stores, event.itemId, event.weight);
    }
    // Events in the future of `now` count as new, not more than new.
    addTo(trending, event.itemId, event.weight * 0.5 ** (Math.max(0, now - event.at) / halfLifeMs));
  }
  const global = new Map<string, number>();
  const segments = new Map<string, Map<string, number>>();
  for (const [customerId, items] of strongest) {
    const segment = set.customers?.get(customerId)?.segment;
    const scoped = segment === undefined ? undefined : getOrCreate(segments, segment, () => new Map<string, number>());
    for (const [itemId, weight] of items) {
      addTo(global, itemId, weight);
      if (scoped) addTo(scoped, itemId, weight);
    }
  }
  const limit = parsed.maxItems;
  return {
    kind: 'popularity',
    version: 1,
    trainedAt: now,
    halfLifeDays: parsed.halfLifeDays,
    customerCount: strongest.size,
    global: rank(global, limit),
    trending: rank(trending, limit),
    bySegment: Object.fromEntries([...segments].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, scores]) => [key, rank(scores, limit)])),
    byStore: Object.fromEntries([...storeOf].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, scores]) => [key, rank(scores, limit)])),
  };
}
