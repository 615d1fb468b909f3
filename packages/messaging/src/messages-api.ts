import { type Page, RapportError, ValidationError } from '@rapport/core';
import { type InboundRequest, type TenantContext, toValidationIssues } from '@rapport/core/plugin';
import { z } from 'zod';
import { DISPATCH_JOB } from './dispatch/dispatch-job.js';
import { MessagingErrorCode } from './error-codes.js';
import type { ResolvedMessagingOptions } from './options.js';
import type { ReceiptHandler, ReceiptOutcome } from './receipts/receipt-handler.js';
import type { MessageSender, SendOptions } from './send/message-sender.js';
import type { SendInput } from './send/send-input.js';
import type { SendManyOutcome, SendOutcome } from './send/send-outcome.js';
import { MESSAGE_STATUSES, type MessageStatus, REPLAYABLE_STATUSES } from './status/message-status.js';
import { announce } from './status/status-announcer.js';
import { type MessageRow, messagesTable } from './tables.js';
import { type UnsubscribeOutcome, unsubscribe } from './unsubscribe/unsubscriber.js';

/** A stored message, as `crm.messages` reads it. */
export type Message = MessageRow;

/** Filter of `crm.messages.list`: a customer, a status, a page size and cursor. */
export const MessageListQuerySchema = z
  .object({
    customerId: z.string().min(1).max(64).optional(),
    status: z.enum(MESSAGE_STATUSES).optional(),
    limit: z.number().int().min(1).max(1000).default(50),
    cursor: z.string().optional(),
  })
  .strict();

/** Filter of `crm.messages.list`. */
export type MessageListQuery = z.input<typeof MessageListQuerySchema>;

/**
 * `crm.messages`: one tenant's outbound messages. `send` records a message and queues its
 * dispatch in one transaction; workers send it (consent, caps and quiet hours checked then),
 * and every status change lands on the customer's timeline and the event bus.
 */
export class MessagesApi {
  /** Built by the plugin, once per tenant. */
  constructor(
    private readonly tenant: TenantContext,
    private readonly options: ResolvedMessagingOptions,
    private readonly sender: MessageSender,
    private readonly receipts: ReceiptHandler,
  ) {}

  /**
   * Records a message and queues its dispatch (with `{ in: tx }`, in the caller's
   * transaction). Returns the message id, its channel and the routing reasons. A bad input,
   * an unknown purpose or channel, no address or a reached cap throw a typed error.
   */
  send(input: SendInput, options?: SendOptions): Promise<SendOutcome> {
    return this.sender.send(input, options);
  }

  /** Queues many sends: one outcome per input, in order; a rejected one is reported with its error and the rest kept. */
  sendMany(inputs: readonly SendInput[], options?: SendOptions): Promise<SendManyOutcome[]> {
    return this.sender.sendMany(inputs, options);
  }

  /**
   * Withdraws the consent an unsubscribe link names (the `token` query parameter of the
   * `List-Unsubscribe` URL), once: a second click or a mail client's retry says
   * `withdrawn: false` and writes nothing. A token that is not validly signed is
   * `MESSAGING_UNSUBSCRIBE_INVALID`. Call it on the one-click POST (RFC 8058), not on a GET,
   * which link scanners fetch on their own.
   */
  unsubscribe(token: string): Promise<UnsubscribeOutcome> {
    return unsubscribe(this.tenant, this.options, token);
  }

  /** A message by id, or `MESSAGING_MESSAGE_NOT_FOUND`. */
  async get(id: string): Promise<Message> {
    const row = typeof id === 'string' && id.length > 0 ? await this.rows().get({ id }) : null;
    if (!row) throw notFound(id);
    return row;
  }

  /** Messages newest first, by customer and status, a page at a time. */
  list(query: MessageListQuery = {}): Promise<Page<Message>> {
    const parsed = MessageListQuerySchema.safeParse(query);
    if (!parsed.success)
      throw new ValidationError(
        MessagingErrorCode.InvalidInput,
        toValidationIssues(parsed.error).map((issue) => ({ ...issue, path: ['query', ...issue.path] })),
      );
    const { customerId, status, limit, cursor } = parsed.data;
    return this.rows().find({
      where: { ...(customerId ? { customerId } : {}), ...(status ? { status } : {}) },
      orderBy: [{ column: 'createdAt', direction: 'desc' }],
      limit,
      ...(cursor ? { cursor } : {}),
    });
  }

  /** Dead letters: messages whose every attempt failed, newest first, with their last error. */
  deadLetters(query: Omit<MessageListQuery, 'status'> = {}): Promise<Page<Message>> {
    return this.list({ ...query, status: 'dead' });
  }

  /**
   * Sends a dead (or permanently failed) message again from its first attempt, through the
   * same checks; false if another call replayed it first. Other statuses are `MESSAGING_NOT_REPLAYABLE`.
   */
  async replay(id: string): Promise<boolean> {
    const row = await this.get(id);
    if (!REPLAYABLE_STATUSES.includes(row.status as MessageStatus)) {
      throw new RapportError({
        code: MessagingErrorCode.NotReplayable,
        kind: 'conflict',
        message: `message "${id}" is ${row.status}; only dead or failed messages are replayed`,
        details: { messageId: id, reason: `status is ${row.status}` },
      });
    }
    const now = this.tenant.clock.now();
    const updated = await this.tenant.store.transaction(async (tx) => {
      const { job } = await this.tenant.jobs.enqueue(
        {
          type: DISPATCH_JOB,
          payload: { messageId: id },
          idempotencyKey: `messaging:${id}:replay:${now.getTime()}`,
          maxAttempts: this.options.maxAttempts,
        },
        { in: tx },
      );
      return tx
        .table(messagesTable)
        .update(
          { id },
          { status: 'queued', attempts: 0, error: null, reason: null, jobId: job.id, sendAt: now, updatedAt: now },
          { where: { status: row.status, jobId: row.jobId } },
        );
    });
    if (!updated.applied || !updated.row) return false;
    await announce(this.tenant.crm, [{ row: updated.row, status: 'queued', at: now, occurrence: `replay-${now.getTime()}` }]);
    return true;
  }

  /**
   * Applies a provider's delivery-receipt callback through `channel.parseReceipt`: statuses,
   * timeline entries, events, and consent withdrawals for complaints and hard bounces. A
   * malformed body is the channel's typed `CHANNEL_RECEIPT_MALFORMED` error.
   */
  handleReceipt(channelId: string, request: InboundRequest): Promise<ReceiptOutcome[]> {
    return this.receipts.handle(channelId, request);
  }

  private rows() {
    return this.tenant.store.table(messagesTable);
  }
}

function notFound(id: string): RapportError {
  return new RapportError({
    code: MessagingErrorCode.MessageNotFound,
    kind: 'not_found',
    message: `message "${String(id)}" was not found`,
    details: { entity: 'message', id: String(id) },
  });
}
