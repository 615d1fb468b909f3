import { randomUUID } from 'node:crypto';
import { type IdentityInput, isRapportError, NotFoundError, RapportError } from '@rapport/core';
import type { Channel, InboundMessage, InboundRequest, TenantContext } from '@rapport/core/plugin';
import { MessagingErrorCode } from '../error-codes.js';
import type { ConversationAnnouncer } from './conversation-announcer.js';
import type { ResolvedConversationOptions } from './conversation-options.js';
import { type ConversationPlacer, type PlacementResult, placeWithRetry } from './conversation-placer.js';
import type { InboundOutcome, OptOutOutcome, ReceiveResult } from './conversation-types.js';
import type { InboundFailures } from './inbound-failures.js';
import { replyTokenCandidates, verifyReplyToken } from './reply-token.js';
import { channelThreadKey, digest, messageThreadKey } from './thread-keys.js';

/** Options of one `receive` call. */
export interface ReceiveOptions {
  /** The conversation the app knows the request belongs to (a support widget's thread); it must be the sender's. */
  readonly conversationId?: string | undefined;
}

/**
 * The inbound path: a channel's `parseInbound` turns a request into messages; each is matched
 * to the customer by its sender identity (an unknown sender becomes a new customer with that
 * identity), placed into a conversation, recorded on the timeline (keyed by the provider's
 * message id, so a redelivery is a no-op) and, for an opt-out, withdraws the channel's consent
 * once. A request the channel rejects, and a message that fails, is recorded for inspection.
 */
export class InboundReceiver {
  constructor(
    private readonly tenant: TenantContext,
    private readonly options: ResolvedConversationOptions,
    private readonly placer: ConversationPlacer,
    private readonly failures: InboundFailures,
    private readonly announcer: ConversationAnnouncer,
  ) {}

  async receive(channelId: string, request: InboundRequest, options: ReceiveOptions = {}): Promise<ReceiveResult> {
    const channel = this.channel(channelId);
    let messages: readonly InboundMessage[];
    try {
      messages = await (channel.parseInbound as NonNullable<Channel['parseInbound']>).call(channel, request);
    } catch (error) {
      const failureId = await this.recordFailure(channelId, request, error);
      if (isRapportError(error)) throw error;
      throw rejected(channelId, failureId, error);
    }
    const outcomes: InboundOutcome[] = [];
    for (const message of messages) {
      try {
        outcomes.push(await this.accept(message, options));
      } catch (error) {
        const failureId = await this.recordFailure(channelId, request, error);
        outcomes.push({ status: 'rejected', failureId, error: isRapportError(error) ? error : rejected(channelId, failureId, error) });
      }
    }
    return { channel: channelId, outcomes };
  }

  /** Records a failure; if even that fails (the database is down), the caller still gets the original error. */
  private recordFailure(channelId: string, request: InboundRequest, error: unknown): Promise<string> {
    return this.failures.record(channelId, request, error).catch(() => 'unrecorded');
  }

  private channel(channelId: string): Channel {
    const contribution = this.tenant.crm.contributions.of('channels').find((entry) => entry.value.id === channelId);
    if (!contribution) throw new NotFoundError(MessagingErrorCode.ChannelNotFound, 'channel', channelId);
    const channel = this.tenant.resolve(contribution.value.token);
    if (typeof channel.parseInbound !== 'function') {
      throw new RapportError({
        code: MessagingErrorCode.ChannelNoInbound,
        kind: 'invalid_input',
        message: `channel "${channelId}" does not parse inbound messages`,
        details: { channel: channelId },
      });
    }
    return channel;
  }

  private async accept(message: InboundMessage, options: ReceiveOptions): Promise<InboundOutcome> {
    const { crm } = this.tenant;
    const { type, value, namespace } = message.from;
    // An external identity names its system; e-mail and phone identities have none.
    const identity: IdentityInput = type === 'external' ? { type, value, namespace: namespace ?? '' } : { type, value };
    const customer = (await crm.customers.find(identity)) ?? (await crm.customers.upsert({ identities: [identity] })).customer;
    const occurredAt = message.receivedAt ?? this.tenant.clock.now();
    const key =
      message.providerMessageId ??
      message.threading.messageId ??
      `${message.from.value}\u0000${occurredAt.toISOString()}\u0000${message.text}`;
    const id = `in:${message.channel}:${digest(key)}`;
    const { threading } = message;
    const placement = await placeWithRetry(this.tenant.store, (tx) =>
      this.placer.place(tx, {
        id,
        customerId: customer.id,
        channel: message.channel,
        direction: 'inbound',
        occurredAt,
        subject: message.subject,
        text: message.text,
        externalId: message.threading.messageId ?? message.providerMessageId,
        named: this.named(message, options),
        lookupKeys: [
          ...(threading.inReplyTo ? [messageThreadKey(threading.inReplyTo)] : []),
          ...[...(threading.references ?? [])].reverse().map(messageThreadKey),
          ...(threading.conversationId ? [channelThreadKey(message.channel, threading.conversationId)] : []),
        ],
        ownKeys: [
          ...(threading.messageId ? [messageThreadKey(threading.messageId)] : []),
          ...(threading.conversationId ? [channelThreadKey(message.channel, threading.conversationId)] : []),
        ],
      }),
    );
    // The placement has committed: tell it now, whatever happens to the timeline write.
    this.announcer.announce(placement);
    // After the placement: a crash between the two is mended by the redelivery, which finds
    // the message placed and records the interaction under the same key.
    await crm.interactions.record({
      customerId: customer.id,
      channel: message.channel,
      type: 'message.received',
      direction: 'inbound',
      occurredAt,
      properties: { conversationId: placement.conversationId, messageId: id },
      source: 'conversations',
      idempotencyKey: id,
    });
    const optOut = message.optOut ? await this.optOut(customer.id, message.channel, placement) : null;
    return { ...placement, optOut };
  }

  /** The conversation ids the message names: the caller's, a verified reply token's, the bridge's id if it is ours. */
  private named(message: InboundMessage, options: ReceiveOptions): string[] {
    const named = options.conversationId ? [options.conversationId] : [];
    const secret = this.options.replyTokenSecret;
    if (secret) {
      for (const candidate of [...replyTokenCandidates(message.threading.conversationId), ...replyTokenCandidates(message.to)]) {
        const id = verifyReplyToken(candidate, secret);
        if (id) named.push(id);
      }
    }
    if (message.threading.conversationId) named.push(message.threading.conversationId);
    return named;
  }

  /**
   * Withdraws the channel's consent for each opt-out purpose not already withdrawn there; `confirm`
   * only the first time. The check and the write happen under the customer's lock (`ifChanged`),
   * so of two opt-outs arriving at once exactly one withdraws and confirms; the per-call id in the
   * proof tells this call whether the withdrawal it got back is its own.
   */
  private async optOut(customerId: string, channel: string, placement: PlacementResult): Promise<OptOutOutcome> {
    const { consent } = this.tenant.crm;
    const optOutId = randomUUID();
    let withdrawn = false;
    for (const purpose of this.options.optOutPurposes) {
      const record = await consent.withdraw({
        customerId,
        purpose,
        channel,
        source: `inbound:${channel}`,
        proof: { messageId: placement.messageId, optOutId },
        ifChanged: true,
      });
      if (record.proof?.optOutId === optOutId) withdrawn = true;
    }
    return { purposes: this.options.optOutPurposes, withdrawn, confirm: withdrawn && placement.status === 'recorded' };
  }
}

function rejected(channel: string, failureId: string, cause: unknown): RapportError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new RapportError({
    code: MessagingErrorCode.InboundRejected,
    kind: 'invalid_input',
    message: `inbound ${channel} request rejected: ${reason}`,
    details: { channel, failureId, reason },
    cause,
  });
}
