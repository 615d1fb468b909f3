import { NotFoundError, type Page } from '@rapport/core';
import type { ClosedLoopReport } from './closed-loop/closed-loop-report.js';
import { type ClosedLoopQuery, storedClosedLoopReport } from './closed-loop/loop-ledger.js';
import { FeedbackErrorCode } from './error-codes.js';
import type { FeedbackContext } from './plugin/feedback-context.js';
import type { ProportionScore } from './scores/proportion-score.js';
import { type ResponseRateQuery, responseRates } from './scores/response-rate-query.js';
import { type ScoreQuery, type ScoreValue, scoreSeries } from './scores/score-query.js';
import type { SeriesPoint } from './scores/score-series.js';
import { SlaAlarm, type SlaAlarmOutcome } from './sla/sla-alarm.js';
import type { SlaTimerPayload } from './sla/sla-scheduler.js';
import type { Survey, SurveyInput } from './surveys/define-survey.js';
import { anonymiseResponses } from './surveys/response-anonymiser.js';
import { type RespondByLinkInput, type RespondInput, type RespondOutcome, ResponseRecorder } from './surveys/response-recorder.js';
import { SurveyCatalog } from './surveys/survey-catalog.js';
import { responseOf, type SurveyResponse } from './surveys/survey-response.js';
import { type SendSurveyInput, type SendSurveyOutcome, SurveySender } from './surveys/survey-sender.js';
import { responsesTable } from './tables.js';
import { TicketDesk } from './tickets/ticket-desk.js';

/** `crm.feedback.surveys`: definitions, sends (response links), responses. */
export class FeedbackSurveys {
  private readonly catalog: SurveyCatalog;
  private readonly sender: SurveySender;
  private readonly recorder: ResponseRecorder;

  constructor(
    private readonly ctx: FeedbackContext,
    desk: TicketDesk,
  ) {
    this.catalog = new SurveyCatalog(ctx);
    this.sender = new SurveySender(ctx, this.catalog);
    this.recorder = new ResponseRecorder(ctx, this.catalog, desk);
  }

  /** Checks and stores a survey version (the next one when `version` is left out). */
  define(input: SurveyInput): Promise<Survey> {
    return this.catalog.define(input);
  }

  /** A survey: the given version, else the latest. */
  get(surveyId: string, version?: number): Promise<Survey> {
    return this.catalog.get(surveyId, version);
  }

  /** Sends a survey: consent, then the throttle across channels, then a signed, expiring response link. */
  send(input: SendSurveyInput): Promise<SendSurveyOutcome> {
    return this.sender.send(input);
  }

  /** Answers through a response link's token (one response per link, editable for a while). */
  respondByLink(input: RespondByLinkInput): Promise<RespondOutcome> {
    return this.recorder.respondByLink(input);
  }

  /** Answers through the API (a POS tablet, an in-app widget). */
  respond(input: RespondInput): Promise<RespondOutcome> {
    return this.recorder.respond(input);
  }

  /** A response, or `FEEDBACK_RESPONSE_NOT_FOUND`. */
  async response(responseId: string): Promise<SurveyResponse> {
    const row = await this.ctx.tenant.store.table(responsesTable).get({ id: responseId });
    if (!row) throw new NotFoundError(FeedbackErrorCode.ResponseNotFound, 'response', responseId);
    return responseOf(row);
  }

  /** A customer's responses, newest first. */
  async responses(customerId: string, options: { limit?: number; cursor?: string } = {}): Promise<Page<SurveyResponse>> {
    const page = await this.ctx.tenant.store.table(responsesTable).find({
      where: { customerId },
      orderBy: [{ column: 'answeredAt', direction: 'desc' }],
      limit: options.limit ?? 50,
      ...(options.cursor ? { cursor: options.cursor } : {}),
    });
    return { items: page.items.map(responseOf), nextCursor: page.nextCursor };
  }

  /** Removes the free-text answers of one response or of all a customer's, keeping scores and choices. Returns how many changed. */
  anonymise(filter: { responseId: string } | { customerId: string }): Promise<number> {
    const where = 'responseId' in filter ? { id: filter.responseId } : { customerId: filter.customerId };
    return this.ctx.tenant.store.transaction((tx) => anonymiseResponses(tx, where, this.ctx.now));
  }
}

/** `crm.feedback`: one tenant's surveys, tickets, scores and closed loop. */
export class FeedbackApi {
  /** Survey definitions, sends and responses. */
  readonly surveys: FeedbackSurveys;
  /** Tickets with SLA timers. */
  readonly tickets: TicketDesk;
  private readonly alarm: SlaAlarm;

  constructor(private readonly ctx: FeedbackContext) {
    this.tickets = new TicketDesk(ctx);
    this.surveys = new FeedbackSurveys(ctx, this.tickets);
    this.alarm = new SlaAlarm(ctx, this.tickets);
  }

  /**
   * NPS, CSAT or CES per period (and channel, store, survey, the response-time segment label,
   * or membership now of `segments`), with confidence intervals; counted in SQL on SQL storages.
   */
  scores<K extends 'nps' | 'csat' | 'ces'>(query: ScoreQuery & { kind: K }): Promise<SeriesPoint<ScoreValue<K>>[]> {
    return scoreSeries(this.ctx.tenant.store, query, this.ctx.now);
  }

  /**
   * The response rate per period of sending (and channel, survey, or membership now of
   * `segments`): surveys answered through their link of those sent, with a Wilson interval;
   * counted in SQL on SQL storages.
   */
  responseRates(query: ResponseRateQuery): Promise<SeriesPoint<ProportionScore>[]> {
    return responseRates(this.ctx.tenant.store, query, this.ctx.now);
  }

  /** The closed-loop report: detractors followed up, how fast, and whether their next score improved. */
  closedLoopReport(query: ClosedLoopQuery = {}): Promise<ClosedLoopReport> {
    return storedClosedLoopReport(this.ctx.tenant.store, query);
  }

  /** Runs one SLA timer (what the `feedback.sla-timer` job does). */
  runSlaTimer(payload: SlaTimerPayload): Promise<SlaAlarmOutcome> {
    return this.alarm.run(payload);
  }
}
