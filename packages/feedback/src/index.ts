export { FeedbackApi, FeedbackSurveys } from './api.js';
export { type ClosedLoopReport, closedLoopReport, type LoopFollowUp, type LoopResponse } from './closed-loop/closed-loop-report.js';
export { type FollowUpDecision, type FollowUpRule, followUpDecision } from './closed-loop/follow-up-rule.js';
export type { ClosedLoopQuery } from './closed-loop/loop-ledger.js';
export { FeedbackErrorCode } from './error-codes.js';
export { FEEDBACK_EVENTS, type SlaAlertEvent } from './feedback-events.js';
export {
  type CreateResponseLinkInput,
  createResponseLinkToken,
  type LinkResponseMode,
  linkResponseMode,
  RESPONSE_LINK_AUDIENCE,
  type ResponseLinkClaims,
  type ResponseLinkRefusal,
  type StoredLinkResponse,
  verifyResponseLinkToken,
} from './links/response-link.js';
export type { HubRefusal, HubSendInput, HubSendOutcome, MessagingHub } from './messaging/messaging-hub.js';
export {
  type FeedbackMessagesOptions,
  type FeedbackOptions,
  FeedbackOptionsSchema,
  parseFeedbackOptions,
  type ResolvedFeedbackOptions,
} from './options.js';
export { FEEDBACK_JOBS, FeedbackContext, type PendingEvent, type TimelineEntry } from './plugin/feedback-context.js';
export { FEEDBACK_PLUGIN, feedback } from './plugin.js';
export { type ConfidenceInterval, criticalValue, wilsonInterval } from './scores/confidence-interval.js';
export { type NpsCounts, type NpsScore, npsFromCounts, npsScore } from './scores/nps-score.js';
export { cesScore, csatScore, type ProportionScore, proportionScore, responseRate } from './scores/proportion-score.js';
export {
  RESPONSE_RATE_DIMENSIONS,
  type ResponseRateQuery,
  ResponseRateQuerySchema,
} from './scores/response-rate-query.js';
export { SCORE_DIMENSIONS, type ScoreDimension, type ScoreQuery, ScoreQuerySchema, type ScoreValue } from './scores/score-query.js';
export { isAgree, isSatisfied, type NpsCategory, npsCategory, SCORE_SCALES, type ScoreKind } from './scores/score-scales.js';
export {
  cesSeries,
  csatSeries,
  type Dimensions,
  npsSeries,
  responseRateSeries,
  type ScoredResponse,
  type SeriesOptions,
  type SeriesPeriod,
  type SeriesPoint,
  type SurveySend,
} from './scores/score-series.js';
export {
  type BusinessCalendar,
  type BusinessCalendarInput,
  BusinessCalendarSchema,
  type CalendarHours,
  calendarHours,
  defineBusinessCalendar,
  WEEKDAYS,
  type Weekday,
  type WorkingTime,
} from './sla/business-calendar.js';
export { addWorkingMinutes, workingMinutesBetween } from './sla/business-time.js';
export { type EscalationRule, EscalationRuleSchema } from './sla/escalation-rule.js';
export type { SlaAlarmOutcome } from './sla/sla-alarm.js';
export { dueAfter, elapsedWorkingMinutes, type Pause } from './sla/sla-clock.js';
export {
  DEFAULT_SLA_POLICY,
  defineSlaPolicies,
  matchSlaPolicy,
  SLA_METRICS,
  type SlaMetric,
  type SlaPolicy,
  type SlaSubject,
  type SlaWarning,
} from './sla/sla-policy.js';
export type { SlaTimerPayload } from './sla/sla-scheduler.js';
export { computeTicketSla, type SlaTargetState, type SlaTargetStatus, type TicketSla, type TicketSlaFacts } from './sla/ticket-sla.js';
export { defineSurvey, reviseSurvey, type Survey, type SurveyInput, SurveySchema } from './surveys/define-survey.js';
export { hasLocale, type LocalizedText, LocalizedTextSchema, localize } from './surveys/localized-text.js';
export { type Question, type QuestionInput, type QuestionKind, QuestionSchema, scoreRange } from './surveys/question.js';
export type { RespondByLinkInput, RespondInput, RespondOutcome } from './surveys/response-recorder.js';
export type { SurveyResponse } from './surveys/survey-response.js';
export type { SendSurveyInput, SendSurveyOutcome, SurveyMessage } from './surveys/survey-sender.js';
export { type SurveyTrigger, SurveyTriggerSchema } from './surveys/survey-trigger.js';
export { type Answer, type AnswerValue, type ResponseScores, type ValidatedResponse, validateAnswers } from './surveys/validate-answers.js';
export {
  feedbackTables,
  responsesTable,
  slaAlertsTable,
  surveySendsTable,
  surveysTable,
  throttleGuardsTable,
  ticketEventsTable,
  ticketsTable,
} from './tables.js';
export { type PastSurveySend, type ThrottleDecision, type ThrottleRule, throttleSurvey } from './throttle/survey-throttle.js';
export type { Ticket, TicketEvent, TicketRow } from './tickets/ticket.js';
export { type ChangeEffect, type ReplyDelivery, type TicketChange, TicketDesk } from './tickets/ticket-desk.js';
export {
  type InboundTicketInput,
  InboundTicketInputSchema,
  type OpenTicketInput,
  OpenTicketInputSchema,
  type TicketListFilter,
  TicketListFilterSchema,
  type TicketReplyInput,
  TicketReplyInputSchema,
} from './tickets/ticket-inputs.js';
export {
  canTransition,
  type SlaClockEffect,
  TICKET_STATUSES,
  TICKET_TRANSITIONS,
  type TicketStatus,
  type TicketTransition,
  transitionTicket,
} from './tickets/ticket-status.js';
