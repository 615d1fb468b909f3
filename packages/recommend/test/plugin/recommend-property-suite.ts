import { type ConformanceContext, defineStorageSuite } from '@rapport/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buy, recommendCrm, shopper } from './recommend-fixtures.js';

const ITEMS = Array.from({ length: 12 }, (_, n) => `i${n}`);

/** Shoppers, what they bought, which items are out of stock and which the rules exclude. */
const world = fc.record({
  baskets: fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.uniqueArray(fc.constantFrom(...ITEMS), { minLength: 1, maxLength: 4 })), {
    minLength: 1,
    maxLength: 12,
  }),
  unavailable: fc.uniqueArray(fc.constantFrom(...ITEMS), { maxLength: 4 }),
  excluded: fc.uniqueArray(fc.constantFrom(...ITEMS), { maxLength: 3 }),
  k: fc.integer({ min: 1, max: 12 }),
  asked: fc.integer({ min: 0, max: 5 }),
});

/** Business rules hold through the plugin API, on a real storage, for any shop. */
export const recommendPropertySuite = defineStorageSuite({
  name: '@rapport/recommend:properties',
  define: (ctx: ConformanceContext) =>
    describe(`${ctx.name}: recommend plugin properties`, () => {
      it('never recommends excluded, unavailable or already-bought items; respects k; answers the same twice', async () => {
        await fc.assert(
          fc.asyncProperty(world, async ({ baskets, unavailable, excluded, k, asked }) => {
            const crm = await recommendCrm(ctx.storage(), { rules: { exclude: excluded } });
            try {
              await crm.recommendations.upsertItems(
                ITEMS.map((id) => ({
                  id,
                  title: id,
                  categoryPath: ['shop'],
                  price: 1,
                  availability: unavailable.includes(id) ? 'out_of_stock' : 'in_stock',
                })),
              );
              const people = await Promise.all(Array.from({ length: 6 }, (_, n) => shopper(crm, `p${n}`)));
              for (const person of people) await crm.consent.grant({ customerId: person, purpose: 'personalisation', source: 'test' });
              for (const [index, [who, items]] of baskets.entries()) await buy(crm, people[who] as string, items, `o${index}`);
              await crm.recommendations.trainNow();
              const customer = people[asked] as string;
              const bought = new Set(baskets.filter(([who]) => people[who] === customer).flatMap(([, items]) => items));
              const first = await crm.recommendations.forCustomer(customer, { k });
              const second = await crm.recommendations.forCustomer(customer, { k });
              expect(second).toEqual(first);
              expect(first.items.length).toBeLessThanOrEqual(k);
              for (const { itemId } of first.items) {
                expect(excluded).not.toContain(itemId);
                expect(unavailable).not.toContain(itemId);
                expect(bought.has(itemId)).toBe(false);
              }
              const shown = new Set(ITEMS.filter((id) => !excluded.includes(id) && !unavailable.includes(id) && !bought.has(id)));
              // Popularity fills up: fewer than k only when the shop has no more items to show.
              const popular = new Set(baskets.flatMap(([, items]) => items));
              const reachable = [...shown].filter((id) => popular.has(id)).length;
              expect(first.items.length).toBe(Math.min(k, reachable));
            } finally {
              await crm.close();
            }
          }),
          { numRuns: 12, seed: 14 },
        );
      });
    }),
});
