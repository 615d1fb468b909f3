import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FeedbackEvent, ItemKnnCounts } from '../src/index.js';
import { PairCounts } from '../src/models/pair-counts.js';
import { MapItemKnnCounts } from './fixtures/map-item-knn-counts.js';

const eventArb = fc.record({
  customer: fc.integer({ min: 0, max: 8 }),
  item: fc.integer({ min: 0, max: 11 }),
  at: fc.integer({ min: 0, max: 40 }),
});

function toEvents(raw: { customer: number; item: number; at: number }[]): FeedbackEvent[] {
  return raw.map((e) => ({
    customerId: `u${e.customer}`,
    itemId: `i${e.item}`,
    at: e.at,
    weight: 1,
    type: 'purchase',
    basketId: null,
    storeId: null,
  }));
}

/** Every observable answer of a counts object, over the items the test can produce and one never seen. */
function observe(counts: ItemKnnCounts | MapItemKnnCounts) {
  const ids = [...Array.from({ length: 13 }, (_, n) => `i${n}`), 'new-1', 'new-2'];
  return {
    model: counts.toModel(),
    itemCount: counts.itemCount,
    counts: ids.map((id) => [counts.has(id), counts.count(id)]),
    pairs: ids.flatMap((a) => ids.map((b) => [counts.cooccurrence(a, b), counts.similarity(a, b)])),
    neighbours: ids.map((id) => (counts.has(id) ? counts.neighbours(id) : [])),
    customers: Array.from({ length: 10 }, (_, n) => counts.customerItems(`u${n}`) ?? null),
  };
}

describe('compact ItemKnnCounts (property)', () => {
  it('equals the Map-based counts on random data: trained, loaded, then updated live', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { maxLength: 80 }),
        fc.array(fc.record({ customer: fc.integer({ min: 0, max: 9 }), item: fc.integer({ min: 0, max: 14 }) }), { maxLength: 40 }),
        fc.record({
          maxItemsPerCustomer: fc.integer({ min: 2, max: 6 }),
          similarity: fc.constantFrom('cosine' as const, 'cooccurrence' as const),
          shrinkage: fc.constantFrom(0, 1, 10),
          minCooccurrence: fc.integer({ min: 1, max: 3 }),
          neighbours: fc.integer({ min: 1, max: 5 }),
        }),
        (trainRaw, liveRaw, options) => {
          const events = toEvents(trainRaw);
          const compact = ItemKnnCounts.fromModel(JSON.parse(JSON.stringify(ItemKnnCounts.train({ events }, options).toModel())));
          const reference = MapItemKnnCounts.fromModel(MapItemKnnCounts.train({ events }, options).toModel());
          expect(observe(compact)).toEqual(observe(reference));
          // Live updates hit loaded pairs (counted in place), new pairs and new items (item 12+, `new-…`).
          for (const [n, { customer, item }] of liveRaw.entries()) {
            const event = { customerId: `u${customer}`, itemId: item >= 13 ? `new-${item - 12}` : `i${item}` };
            expect(compact.add(event)).toBe(reference.add(event));
            if (n % 7 === 0) expect(observe(compact)).toEqual(observe(reference));
          }
          expect(observe(compact)).toEqual(observe(reference));
        },
      ),
      { numRuns: 300, seed: 1414 },
    );
  });
});

describe('PairCounts', () => {
  it('reads, counts up and walks pairs loaded in any order, and pairs added later', () => {
    const pairs = new PairCounts(4, [
      [2, 3, 5],
      [0, 2, 1],
      [0, 1, 7],
    ]);
    expect([pairs.get(0, 1), pairs.get(1, 0), pairs.get(2, 3), pairs.get(3, 2), pairs.get(0, 2), pairs.get(1, 3)]).toEqual([
      7, 7, 5, 5, 1, 0,
    ]);
    pairs.increment(1, 0);
    pairs.increment(1, 3);
    pairs.increment(4, 0);
    const walk = (item: number) => {
      const seen: [number, number][] = [];
      pairs.forEachPartner(item, (partner, count) => seen.push([partner, count]));
      return seen;
    };
    expect(walk(0)).toEqual([
      [1, 8],
      [2, 1],
      [4, 1],
    ]);
    expect(walk(1)).toEqual([
      [0, 8],
      [3, 1],
    ]);
    expect(walk(4)).toEqual([[0, 1]]);
    expect(walk(9)).toEqual([]);
  });
});
