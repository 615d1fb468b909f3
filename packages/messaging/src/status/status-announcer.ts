import { createHash } from 'node:crypto';
import type { Crm } from '@rapport/core';
import type { MessageRow } from '../tables.js';
import type { MessageEvent } from './message-events.js';
import type { MessageStatus } from './message-status.js';

/** One status change to tell: the message as it now is, and what to key the timeline entry by. */
export interface StatusChange {
  readonly row: MessageRow;
  readonly status: MessageStatus;
  readonly at: Date;
  /** Makes the timeline key unique where one status can happen twice (a second deferral, a click on another link). */
  readonly occurrence?: string | undefined;
  readonly reason?: string | null | undefined;
  /** More facts for the timeline entry (a clicked link). */
  readonly properties?: Readonly<Record<string, unknown>> | undefined;
}

const SOURCE = '@rapport/messaging';

/**
 * Puts status changes on the customer's timeline (one interaction each, keyed by message,
 * status and occurrence, so a replayed receipt or a re-run job records it once) and then on
 * the event bus — only the changes whose entry is new, so the bus is not told twice either.
 * Interactions of a batch go in one `recordMany`. Returns how many were new.
 */
export async function announce(crm: Crm, changes: readonly StatusChange[]): Promise<number> {
  if (changes.length === 0) return 0;
  const { outcomes } = await crm.interactions.recordMany(
    changes.map((change) => ({
      customerId: change.row.customerId,
      channel: change.row.channel,
      type: `message.${change.status}`,
      direction: 'outbound' as const,
      occurredAt: change.at,
      source: SOURCE,
      idempotencyKey: `message:${change.row.id}:${change.status}${change.occurrence ? `:${shortKey(change.occurrence)}` : ''}`,
      properties: {
        messageId: change.row.id,
        purpose: change.row.purpose,
        ...(change.reason ? { reason: change.reason } : {}),
        ...(change.row.providerMessageId ? { providerMessageId: change.row.providerMessageId } : {}),
        ...(change.row.templateKey ? { template: change.row.templateKey, templateVersion: change.row.templateVersion } : {}),
        ...change.properties,
      },
    })),
  );
  let told = 0;
  for (const [index, change] of changes.entries()) {
    if (outcomes[index]?.status !== 'stored') continue;
    told++;
    const event: MessageEvent = {
      tenantId: crm.tenantId,
      messageId: change.row.id,
      customerId: change.row.customerId,
      channel: change.row.channel,
      purpose: change.row.purpose,
      status: change.status,
      reason: change.reason ?? null,
      providerMessageId: change.row.providerMessageId,
      at: change.at,
    };
    crm.events.emit(`message.${change.status}`, event);
  }
  return told;
}

/** An occurrence short enough for an idempotency key (a long link becomes its hash). */
function shortKey(occurrence: string): string {
  return occurrence.length <= 64 ? occurrence : createHash('sha256').update(occurrence).digest('base64url').slice(0, 32);
}
