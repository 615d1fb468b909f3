import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cesScore,
  criticalValue,
  csatScore,
  FeedbackErrorCode,
  isAgree,
  isSatisfied,
  npsCategory,
  npsFromCounts,
  npsScore,
  proportionScore,
  responseRate,
  wilsonInterval,
} from '../src/index.js';

const Z95 = 1.959963984540054;

describe('NPS', () => {
  it('classifies the boundaries 6/7/8/9 as detractor, passive, passive, promoter', () => {
    expect([0, 6, 7, 8, 9, 10].map(npsCategory)).toEqual(['detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter']);
    expect(npsScore([6]).score).toBe(-100);
    expect(npsScore([7]).score).toBe(0);
    expect(npsScore([8]).score).toBe(0);
    expect(npsScore([9]).score).toBe(100);
  });

  it('scores [0, 6, 7, 8, 9, 10]: 2 promoters, 2 passives, 2 detractors → 0 ± 1.96 × 33.33', () => {
    // p+ = p- = 1/3; variance = (1/3 + 1/3 − 0²) / 6 = 1/9; SE = 1/3 = 33.33 points.
    const nps = npsScore([0, 6, 7, 8, 9, 10]);
    expect(nps).toMatchObject({ n: 6, promoters: 2, passives: 2, detractors: 2, score: 0 });
    expect(nps.standardError).toBeCloseTo(100 / 3, 10);
    expect(nps.interval?.low).toBeCloseTo((-Z95 * 100) / 3, 8);
    expect(nps.interval?.high).toBeCloseTo((Z95 * 100) / 3, 8);
  });

  it('scores ten answers with 5 promoters and 3 detractors → 20, SE √0.076', () => {
    // p+ = .5, p- = .3: NPS = 20; variance = (.8 − .2²) / 10 = .076; SE = 27.568 points.
    const nps = npsScore([10, 10, 9, 9, 8, 7, 6, 5, 0, 10]);
    expect(nps.score).toBeCloseTo(20, 10);
    expect(nps.standardError).toBeCloseTo(100 * Math.sqrt(0.076), 10);
    expect(nps.interval?.low).toBeCloseTo(20 - Z95 * 100 * Math.sqrt(0.076), 8); // −34.03
    expect(nps.interval?.high).toBeCloseTo(20 + Z95 * 100 * Math.sqrt(0.076), 8); // 74.03
  });

  it('a wider interval for 12 answers than for 12,000 with the same shares', () => {
    const small = npsFromCounts({ promoters: 6, passives: 3, detractors: 3 });
    const large = npsFromCounts({ promoters: 6000, passives: 3000, detractors: 3000 });
    expect(small.score).toBeCloseTo(large.score ?? Number.NaN, 10);
    const width = (s: typeof small) => (s.interval?.high ?? 0) - (s.interval?.low ?? 0);
    expect(width(small) / width(large)).toBeCloseTo(Math.sqrt(1000), 6);
  });

  it('clamps to [−100, 100] and gives null with no answers', () => {
    expect(npsFromCounts({ promoters: 1, passives: 0, detractors: 1 }).interval).toMatchObject({ low: -100, high: 100 });
    expect(npsScore([])).toMatchObject({ n: 0, score: null, interval: null });
  });

  it('rejects an answer outside 0–10, naming its index', () => {
    expect(() => npsScore([5, 11])).toThrow(
      expect.objectContaining({
        code: FeedbackErrorCode.InvalidScoreInput,
        details: { issues: [{ path: ['scores', 1], message: '11 is outside the scale 0–10' }] },
      }),
    );
  });

  it('property: the trinomial standard error equals that of the mean of +1 / 0 / −1 values', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 300 }), (scores) => {
        const values: number[] = scores.map((score) => (score >= 9 ? 1 : score >= 7 ? 0 : -1));
        const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
        const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
        const nps = npsScore(scores);
        expect(nps.score).toBeCloseTo(100 * mean, 9);
        expect(nps.standardError).toBeCloseTo(100 * Math.sqrt(variance / values.length), 9);
      }),
    );
  });

  it('property: the score lies in its interval and in [−100, 100]', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 300 }), (scores) => {
        const nps = npsScore(scores);
        const score = nps.score ?? Number.NaN;
        expect(score).toBeGreaterThanOrEqual(-100);
        expect(score).toBeLessThanOrEqual(100);
        expect(nps.interval?.low).toBeLessThanOrEqual(score + 1e-9);
        expect(nps.interval?.high).toBeGreaterThanOrEqual(score - 1e-9);
      }),
    );
  });
});

describe('CSAT and CES', () => {
  it('CSAT on 1–5 counts 4–5: the boundary 3 is out, 4 is in', () => {
    expect(isSatisfied(3, 5)).toBe(false);
    expect(isSatisfied(4, 5)).toBe(true);
    expect(csatScore([3]).score).toBe(0);
    expect(csatScore([4]).score).toBe(100);
    expect(csatScore([1, 2, 3, 4, 5]).score).toBe(40);
  });

  it('CSAT on 1–3 counts the top box 3', () => {
    expect(csatScore([1, 2, 3, 3], 3).score).toBe(50);
    expect(() => csatScore([4], 3)).toThrow(expect.objectContaining({ code: FeedbackErrorCode.InvalidScoreInput }));
  });

  it('CES counts 5–7 on 1–7 and 4–5 on 1–5', () => {
    expect([4, 5].map((s) => isAgree(s, 7))).toEqual([false, true]);
    expect([3, 4].map((s) => isAgree(s, 5))).toEqual([false, true]);
    expect(cesScore([4, 5, 7, 1]).score).toBe(50);
    expect(cesScore([3, 4, 5], 5).score).toBeCloseTo(200 / 3, 10);
    expect(() => cesScore([1], 3 as 5)).toThrow(
      expect.objectContaining({ details: { issues: [expect.objectContaining({ path: ['scale'] })] } }),
    );
  });

  it('Wilson interval matches the textbook values: 2/5 → [11.76 %, 76.93 %], 0/10 → [0, 27.75 %]', () => {
    const two = csatScore([1, 2, 3, 4, 5]).interval;
    expect(two?.low).toBeCloseTo(11.762, 2);
    expect(two?.high).toBeCloseTo(76.93, 2);
    const zero = wilsonInterval(0, 10);
    expect(zero?.low).toBe(0);
    expect(zero?.high).toBeCloseTo(0.2775, 4);
    // Hand formula for 2/5: centre (p + z²/2n)/(1 + z²/n), half z/(1+z²/n)·√(p(1−p)/n + z²/4n²).
    const z2 = Z95 * Z95;
    const centre = (0.4 + z2 / 10) / (1 + z2 / 5);
    const half = (Z95 / (1 + z2 / 5)) * Math.sqrt(0.24 / 5 + z2 / 100);
    expect(wilsonInterval(2, 5)?.low).toBeCloseTo(centre - half, 12);
  });

  it('criticalValue comes from the normal quantile: 1.959964 at 95 %, 2.575829 at 99 %', () => {
    expect(criticalValue(0.95)).toBeCloseTo(Z95, 12);
    expect(criticalValue(0.99)).toBeCloseTo(2.5758293035489, 10);
    expect(() => criticalValue(1)).toThrow(
      expect.objectContaining({ details: { issues: [expect.objectContaining({ path: ['confidence'] })] } }),
    );
  });

  it('response rate: 30 of 200 sent → 15 %, and rejects more responses than sends', () => {
    expect(responseRate(30, 200).score).toBe(15);
    expect(() => responseRate(3, 2)).toThrow(
      expect.objectContaining({ details: { issues: [expect.objectContaining({ path: ['responded'] })] } }),
    );
    expect(() => proportionScore(1.5, 3)).toThrow(expect.objectContaining({ code: FeedbackErrorCode.InvalidScoreInput }));
    expect(responseRate(0, 0)).toMatchObject({ score: null, interval: null });
  });

  it('property: a Wilson interval holds its proportion and stays in [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }))),
        fc.constantFrom(0.8, 0.9, 0.95, 0.99),
        ([n, k], confidence) => {
          const interval = wilsonInterval(k, n, confidence);
          expect(interval?.low).toBeGreaterThanOrEqual(0);
          expect(interval?.high).toBeLessThanOrEqual(1);
          expect(interval?.low).toBeLessThanOrEqual(k / n + 1e-12);
          expect(interval?.high).toBeGreaterThanOrEqual(k / n - 1e-12);
        },
      ),
    );
  });
});
