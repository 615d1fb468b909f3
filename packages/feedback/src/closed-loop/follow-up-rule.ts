import { ValidationError } from '@rapport/core';
import { FeedbackErrorCode } from '../error-codes.js';
import type { ResponseScores } from '../surveys/validate-answers.js';

/** When a response opens a follow-up ticket. */
export interface FollowUpRule {
  /**
   * An NPS answer at or below this opens a follow-up (detractors are 0–6); `false` turns it off.
   * @default 6
   */
  npsAtMost?: number | false;
  /**
   * A CSAT answer at or below this (on 1–5) opens a follow-up; `false` turns it off.
   * On a 1–3 scale the threshold is rescaled linearly and rounded down (≤ 2 of 5 → ≤ 1 of 3).
   * @default 2
   */
  csatAtMost?: number | false;
  /**
   * A CES answer at or below this (on 1–7) opens a follow-up; off by default.
   * @default false
   */
  cesAtMost?: number | false;
  /**
   * The follow-up ticket's priority.
   * @default 'high'
   */
  priority?: string;
}

/** The outcome of {@link followUpDecision}. */
export type FollowUpDecision =
  | { open: false }
  | {
      open: true;
      reason: 'nps-detractor' | 'csat-unhappy' | 'ces-high-effort';
      score: number;
      priority: string;
      category: 'feedback-follow-up';
    };

/**
 * Whether a response should open a follow-up ticket (the closed loop): a detractor
 * (NPS ≤ 6) or an unhappy CSAT (≤ 2 on 1–5) by default. The first score kind that trips its
 * threshold, in the order NPS, CSAT, CES, is the reason.
 */
export function followUpDecision(scores: ResponseScores, rule: FollowUpRule = {}): FollowUpDecision {
  const npsAtMost = rule.npsAtMost ?? 6;
  const csatAtMost = rule.csatAtMost ?? 2;
  const cesAtMost = rule.cesAtMost ?? false;
  for (const [field, value] of [
    ['npsAtMost', npsAtMost],
    ['csatAtMost', csatAtMost],
    ['cesAtMost', cesAtMost],
  ] as const) {
    if (value !== false && !Number.isFinite(value)) {
      throw new ValidationError(FeedbackErrorCode.InvalidOptions, [{ path: ['followUp', field], message: 'must be a number or false' }]);
    }
  }
  const priority = rule.priority ?? 'high';
  const open = (reason: 'nps-detractor' | 'csat-unhappy' | 'ces-high-effort', score: number): FollowUpDecision => ({
    open: true,
    reason,
    score,
    priority,
    category: 'feedback-follow-up',
  });
  if (npsAtMost !== false && scores.nps !== undefined && scores.nps <= npsAtMost) return open('nps-detractor', scores.nps);
  if (csatAtMost !== false && scores.csat && scores.csat.score <= rescale(csatAtMost, 5, scores.csat.scale))
    return open('csat-unhappy', scores.csat.score);
  if (cesAtMost !== false && scores.ces && scores.ces.score <= rescale(cesAtMost, 7, scores.ces.scale))
    return open('ces-high-effort', scores.ces.score);
  return { open: false };
}

/** A 1–`from` threshold on a 1–`to` scale, rounded down so a rescaled rule is never looser. */
function rescale(threshold: number, from: number, to: number): number {
  if (from === to) return threshold;
  return Math.floor(1 + ((threshold - 1) * (to - 1)) / (from - 1));
}
