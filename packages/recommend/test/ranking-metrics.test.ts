import { describe, expect, it } from 'vitest';
import { evaluate, rankingMetrics, splitFeedback, trainItemKnnRecommender } from '../src/index.js';
import { purchase } from './fixtures.js';

describe('ranking metrics (hand-computed)', () => {
  const relevant = new Set(['b', 'e', 'x']);
  it('at k = 5 with hits at ranks 2 and 5 of 3 relevant', () => {
    const m = rankingMetrics(['a', 'b', 'c', 'd', 'e', 'x'], relevant, 5);
    expect(m.recall).toBeCloseTo(2 / 3, 12);
    expect(m.precision).toBeCloseTo(2 / 5, 12);
    expect(m.ndcg).toBeCloseTo((1 / Math.log2(3) + 1 / Math.log2(6)) / (1 + 1 / Math.log2(3) + 1 / Math.log2(4)), 12);
    expect(m.averagePrecision).toBeCloseTo((1 / 2 + 2 / 5) / 3, 12);
    expect(m.hit).toBe(1);
  });
  it('at k = 1 nothing is hit; at k = 6 everything is', () => {
    expect(rankingMetrics(['a', 'b', 'c', 'd', 'e', 'x'], relevant, 1)).toEqual({
      recall: 0,
      precision: 0,
      ndcg: 0,
      averagePrecision: 0,
      hit: 0,
    });
    const all = rankingMetrics(['a', 'b', 'c', 'd', 'e', 'x'], relevant, 6);
    expect(all.recall).toBe(1);
    expect(all.averagePrecision).toBeCloseTo((1 / 2 + 2 / 5 + 3 / 6) / 3, 12);
  });
  it('a perfect list scores 1 everywhere; a short list is not padded', () => {
    expect(rankingMetrics(['x', 'b', 'e'], relevant, 3)).toEqual({ recall: 1, precision: 1, ndcg: 1, averagePrecision: 1, hit: 1 });
    expect(rankingMetrics(['b'], relevant, 10).precision).toBeCloseTo(0.1, 12);
  });
});

// Train (before t = 50): u1 A B · u2 A C · u3 A B · u4 D. Test: u1 C · u2 D · u3 A (known: no truth) · u5 A (cold).
const data = {
  events: [
    purchase('u1', 'A', 1),
    purchase('u1', 'B', 2),
    purchase('u2', 'A', 3),
    purchase('u2', 'C', 4),
    purchase('u3', 'A', 5),
    purchase('u3', 'B', 6),
    purchase('u4', 'D', 7),
    purchase('u1', 'C', 100),
    purchase('u2', 'D', 101),
    purchase('u3', 'A', 102),
    purchase('u5', 'A', 103),
  ],
};

describe('evaluate (a data set with a known answer)', () => {
  it('scores the popularity baseline exactly', async () => {
    const report = await evaluate({}, data, { split: { kind: 'temporal', at: 50 }, k: [5, 1] });
    expect(report.split).toMatchObject({ trainEvents: 7, testEvents: 4, customers: 2, coldCustomers: 1, meanRelevant: 1, cutoff: 50 });
    expect(report.k).toEqual([1, 5]);
    const [baseline] = report.rows;
    expect(baseline?.name).toBe('popularity');
    expect(baseline?.baseline).toBe(true);
    // Popularity A 9, B 6, C 3, D 3: u1 (has A B) gets [C, D], u2 (has A C) gets [B, D].
    const at5 = baseline?.metrics[5];
    expect(at5?.recall).toBe(1);
    expect(at5?.precision).toBeCloseTo(0.2, 12);
    expect(at5?.ndcg).toBeCloseTo((1 + 1 / Math.log2(3)) / 2, 12);
    expect(at5?.map).toBeCloseTo(0.75, 12);
    expect(at5?.hitRate).toBe(1);
    expect(at5?.coverage).toBeCloseTo(3 / 4, 12);
    // Shares of the 4 train customers: B 2/4, C 1/4, D 1/4 → u1 0.25, u2 0.375.
    expect(at5?.popularityBias).toBeCloseTo(0.3125, 12);
    const at1 = baseline?.metrics[1];
    expect(at1).toMatchObject({ recall: 0.5, precision: 0.5, hitRate: 0.5, coverage: 0.5 });
    expect(baseline?.vsBaseline[5]?.recall).toBe(0);
  });

  it('puts each recommender beside the baseline with relative differences', async () => {
    const report = await evaluate({ knn: (train) => trainItemKnnRecommender(train).recommender }, data, {
      split: { kind: 'temporal', at: 50 },
    });
    expect(report.rows.map((row) => row.name)).toEqual(['popularity', 'knn']);
    const knn = report.rows[1];
    const base = report.rows[0];
    expect(knn?.vsBaseline[10]?.ndcg).toBeCloseTo(
      ((knn?.metrics[10]?.ndcg ?? 0) - (base?.metrics[10]?.ndcg ?? 0)) / (base?.metrics[10]?.ndcg ?? 1),
      12,
    );
  });

  it('leave-last-out holds out each customer’s last basket', () => {
    const split = splitFeedback(
      { events: [purchase('u1', 'A', 1, 'o1'), purchase('u1', 'B', 2, 'o2'), purchase('u1', 'C', 2, 'o2'), purchase('u2', 'A', 3, 'o3')] },
      { kind: 'leave-last-out' },
    );
    expect(split.test.map((e) => e.itemId)).toEqual(['B', 'C']);
    expect(split.train.events.map((e) => `${e.customerId}:${e.itemId}`)).toEqual(['u1:A', 'u2:A']);
  });

  it('rejects a bad split or k naming the field', async () => {
    await expect(evaluate({}, data, { split: { kind: 'random' as never } })).rejects.toThrowError(/options\.split/);
    await expect(evaluate({}, data, { split: { kind: 'temporal' }, k: [0] })).rejects.toThrowError(/options\.k\.0/);
  });
});
