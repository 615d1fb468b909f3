import { ValidationError } from '@rapport/core';
import type { DeliveryReceipt, InboundRequest, ReceiptStatus, TenantContext } from '@rapport/core/plugin';
import { MessagingErrorCode } from '../error-codes.js';
import type { ChannelDirectory } from '../routing/channel-directory.js';
import type { MessageStatus } from '../status/message-status.js';
import { announce, type StatusChange } from '../status/status-announcer.js';
import { type MessageRow, messagesTable } from '../tables.js';

/** What one receipt did: recorded on a message, repeated (recorded before: a replayed callback), or about no message of this tenant. */
export interface ReceiptOutcome {
  readonly providerMessageId: string;
  readonly status: ReceiptStatus;
  readonly outcome: 'recorded' | 'repeated' | 'unknown-message';
  readonly messageId?: string | undefined;
}

/** How far along a message is: a receipt never moves it back (a late `delivered` after `opened`). */
const RANK: Partial<Record<MessageStatus, number>> = { sent: 1, delivered: 2, opened: 3, clicked: 4, failed: 5, bounced: 5, complained: 6 };

/**
 * Applies a channel's delivery receipts: the message's status, a timeline entry and an
 * event per receipt (keyed so a replayed receipt is recorded once), and for a complaint or
 * a hard bounce a consent withdrawal of the message's purpose on the channel.
 */
export class ReceiptHandler {
  constructor(
    private readonly tenant: TenantContext,
    private readonly channels: ChannelDirectory,
  ) {}

  /** Parses one callback with the channel's `parseReceipt` and applies each receipt; one outcome per receipt. */
  async handle(channelId: string, request: InboundRequest): Promise<ReceiptOutcome[]> {
    const channel = this.channels.get(channelId);
    if (!channel) {
      throw new ValidationError(MessagingErrorCode.UnknownChannel, [
        { path: ['channelId'], message: `no installed channel is "${channelId}"` },
      ]);
    }
    if (!channel.parseReceipt) {
      throw new ValidationError(MessagingErrorCode.ReceiptsUnsupported, [
        { path: ['channelId'], message: `channel "${channelId}" does not parse receipts` },
      ]);
    }
    const receipts = await channel.parseReceipt(request);
    const outcomes: ReceiptOutcome[] = [];
    for (const receipt of receipts) outcomes.push(await this.apply(channelId, receipt));
    return outcomes;
  }

  private async apply(channel: string, receipt: DeliveryReceipt): Promise<ReceiptOutcome> {
    const rows = this.tenant.store.table(messagesTable);
    const base = { providerMessageId: receipt.providerMessageId, status: receipt.status };
    const row = (await rows.find({ where: { providerMessageId: receipt.providerMessageId, channel }, limit: 1 })).items[0];
    if (!row) return { ...base, outcome: 'unknown-message' };
    const status = receipt.status as MessageStatus;
    const at = receipt.at ?? this.tenant.clock.now();
    const current = RANK[row.status as MessageStatus] ?? 0;
    let updated: MessageRow = row;
    if ((RANK[status] ?? 0) > current) {
      const result = await rows.update(
        { id: row.id },
        { status, updatedAt: this.tenant.clock.now(), ...(receipt.reason ? { reason: receipt.reason } : {}) },
        { where: { status: row.status } },
      );
      if (result.applied && result.row) {
        updated = result.row;
        await this.withdrawIfAsked(updated, receipt);
      }
    }
    const change: StatusChange = {
      row: updated,
      status,
      at,
      occurrence: receipt.url,
      reason: receipt.reason ?? null,
      ...(receipt.url ? { properties: { url: receipt.url } } : {}),
    };
    const told = await announce(this.tenant.crm, [change]);
    return { ...base, outcome: told > 0 ? 'recorded' : 'repeated', messageId: row.id };
  }

  /** A complaint, or a bounce the channel calls hard, withdraws the message's purpose on its channel. */
  private async withdrawIfAsked(row: MessageRow, receipt: DeliveryReceipt): Promise<void> {
    const hard = receipt.status === 'bounced' && receipt.bounce === 'hard';
    if (receipt.status !== 'complained' && !hard) return;
    await this.tenant.crm.consent.withdraw({
      customerId: row.customerId,
      purpose: row.purpose,
      channel: row.channel,
      source: hard ? 'hard-bounce' : 'complaint',
      actor: '@rapport/messaging',
      proof: { messageId: row.id, providerMessageId: receipt.providerMessageId },
    });
  }
}
