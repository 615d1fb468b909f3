import { ValidationError } from '@rapport/core';
import { FeedbackErrorCode } from '../error-codes.js';
import type { ScoreKind } from '../scores/score-scales.js';

/** A scored response, as the report reads it. */
export interface LoopResponse {
  /** The response id. */
  id: string;
  /** Who answered. */
  customerId: string;
  /** The score kind. */
  kind: ScoreKind;
  /** The score. */
  score: number;
  /** When it was answered. */
  answeredAt: Date;
}

/** A follow-up ticket opened for a response. */
export interface LoopFollowUp {
  /** The response it follows up. */
  responseId: string;
  /** When the ticket was opened. */
  openedAt: Date;
  /** When an agent first reached the customer on it; absent while nobody has. */
  firstContactAt?: Date | null;
}

/** The closed-loop report. */
export interface ClosedLoopReport {
  /** Responses that needed a follow-up (at or below the threshold). */
  flagged: number;
  /** Of those, how many had a ticket opened. */
  ticketsOpened: number;
  /** Of those, how many an agent reached the customer on. */
  followedUp: number;
  /** `followedUp / flagged` in percent; `null` with nothing flagged. */
  followUpRate: number | null;
  /** Median minutes from the response to the first contact; `null` with no contact. */
  medianMinutesToFollowUp: number | null;
  /** Mean minutes from the response to the first contact; `null` with no contact. */
  meanMinutesToFollowUp: number | null;
  /** Flagged responses whose customer answered the same kind again later. */
  withNextScore: number;
  /** Of those, how many scored higher the next time. */
  improved: number;
  /** Of those, how many were above the threshold the next time (no longer a detractor / unhappy). */
  recovered: number;
  /** `improved / withNextScore` in percent; `null` when nobody answered again. */
  improvementRate: number | null;
}

/**
 * The closed-loop report from plain arrays: of the responses at or below `threshold` (for
 * `kind`; default NPS ≤ 6), how many were followed up, how fast (response → first contact),
 * and whether the customer's next score of that kind improved.
 */
export function closedLoopReport(
  responses: readonly LoopResponse[],
  followUps: readonly LoopFollowUp[],
  options: { kind?: ScoreKind; threshold?: number } = {},
): ClosedLoopReport {
  const kind = options.kind ?? 'nps';
  const threshold = options.threshold ?? (kind === 'nps' ? 6 : 2);
  responses.forEach((response, index) => {
    if (!(response.answeredAt instanceof Date) || Number.isNaN(response.answeredAt.getTime()) || !Number.isFinite(response.score)) {
      throw new ValidationError(FeedbackErrorCode.InvalidScoreInput, [
        { path: ['responses', index], message: 'needs a valid answeredAt and a numeric score' },
      ]);
    }
  });
  const ofKind = responses.filter((response) => response.kind === kind).sort((a, b) => a.answeredAt.getTime() - b.answeredAt.getTime());
  const byResponse = new Map<string, LoopFollowUp>();
  for (const followUp of followUps) {
    const held = byResponse.get(followUp.responseId);
    if (!held || followUp.openedAt < held.openedAt) byResponse.set(followUp.responseId, followUp);
  }
  const flagged = ofKind.filter((response) => response.score <= threshold);
  const delays: number[] = [];
  let ticketsOpened = 0;
  let withNextScore = 0;
  let improved = 0;
  let recovered = 0;
  for (const response of flagged) {
    const followUp = byResponse.get(response.id);
    if (followUp) ticketsOpened++;
    if (followUp?.firstContactAt) delays.push((followUp.firstContactAt.getTime() - response.answeredAt.getTime()) / 60_000);
    const next = ofKind.find((other) => other.customerId === response.customerId && other.answeredAt > response.answeredAt);
    if (!next) continue;
    withNextScore++;
    if (next.score > response.score) improved++;
    if (next.score > threshold) recovered++;
  }
  delays.sort((a, b) => a - b);
  return {
    flagged: flagged.length,
    ticketsOpened,
    followedUp: delays.length,
    followUpRate: flagged.length ? (100 * delays.length) / flagged.length : null,
    medianMinutesToFollowUp: median(delays),
    meanMinutesToFollowUp: delays.length ? delays.reduce((sum, delay) => sum + delay, 0) / delays.length : null,
    withNextScore,
    improved,
    recovered,
    improvementRate: withNextScore ? (100 * improved) / withNextScore : null,
  };
}

function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? null) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
