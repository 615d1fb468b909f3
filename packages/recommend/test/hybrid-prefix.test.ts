import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BusinessRulesInput,
  Catalogue,
  type CatalogueItemInput,
  CustomerHistory,
  type FeedbackEvent,
  HybridRecommender,
  ItemKnnCounts,
  itemKnnScorer,
  type PersonalScorer,
  trainPopularity,
} from '../src/index.js';

const ITEMS = 120;
const itemId = (n: number) => `i${String(n).padStart(2, '0')}`;

/**
 * The recommender reads only a prefix of the ranked personal list (and of each popularity list)
 * and reads everything when the rules leave it short. These hold it to the same answers as
 * reading whole lists: a boost of factor 1 on no item makes the recommender read everything
 * without changing any score, and a scorer without `top` goes through the map it returns.
 */
describe('hybrid recommender reading list prefixes', () => {
  const eventArb = fc.record({
    customer: fc.integer({ min: 0, max: 7 }),
    item: fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: ITEMS - 1 })),
    type: fc.constantFrom('page_view', 'purchase'),
  });
  const rulesArb = fc.record(
    {
      maxPerCategory: fc.integer({ min: 1, max: 3 }),
      exclude: fc.array(fc.integer({ min: 0, max: ITEMS - 1 }).map(itemId), { maxLength: 6 }),
      excludeBought: fc.boolean(),
      priceBand: fc.constant({ min: 5, max: 30 }),
      pinned: fc.constant([{ itemId: itemId(7), position: 1 }] as { itemId: string; position: number }[]),
    },
    { requiredKeys: [] },
  );
  const catalogueArb = fc.array(
    fc.record({
      category: fc.integer({ min: 0, max: 2 }),
      price: fc.integer({ min: 1, max: 40 }),
      out: fc.integer({ min: 0, max: 9 }).map((n) => n < 7),
    }),
    { minLength: ITEMS, maxLength: ITEMS },
  );

  it('answers as if it had read the whole lists, for any rules, k and catalogue', async () => {
    // How often the cases went through a cut list, and through reading all of it after one: both must happen.
    let cut = 0;
    let reread = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { minLength: 100, maxLength: 300 }),
        rulesArb,
        catalogueArb,
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 8 }),
        async (raw, rules, rows, k, customer) => {
          const events: FeedbackEvent[] = raw.map((e, at) => ({
            customerId: `u${e.customer}`,
            itemId: itemId(e.item),
            weight: e.type === 'purchase' ? 3 : 1,
            type: e.type,
            at,
            basketId: null,
            storeId: null,
          }));
          const catalogue = Catalogue.of(
            rows.map(
              (row, n): CatalogueItemInput => ({
                id: itemId(n),
                title: `Item ${n}`,
                categoryPath: [`c${row.category}`],
                price: row.price,
                availability: row.out ? 'out_of_stock' : 'in_stock',
              }),
            ),
          );
          const counts = ItemKnnCounts.train({ events }, { neighbours: 40 });
          const scorer = itemKnnScorer(counts);
          const top = scorer.top as NonNullable<PersonalScorer['top']>;
          const watched: PersonalScorer = {
            ...scorer,
            top(seeds, limit) {
              const answer = top(seeds, limit);
              if (answer.total > answer.candidates.length) cut++;
              if (limit === Number.POSITIVE_INFINITY) reread++;
              return answer;
            },
          };
          const parts = { popularity: trainPopularity({ events }), history: CustomerHistory.of({ events }), catalogue };
          const make = (personal: PersonalScorer, extra: BusinessRulesInput = {}) =>
            new HybridRecommender({ name: 'knn', ...parts, personal, rules: { ...rules, ...extra } });
          const prefix = make(watched);
          const whole = make(scorer, { boosts: [{ itemId: 'no-such-item', factor: 1 }] });
          const viaMap = make({ name: scorer.name, knows: scorer.knows, score: scorer.score });
          const id = `u${customer}`;
          const expected = await whole.forCustomer(id, { k });
          expect(await prefix.forCustomer(id, { k })).toEqual(expected);
          expect(await viaMap.forCustomer(id, { k })).toEqual(expected);
        },
      ),
      { numRuns: 300, seed: 14 },
    );
    expect(cut).toBeGreaterThan(30);
    expect(reread).toBeGreaterThan(10);
  });
});
