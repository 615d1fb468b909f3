import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ItemKnnCounts, trainItemKnnRecommender } from '../src/index.js';
import { purchase } from './fixtures.js';

// u1: A B C · u2: A B · u3: B C · u4: A D  →  n(A)=3 n(B)=3 n(C)=2 n(D)=1, c(AB)=2 c(AC)=1 c(BC)=2 c(AD)=1
const events = [
  purchase('u1', 'A', 1),
  purchase('u1', 'B', 2),
  purchase('u1', 'C', 3),
  purchase('u2', 'A', 4),
  purchase('u2', 'B', 5),
  purchase('u3', 'B', 6),
  purchase('u3', 'C', 7),
  purchase('u4', 'A', 8),
  purchase('u4', 'D', 9),
];

describe('item-kNN similarities (hand-computed)', () => {
  it('counts customers per item and per pair', () => {
    const counts = ItemKnnCounts.train({ events });
    expect(['A', 'B', 'C', 'D'].map((item) => counts.count(item))).toEqual([3, 3, 2, 1]);
    expect(counts.cooccurrence('A', 'B')).toBe(2);
    expect(counts.cooccurrence('A', 'C')).toBe(1);
    expect(counts.cooccurrence('B', 'C')).toBe(2);
    expect(counts.cooccurrence('A', 'D')).toBe(1);
    expect(counts.cooccurrence('C', 'D')).toBe(0);
  });

  it('cosine without shrinkage is c / √(n·n)', () => {
    const counts = ItemKnnCounts.train({ events }, { shrinkage: 0 });
    expect(counts.similarity('A', 'B')).toBeCloseTo(2 / 3, 12);
    expect(counts.similarity('A', 'C')).toBeCloseTo(1 / Math.sqrt(6), 12);
    expect(counts.similarity('B', 'C')).toBeCloseTo(2 / Math.sqrt(6), 12);
    expect(counts.similarity('A', 'D')).toBeCloseTo(1 / Math.sqrt(3), 12);
    expect(counts.similarity('C', 'D')).toBe(0);
  });

  it('shrinkage multiplies by c / (c + s); co-occurrence is the raw count', () => {
    const shrunk = ItemKnnCounts.train({ events }, { shrinkage: 1 });
    expect(shrunk.similarity('A', 'B')).toBeCloseTo((2 / 3) * (2 / 3), 12);
    expect(shrunk.similarity('A', 'C')).toBeCloseTo((1 / Math.sqrt(6)) * (1 / 2), 12);
    const raw = ItemKnnCounts.train({ events }, { similarity: 'cooccurrence', shrinkage: 0 });
    expect(raw.similarity('B', 'C')).toBe(2);
    expect(ItemKnnCounts.train({ events }, { similarity: 'cooccurrence', shrinkage: 2 }).similarity('B', 'C')).toBe(1);
  });

  it('neighbours are sorted, cut at the neighbourhood size, and respect minCooccurrence', () => {
    const counts = ItemKnnCounts.train({ events }, { shrinkage: 0 });
    expect(counts.neighbours('A').map((n) => n.itemId)).toEqual(['B', 'D', 'C']);
    expect(
      ItemKnnCounts.train({ events }, { shrinkage: 0, neighbours: 1 })
        .neighbours('A')
        .map((n) => n.itemId),
    ).toEqual(['B']);
    expect(
      ItemKnnCounts.train({ events }, { minCooccurrence: 2 })
        .neighbours('A')
        .map((n) => n.itemId),
    ).toEqual(['B']);
  });

  it('scores a customer by Σ weight × similarity and names the seed', async () => {
    const { recommender } = trainItemKnnRecommender({ events }, { knn: { shrinkage: 0 } });
    const result = await recommender.forCustomer('u4', { k: 2 });
    expect(result.strategy).toBe('personal');
    expect(result.personalised).toBe(true);
    expect(result.items.map((item) => item.itemId)).toEqual(['B', 'C']);
    expect(result.items[0]?.score).toBeCloseTo(3 * (2 / 3), 12);
    expect(result.items[1]?.score).toBeCloseTo(3 / Math.sqrt(6), 12);
    expect(result.items[0]?.reason).toBe('because you liked A');
  });

  it('an interaction added live changes the next answer without a retrain', async () => {
    const { recommender, counts, history } = trainItemKnnRecommender({ events }, { knn: { shrinkage: 0 } });
    const event = purchase('u4', 'C', 10);
    expect(counts.add(event)).toBe(true);
    history.add(event);
    expect(counts.add(event)).toBe(false);
    expect(counts.cooccurrence('C', 'D')).toBe(1);
    const result = await recommender.forCustomer('u4', { k: 3 });
    expect(result.items.map((item) => item.itemId)).toEqual(['B']);
  });

  it('rejects bad options naming the field', () => {
    expect(() => new ItemKnnCounts({ neighbours: 0 })).toThrowError(/options\.neighbours/);
    expect(() => new ItemKnnCounts({ similarity: 'jaccard' as never })).toThrowError(/options\.similarity/);
  });
});

describe('item-kNN incremental counts (property)', () => {
  const eventArb = fc.record({
    customer: fc.integer({ min: 0, max: 6 }),
    item: fc.integer({ min: 0, max: 8 }),
    at: fc.integer({ min: 0, max: 50 }),
  });
  it('adding events one by one equals training on all of them, and the model round-trips', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 60 }), fc.integer({ min: 2, max: 5 }), (raw, cap) => {
        const list = raw.map((e) => purchase(`u${e.customer}`, `i${e.item}`, e.at));
        const trained = ItemKnnCounts.train({ events: list }, { maxItemsPerCustomer: cap });
        const live = new ItemKnnCounts({ maxItemsPerCustomer: cap });
        for (const event of [...list].sort(
          (a, b) => a.at - b.at || (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : a.itemId < b.itemId ? -1 : 1),
        )) {
          live.add(event);
        }
        expect(live.toModel()).toEqual(trained.toModel());
        const restored = ItemKnnCounts.fromModel(JSON.parse(JSON.stringify(trained.toModel())));
        expect(restored.toModel()).toEqual(trained.toModel());
        for (let i = 0; i < 9; i++) {
          for (let j = 0; j < 9; j++) {
            expect(restored.similarity(`i${i}`, `i${j}`)).toBe(trained.similarity(`i${i}`, `i${j}`));
            // Symmetric by construction.
            expect(trained.cooccurrence(`i${i}`, `i${j}`)).toBe(trained.cooccurrence(`i${j}`, `i${i}`));
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('cached neighbour lists follow updates', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { minLength: 1, maxLength: 40 }), (raw) => {
        const list = raw.map((e) => purchase(`u${e.customer}`, `i${e.item}`, 0));
        const live = new ItemKnnCounts({ shrinkage: 0 });
        for (const event of list) {
          live.add(event);
          // Read every neighbour list after each add, so stale caches would show.
          for (let i = 0; i < 9; i++) live.neighbours(`i${i}`);
        }
        const fresh = ItemKnnCounts.fromModel(live.toModel());
        for (let i = 0; i < 9; i++) expect(live.neighbours(`i${i}`)).toEqual(fresh.neighbours(`i${i}`));
      }),
      { numRuns: 100 },
    );
  });
});

describe('item-kNN under concurrent reads and updates', () => {
  it('calls racing live updates all answer, and the counts end equal to a retrain (many rounds)', async () => {
    for (let round = 0; round < 20; round++) {
      const base = Array.from({ length: 40 }, (_, i) => purchase(`u${i % 8}`, `i${(i * 7 + round) % 11}`, i));
      const extra = Array.from({ length: 40 }, (_, i) => purchase(`u${(i + round) % 10}`, `i${(i * 3 + round) % 13}`, 100 + i));
      const { recommender, counts, history } = trainItemKnnRecommender({ events: base });
      const calls = extra.flatMap((event, i) => [
        (async () => {
          counts.add(event);
          history.add(event);
        })(),
        recommender.forCustomer(`u${i % 10}`, { k: 5 }).then((result) => {
          expect(result.items.length).toBeLessThanOrEqual(5);
          expect(new Set(result.items.map((item) => item.itemId)).size).toBe(result.items.length);
        }),
        recommender.similarItems(`i${i % 13}`, { k: 3 }).then((result) => expect(result.items.length).toBeLessThanOrEqual(3)),
      ]);
      await Promise.all(calls);
      expect(counts.toModel()).toEqual(ItemKnnCounts.train({ events: [...base, ...extra] }).toModel());
      const fresh = trainItemKnnRecommender({ events: [...base, ...extra] }).recommender;
      expect(await recommender.forCustomer('u3', { k: 5 })).toEqual(await fresh.forCustomer('u3', { k: 5 }));
    }
  });
});
