import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FeedbackEvent, trainItemKnnModel } from '../src/index.js';
import { MapItemKnnCounts } from './fixtures/map-item-knn-counts.js';

const event = fc.record({
  customerId: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
  itemId: fc.constantFrom('i1', 'i2', 'i3', 'i4', 'i5', 'i6', 'i7'),
  at: fc.integer({ min: 0, max: 20 }),
});

describe('trainItemKnnModel', () => {
  it('gives the model the Map-based counts give, for any events and window', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), fc.integer({ min: 2, max: 6 }), (raw, maxItemsPerCustomer) => {
        const events: FeedbackEvent[] = raw.map((e) => ({ ...e, weight: 1, type: 'purchase', basketId: null, storeId: null }));
        const options = { maxItemsPerCustomer, similarity: 'cooccurrence' as const };
        expect(trainItemKnnModel({ events }, options)).toEqual(MapItemKnnCounts.train({ events }, options).toModel());
      }),
      { numRuns: 300, seed: 14 },
    );
  });

  it('counts a hand-checked example: pairs within the window only', () => {
    const at = (customerId: string, itemId: string, time: number): FeedbackEvent => ({
      customerId,
      itemId,
      at: time,
      weight: 1,
      type: 'purchase',
      basketId: null,
      storeId: null,
    });
    const model = trainItemKnnModel(
      { events: [at('a', 'x', 1), at('a', 'y', 2), at('a', 'z', 3), at('b', 'x', 1), at('b', 'y', 2)] },
      { maxItemsPerCustomer: 2 },
    );
    expect(model.items).toEqual(['x', 'y', 'z']);
    expect(model.itemCounts).toEqual([2, 2, 1]);
    // a: x-y, y-z (z pairs with the latest one item only); b: x-y.
    expect(model.pairs).toEqual([
      [0, 1, 2],
      [1, 2, 1],
    ]);
  });
});
