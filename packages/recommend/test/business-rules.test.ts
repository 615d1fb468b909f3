import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AVAILABILITY,
  applyRules,
  businessRules,
  Catalogue,
  type FeedbackEvent,
  trainEaseRecommender,
  trainItemKnnRecommender,
  trainPopularityRecommender,
} from '../src/index.js';
import { purchase, ROWS, row, view } from './fixtures.js';

const scored = (ids: string[]) => ids.map((itemId, index) => ({ itemId, score: ids.length - index, reason: 'test' }));

describe('business rules (examples)', () => {
  const catalogue = Catalogue.of([...ROWS.slice(0, 5), { ...row(5), availability: 'out_of_stock' }]);

  it('excludes unavailable, bought (unless repurchasable), excluded and out-of-band items', () => {
    const rules = businessRules({ repurchasable: ['grocery'], exclude: ['D'], priceBand: { max: 15 } });
    const items = applyRules(scored(['A', 'B', 'C', 'D', 'E', 'F']), rules, { k: 10, catalogue, bought: new Set(['B', 'C']) });
    // A costs 20 (band), B bought, C bought but grocery (repurchasable), D excluded, F out of stock.
    expect(items.map((item) => item.itemId)).toEqual(['C', 'E']);
  });

  it('diversity keeps at most N per category, at the chosen depth', () => {
    const rules = businessRules({ maxPerCategory: 1, diversityDepth: 1, excludeUnavailable: false });
    expect(applyRules(scored(['A', 'B', 'C', 'D', 'E', 'F']), rules, { k: 10, catalogue }).map((i) => i.itemId)).toEqual(['A', 'C']);
    const full = businessRules({ maxPerCategory: 1, excludeUnavailable: false });
    expect(applyRules(scored(['A', 'B', 'C', 'D', 'E', 'F']), full, { k: 10, catalogue }).map((i) => i.itemId)).toEqual([
      'A',
      'C',
      'D',
      'E',
    ]);
  });

  it('boosts reorder; pins go to their position and count towards k', () => {
    const rules = businessRules({ boosts: [{ category: 'grocery', factor: 10 }], pinned: [{ itemId: 'D', position: 1 }] });
    const items = applyRules(scored(['A', 'B', 'C', 'D', 'E']), rules, { k: 3, catalogue });
    expect(items.map((item) => item.itemId)).toEqual(['C', 'D', 'E']);
    expect(items[1]?.reason).toBe('featured');
    // A pinned item that is unavailable is not shown.
    const unavailable = businessRules({ pinned: [{ itemId: 'F', position: 0 }] });
    expect(applyRules(scored(['A', 'B']), unavailable, { k: 2, catalogue }).map((i) => i.itemId)).toEqual(['A', 'B']);
  });

  it('bad rules are rejected naming the field', () => {
    expect(() => businessRules({ maxPerCategory: 0 })).toThrowError(/rules\.maxPerCategory/);
    expect(() => businessRules({ priceBand: { min: 5, max: 1 } })).toThrowError(/rules\.priceBand\.min/);
    expect(() => businessRules({ boosts: [{ factor: 2 }] })).toThrowError(/rules\.boosts\.0/);
    expect(() =>
      businessRules({
        pinned: [
          { itemId: 'A', position: 0 },
          { itemId: 'A', position: 1 },
        ],
      }),
    ).toThrowError(/rules\.pinned/);
  });
});

describe('business rules (properties, on every recommender)', () => {
  const items = Array.from({ length: 12 }, (_, i) => `i${i}`);
  const world = fc.record({
    availability: fc.array(fc.constantFrom(...AVAILABILITY), { minLength: items.length, maxLength: items.length }),
    events: fc.array(
      fc.record({
        c: fc.integer({ min: 0, max: 5 }),
        i: fc.integer({ min: 0, max: items.length - 1 }),
        t: fc.integer({ min: 0, max: 99 }),
        v: fc.boolean(),
      }),
      { maxLength: 60 },
    ),
    exclude: fc.subarray(items),
    repurchasable: fc.subarray(['food', 'home']),
    maxPerCategory: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    k: fc.integer({ min: 1, max: 15 }),
    customer: fc.integer({ min: 0, max: 7 }),
    cart: fc.subarray([...items, 'ghost']),
    model: fc.constantFrom('popularity', 'item-knn', 'ease'),
  });

  it('never returns excluded, unavailable or (non-repurchasable) bought items; respects k; is deterministic', async () => {
    await fc.assert(
      fc.asyncProperty(world, async (w) => {
        const catalogue = Catalogue.of(
          items.map((id, index) => ({
            id,
            title: id,
            categoryPath: [index % 2 === 0 ? 'food' : 'home', `c${index % 3}`],
            price: index,
            availability: w.availability[index],
          })),
        );
        const events: FeedbackEvent[] = w.events.map((e) =>
          e.v ? view(`u${e.c}`, `i${e.i}`, e.t) : purchase(`u${e.c}`, `i${e.i}`, e.t, `o${e.c}-${e.t % 4}`),
        );
        const rules = { exclude: w.exclude, repurchasable: w.repurchasable, maxPerCategory: w.maxPerCategory };
        const train = (set: { events: FeedbackEvent[] }) =>
          w.model === 'popularity'
            ? trainPopularityRecommender(set, { catalogue, rules })
            : w.model === 'item-knn'
              ? trainItemKnnRecommender(set, { catalogue, rules }).recommender
              : trainEaseRecommender(set, { catalogue, rules, ease: { lambda: 1 } });
        const recommender = train({ events });
        const customerId = `u${w.customer}`;
        const bought = new Set(events.filter((e) => e.customerId === customerId && e.type === 'purchase').map((e) => e.itemId));
        const calls = [
          () => recommender.forCustomer(customerId, { k: w.k, context: { cartItemIds: w.cart } }),
          () => recommender.similarItems(w.cart[0] ?? 'i0', { k: w.k }),
          () => recommender.frequentlyBoughtTogether(w.cart, { k: w.k }),
        ];
        for (const [index, call] of calls.entries()) {
          const result = await call();
          const ids = result.items.map((item) => item.itemId);
          expect(ids.length).toBeLessThanOrEqual(w.k);
          expect(new Set(ids).size).toBe(ids.length);
          for (const id of ids) {
            expect(w.exclude).not.toContain(id);
            expect(catalogue.isAvailable(id)).toBe(true);
            if (index === 0) {
              expect(w.cart).not.toContain(id);
              if (bought.has(id)) expect(w.repurchasable).toContain(catalogue.get(id)?.categoryPath[0]);
            }
          }
          if (w.maxPerCategory !== undefined) {
            const counts = new Map<string, number>();
            for (const id of ids) counts.set(catalogue.category(id) as string, (counts.get(catalogue.category(id) as string) ?? 0) + 1);
            for (const count of counts.values()) expect(count).toBeLessThanOrEqual(w.maxPerCategory);
          }
          // Deterministic: the same call, and the same call on a model trained again from the same data.
          expect(await call()).toEqual(result);
        }
        const again = train({ events: [...events].reverse() });
        expect(await again.forCustomer(customerId, { k: w.k, context: { cartItemIds: w.cart } })).toEqual(await calls[0]?.());
      }),
      { numRuns: 120 },
    );
  });
});
