import { describe, expect, it } from 'vitest';
import { closedLoopReport, FeedbackErrorCode, followUpDecision, type LoopResponse } from '../src/index.js';

describe('follow-up rule', () => {
  it('a detractor (NPS ≤ 6) opens a follow-up, a passive 7 does not', () => {
    expect(followUpDecision({ nps: 6 })).toEqual({
      open: true,
      reason: 'nps-detractor',
      score: 6,
      priority: 'high',
      category: 'feedback-follow-up',
    });
    expect(followUpDecision({ nps: 7 })).toEqual({ open: false });
  });

  it('an unhappy CSAT (≤ 2 of 5) opens one, 3 does not; on 1–3 only 1 does', () => {
    expect(followUpDecision({ csat: { score: 2, scale: 5 } })).toMatchObject({ open: true, reason: 'csat-unhappy' });
    expect(followUpDecision({ csat: { score: 3, scale: 5 } })).toEqual({ open: false });
    expect(followUpDecision({ csat: { score: 1, scale: 3 } })).toMatchObject({ open: true });
    expect(followUpDecision({ csat: { score: 2, scale: 3 } })).toEqual({ open: false });
  });

  it('is configurable: thresholds, off switches, CES, priority', () => {
    expect(followUpDecision({ nps: 3 }, { npsAtMost: false })).toEqual({ open: false });
    expect(followUpDecision({ nps: 8 }, { npsAtMost: 8, priority: 'normal' })).toMatchObject({ open: true, priority: 'normal' });
    expect(followUpDecision({ ces: { score: 2, scale: 7 } })).toEqual({ open: false });
    expect(followUpDecision({ ces: { score: 2, scale: 7 } }, { cesAtMost: 3 })).toMatchObject({ open: true, reason: 'ces-high-effort' });
    expect(() => followUpDecision({ nps: 1 }, { npsAtMost: Number.NaN })).toThrow(
      expect.objectContaining({
        code: FeedbackErrorCode.InvalidOptions,
        details: { issues: [expect.objectContaining({ path: ['followUp', 'npsAtMost'] })] },
      }),
    );
  });
});

describe('closed-loop report', () => {
  const t = (day: number, hour = 0) => new Date(Date.UTC(2026, 4, day, hour));
  const responses: LoopResponse[] = [
    { id: 'r1', customerId: 'a', kind: 'nps', score: 3, answeredAt: t(1) }, // detractor, contacted after 2 h, next 8: improved, recovered
    { id: 'r2', customerId: 'b', kind: 'nps', score: 6, answeredAt: t(2) }, // detractor, contacted after 6 h, next 5: worse
    { id: 'r3', customerId: 'c', kind: 'nps', score: 0, answeredAt: t(3) }, // detractor, ticket not yet contacted, no next score
    { id: 'r4', customerId: 'd', kind: 'nps', score: 9, answeredAt: t(3) }, // promoter: not flagged
    { id: 'r5', customerId: 'a', kind: 'nps', score: 8, answeredAt: t(20) },
    { id: 'r6', customerId: 'b', kind: 'nps', score: 5, answeredAt: t(21) }, // flagged again, no ticket
    { id: 'r7', customerId: 'a', kind: 'csat', score: 1, answeredAt: t(2) }, // other kind: ignored
  ];
  const followUps = [
    { responseId: 'r1', openedAt: t(1), firstContactAt: t(1, 2) },
    { responseId: 'r2', openedAt: t(2), firstContactAt: t(2, 6) },
    { responseId: 'r3', openedAt: t(3), firstContactAt: null },
  ];

  it('counts flagged, followed up, time to follow-up and whether the next score improved (hand-computed)', () => {
    expect(closedLoopReport(responses, followUps)).toEqual({
      flagged: 4,
      ticketsOpened: 3,
      followedUp: 2,
      followUpRate: 50,
      medianMinutesToFollowUp: 240,
      meanMinutesToFollowUp: 240,
      withNextScore: 2,
      improved: 1,
      recovered: 1,
      improvementRate: 50,
    });
  });

  it('reports CSAT with its own threshold, and nulls with nothing to report', () => {
    expect(closedLoopReport(responses, [], { kind: 'csat' })).toMatchObject({
      flagged: 1,
      followedUp: 0,
      followUpRate: 0,
      medianMinutesToFollowUp: null,
    });
    expect(closedLoopReport([], [])).toMatchObject({ flagged: 0, followUpRate: null, improvementRate: null });
  });

  it('names a malformed response', () => {
    expect(() => closedLoopReport([{ id: 'x', customerId: 'a', kind: 'nps', score: 3, answeredAt: new Date('nope') }], [])).toThrow(
      expect.objectContaining({
        code: FeedbackErrorCode.InvalidScoreInput,
        details: { issues: [expect.objectContaining({ path: ['responses', 0] })] },
      }),
    );
  });
});
