import type { SlaMetric } from './sla/sla-policy.js';
import type { ResponseScores } from './surveys/validate-answers.js';
import type { Ticket } from './tickets/ticket.js';

/** An SLA alert as its events tell it. */
export interface SlaAlertEvent {
  tenantId: string;
  ticketId: string;
  customerId: string;
  /** The target it is about. */
  metric: SlaMetric;
  /** The policy applied. */
  policy: string;
  /** When the warning (or the breach) was due. */
  dueAt: Date;
  /** When the timer fired it. */
  firedAt: Date;
}

// The plugin's events join the Crm's typed event map.
declare module '@rapport/core' {
  interface RapportEvents {
    /** A response was stored (or, with `edited`, changed through its link within the edit window). */
    'feedback.response.recorded': {
      tenantId: string;
      responseId: string;
      customerId: string;
      surveyId: string;
      surveyVersion: number;
      scores: ResponseScores;
      edited: boolean;
    };
    /** A survey was sent: its response link was issued (hand `token` to a channel, or put it in a URL). */
    'feedback.survey.sent': {
      tenantId: string;
      sendId: string;
      customerId: string;
      surveyId: string;
      surveyVersion: number;
      channel: string;
      token: string;
      expiresAt: Date;
      ticketId: string | null;
      /** The response page (`messages.linkUrl` with the token), or `null` without `messages`. */
      link: string | null;
      /** The messaging hub's message carrying the link, or `null` when the survey was not messaged. */
      messageId: string | null;
    };
    /** A survey send was skipped: the person was throttled, has not consented, or the messaging hub refused the message. */
    'feedback.survey.skipped': {
      tenantId: string;
      customerId: string;
      surveyId: string;
      channel: string;
      reason: 'throttled' | 'not-consented' | 'refused';
    };
    /** A ticket was opened. */
    'ticket.opened': { tenantId: string; ticket: Ticket };
    /** A ticket changed: a reply, a note, its status, priority, category or assignee. */
    'ticket.updated': { tenantId: string; ticket: Ticket; change: string };
    /** An SLA target of a ticket reached its warning time; fired once per target. */
    'ticket.sla.warning': SlaAlertEvent;
    /** An SLA target of a ticket was breached; fired once per target. */
    'ticket.sla.breached': SlaAlertEvent;
    /** An escalation rule ran on an SLA alert (the notification); what it changed is in `actions`. */
    'ticket.escalated': SlaAlertEvent & { on: 'warning' | 'breach'; actions: { reassignedTo?: string; priority?: string } };
  }
}

/** The names of the events `@rapport/feedback` emits. */
export const FEEDBACK_EVENTS = [
  'feedback.response.recorded',
  'feedback.survey.sent',
  'feedback.survey.skipped',
  'ticket.opened',
  'ticket.updated',
  'ticket.sla.warning',
  'ticket.sla.breached',
  'ticket.escalated',
] as const;
