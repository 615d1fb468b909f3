import { ValidationError } from '@rapport/core';
import { FeedbackErrorCode } from '../error-codes.js';
import { type ConfidenceInterval, wilsonInterval } from './confidence-interval.js';
import { assertScale, assertScores, isAgree, isSatisfied } from './score-scales.js';

/** A score that is the share of answers counting as positive (CSAT, CES, response rate). */
export interface ProportionScore {
  /** Number of answers (or, for a response rate, of surveys sent). */
  n: number;
  /** Answers counting as positive (or responses). */
  positive: number;
  /** The share in percent, 0–100; `null` when `n` is 0. */
  score: number | null;
  /** The Wilson score interval, in percent; `null` when `n` is 0. */
  interval: ConfidenceInterval | null;
}

/**
 * A proportion score from a count of positives out of `n`, with its Wilson interval in
 * percent. Throws `FEEDBACK_INVALID_SCORE_INPUT` unless both are whole numbers with
 * 0 ≤ positive ≤ n.
 */
export function proportionScore(positive: number, n: number, confidence = 0.95): ProportionScore {
  if (!Number.isInteger(n) || n < 0) throw invalid('n', `${n} is not a whole number ≥ 0`);
  if (!Number.isInteger(positive) || positive < 0 || positive > n)
    throw invalid('positive', `${positive} is not a whole number from 0 to ${n}`);
  const interval = wilsonInterval(positive, n, confidence);
  return {
    n,
    positive,
    score: n === 0 ? null : (100 * positive) / n,
    interval: interval ? { low: 100 * interval.low, high: 100 * interval.high, confidence } : null,
  };
}

/**
 * CSAT: the % of satisfied answers — 4–5 on a 1–5 scale, 3 on a 1–3 scale — with a Wilson
 * interval. Throws `FEEDBACK_INVALID_SCORE_INPUT` for a score outside the scale.
 */
export function csatScore(scores: readonly number[], scale: 3 | 5 = 5, confidence = 0.95): ProportionScore {
  assertScale('csat', scale, ['scale']);
  assertScores(scores, 1, scale, ['scores']);
  return proportionScore(scores.filter((score) => isSatisfied(score, scale)).length, scores.length, confidence);
}

/**
 * CES: the % agreeing that it was easy — 5–7 on a 1–7 scale, 4–5 on a 1–5 scale — with a
 * Wilson interval. Throws `FEEDBACK_INVALID_SCORE_INPUT` for a score outside the scale.
 */
export function cesScore(scores: readonly number[], scale: 5 | 7 = 7, confidence = 0.95): ProportionScore {
  assertScale('ces', scale, ['scale']);
  assertScores(scores, 1, scale, ['scores']);
  return proportionScore(scores.filter((score) => isAgree(score, scale)).length, scores.length, confidence);
}

/** The response rate: % of `sent` surveys answered, with a Wilson interval. */
export function responseRate(responded: number, sent: number, confidence = 0.95): ProportionScore {
  if (!Number.isInteger(sent) || sent < 0) throw invalid('sent', `${sent} is not a whole number ≥ 0`);
  if (!Number.isInteger(responded) || responded < 0 || responded > sent)
    throw invalid('responded', `${responded} is not a whole number from 0 to ${sent}`);
  return proportionScore(responded, sent, confidence);
}

function invalid(field: string, message: string): ValidationError {
  return new ValidationError(FeedbackErrorCode.InvalidScoreInput, [{ path: [field], message }]);
}
