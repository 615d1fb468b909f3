import { ValidationError } from '@rapport/core';
import { FeedbackErrorCode } from '../error-codes.js';

/** The score kinds that have a headline metric. */
export type ScoreKind = 'nps' | 'csat' | 'ces';

/** The allowed scale tops per kind: NPS 0–10, CSAT 1–5 or 1–3, CES 1–7 or 1–5. */
export const SCORE_SCALES = { nps: [10], csat: [5, 3], ces: [7, 5] } as const;

/** Where an NPS answer falls: promoter 9–10, passive 7–8, detractor 0–6. */
export type NpsCategory = 'promoter' | 'passive' | 'detractor';

/** The NPS category of a 0–10 answer (Reichheld's cut-offs: 9–10, 7–8, 0–6). */
export function npsCategory(score: number): NpsCategory {
  if (score >= 9) return 'promoter';
  if (score >= 7) return 'passive';
  return 'detractor';
}

/**
 * Whether a CSAT answer counts as satisfied: the top two boxes (4–5) on 1–5; on 1–3 the
 * top box (3, "satisfied"), since 2 is the neutral midpoint there just as 3 is on 1–5.
 */
export function isSatisfied(score: number, scale: 3 | 5): boolean {
  return scale === 5 ? score >= 4 : score >= 3;
}

/**
 * Whether a CES answer ("it was easy to …") counts as agreeing: 5–7 on 1–7 (somewhat agree
 * to strongly agree); on 1–5 the two agree boxes, 4–5. The neutral midpoint never counts.
 */
export function isAgree(score: number, scale: 5 | 7): boolean {
  return scale === 7 ? score >= 5 : score >= 4;
}

/** Throws `FEEDBACK_INVALID_SCORE_INPUT` unless every score is a whole number in `min`–`max`. */
export function assertScores(scores: readonly number[], min: number, max: number, path: readonly (string | number)[]): void {
  const issues = scores.flatMap((score, index) =>
    Number.isInteger(score) && score >= min && score <= max
      ? []
      : [{ path: [...path, index], message: `${score} is outside the scale ${min}–${max}` }],
  );
  if (issues.length > 0) throw new ValidationError(FeedbackErrorCode.InvalidScoreInput, issues);
}

/** Throws `FEEDBACK_INVALID_SCORE_INPUT` unless `scale` is one of the scales of `kind`. */
export function assertScale(kind: ScoreKind, scale: number, path: readonly (string | number)[]): void {
  if (!(SCORE_SCALES[kind] as readonly number[]).includes(scale)) {
    throw new ValidationError(FeedbackErrorCode.InvalidScoreInput, [
      { path: [...path], message: `${kind} has no 1–${scale} scale (allowed: ${SCORE_SCALES[kind].join(', ')})` },
    ]);
  }
}
