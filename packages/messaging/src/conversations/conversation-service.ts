import { NotFoundError, type Page } from '@rapport/core';
import { type InboundRequest, parseInput, type RowOf, type TenantContext, type TenantStore } from '@rapport/core/plugin';
import { z } from 'zod';
import { MessagingErrorCode } from '../error-codes.js';
import { ConversationAnnouncer } from './conversation-announcer.js';
import type { ResolvedConversationOptions } from './conversation-options.js';
import { ConversationPlacer, type PlacementResult, placeWithRetry } from './conversation-placer.js';
import {
  CONVERSATION_STATUSES,
  type ConversationStatus,
  conversationMessagesTable,
  conversationsTable,
  conversationThreadKeysTable,
} from './conversation-tables.js';
import type {
  Conversation,
  ConversationMessage,
  ConversationWithMessages,
  InboundFailure,
  OutboundRecord,
  OutboundThreading,
  ReceiveResult,
} from './conversation-types.js';
import { InboundFailures } from './inbound-failures.js';
import { InboundReceiver, type ReceiveOptions } from './inbound-receiver.js';
import { signReplyToken } from './reply-token.js';
import { messageThreadKey } from './thread-keys.js';

const id = z.string().min(1).max(160);
const ListQuerySchema = z.object({
  status: z.enum(CONVERSATION_STATUSES).optional(),
  cursor: z.string().min(1).optional(),
  limit: z.number().int().min(1).max(1000).optional(),
});
const OutboundRecordSchema = z.object({
  conversationId: id.optional(),
  messageId: id,
  customerId: id,
  channel: z.string().min(1).max(64),
  subject: z.string().optional(),
  text: z.string().optional(),
  threading: z
    .object({
      messageId: z.string().min(1).optional(),
      inReplyTo: z.string().min(1).optional(),
      references: z.array(z.string().min(1)).optional(),
      conversationId: z.string().min(1).optional(),
    })
    .optional(),
  occurredAt: z.date().optional(),
});

/** How many ids an outbound message's `References` carries at most (the latest ones). */
const MAX_REFERENCES = 20;

const toConversation = ({ version: _version, ...row }: RowOf<typeof conversationsTable>): Conversation => ({
  ...row,
  status: row.status as ConversationStatus,
});
const toMessage = (row: RowOf<typeof conversationMessagesTable>): ConversationMessage => ({
  ...row,
  direction: row.direction as ConversationMessage['direction'],
});

/**
 * `crm.conversations` for one tenant: inbound messages from every channel (`receive`), the
 * hub's outbound ones (`recordOutbound`), the threading outbound messages carry
 * (`threadingFor`), a customer's conversations with their messages in order, their status,
 * and the failed inbound requests kept for inspection.
 */
export class ConversationService {
  private readonly placer: ConversationPlacer;
  private readonly failureLog: InboundFailures;
  private readonly announcer: ConversationAnnouncer;
  private readonly receiver: InboundReceiver;

  constructor(
    private readonly tenant: TenantContext,
    private readonly options: ResolvedConversationOptions,
  ) {
    this.placer = new ConversationPlacer(tenant.ids, options);
    this.failureLog = new InboundFailures(tenant, options);
    this.announcer = new ConversationAnnouncer(tenant.events, tenant.tenantId);
    this.receiver = new InboundReceiver(tenant, options, this.placer, this.failureLog, this.announcer);
  }

  /**
   * Receives an inbound webhook or raw message through the installed channel `channelId`.
   * A request the channel rejects is recorded (see {@link ConversationService.failures}) and
   * its typed error thrown; each parsed message gets an outcome (`recorded`, `duplicate`, or
   * `rejected` and recorded), so one bad message does not lose the others.
   */
  receive(channelId: string, request: InboundRequest, options: ReceiveOptions = {}): Promise<ReceiveResult> {
    return this.receiver.receive(channelId, request, options);
  }

  /**
   * Joins an outbound message to its conversation inside `tx`, the send's own transaction
   * (the hub calls it when it queues the message). Recording one message id twice is a
   * no-op. A `ConflictError` means a concurrent message won a race: retry the transaction.
   * Call {@link ConversationService.announce} with the result once `tx` has committed.
   */
  async recordOutbound(tx: TenantStore, input: OutboundRecord): Promise<PlacementResult> {
    const parsed = parseInput(OutboundRecordSchema, input, [], MessagingErrorCode.ConversationInvalidInput);
    if (parsed.conversationId !== undefined) {
      const named = await tx.table(conversationsTable).get({ id: parsed.conversationId });
      if (named?.customerId !== parsed.customerId) {
        throw new NotFoundError(MessagingErrorCode.ConversationNotFound, 'conversation', parsed.conversationId);
      }
    }
    const threading = parsed.threading ?? {};
    return this.placer.place(tx, {
      id: `out:${parsed.messageId}`,
      customerId: parsed.customerId,
      channel: parsed.channel,
      direction: 'outbound',
      occurredAt: parsed.occurredAt ?? this.tenant.clock.now(),
      subject: parsed.subject,
      text: parsed.text,
      externalId: threading.messageId,
      named: parsed.conversationId ? [parsed.conversationId] : [],
      lookupKeys: [...(threading.inReplyTo ? [threading.inReplyTo] : []), ...[...(threading.references ?? [])].reverse()].map(
        messageThreadKey,
      ),
      ownKeys: threading.messageId ? [messageThreadKey(threading.messageId)] : [],
    });
  }

  /** {@link ConversationService.recordOutbound} in a transaction of its own, retried on a lost race, and announced. */
  async recordOutboundNow(input: OutboundRecord): Promise<PlacementResult> {
    const placement = await placeWithRetry(this.tenant.store, (tx) => this.recordOutbound(tx, input));
    this.announce(placement);
    return placement;
  }

  /**
   * Makes a sent message's provider id (an e-mail `Message-ID` the channel chose) thread the
   * replies to it, for a hub that learns it only after the send.
   */
  async recordProviderId(messageId: string, providerMessageId: string): Promise<void> {
    const row = await this.tenant.store.table(conversationMessagesTable).get({ id: `out:${messageId}` });
    if (!row) throw new NotFoundError(MessagingErrorCode.ConversationNotFound, 'conversation message', messageId);
    await this.tenant.store
      .table(conversationThreadKeysTable)
      .upsert({ threadKey: messageThreadKey(providerMessageId), conversationId: row.conversationId });
  }

  /** Emits the events of a committed placement (`conversation.opened`, `.message`, `.status`). */
  announce(placement: PlacementResult): void {
    this.announcer.announce(placement);
  }

  /**
   * The threading an outbound message on this conversation carries: `inReplyTo` the latest
   * message id the customer sent, `references` the thread's ids, and a signed reply token as
   * `conversationId` (when `replyTokenSecret` is set) for channels and reply-to addresses.
   */
  async threadingFor(conversationId: string): Promise<OutboundThreading> {
    const conversation = await this.requireConversation(conversationId);
    const messages = await this.messagesOf(conversation.id);
    const externalIds = messages.flatMap((message) => (message.externalId?.startsWith('<') ? [message.externalId] : []));
    const lastInbound = messages.filter((message) => message.direction === 'inbound' && message.externalId?.startsWith('<')).at(-1);
    const secret = this.options.replyTokenSecret;
    const replyToken = secret ? signReplyToken(conversation.id, secret) : undefined;
    return {
      threading: {
        ...(lastInbound?.externalId ? { inReplyTo: lastInbound.externalId } : {}),
        references: externalIds.slice(-MAX_REFERENCES),
        ...(replyToken ? { conversationId: replyToken } : {}),
      },
      replyToken,
    };
  }

  /** A customer's conversations, latest activity first, optionally of one status. */
  async list(
    customerId: string,
    query: { status?: ConversationStatus; cursor?: string; limit?: number } = {},
  ): Promise<Page<Conversation>> {
    const customer = parseInput(id, customerId, 'customerId', MessagingErrorCode.ConversationInvalidInput);
    const parsed = parseInput(ListQuerySchema, query, [], MessagingErrorCode.ConversationInvalidInput);
    const page = await this.tenant.store.table(conversationsTable).find({
      where: { customerId: customer, ...(parsed.status ? { status: parsed.status } : {}) },
      orderBy: [{ column: 'lastMessageAt', direction: 'desc' }],
      ...(parsed.cursor ? { cursor: parsed.cursor } : {}),
      ...(parsed.limit ? { limit: parsed.limit } : {}),
    });
    return { items: page.items.map(toConversation), nextCursor: page.nextCursor };
  }

  /** A conversation with its messages from every channel, in order. */
  async get(conversationId: string): Promise<ConversationWithMessages> {
    const conversation = await this.requireConversation(conversationId);
    return { ...toConversation(conversation), messages: await this.messagesOf(conversation.id) };
  }

  /** Closes a conversation: a later message without threading opens a new one; a reply threaded to it reopens it. */
  close(conversationId: string): Promise<Conversation> {
    return this.setStatus(conversationId, 'closed');
  }

  /** Reopens a conversation (status `open`). */
  reopen(conversationId: string): Promise<Conversation> {
    return this.setStatus(conversationId, 'open');
  }

  /** Sets a conversation's status, emitting `conversation.status` when it changes. */
  async setStatus(conversationId: string, status: ConversationStatus): Promise<Conversation> {
    const to = parseInput(z.enum(CONVERSATION_STATUSES), status, 'status', MessagingErrorCode.ConversationInvalidInput);
    const table = this.tenant.store.table(conversationsTable);
    for (;;) {
      const current = await this.requireConversation(conversationId);
      if (current.status === to) return toConversation(current);
      const { applied, row } = await table.update({ id: current.id }, { status: to }, { ifVersion: current.version });
      if (!applied || !row) continue; // a message landed meanwhile: read again
      const from = current.status as ConversationStatus;
      this.tenant.events.emit('conversation.status', {
        tenantId: this.tenant.tenantId,
        conversationId: row.id,
        customerId: row.customerId,
        from,
        to,
      });
      return toConversation(row);
    }
  }

  /** Inbound requests that failed (malformed, badly signed, or a message that could not be placed), newest first. */
  failures(query: { channel?: string; cursor?: string; limit?: number } = {}): Promise<Page<InboundFailure>> {
    return this.failureLog.list(query);
  }

  private async requireConversation(conversationId: string) {
    const key = parseInput(id, conversationId, 'conversationId', MessagingErrorCode.ConversationInvalidInput);
    const conversation = await this.tenant.store.table(conversationsTable).get({ id: key });
    if (!conversation) throw new NotFoundError(MessagingErrorCode.ConversationNotFound, 'conversation', key);
    return conversation;
  }

  private async messagesOf(conversationId: string): Promise<ConversationMessage[]> {
    const table = this.tenant.store.table(conversationMessagesTable);
    const out: ConversationMessage[] = [];
    let cursor: string | null = null;
    do {
      const page = await table.find({
        where: { conversationId },
        orderBy: [{ column: 'position' }],
        limit: 1000,
        ...(cursor ? { cursor } : {}),
      });
      out.push(...page.items.map(toMessage));
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }
}
