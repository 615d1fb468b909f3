import { ValidationError } from '@rapport/core';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { FeedbackErrorCode } from '../error-codes.js';

/** A two-sided confidence interval, in the unit of the score it belongs to. */
export interface ConfidenceInterval {
  /** Lower bound. */
  low: number;
  /** Upper bound. */
  high: number;
  /** The confidence level, e.g. 0.95. */
  confidence: number;
}

/** The two-sided critical value z for `confidence` (1.959964… for 0.95), from the standard normal quantile. */
export function criticalValue(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) {
    throw new ValidationError(FeedbackErrorCode.InvalidScoreInput, [
      { path: ['confidence'], message: 'must be between 0 and 1 (exclusive)' },
    ]);
  }
  return normalQuantile(1 - (1 - confidence) / 2, 0, 1);
}

/**
 * The Wilson score interval for a proportion of `successes` out of `n` (Wilson 1927; see
 * Brown, Cai & DasGupta 2001, "Interval Estimation for a Binomial Proportion"), as
 * proportions in [0, 1]. Unlike the plain Wald interval it stays inside [0, 1] and does not
 * collapse to a point at 0 % or 100 %, so 12 of 12 satisfied is not read as certain.
 * `undefined` when `n` is 0.
 */
export function wilsonInterval(successes: number, n: number, confidence = 0.95): ConfidenceInterval | undefined {
  if (n === 0) return undefined;
  const z = criticalValue(confidence);
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At 0 and n the bounds are exactly 0 and 1; rounding would leave 1e-17 there.
  const low = successes === 0 ? 0 : Math.max(0, centre - half);
  const high = successes === n ? 1 : Math.min(1, centre + half);
  return { low, high, confidence };
}
