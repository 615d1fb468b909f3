import { isRapportError, NotFoundError, type Page, ValidationError } from '@rapport/core';
import { parseInput, TableErrorCode, type TenantStore } from '@rapport/core/plugin';
import type { z } from 'zod';
import { FeedbackErrorCode } from '../error-codes.js';
import { conversationsOf, hubRefusal, isUnknownChannel, type MessagingHub, messagingHubOf } from '../messaging/messaging-hub.js';
import { FEEDBACK_JOBS, type FeedbackContext, type PendingEvent } from '../plugin/feedback-context.js';
import { rescheduleSla, ticketSla } from '../sla/sla-scheduler.js';
import type { TicketSla } from '../sla/ticket-sla.js';
import { ticketEventsTable, ticketsTable } from '../tables.js';
import { type Ticket, type TicketEvent, type TicketRow, ticketOf } from './ticket.js';
import {
  type InboundTicketInput,
  InboundTicketInputSchema,
  nameSchema,
  noteSchema,
  type OpenTicketInput,
  OpenTicketInputSchema,
  prioritySchema,
  type TicketListFilter,
  TicketListFilterSchema,
  type TicketReplyInput,
  TicketReplyInputSchema,
} from './ticket-inputs.js';
import { type TicketStatus, transitionTicket } from './ticket-status.js';

/** What one change does to a ticket: the columns it sets, and the history entry it writes (for `TicketDesk.change`). */
export interface TicketChange {
  /** The columns it sets. */
  patch: Partial<Pick<TicketRow, 'status' | 'priority' | 'category' | 'assignee' | 'firstContactAt' | 'resolvedAt'>>;
  /** The history entry's kind (`reply`, `status`, …). */
  kind: string;
  /** Who made it. */
  author: 'agent' | 'customer' | 'system';
  /** The entry's text (a reply, a note). */
  body?: string | null;
  /** The entry's details (from/to, the channel). */
  data?: Record<string, unknown> | null;
  /** The interaction type on the customer's timeline, if the change goes there. */
  timeline?: string;
}

/** Where a reply sent to the customer went, as its history entry (`data.delivery`) records it. */
export type ReplyDelivery =
  | { status: string; messageId: string; channel: string; conversationId: string | null }
  | { status: 'refused'; code: string; reasons: string[] };

/** Work done in a change's transaction before its history entry is written; what it returns is the entry's `data.delivery`. */
export type ChangeEffect = (tx: TenantStore, row: TicketRow, seq: number) => Promise<Record<string, unknown>>;

/** How often a change retries after a concurrent change of the same ticket won. */
const CHANGE_ATTEMPTS = 10;

class TicketChanged extends Error {}

/** True for the errors of a change that lost a race with a concurrent change of the same ticket (retry it). */
export function isLostTicketRace(error: unknown): boolean {
  return error instanceof TicketChanged || isRapportError(error, TableErrorCode.UniqueViolation);
}

/** The tickets of one tenant: open, reply, note, assign, prioritise, move through the statuses, with SLA timers kept in step. */
export class TicketDesk {
  constructor(private readonly ctx: FeedbackContext) {}

  /** Opens a ticket (from the API, a store, a channel) and starts its SLA timers. */
  async open(input: OpenTicketInput): Promise<Ticket> {
    const parsed = parseInput(OpenTicketInputSchema, input, [], FeedbackErrorCode.InvalidInput);
    await this.ctx.tenant.crm.customers.get(parsed.customerId);
    return this.ctx.transact((tx, emit) => this.openIn(tx, emit, parsed));
  }

  /**
   * A message that came in on a channel: added to the unfinished ticket of its conversation as
   * the customer's reply, or opening a new ticket. The entry the messaging hub calls.
   */
  async openFromInbound(input: InboundTicketInput): Promise<{ ticket: Ticket; created: boolean }> {
    const parsed = parseInput(InboundTicketInputSchema, input, [], FeedbackErrorCode.InvalidInput);
    const existing = await this.ctx.tenant.store.table(ticketsTable).find({
      where: { conversationId: parsed.conversationId, status: { in: ['new', 'open', 'pending', 'resolved'] } },
      orderBy: [{ column: 'createdAt', direction: 'desc' }],
      limit: 1,
    });
    const open = existing.items[0];
    if (open) {
      // A customer writing back on a resolved or pending ticket brings it back to open.
      const ticket =
        open.status === 'pending' || open.status === 'resolved'
          ? await this.change(open.id, (row) => ({
              ...this.replyChange(row, { body: parsed.text, from: 'customer' }, parsed.channel),
              patch: { status: 'open', ...(row.status === 'resolved' ? { resolvedAt: null } : {}) },
              data: { from: 'customer', channel: parsed.channel, status: { from: row.status, to: 'open' } },
            }))
          : await this.reply(open.id, { body: parsed.text, from: 'customer' });
      return { ticket, created: false };
    }
    const ticket = await this.open({
      customerId: parsed.customerId,
      subject: parsed.subject ?? parsed.text.slice(0, 200),
      source: parsed.channel,
      conversationId: parsed.conversationId,
      body: parsed.text,
      ...(parsed.category !== undefined ? { category: parsed.category } : {}),
      ...(parsed.priority !== undefined ? { priority: parsed.priority } : {}),
    });
    return { ticket, created: true };
  }

  /** Opens a ticket inside `tx` (the closed loop opens one in the response's transaction). */
  async openIn(
    tx: TenantStore,
    emit: (event: PendingEvent) => void,
    input: z.output<typeof OpenTicketInputSchema> & { responseId?: string | null },
  ): Promise<Ticket> {
    const now = this.ctx.now;
    const id = this.ctx.tenant.ids.next();
    const draft: TicketRow = {
      id,
      customerId: input.customerId,
      subject: input.subject,
      source: input.source,
      conversationId: input.conversationId ?? null,
      category: input.category ?? null,
      priority: input.priority,
      assignee: input.assignee ?? null,
      status: 'new',
      policy: '',
      responseId: input.responseId ?? null,
      createdAt: now,
      updatedAt: now,
      firstResponseDueAt: null,
      nextResponseDueAt: null,
      resolutionDueAt: null,
      firstContactAt: null,
      resolvedAt: null,
      slaGeneration: 0,
      timerJobs: [],
      version: 1,
    };
    await this.writeEvent(tx, draft, 1, {
      kind: 'opened',
      author: 'customer',
      body: input.body ?? null,
      data: { source: input.source },
      patch: {},
    });
    const sla = await rescheduleSla(this.ctx, tx, draft, now);
    const { version: _version, ...insert } = { ...draft, ...sla };
    const row = await tx.table(ticketsTable).insert(insert);
    await this.ctx.timeline(tx, this.timelineEntry(row, 1, 'ticket.opened', input.source, { subject: row.subject }));
    emit({ name: 'ticket.opened', payload: { tenantId: this.ctx.tenant.tenantId, ticket: ticketOf(row) } });
    return ticketOf(row);
  }

  /**
   * A public message: an agent's reply meets the response targets, a customer's starts the
   * next-response clock. With `send: true` the reply is also queued through the messaging hub
   * in the change's transaction — transactional, on the conversation's channel (or `channel`,
   * or the ticket's source), continuing the ticket's conversation when `crm.conversations`
   * knows it; the history entry's `data.delivery` says what the hub did (`queued`,
   * `deferred`, or `refused` with its reasons).
   */
  async reply(ticketId: string, input: TicketReplyInput): Promise<Ticket> {
    const parsed = parseInput(TicketReplyInputSchema, input, [], FeedbackErrorCode.InvalidInput);
    if (!parsed.send) return this.change(ticketId, (row) => this.replyChange(row, parsed, row.source));
    const hub = messagingHubOf(this.ctx.tenant.crm);
    if (!hub) {
      throw new ValidationError(FeedbackErrorCode.InvalidInput, [
        { path: ['send'], message: 'no messaging hub is installed: add messaging() from @rapport/messaging to send replies' },
      ]);
    }
    const route = await this.replyRoute(await this.require(this.ctx.tenant.store, ticketId), parsed.channel);
    return this.change(
      ticketId,
      (row) => this.replyChange(row, parsed, route.channel ?? row.source),
      (tx, row, seq) => this.deliverReply(hub, tx, row, seq, parsed, route),
    );
  }

  /** The reply's channel and conversation: the one named, else the conversation's latest inbound channel, else the ticket's source. */
  private async replyRoute(
    row: TicketRow,
    explicit: string | undefined,
  ): Promise<{ channel: string | undefined; conversationId: string | null; guessed: boolean }> {
    const conversations = conversationsOf(this.ctx.tenant.crm);
    let conversation: Awaited<ReturnType<NonNullable<typeof conversations>['get']>> | null = null;
    if (row.conversationId && conversations) {
      try {
        conversation = await conversations.get(row.conversationId);
      } catch (error) {
        // A thread id the conversations module does not know (an e-mail Message-ID kept by the app): send without it.
        if (!isRapportError(error) || error.kind !== 'not_found') throw error;
      }
    }
    const conversationId = conversation ? (row.conversationId as string) : null;
    if (explicit) return { channel: explicit, conversationId, guessed: false };
    const inbound = conversation?.messages.filter((message) => message.direction === 'inbound').at(-1);
    const channel = inbound?.channel ?? conversation?.channel;
    if (channel) return { channel, conversationId, guessed: false };
    return { channel: row.source, conversationId, guessed: true };
  }

  private async deliverReply(
    hub: MessagingHub,
    tx: TenantStore,
    row: TicketRow,
    seq: number,
    reply: { body: string; subject?: string | undefined },
    route: { channel: string | undefined; conversationId: string | null; guessed: boolean },
  ): Promise<ReplyDelivery> {
    const send = (channel: string | undefined) =>
      hub.send(
        {
          customerId: row.customerId,
          purpose: this.ctx.options.messages?.replyPurpose ?? 'transactional',
          transactional: true,
          ...(channel ? { channel } : {}),
          content: { subject: reply.subject ?? `Re: ${row.subject}`.slice(0, 998), text: reply.body },
          ...(route.conversationId ? { conversationId: route.conversationId } : {}),
          idempotencyKey: `feedback:reply:${row.id}:${seq}`,
        },
        { in: tx },
      );
    try {
      let outcome: Awaited<ReturnType<typeof send>>;
      try {
        outcome = await send(route.channel);
      } catch (error) {
        // A source that is not a channel (`api`, `store`, `survey`): the hub routes the reply.
        if (!route.guessed || !isUnknownChannel(error)) throw error;
        outcome = await send(undefined);
      }
      return { status: outcome.status, messageId: outcome.messageId, channel: outcome.channel, conversationId: route.conversationId };
    } catch (error) {
      const refusal = hubRefusal(error);
      if (!refusal) throw error;
      return { status: 'refused', ...refusal };
    }
  }

  /** An internal note: on the ticket's history and the customer's timeline, no effect on the SLA. */
  note(ticketId: string, input: { body: string; author?: string }): Promise<Ticket> {
    const parsed = parseInput(noteSchema, { body: input?.body }, [], FeedbackErrorCode.InvalidInput);
    return this.change(ticketId, () => ({
      patch: {},
      kind: 'note',
      author: 'agent',
      body: parsed.body,
      data: input.author ? { by: input.author } : null,
      timeline: 'ticket.noted',
    }));
  }

  /** Hands the ticket to someone (or to nobody with `null`). */
  assign(ticketId: string, assignee: string | null): Promise<Ticket> {
    const to = assignee === null ? null : parseInput(nameSchema, assignee, ['assignee'], FeedbackErrorCode.InvalidInput);
    return this.change(ticketId, (row) => ({
      patch: { assignee: to },
      kind: 'assigned',
      author: 'system',
      data: { from: row.assignee, to },
    }));
  }

  /** Changes the priority; the SLA is recomputed under the policy the ticket now matches. */
  setPriority(ticketId: string, priority: string): Promise<Ticket> {
    const to = parseInput(prioritySchema, priority, ['priority'], FeedbackErrorCode.InvalidInput);
    return this.change(ticketId, (row) => ({
      patch: { priority: to },
      kind: 'priority',
      author: 'system',
      data: { from: row.priority, to },
    }));
  }

  /** Changes the category; the SLA is recomputed under the policy the ticket now matches. */
  setCategory(ticketId: string, category: string | null): Promise<Ticket> {
    const to = category === null ? null : parseInput(nameSchema, category, ['category'], FeedbackErrorCode.InvalidInput);
    return this.change(ticketId, (row) => ({
      patch: { category: to },
      kind: 'category',
      author: 'system',
      data: { from: row.category, to },
    }));
  }

  /**
   * Moves the ticket through the state machine (closed → pending is `FEEDBACK_TRANSITION_NOT_ALLOWED`):
   * pending pauses the SLA clocks, resolved stops them (and sends the resolved survey, if set).
   */
  setStatus(ticketId: string, status: TicketStatus): Promise<Ticket> {
    return this.change(ticketId, (row) => this.statusChange(row, status));
  }

  /** Reopens a resolved ticket (resolved → open); its clocks resume. */
  reopen(ticketId: string): Promise<Ticket> {
    return this.setStatus(ticketId, 'open');
  }

  /** A ticket, or `FEEDBACK_TICKET_NOT_FOUND`. */
  async get(ticketId: string): Promise<Ticket> {
    return ticketOf(await this.require(this.ctx.tenant.store, ticketId));
  }

  /** The ticket's history, oldest first. */
  async history(ticketId: string): Promise<TicketEvent[]> {
    await this.require(this.ctx.tenant.store, ticketId);
    const events: TicketEvent[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.ctx.tenant.store
        .table(ticketEventsTable)
        .find({ where: { ticketId }, orderBy: [{ column: 'seq' }], limit: 1000, ...(cursor ? { cursor } : {}) });
      for (const { customerId: _c, seq: _s, ...event } of page.items) events.push(event);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return events;
  }

  /** The ticket's SLA now: the policy and where each target stands. */
  async sla(ticketId: string): Promise<TicketSla> {
    const row = await this.require(this.ctx.tenant.store, ticketId);
    return ticketSla(this.ctx, this.ctx.tenant.store, row, this.ctx.now);
  }

  /** Tickets newest first, by customer and status. */
  async list(filter: TicketListFilter = {}): Promise<Page<Ticket>> {
    const parsed = parseInput(TicketListFilterSchema, filter, ['filter'], FeedbackErrorCode.InvalidInput);
    const page = await this.ctx.tenant.store.table(ticketsTable).find({
      where: {
        ...(parsed.customerId ? { customerId: parsed.customerId } : {}),
        ...(parsed.status ? { status: parsed.status } : {}),
      },
      orderBy: [{ column: 'createdAt', direction: 'desc' }],
      limit: parsed.limit,
      ...(parsed.cursor ? { cursor: parsed.cursor } : {}),
    });
    return { items: page.items.map(ticketOf), nextCursor: page.nextCursor };
  }

  /** Applies one change in its own transaction, retried when a concurrent change of the ticket won. */
  async change(ticketId: string, decide: (row: TicketRow) => TicketChange, effect?: ChangeEffect): Promise<Ticket> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.ctx.transact((tx, emit) => this.changeIn(tx, emit, ticketId, decide, effect));
      } catch (error) {
        if (!isLostTicketRace(error) || attempt >= CHANGE_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * Applies one change inside `tx`: the history entry, the new columns, the SLA recomputed and
   * its timers replaced, the timeline entry, and the event once `tx` commits.
   */
  async changeIn(
    tx: TenantStore,
    emit: (event: PendingEvent) => void,
    ticketId: string,
    decide: (row: TicketRow) => TicketChange,
    effect?: ChangeEffect,
  ): Promise<Ticket> {
    const row = await this.require(tx, ticketId);
    let change = decide(row);
    const now = this.ctx.now;
    const seq = row.version + 1;
    if (effect) {
      const delivery = await effect(tx, row, seq);
      change = { ...change, data: { ...(change.data ?? {}), delivery, channel: delivery.channel ?? change.data?.channel } };
    }
    await this.writeEvent(tx, row, seq, change);
    const changed: TicketRow = { ...row, ...change.patch };
    const sla = await rescheduleSla(this.ctx, tx, changed, now);
    const { applied, row: stored } = await tx
      .table(ticketsTable)
      .update({ id: ticketId }, { ...change.patch, ...sla, updatedAt: now }, { ifVersion: row.version });
    if (!applied || !stored) throw new TicketChanged();
    if (change.timeline) {
      await this.ctx.timeline(
        tx,
        this.timelineEntry(stored, seq, change.timeline, (change.data?.channel as string | undefined) ?? stored.source, {
          kind: change.kind,
          ...(change.data ?? {}),
        }),
      );
    }
    if (change.patch.status === 'resolved') await this.queueResolvedSurveys(tx, stored, seq);
    emit({ name: 'ticket.updated', payload: { tenantId: this.ctx.tenant.tenantId, ticket: ticketOf(stored), change: change.kind } });
    return ticketOf(stored);
  }

  private replyChange(row: TicketRow, input: { body: string; from: 'agent' | 'customer' }, channel: string): TicketChange {
    const firstContact = input.from === 'agent' && row.firstContactAt === null;
    // An agent's first reply opens a new ticket.
    const opens = input.from === 'agent' && row.status === 'new';
    return {
      patch: { ...(firstContact ? { firstContactAt: this.ctx.now } : {}), ...(opens ? { status: 'open' } : {}) },
      kind: 'reply',
      author: input.from,
      body: input.body,
      data: { from: input.from, channel, ...(opens ? { status: { from: 'new', to: 'open' } } : {}) },
      timeline: input.from === 'agent' ? 'ticket.replied' : 'ticket.customer_replied',
    };
  }

  private statusChange(row: TicketRow, to: TicketStatus): TicketChange {
    const transition = transitionTicket(row.status as TicketStatus, to);
    return {
      patch: {
        status: to,
        ...(to === 'resolved' ? { resolvedAt: this.ctx.now } : {}),
        ...(transition.reopened ? { resolvedAt: null } : {}),
      },
      kind: 'status',
      author: 'system',
      data: { from: row.status, to },
      timeline: transition.reopened ? 'ticket.reopened' : `ticket.${to}`,
    };
  }

  /** A history entry; a status change folded into another change (a reply that opens) is written as its own entry too. */
  private async writeEvent(tx: TenantStore, row: TicketRow, seq: number, change: TicketChange): Promise<void> {
    const events = tx.table(ticketEventsTable);
    const at = this.ctx.now;
    const base = { ticketId: row.id, customerId: row.customerId, at };
    await events.insert({
      ...base,
      id: this.ctx.tenant.ids.next(),
      kind: change.kind,
      author: change.author,
      body: change.body ?? null,
      data: change.data ?? null,
      seq: seq * 2,
    });
    const folded = change.kind !== 'status' ? (change.data?.status as { from: string; to: string } | undefined) : undefined;
    if (folded) {
      transitionTicket(folded.from as TicketStatus, folded.to as TicketStatus);
      await events.insert({ ...base, id: this.ctx.tenant.ids.next(), kind: 'status', author: 'system', data: folded, seq: seq * 2 + 1 });
    }
  }

  private async queueResolvedSurveys(tx: TenantStore, row: TicketRow, seq: number): Promise<void> {
    const { resolvedSurvey, triggers } = this.ctx.options;
    const sends = [...(resolvedSurvey ? [resolvedSurvey] : []), ...triggers.filter((trigger) => trigger.on === 'ticket.resolved')];
    for (const send of sends) {
      await this.ctx.tenant.jobs.enqueue(
        {
          type: FEEDBACK_JOBS.sendSurvey,
          payload: { customerId: row.customerId, surveyId: send.surveyId, channel: send.channel, ticketId: row.id },
          runAt: new Date(this.ctx.now.getTime() + send.delayMinutes * 60_000),
          idempotencyKey: `resolved:${row.id}:${seq}:${send.surveyId}`,
        },
        { in: tx },
      );
    }
  }

  private timelineEntry(row: TicketRow, seq: number, type: string, channel: string, properties: Record<string, unknown>) {
    return {
      customerId: row.customerId,
      type,
      channel,
      occurredAt: this.ctx.now.toISOString(),
      properties: { ticketId: row.id, status: row.status, priority: row.priority, ...properties },
      idempotencyKey: `ticket:${row.id}:${seq}`,
    };
  }

  private async require(store: TenantStore, ticketId: string): Promise<TicketRow> {
    const row = typeof ticketId === 'string' && ticketId.length > 0 ? await store.table(ticketsTable).get({ id: ticketId }) : null;
    if (!row) throw new NotFoundError(FeedbackErrorCode.TicketNotFound, 'ticket', String(ticketId));
    return row;
  }
}
