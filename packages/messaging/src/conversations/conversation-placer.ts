import { ConflictError, isRapportError, NotFoundError } from '@rapport/core';
import { CoreErrorCode, type IdGenerator, TableErrorCode, type TenantStore } from '@rapport/core/plugin';
import { MessagingErrorCode } from '../error-codes.js';
import type { ResolvedConversationOptions } from './conversation-options.js';
import {
  type ConversationStatus,
  conversationHeadsTable,
  conversationMessagesTable,
  conversationsTable,
  conversationThreadKeysTable,
} from './conversation-tables.js';
import type { Placement } from './conversation-types.js';

/** A message to place into a conversation, with what can thread it. */
export interface PlaceRequest {
  /** The message row's id (deterministic, so a redelivery finds it). */
  readonly id: string;
  readonly customerId: string;
  readonly channel: string;
  readonly direction: 'inbound' | 'outbound';
  readonly occurredAt: Date;
  readonly subject?: string | undefined;
  readonly text?: string | undefined;
  readonly externalId?: string | undefined;
  /** Conversation ids the message names (explicitly, or by a verified reply token), strongest first. */
  readonly named: readonly string[];
  /** Thread keys to look up (`In-Reply-To`, then `References` newest first, a bridge's thread id). */
  readonly lookupKeys: readonly string[];
  /** Thread keys that point at this message's conversation from now on. */
  readonly ownKeys: readonly string[];
}

/** A placement, with the status change it made (for the status event). */
export interface PlacementResult extends Placement {
  readonly statusChange?: { readonly from: ConversationStatus; readonly to: ConversationStatus } | undefined;
}

/** Codes that mean a concurrent writer got there first: the whole placement is tried again. */
export const PLACEMENT_RETRY_CODES = [
  MessagingErrorCode.ConversationContended,
  TableErrorCode.UniqueViolation,
  CoreErrorCode.StorageConflict,
] as const;

/** Text columns cut to their declared size, so a long message is kept in part rather than refused. */
const cut = (value: string | undefined, max: number) => (value === undefined ? null : value.slice(0, max));

/**
 * Places one message into a conversation inside a transaction: the conversation it names or
 * threads to (if it is the same customer's), else the customer's latest one when it is not
 * closed and its last message is within the window, else a new one. The customer is locked
 * first, and the conversation and the customer's head row change only with a version check,
 * so concurrent messages of one customer end in one conversation with every message once;
 * a lost race throws a retryable conflict (see {@link PLACEMENT_RETRY_CODES}).
 */
export class ConversationPlacer {
  constructor(
    private readonly ids: IdGenerator,
    private readonly options: ResolvedConversationOptions,
  ) {}

  async place(tx: TenantStore, request: PlaceRequest): Promise<PlacementResult> {
    const live = await tx.customers.lockLive([request.customerId]);
    if (!live.has(request.customerId)) throw new NotFoundError(CoreErrorCode.CustomerNotFound, 'customer', request.customerId);
    const messages = tx.table(conversationMessagesTable);
    const existing = await messages.get({ id: request.id });
    const base = { messageId: request.id, customerId: request.customerId, channel: request.channel, direction: request.direction };
    if (existing) return { ...base, status: 'duplicate', conversationId: existing.conversationId, opened: false };

    let conversation = (await this.threaded(tx, request)) ?? (await this.latestWithinWindow(tx, request));
    const opened = conversation === undefined;
    if (!conversation) conversation = await this.open(tx, request);

    const to: ConversationStatus = request.direction === 'inbound' ? 'open' : conversation.status === 'closed' ? 'closed' : 'pending';
    const position = conversation.messageCount + 1;
    const lastMessageAt = new Date(Math.max(conversation.lastMessageAt.getTime(), request.occurredAt.getTime()));
    const { applied } = await tx
      .table(conversationsTable)
      .update({ id: conversation.id }, { messageCount: position, lastMessageAt, status: to }, { ifVersion: conversation.version });
    if (!applied) throw contended(request.customerId);
    await messages.insert({
      id: request.id,
      conversationId: conversation.id,
      customerId: request.customerId,
      position,
      channel: request.channel,
      direction: request.direction,
      occurredAt: request.occurredAt,
      subject: cut(request.subject, 500),
      text: cut(request.text, this.options.textLimit),
      externalId: cut(request.externalId, 1_000),
    });
    const keys = tx.table(conversationThreadKeysTable);
    for (const threadKey of new Set(request.ownKeys)) {
      if (!(await keys.get({ threadKey }))) await keys.insert({ threadKey, conversationId: conversation.id });
    }
    const statusChange = !opened && conversation.status !== to ? { from: conversation.status as ConversationStatus, to } : undefined;
    return { ...base, status: 'recorded', conversationId: conversation.id, opened, statusChange };
  }

  /** The conversation the message names or threads to, if it is this customer's. */
  private async threaded(tx: TenantStore, request: PlaceRequest) {
    const conversations = tx.table(conversationsTable);
    const keys = tx.table(conversationThreadKeysTable);
    const ids = [...request.named];
    for (const threadKey of request.lookupKeys) {
      const key = await keys.get({ threadKey });
      if (key) ids.push(key.conversationId);
    }
    for (const id of ids) {
      const conversation = await conversations.get({ id });
      // Another customer's conversation is never joined: a forwarded mail's ids thread nothing.
      if (conversation?.customerId === request.customerId) return conversation;
    }
    return undefined;
  }

  private async latestWithinWindow(tx: TenantStore, request: PlaceRequest) {
    const head = await tx.table(conversationHeadsTable).get({ customerId: request.customerId });
    if (!head) return undefined;
    const conversation = await tx.table(conversationsTable).get({ id: head.conversationId });
    if (!conversation || conversation.status === 'closed') return undefined;
    const idle = request.occurredAt.getTime() - conversation.lastMessageAt.getTime();
    return idle <= this.options.continueWithinMs ? conversation : undefined;
  }

  /** Opens a conversation and makes it the customer's latest; a concurrent opener makes this fail and retry. */
  private async open(tx: TenantStore, request: PlaceRequest) {
    const heads = tx.table(conversationHeadsTable);
    const id = this.ids.next();
    const head = await heads.get({ customerId: request.customerId });
    if (head) {
      const { applied } = await heads.update({ customerId: request.customerId }, { conversationId: id }, { ifVersion: head.version });
      if (!applied) throw contended(request.customerId);
    } else {
      await heads.insert({ customerId: request.customerId, conversationId: id });
    }
    const row = {
      id,
      customerId: request.customerId,
      status: 'open',
      subject: cut(request.subject, 500),
      channel: request.channel,
      openedAt: request.occurredAt,
      lastMessageAt: request.occurredAt,
      messageCount: 0,
      version: 1,
    };
    await tx.table(conversationsTable).insert(row);
    return row;
  }
}

function contended(customerId: string): ConflictError {
  return new ConflictError(MessagingErrorCode.ConversationContended, `a concurrent message changed customer ${customerId}'s conversation`, {
    customerId,
  });
}

/** Runs `work` in a transaction of its own, again (with jittered backoff) when a concurrent writer won a race. */
export async function placeWithRetry<T>(store: TenantStore, work: (tx: TenantStore) => Promise<T>, attempts = 30): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.transaction(work);
    } catch (error) {
      const retryable = PLACEMENT_RETRY_CODES.some((code) => isRapportError(error, code));
      if (!retryable || attempt >= attempts) throw error;
      const ceiling = Math.min(64, 2 ** attempt);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
    }
  }
}
