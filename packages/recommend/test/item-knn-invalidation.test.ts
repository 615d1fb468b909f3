import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FeedbackEvent, ItemKnnCounts, type ItemKnnOptionsInput } from '../src/index.js';
import { purchase } from './fixtures.js';

const ITEMS = 7;
const items = Array.from({ length: ITEMS }, (_, i) => `i${i}`);

/** Every neighbour list of `live` (cached or not) against the same lists from a retrain on `seen` from scratch. */
function expectFresh(live: ItemKnnCounts, seen: readonly FeedbackEvent[], options: ItemKnnOptionsInput): void {
  const retrained = ItemKnnCounts.train({ events: seen }, options);
  for (const item of items) expect(live.neighbours(item)).toEqual(retrained.neighbours(item));
}

describe('item-kNN neighbour caches after live updates (versions checked at read time)', () => {
  const options = fc.record({
    similarity: fc.constantFrom('cosine' as const, 'cooccurrence' as const),
    // A small neighbourhood, so updates move items across its edge.
    neighbours: fc.integer({ min: 1, max: 3 }),
    shrinkage: fc.constantFrom(0, 1, 5),
    minCooccurrence: fc.constantFrom(1, 2),
    maxItemsPerCustomer: fc.integer({ min: 2, max: 6 }),
  });
  // Skewed towards a few items and customers, so a popular item's count keeps changing under lists that kept it.
  const step = fc.record({
    customer: fc.integer({ min: 0, max: 5 }),
    item: fc.oneof(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: ITEMS - 1 })),
    reads: fc.array(fc.integer({ min: 0, max: ITEMS - 1 }), { maxLength: 4 }),
  });

  it('never serves a list a retrain from scratch would not give, after any update', () => {
    fc.assert(
      fc.property(options, fc.array(step, { minLength: 1, maxLength: 50 }), (knn, steps) => {
        const live = new ItemKnnCounts(knn);
        const seen: FeedbackEvent[] = [];
        steps.forEach((s, at) => {
          // Fill caches first (some lists only), so the update lands on cached lists.
          for (const read of s.reads) live.neighbours(`i${read}`);
          const event = purchase(`u${s.customer}`, `i${s.item}`, at);
          live.add(event);
          seen.push(event);
          expectFresh(live, seen, knn);
        });
      }),
      { numRuns: 300, seed: 14 },
    );
  });

  it('a kept neighbour whose own count grows drops out of the cached list (cosine, hand-checked)', () => {
    // A: u1 u2 · B: u1 · C: u2 u3 → c(AB)=1, c(AC)=1; n(B)=1 < n(C)=2, so B leads A's list.
    const knn = { shrinkage: 0, neighbours: 1 };
    const seen = [purchase('u1', 'A', 1), purchase('u1', 'B', 2), purchase('u2', 'A', 3), purchase('u2', 'C', 4), purchase('u3', 'C', 5)];
    const live = ItemKnnCounts.train({ events: seen }, knn);
    expect(live.neighbours('A').map((n) => n.itemId)).toEqual(['B']);
    // B gains customers that never saw A: no pair with A changes, only n(B) — A's list must still move to C.
    for (const [n, customer] of ['u4', 'u5', 'u6'].entries()) {
      const event = purchase(customer, 'B', 10 + n);
      live.add(event);
      seen.push(event);
    }
    expect(live.neighbours('A').map((n) => n.itemId)).toEqual(['C']);
    expectFresh(live, seen, knn);
  });
});
