import { describe, expect, it } from 'vitest';
import { FeedbackErrorCode, type PastSurveySend, throttleSurvey } from '../src/index.js';

const now = new Date('2026-06-30T12:00:00Z');
const daysAgo = (days: number, channel = 'email', surveyId = 'nps'): PastSurveySend => ({
  sentAt: new Date(now.getTime() - days * 86_400_000),
  channel,
  surveyId,
});

describe('survey throttling', () => {
  it('allows the first survey', () => {
    expect(throttleSurvey([], now)).toEqual({ allowed: true });
  });

  it('skips a survey 10 days after another on a different channel, saying why and until when', () => {
    expect(throttleSurvey([daysAgo(10, 'sms', 'csat')], now)).toEqual({
      allowed: false,
      reason: 'throttled',
      windowDays: 30,
      sentInWindow: 1,
      lastSentAt: daysAgo(10).sentAt,
      nextAllowedAt: new Date('2026-07-20T12:00:00Z'),
    });
  });

  it('the window boundary: exactly 30 days ago is outside it, a minute less is inside', () => {
    expect(throttleSurvey([daysAgo(30)], now).allowed).toBe(true);
    expect(throttleSurvey([daysAgo(30 - 1 / 1440)], now).allowed).toBe(false);
    expect(throttleSurvey([daysAgo(45), daysAgo(31, 'pos')], now).allowed).toBe(true);
  });

  it('a scheduled send (after now) counts too', () => {
    expect(throttleSurvey([daysAgo(-2, 'in-app')], now).allowed).toBe(false);
  });

  it('is configurable: two per 7 days', () => {
    const rule = { windowDays: 7, maxPerWindow: 2 };
    expect(throttleSurvey([daysAgo(1)], now, rule).allowed).toBe(true);
    const decision = throttleSurvey([daysAgo(1, 'sms'), daysAgo(5, 'email'), daysAgo(6, 'pos')], now, rule);
    // The second-latest send (5 days ago) must leave the window: in 2 days.
    expect(decision).toMatchObject({ allowed: false, sentInWindow: 3, nextAllowedAt: new Date('2026-07-02T12:00:00Z') });
    // After that date a send is allowed again.
    if (decision.allowed) throw new Error('unreachable');
    expect(throttleSurvey([daysAgo(1, 'sms'), daysAgo(5, 'email'), daysAgo(6, 'pos')], decision.nextAllowedAt, rule).allowed).toBe(true);
  });

  it('names a bad rule and a bad send', () => {
    expect(() => throttleSurvey([], now, { maxPerWindow: 0 })).toThrow(
      expect.objectContaining({
        code: FeedbackErrorCode.InvalidOptions,
        details: { issues: [expect.objectContaining({ path: ['maxPerWindow'] })] },
      }),
    );
    expect(() => throttleSurvey([{ sentAt: new Date('x'), channel: 'email', surveyId: 'a' }], now)).toThrow(
      expect.objectContaining({ details: { issues: [expect.objectContaining({ path: ['pastSends', 0, 'sentAt'] })] } }),
    );
  });
});
