import type { RowOf } from '@rapport/core/plugin';
import type { ticketsTable } from '../tables.js';
import type { TicketStatus } from './ticket-status.js';

/** A ticket as stored in the tickets table (with its SLA generation, timer jobs and version). */
export type TicketRow = RowOf<typeof ticketsTable>;

/** A ticket as `crm.feedback.tickets` returns it. */
export interface Ticket {
  id: string;
  customerId: string;
  subject: string;
  /** Where it came from: `api`, `email`, `sms`, `store`, `survey`, … */
  source: string;
  /** The conversation (thread) it came from, if any. */
  conversationId: string | null;
  category: string | null;
  priority: string;
  assignee: string | null;
  status: TicketStatus;
  /** The SLA policy applied. */
  policy: string;
  /** The survey response that opened it (closed loop). */
  responseId: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Due times of the SLA targets still running (null when met, paused or not set). */
  firstResponseDueAt: Date | null;
  nextResponseDueAt: Date | null;
  resolutionDueAt: Date | null;
  /** The first agent reply. */
  firstContactAt: Date | null;
  resolvedAt: Date | null;
}

/** One entry of a ticket's history. */
export interface TicketEvent {
  id: string;
  ticketId: string;
  /** `opened`, `reply`, `note`, `status`, `priority`, `category`, `assigned`, `sla.warning`, `sla.breached`. */
  kind: string;
  /** `agent`, `customer` or `system`. */
  author: string;
  body: string | null;
  data: Record<string, unknown> | null;
  at: Date;
}

/** The public view of a stored ticket row. */
export function ticketOf(row: TicketRow): Ticket {
  const { slaGeneration: _generation, timerJobs: _jobs, version: _version, ...ticket } = row;
  return { ...ticket, status: row.status as TicketStatus };
}
