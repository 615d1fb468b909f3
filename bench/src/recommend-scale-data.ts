import type { InsertOf } from '@rapport/core/plugin';
import type { feedbackTable } from '@rapport/recommend';
import { seededRandom } from './random.js';

/** Sizes of the synthetic shop; `full` is the issue's. */
export const RECOMMEND_SCALE_SIZES = {
  smoke: { interactions: 10_000, customers: 1_000, items: 300 },
  small: { interactions: 100_000, customers: 10_000, items: 2_000 },
  medium: { interactions: 300_000, customers: 30_000, items: 6_000 },
  full: { interactions: 1_000_000, customers: 100_000, items: 20_000 },
} as const;
/** One of the sizes. */
export type RecommendScaleSize = (typeof RECOMMEND_SCALE_SIZES)[keyof typeof RECOMMEND_SCALE_SIZES];

/** Items per taste group: a customer mostly shops in one group, so items have real neighbours. */
const GROUP = 100;
/** The instant the synthetic interactions end at. */
export const SCALE_NOW = Date.UTC(2026, 0, 1);

/** A Zipf(s) sampler over 0..n-1 by inverse CDF: a long tail of rarely seen items and customers. */
function zipf(n: number, s: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += 1 / (i + 1) ** s;
    cdf[i] = total;
  }
  return () => {
    const target = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cdf[mid] as number) < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/**
 * Feedback rows of a synthetic shop, seeded: customers' activity and items' popularity both
 * long-tailed (Zipf), 70 % of a customer's items from their own taste group, each item seen
 * as a view and often carted and bought. Yields batches until `size.interactions` rows.
 */
export function* syntheticFeedback(size: RecommendScaleSize, seed = 14, batch = 5000): Generator<InsertOf<typeof feedbackTable>[]> {
  const random = seededRandom(seed);
  const popularItem = zipf(size.items, 1.0, random);
  const inGroup = zipf(GROUP, 1.0, random);
  const activeCustomer = zipf(size.customers, 0.6, random);
  const groups = Math.max(1, Math.floor(size.items / GROUP));
  const seen = new Map<number, Set<number>>();
  const types = [
    ['page_view', 1],
    ['add_to_cart', 2],
    ['purchase', 3],
  ] as const;
  let rows: InsertOf<typeof feedbackTable>[] = [];
  let written = 0;
  while (written < size.interactions) {
    const customer = activeCustomer();
    const items = seen.get(customer) ?? new Set<number>();
    seen.set(customer, items);
    const group = customer % groups;
    const item = random() < 0.7 ? group * GROUP + inGroup() : popularItem();
    if (items.size >= 200 && !items.has(item)) continue; // nobody browses a whole shop
    items.add(item);
    const steps = random() < 0.4 ? 3 : random() < 0.5 ? 2 : 1;
    const at = SCALE_NOW - Math.floor(random() * 180 * 86_400_000);
    for (let step = 0; step < steps && written < size.interactions; step++) {
      const [type, weight] = types[step] as (typeof types)[number];
      rows.push({
        id: `f${written}`,
        customerId: `c${customer}`,
        itemId: `i${item}`,
        type,
        weight,
        occurredAt: new Date(at + step * 60_000),
        basketId: type === 'purchase' ? `o${customer}-${Math.floor(at / 86_400_000)}` : null,
        storeId: null,
        recordedAt: new Date(SCALE_NOW - 3_600_000),
      });
      written++;
      if (rows.length === batch) {
        yield rows;
        rows = [];
      }
    }
  }
  if (rows.length > 0) yield rows;
}
