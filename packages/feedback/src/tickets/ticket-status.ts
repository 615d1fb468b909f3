import { ConflictError, ValidationError } from '@rapport/core';
import { FeedbackErrorCode } from '../error-codes.js';

/** The statuses of a ticket, in their usual order. */
export const TICKET_STATUSES = ['new', 'open', 'pending', 'resolved', 'closed'] as const;

/** A ticket's status: new → open → pending (waiting on the customer) → resolved → closed. */
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/**
 * What a transition does to the ticket's SLA clocks: `pause` (pending on the customer),
 * `resume` (back from pending, or a reopen), `stop` (resolved), `none`.
 */
export type SlaClockEffect = 'pause' | 'resume' | 'stop' | 'none';

/**
 * The transitions allowed from each status. `closed` is final: a closed ticket is not
 * reopened (a new ticket follows it up), while a `resolved` one reopens to `open`.
 */
export const TICKET_TRANSITIONS: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = {
  new: ['open', 'pending', 'resolved', 'closed'],
  open: ['pending', 'resolved', 'closed'],
  pending: ['open', 'resolved', 'closed'],
  resolved: ['open', 'closed'],
  closed: [],
};

/** The outcome of an allowed transition. */
export interface TicketTransition {
  /** The status before. */
  from: TicketStatus;
  /** The status after. */
  to: TicketStatus;
  /** What the SLA clocks do. */
  clock: SlaClockEffect;
  /** True for resolved → open. */
  reopened: boolean;
}

/** True when a ticket may go from `from` to `to`. */
export function canTransition(from: TicketStatus, to: TicketStatus): boolean {
  return Object.hasOwn(TICKET_TRANSITIONS, from) && TICKET_TRANSITIONS[from].includes(to);
}

/**
 * Checks a status change and says what it does to the SLA clocks. Throws a `ConflictError`
 * (`FEEDBACK_TRANSITION_NOT_ALLOWED`) whose details name `from`, `to` and the statuses
 * `allowed` from `from` — for closed → pending, or a status to itself. A value that is no
 * status at all (from untyped input) is a `ValidationError` naming `from` or `to`.
 */
export function transitionTicket(from: TicketStatus, to: TicketStatus): TicketTransition {
  for (const [field, status] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!TICKET_STATUSES.includes(status)) {
      throw new ValidationError(FeedbackErrorCode.InvalidTicketStatus, [
        { path: [field], message: `"${status}" is not a ticket status (${TICKET_STATUSES.join(', ')})` },
      ]);
    }
  }
  if (!canTransition(from, to)) {
    const allowed = TICKET_TRANSITIONS[from];
    throw new ConflictError(
      FeedbackErrorCode.TransitionNotAllowed,
      `A ticket cannot go from "${from}" to "${to}"${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ` ("${from}" is final)`}`,
      { from, to, allowed: [...allowed] },
    );
  }
  return { from, to, clock: clockEffect(from, to), reopened: from === 'resolved' && to === 'open' };
}

function clockEffect(from: TicketStatus, to: TicketStatus): SlaClockEffect {
  if (to === 'pending') return 'pause';
  if (to === 'resolved' || to === 'closed') return from === 'resolved' ? 'none' : 'stop';
  if (from === 'pending' || from === 'resolved') return 'resume';
  return 'none';
}
