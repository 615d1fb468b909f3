/**
 * The stable error codes raised by `@rapport/feedback`, in one map so they cannot drift.
 * Each names what was wrong; the error's `details` name the field (or question) and why.
 */
export const FeedbackErrorCode = {
  /** A survey definition is malformed (duplicate question ids, an unknown choice, …). A `ValidationError`. */
  InvalidSurvey: 'FEEDBACK_INVALID_SURVEY',
  /**
   * Answers do not fit their survey: a score outside its scale, an answer to an unknown
   * question, a missing required answer. A `ValidationError` whose issue paths are
   * `['answers', questionId, …]`.
   */
  InvalidAnswers: 'FEEDBACK_INVALID_ANSWERS',
  /** Scores, sends or responses given to a score or report function are malformed. A `ValidationError`. */
  InvalidScoreInput: 'FEEDBACK_INVALID_SCORE_INPUT',
  /** A business calendar is malformed, e.g. overlapping hours on one day. A `ValidationError` naming the day. */
  InvalidCalendar: 'FEEDBACK_INVALID_CALENDAR',
  /** An SLA policy or SLA input is malformed. A `ValidationError`. */
  InvalidSlaPolicy: 'FEEDBACK_INVALID_SLA_POLICY',
  /** A ticket status that does not exist (from untyped input). A `ValidationError` naming `from` or `to`. */
  InvalidTicketStatus: 'FEEDBACK_INVALID_TICKET_STATUS',
  /** A ticket transition the state machine does not allow (closed → pending). A `ConflictError` naming from/to. */
  TransitionNotAllowed: 'FEEDBACK_TRANSITION_NOT_ALLOWED',
  /** A response link whose signature, format or purpose does not check out (kind `forbidden`). */
  LinkInvalid: 'FEEDBACK_LINK_INVALID',
  /** A response link past its expiry (kind `forbidden`). */
  LinkExpired: 'FEEDBACK_LINK_EXPIRED',
  /** A response link already answered and past its edit window (kind `conflict`). */
  LinkUsed: 'FEEDBACK_LINK_USED',
  /** The feedback options are malformed. A `ValidationError`. */
  InvalidOptions: 'FEEDBACK_INVALID_OPTIONS',
} as const;

/** One of the codes in {@link FeedbackErrorCode}. */
export type FeedbackErrorCode = (typeof FeedbackErrorCode)[keyof typeof FeedbackErrorCode];
