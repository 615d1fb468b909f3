import { type ConfidenceInterval, criticalValue } from './confidence-interval.js';
import { assertScores, npsCategory } from './score-scales.js';

/** The Net Promoter Score of a set of answers. */
export interface NpsScore {
  /** Number of answers. */
  n: number;
  /** Answers of 9–10. */
  promoters: number;
  /** Answers of 7–8. */
  passives: number;
  /** Answers of 0–6. */
  detractors: number;
  /** % promoters − % detractors, from −100 to 100; `null` with no answers. */
  score: number | null;
  /** Standard error of the score, in points; `null` with no answers. */
  standardError: number | null;
  /** The confidence interval of the score, in points, clamped to [−100, 100]; `null` with no answers. */
  interval: ConfidenceInterval | null;
}

/** Tallies of an NPS, the input to {@link npsFromCounts}. */
export interface NpsCounts {
  /** Answers of 9–10. */
  promoters: number;
  /** Answers of 7–8. */
  passives: number;
  /** Answers of 0–6. */
  detractors: number;
}

/**
 * The NPS of 0–10 answers with a confidence interval. Throws `FEEDBACK_INVALID_SCORE_INPUT`
 * for an answer outside 0–10.
 */
export function npsScore(scores: readonly number[], confidence = 0.95): NpsScore {
  assertScores(scores, 0, 10, ['scores']);
  const counts: NpsCounts = { promoters: 0, passives: 0, detractors: 0 };
  for (const score of scores) {
    const category = npsCategory(score);
    if (category === 'promoter') counts.promoters++;
    else if (category === 'passive') counts.passives++;
    else counts.detractors++;
  }
  return npsFromCounts(counts, confidence);
}

/**
 * The NPS from tallies (what a SQL `GROUP BY` returns). The interval is the Wald interval
 * with the variance of a trinomial: each answer is +1 (promoter), 0 (passive) or −1
 * (detractor), so NPS/100 = p₊ − p₋ is a mean with variance (p₊ + p₋ − (p₊ − p₋)²) / n.
 * This is the "variance of the NPS" method of Rocks (2016), "Interval Estimation for the
 * 'Net Promoter Score'", The American Statistician 70(4), 365–372. With all answers in one
 * category the variance is 0 and the interval is a point; read such small samples with care.
 */
export function npsFromCounts(counts: NpsCounts, confidence = 0.95): NpsScore {
  const n = counts.promoters + counts.passives + counts.detractors;
  const base = { n, ...counts };
  if (n === 0) return { ...base, score: null, standardError: null, interval: null };
  const pPlus = counts.promoters / n;
  const pMinus = counts.detractors / n;
  const difference = pPlus - pMinus;
  const variance = Math.max(0, (pPlus + pMinus - difference * difference) / n);
  const standardError = 100 * Math.sqrt(variance);
  const score = 100 * difference;
  const z = criticalValue(confidence);
  return {
    ...base,
    score,
    standardError,
    interval: { low: Math.max(-100, score - z * standardError), high: Math.min(100, score + z * standardError), confidence },
  };
}
