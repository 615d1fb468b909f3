import { z } from 'zod';

/**
 * Sends a survey after an event: an interaction of a type (a purchase), or a ticket being
 * resolved. The send runs as a durable job after the delay, and is skipped with the reason
 * when the person is throttled or has not consented.
 */
export interface SurveyTrigger {
  /** The event: `{ interaction: 'purchase' }` or `'ticket.resolved'`. */
  on: { interaction: string } | 'ticket.resolved';
  /** The survey sent (its latest version at send time). */
  surveyId: string;
  /**
   * The channel it goes out on (and whose consent is checked).
   * @default 'email'
   */
  channel?: string;
  /**
   * Minutes after the event.
   * @default 0
   */
  delayMinutes?: number;
}

/** The zod schema of a {@link SurveyTrigger}. */
export const SurveyTriggerSchema = z.object({
  on: z.union([z.object({ interaction: z.string().min(1).max(128) }), z.literal('ticket.resolved')]),
  surveyId: z.string().min(1).max(128),
  channel: z.string().min(1).max(64).default('email'),
  delayMinutes: z.number().min(0).max(525_600).default(0),
});
