import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupByCustomer } from '../src/feedback/customer-groups.js';
import { customerHistoryModelOf } from '../src/feedback/customer-history-model.js';
import { type CustomerFacts, CustomerHistory, compareEvents, type FeedbackEvent, ItemKnnCounts, trainItemKnnModel } from '../src/index.js';
import { MapItemKnnCounts } from './fixtures/map-item-knn-counts.js';

// Few values per field, so ties on time, item and type (where order decides) are common.
const eventArb = fc.record({
  customerId: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
  itemId: fc.constantFrom('i1', 'i2', 'i3', 'i4', 'i5', 'i6', 'i7', 'i8'),
  at: fc.integer({ min: 0, max: 8 }),
  weight: fc.constantFrom(1, 2, 3, 0.5),
  type: fc.constantFrom('page_view', 'add_to_cart', 'purchase', 'refund'),
  basketId: fc.constant(null),
  storeId: fc.constantFrom(null, null, 's1', 's2', ''),
}) as fc.Arbitrary<FeedbackEvent>;
const factsArb = fc.array(
  fc.tuple(
    fc.constantFrom('a', 'c', 'z'),
    fc.record({ segment: fc.constantFrom('vip', 'new'), storeId: fc.constantFrom('s1', 's9') }, { requiredKeys: [] }),
  ),
  { maxLength: 3 },
);

describe('full-retrain builders over grouped events', () => {
  it('groups are the global compareEvents order restricted to each customer', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 80 }), (events) => {
        const grouped = groupByCustomer(events);
        const sorted = [...events].sort(compareEvents);
        expect(grouped.groups.flat()).toEqual(grouped.customerIds.flatMap((id) => sorted.filter((event) => event.customerId === id)));
        expect(grouped.items).toEqual([...new Set(events.map((event) => event.itemId))].sort());
      }),
      { numRuns: 200, seed: 14 },
    );
  });

  it('the history model equals CustomerHistory.of(set).toModel(), stores and facts included', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { maxLength: 80 }),
        factsArb,
        fc.constantFrom(['purchase'], ['purchase', 'add_to_cart']),
        (events, facts, types) => {
          const customers = new Map<string, CustomerFacts>(facts);
          const expected = CustomerHistory.of({ events, customers }, types).toModel();
          const actual = customerHistoryModelOf(groupByCustomer(events), customers, types);
          expect(actual).toEqual(expected);
          // Equal as stored text too (key order of facts included).
          expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
        },
      ),
      { numRuns: 300, seed: 14 },
    );
  });

  it('the item-kNN model equals the map-based and the incremental counts, for any window', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 80 }), fc.integer({ min: 2, max: 5 }), (events, maxItemsPerCustomer) => {
        const options = { maxItemsPerCustomer };
        const model = trainItemKnnModel({ events }, options);
        expect(model).toEqual(MapItemKnnCounts.train({ events }, options).toModel());
        const live = new ItemKnnCounts(options);
        for (const event of [...events].sort(compareEvents)) live.add(event);
        expect(live.toModel()).toEqual(model);
      }),
      { numRuns: 300, seed: 14 },
    );
  });
});
