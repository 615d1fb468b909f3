import { ValidationError } from '@rapport/core';
import { FeedbackErrorCode } from '../error-codes.js';

/** A survey already sent to the person, on any channel. */
export interface PastSurveySend {
  /** When it was sent. */
  sentAt: Date;
  /** The channel it went out on (email, sms, in-app, POS, …); throttling spans all channels. */
  channel: string;
  /** The survey sent. */
  surveyId: string;
}

/** The throttling rule. */
export interface ThrottleRule {
  /**
   * The window, in days (24-hour periods) before now.
   * @default 30
   */
  windowDays?: number;
  /**
   * How many surveys a person may get within the window.
   * @default 1
   */
  maxPerWindow?: number;
}

/** The outcome of {@link throttleSurvey}: send, or skip with the reason and when a send is next allowed. */
export type ThrottleDecision =
  | { allowed: true }
  | { allowed: false; reason: 'throttled'; windowDays: number; sentInWindow: number; lastSentAt: Date; nextAllowedAt: Date };

const DAY = 86_400_000;

/**
 * Whether a person may be sent another survey at `now`, given every survey already sent to
 * them on any channel: at most `maxPerWindow` (default 1) in the last `windowDays` (default
 * 30), as Delighted and Qualtrics throttle. A skipped send says why and when the next send
 * is allowed. Sends after `now` (scheduled) count too, so two sends cannot be queued at once.
 */
export function throttleSurvey(pastSends: readonly PastSurveySend[], now: Date, rule: ThrottleRule = {}): ThrottleDecision {
  const windowDays = rule.windowDays ?? 30;
  const max = rule.maxPerWindow ?? 1;
  if (!(Number.isFinite(windowDays) && windowDays >= 0)) throw invalid('windowDays', 'must be a number of days ≥ 0');
  if (!(Number.isInteger(max) && max >= 1)) throw invalid('maxPerWindow', 'must be a whole number ≥ 1');
  const since = now.getTime() - windowDays * DAY;
  const inWindow = pastSends
    .map((send, index) => {
      const at = send.sentAt instanceof Date ? send.sentAt.getTime() : Number.NaN;
      if (Number.isNaN(at)) throw invalid(`pastSends.${index}.sentAt`, 'must be a valid Date');
      return at;
    })
    .filter((at) => at > since)
    .sort((a, b) => a - b);
  if (inWindow.length < max) return { allowed: true };
  // The send that must leave the window before another is allowed.
  const blocking = inWindow[inWindow.length - max] ?? since;
  return {
    allowed: false,
    reason: 'throttled',
    windowDays,
    sentInWindow: inWindow.length,
    lastSentAt: new Date(inWindow[inWindow.length - 1] ?? blocking),
    nextAllowedAt: new Date(blocking + windowDays * DAY),
  };
}

function invalid(field: string, message: string): ValidationError {
  return new ValidationError(FeedbackErrorCode.InvalidOptions, [
    { path: field.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part)), message },
  ]);
}
