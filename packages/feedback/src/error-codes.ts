import type { ValidationDetails } from '@rapport/core';
import { defineErrorCodes, type ErrorCodeEntries, errorDetails } from '@rapport/core/plugin';

/** The codes of `@rapport/feedback` with their kinds and details types. */
const feedbackErrorCodes = {
  /** A survey definition is malformed (duplicate question ids, an unknown choice, …). A `ValidationError`. */
  InvalidSurvey: { code: 'FEEDBACK_INVALID_SURVEY', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
  /**
   * Answers do not fit their survey: a score outside its scale, an answer to an unknown
   * question, a missing required answer. A `ValidationError` whose issue paths are
   * `['answers', questionId, …]`.
   */
  InvalidAnswers: { code: 'FEEDBACK_INVALID_ANSWERS', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
  /** Scores, sends or responses given to a score or report function are malformed. A `ValidationError`. */
  InvalidScoreInput: { code: 'FEEDBACK_INVALID_SCORE_INPUT', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
  /** A business calendar is malformed, e.g. overlapping hours on one day. A `ValidationError` naming the day. */
  InvalidCalendar: { code: 'FEEDBACK_INVALID_CALENDAR', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
  /** An SLA policy or SLA input is malformed. A `ValidationError`. */
  InvalidSlaPolicy: { code: 'FEEDBACK_INVALID_SLA_POLICY', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
  /** A ticket status that does not exist (from untyped input). A `ValidationError` naming `from` or `to`. */
  InvalidTicketStatus: { code: 'FEEDBACK_INVALID_TICKET_STATUS', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
  /** A ticket transition the state machine does not allow (closed → pending). A `ConflictError` naming from/to. */
  TransitionNotAllowed: {
    code: 'FEEDBACK_TRANSITION_NOT_ALLOWED',
    kind: 'conflict',
    details: errorDetails<{ from: string; to: string } & Record<string, unknown>>(),
  },
  /** A response link whose signature, format or purpose does not check out (kind `forbidden`). */
  LinkInvalid: { code: 'FEEDBACK_LINK_INVALID', kind: 'forbidden', details: errorDetails<{ reason: string } & Record<string, unknown>>() },
  /** A response link past its expiry (kind `forbidden`). */
  LinkExpired: { code: 'FEEDBACK_LINK_EXPIRED', kind: 'forbidden', details: errorDetails<{ reason: string } & Record<string, unknown>>() },
  /** A response link already answered and past its edit window (kind `conflict`). */
  LinkUsed: { code: 'FEEDBACK_LINK_USED', kind: 'conflict', details: errorDetails<{ reason: string } & Record<string, unknown>>() },
  /** No survey (or no such version of it) is defined in this tenant. A `NotFoundError`. */
  SurveyNotFound: { code: 'FEEDBACK_SURVEY_NOT_FOUND', kind: 'not_found', details: errorDetails<{ entity: string; id: string }>() },
  /** A survey version that is already stored (versions are never overwritten). A `ConflictError`. */
  SurveyVersionExists: {
    code: 'FEEDBACK_SURVEY_VERSION_EXISTS',
    kind: 'conflict',
    details: errorDetails<{ surveyId: string; version: number } & Record<string, unknown>>(),
  },
  /** No ticket with that id in this tenant. A `NotFoundError`. */
  TicketNotFound: { code: 'FEEDBACK_TICKET_NOT_FOUND', kind: 'not_found', details: errorDetails<{ entity: string; id: string }>() },
  /** No response with that id in this tenant. A `NotFoundError`. */
  ResponseNotFound: { code: 'FEEDBACK_RESPONSE_NOT_FOUND', kind: 'not_found', details: errorDetails<{ entity: string; id: string }>() },
  /** Input to `crm.feedback` (a ticket, a reply, a send, a query) is malformed. A `ValidationError` naming the field. */
  InvalidInput: { code: 'FEEDBACK_INVALID_INPUT', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
  /** The feedback options are malformed. A `ValidationError`. */
  InvalidOptions: { code: 'FEEDBACK_INVALID_OPTIONS', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
} as const;

declare module '@rapport/core' {
  /** `@rapport/feedback`'s codes in the error-code registry. */
  interface RapportErrorCodes extends ErrorCodeEntries<typeof feedbackErrorCodes> {}
}

/**
 * The stable error codes raised by `@rapport/feedback`, in one map so they cannot drift.
 * Each names what was wrong; the error's `details` name the field (or question) and why.
 */
export const FeedbackErrorCode = defineErrorCodes('@rapport/feedback', feedbackErrorCodes);

/** One of the codes in {@link FeedbackErrorCode}. */
export type FeedbackErrorCode = (typeof FeedbackErrorCode)[keyof typeof FeedbackErrorCode];
