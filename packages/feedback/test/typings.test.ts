import { describe, expectTypeOf, it } from 'vitest';
import {
  type FeedbackApi,
  type FeedbackErrorCode,
  type HubRefusal,
  type NpsScore,
  npsSeries,
  type ProportionScore,
  type ResponseRateQuery,
  responseRateSeries,
  type ScoreQuery,
  type SendSurveyOutcome,
  type SeriesPoint,
  type SurveyMessage,
  type ThrottleDecision,
  type TicketStatus,
  throttleSurvey,
  transitionTicket,
} from '../src/index.js';

describe('public types', () => {
  it('series are typed by their score', () => {
    expectTypeOf(npsSeries).returns.toEqualTypeOf<SeriesPoint<NpsScore>[]>();
    expectTypeOf(responseRateSeries).returns.toEqualTypeOf<SeriesPoint<ProportionScore>[]>();
  });

  it('response rates are proportion series; the cut dimensions are checked', () => {
    expectTypeOf<FeedbackApi['responseRates']>().returns.resolves.toEqualTypeOf<SeriesPoint<ProportionScore>[]>();
    expectTypeOf<'segment'>().toExtend<NonNullable<ResponseRateQuery['by']>[number]>();
    expectTypeOf<'store'>().not.toExtend<NonNullable<ResponseRateQuery['by']>[number]>();
    expectTypeOf<'responseSegment'>().toExtend<NonNullable<ScoreQuery['by']>[number]>();
  });

  it('a survey send says what the messaging hub did', () => {
    type Sent = Extract<SendSurveyOutcome, { status: 'sent' }>;
    expectTypeOf<Sent['message']>().toEqualTypeOf<SurveyMessage | null>();
    expectTypeOf<Extract<SendSurveyOutcome, { reason: 'refused' }>['refusal']>().toEqualTypeOf<HubRefusal>();
  });

  it('error codes are a union of literals, statuses too', () => {
    expectTypeOf<'FEEDBACK_LINK_EXPIRED'>().toExtend<FeedbackErrorCode>();
    expectTypeOf<'LINK_EXPIRED'>().not.toExtend<FeedbackErrorCode>();
    expectTypeOf<'archived'>().not.toExtend<TicketStatus>();
    // @ts-expect-error a status that does not exist does not compile
    const typo = () => transitionTicket('open', 'archived');
    expectTypeOf(typo).toBeFunction();
  });

  it('a skipped send carries its reason and next date only when not allowed', () => {
    const decision = throttleSurvey([], new Date(0));
    expectTypeOf(decision).toEqualTypeOf<ThrottleDecision>();
    if (!decision.allowed) expectTypeOf(decision.nextAllowedAt).toEqualTypeOf<Date>();
  });
});
