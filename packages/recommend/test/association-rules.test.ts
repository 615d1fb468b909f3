import { describe, expect, it } from 'vitest';
import { Catalogue, mineAssociationRules, trainPopularityRecommender } from '../src/index.js';
import { purchase, ROWS, view } from './fixtures.js';

// o1: A B C · o2: A B · o3: A C · o4: B D · o5: A alone (not a basket of two)
// 4 baskets; A in 3, B in 3, C in 2, D in 1; AB 2, AC 2, BC 1, BD 1.
const events = [
  ...['A', 'B', 'C'].map((item) => purchase('u1', item, 1, 'o1')),
  ...['A', 'B'].map((item) => purchase('u2', item, 2, 'o2')),
  ...['A', 'C'].map((item) => purchase('u3', item, 3, 'o3')),
  ...['B', 'D'].map((item) => purchase('u4', item, 4, 'o4')),
  purchase('u5', 'A', 5, 'o5'),
  // Views are not baskets.
  view('u6', 'D'),
  { ...view('u6', 'C'), basketId: 'o4' },
];

describe('association rules (hand-computed)', () => {
  const model = mineAssociationRules({ events }, { minCount: 1, minConfidence: 0 });
  const rule = (a: string, b: string) => model.rules[a]?.find((r) => r.consequent === b);

  it('counts baskets of two or more items of the basket types', () => {
    expect(model.basketCount).toBe(4);
    expect(model.itemBaskets).toEqual({ A: 3, B: 3, C: 2, D: 1 });
  });

  it('support = both / baskets, confidence = both / antecedent, lift = confidence / support(consequent)', () => {
    expect(rule('A', 'B')).toMatchObject({ count: 2, support: 0.5 });
    expect(rule('A', 'B')?.confidence).toBeCloseTo(2 / 3, 12);
    expect(rule('A', 'B')?.lift).toBeCloseTo(2 / 3 / (3 / 4), 12);
    expect(rule('C', 'A')).toMatchObject({ count: 2, support: 0.5, confidence: 1 });
    expect(rule('C', 'A')?.lift).toBeCloseTo(4 / 3, 12);
    expect(rule('D', 'B')).toMatchObject({ support: 0.25, confidence: 1 });
    expect(rule('B', 'D')?.confidence).toBeCloseTo(1 / 3, 12);
    expect(rule('B', 'D')?.lift).toBeCloseTo(4 / 3, 12);
    expect(rule('C', 'D')).toBeUndefined();
  });

  it('thresholds drop weak rules; rules sort by confidence then lift', () => {
    const strict = mineAssociationRules({ events }, { minCount: 2, minConfidence: 0.7 });
    expect(Object.entries(strict.rules).map(([a, rules]) => [a, rules.map((r) => r.consequent)])).toEqual([['C', ['A']]]);
    // A→B and A→C both have confidence 2/3; A→C has the higher lift (4/3 against 8/9).
    expect(model.rules.A?.map((r) => r.consequent)).toEqual(['C', 'B']);
  });

  it('rejects bad options naming the field', () => {
    expect(() => mineAssociationRules({ events }, { minConfidence: 2 })).toThrowError(/options\.minConfidence/);
  });

  it('frequentlyBoughtTogether ranks by confidence, says "bought with", leaves out the cart and reports unknown ids', async () => {
    const recommender = trainPopularityRecommender(
      { events },
      { associations: { minCount: 1, minConfidence: 0 }, catalogue: Catalogue.of(ROWS) },
    );
    const result = await recommender.frequentlyBoughtTogether(['C', 'nope'], { k: 3 });
    expect(result.strategy).toBe('basket');
    expect(result.items[0]).toMatchObject({ itemId: 'A', reason: 'bought with Tea' });
    expect(result.items[1]).toMatchObject({ itemId: 'B', reason: 'bought with Tea' });
    expect(result.items.map((item) => item.itemId)).not.toContain('C');
    expect(result.notices).toEqual([
      expect.objectContaining({ code: 'RECOMMEND_UNKNOWN_ITEM', ids: ['nope'] }),
      expect.objectContaining({ code: 'RECOMMEND_FILLED_FROM_POPULARITY' }),
    ]);
    // Two rules from C; the third item is the most popular one left (D; E and F were never bought).
    expect(result.items.map((item) => item.itemId)).toEqual(['A', 'B', 'D']);
    expect(result.items[2]?.reason).toBe('popular with all customers');
  });
});
