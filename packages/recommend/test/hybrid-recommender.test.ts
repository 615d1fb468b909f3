import { isRapportError } from '@rapport/core';
import { describe, expect, it } from 'vitest';
import { Catalogue, CustomerHistory, HybridRecommender, trainItemKnnRecommender, trainPopularity, withConsent } from '../src/index.js';
import { purchase, ROWS } from './fixtures.js';

// Store s1 loves C, store s2 loves E; globally A leads. Segment vip loves D.
const events = [
  purchase('u1', 'A', 1, 'o1', 's1'),
  purchase('u1', 'B', 1, 'o1', 's1'),
  purchase('u2', 'A', 2, 'o2', 's1'),
  purchase('u2', 'B', 2, 'o2', 's1'),
  purchase('u3', 'C', 3, 'o3', 's1'),
  purchase('u4', 'C', 4, 'o4', 's1'),
  purchase('u5', 'E', 5, 'o5', 's2'),
  purchase('u6', 'A', 6, 'o6', 's2'),
  purchase('u7', 'D', 7, 'o7', null),
  purchase('u8', 'A', 8, 'o8', null),
  purchase('u9', 'A', 9, 'o9', null),
  purchase('u9', 'C', 9, 'o9', null),
];
// Global popularity (3 per customer): A 15, C 9, B 6, D 3, E 3.
const customers = new Map([['u7', { segment: 'vip' }]]);
const catalogue = Catalogue.of(ROWS);

describe('hybrid fallbacks', () => {
  const { recommender } = trainItemKnnRecommender({ events, customers }, { catalogue });

  it('an unknown customer gets popularity with that reason, never an error', async () => {
    const result = await recommender.forCustomer('stranger', { k: 2 });
    expect(result).toMatchObject({ strategy: 'popularity-global', personalised: false });
    expect(result.items.map((item) => item.itemId)).toEqual(['A', 'C']);
    expect(result.items[0]?.reason).toBe('popular with all customers');
    expect(result.notices).toEqual([expect.objectContaining({ code: 'RECOMMEND_UNKNOWN_CUSTOMER', ids: ['stranger'] })]);
  });

  it('falls back to the segment, then the store, then global', async () => {
    const segment = await recommender.forCustomer('stranger', { k: 3, context: { segment: 'vip' } });
    expect(segment.strategy).toBe('popularity-segment');
    expect(segment.items.map((item) => [item.itemId, item.reason])).toEqual([
      ['D', 'popular in segment vip'],
      ['A', 'popular with all customers'],
      ['C', 'popular with all customers'],
    ]);
    const store = await recommender.forCustomer('stranger', { k: 2, context: { storeId: 's2' } });
    expect(store.strategy).toBe('popularity-store');
    expect(store.items.map((item) => item.itemId)).toEqual(['A', 'E']);
    expect(store.items.every((item) => item.reason === 'popular in store s2')).toBe(true);
    // A customer's own store comes from their history.
    // u5 bought E in s2; E co-occurs with nothing, so s2's list answers (E is bought, A is next).
    const own = await recommender.forCustomer('u5', { k: 1 });
    expect(own.items[0]).toMatchObject({ itemId: 'A', reason: 'popular in store s2' });
  });

  it('personal first, filled from popularity, and says so', async () => {
    const result = await recommender.forCustomer('u1', { k: 3 });
    expect(result.strategy).toBe('personal');
    expect(result.personalised).toBe(true);
    expect(result.notices.map((notice) => notice.code)).toEqual(['RECOMMEND_FILLED_FROM_POPULARITY']);
    // u1 bought A and B (never shown again); only C co-occurs with them (through u9), the rest is popular.
    expect(result.items.map((item) => item.itemId)).toEqual(['C', 'D', 'E']);
    expect(result.items[0]?.reason).toBe('because you liked Teapot');
    // s1's list holds only A, B and C, so the fill comes from the global list.
    expect(result.items[1]?.reason).toBe('popular with all customers');
  });

  it('unknown context items are ignored and reported; the known ones seed the answer', async () => {
    const result = await recommender.forCustomer('stranger', {
      k: 1,
      context: { itemId: 'ghost', cartItemIds: ['A', 'ghost', 'phantom'] },
    });
    expect(result.notices[0]).toMatchObject({ code: 'RECOMMEND_UNKNOWN_ITEM', ids: ['ghost', 'phantom'] });
    expect(result.items).toEqual([{ itemId: 'B', score: expect.any(Number), reason: 'because you liked Teapot' }]);
  });

  it('similar items of an unknown item fall back to popularity and say so', async () => {
    const result = await recommender.similarItems('ghost', { k: 2 });
    expect(result.strategy).toBe('popularity-global');
    expect(result.notices[0]).toMatchObject({ code: 'RECOMMEND_UNKNOWN_ITEM', ids: ['ghost'] });
    const known = await recommender.similarItems('A', { k: 1 });
    expect(known).toMatchObject({ strategy: 'item', items: [{ itemId: 'B', reason: 'similar to Teapot' }] });
  });

  it('k outside 1..1000 and bad context are validation errors naming the field', async () => {
    for (const k of [0, 1001, 2.5, Number.NaN]) {
      const error = await recommender.forCustomer('u1', { k }).catch((e: unknown) => e);
      expect(isRapportError(error, 'RECOMMEND_INVALID_OPTIONS')).toBe(true);
      expect((error as Error).message).toMatch(/options\.k/);
    }
    await expect(recommender.similarItems('A', { k: 0 })).rejects.toThrowError(/options\.k/);
    await expect(recommender.frequentlyBoughtTogether(['A'], { k: 5000 })).rejects.toThrowError(/options\.k/);
    await expect(recommender.forCustomer('u1', { k: 1, context: { cartItemIds: 'A' as never } })).rejects.toThrowError(
      /options\.context\.cartItemIds/,
    );
  });

  it('a segment or store named like an Object property is just unknown', async () => {
    const result = await recommender.forCustomer('stranger', { k: 1, context: { segment: 'constructor', storeId: '__proto__' } });
    expect(result.strategy).toBe('popularity-global');
  });

  it('the popularity baseline never personalises', async () => {
    const baseline = new HybridRecommender({
      name: 'popularity',
      popularity: trainPopularity({ events }),
      history: CustomerHistory.of({ events }),
    });
    const result = await baseline.forCustomer('u1', { k: 2 });
    expect(result.personalised).toBe(false);
    expect(result.items.map((item) => item.itemId)).toEqual(['C', 'D']);
  });
});

describe('consent', () => {
  const { recommender } = trainItemKnnRecommender({ events, customers }, { catalogue });

  it('without personalisation consent: store popularity, personalised false, and the result says so', async () => {
    for (const status of ['denied', 'unknown'] as const) {
      const gated = withConsent(recommender, async () => status);
      const result = await gated.forCustomer('u1', { k: 2, context: { storeId: 's2' } });
      expect(result.personalised).toBe(false);
      expect(result.strategy).toBe('popularity-store');
      expect(result.notices[0]).toMatchObject({ code: 'RECOMMEND_NO_CONSENT' });
      expect(result.notices[0]?.message).toMatch(/in store s2/);
      // Not even the purchase history is used: u1 bought A, and A may be shown.
      expect(result.items.map((item) => item.itemId)).toEqual(['A', 'E']);
    }
  });

  it('with consent the wrapped recommender answers; the lookup receives the customer id', async () => {
    const asked: string[] = [];
    const gated = withConsent(recommender, async (customerId) => {
      asked.push(customerId);
      return 'granted' as const;
    });
    const result = await gated.forCustomer('u1', { k: 2 });
    expect(result).toEqual(await recommender.forCustomer('u1', { k: 2 }));
    expect(asked).toEqual(['u1']);
    expect(await gated.similarItems('A', { k: 1 })).toEqual(await recommender.similarItems('A', { k: 1 }));
  });
});
