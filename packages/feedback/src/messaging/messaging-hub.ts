import { type Crm, isRapportError, type RapportError } from '@rapport/core';
import type { TenantStore } from '@rapport/core/plugin';

/** What feedback asks of the hub: one queued message (the part of `@rapport/messaging`'s `SendInput` it uses). */
export interface HubSendInput {
  customerId: string;
  purpose: string;
  channel?: string;
  content?: { subject?: string; text?: string };
  template?: { key: string; variables: Record<string, unknown> };
  transactional?: boolean;
  conversationId?: string;
  idempotencyKey?: string;
}

/** What the hub answers for a queued message (its `SendOutcome`). */
export interface HubSendOutcome {
  readonly messageId: string;
  readonly status: string;
  readonly channel: string;
  readonly reasons: readonly string[];
  readonly sendAt: Date;
}

/**
 * The structural shape of `crm.messages` that feedback uses. Found on the Crm at run time, so
 * `@rapport/feedback` does not import `@rapport/messaging` (an app without it keeps links and
 * events), the way the hub finds `crm.templates` and `crm.conversations`.
 */
export interface MessagingHub {
  send(input: HubSendInput, options?: { in?: TenantStore }): Promise<HubSendOutcome>;
}

/** The structural shape of `crm.conversations` a ticket reply reads: the conversation's channels. */
export interface ConversationsLookup {
  get(conversationId: string): Promise<{ channel: string; messages: readonly { channel: string; direction: string }[] }>;
}

/** `crm.messages`, when the messaging hub is installed. */
export function messagingHubOf(crm: Crm): MessagingHub | undefined {
  const messages = (crm as unknown as { messages?: Partial<MessagingHub> }).messages;
  return typeof messages?.send === 'function' ? (messages as MessagingHub) : undefined;
}

/** `crm.conversations`, when the conversations module is installed. */
export function conversationsOf(crm: Crm): ConversationsLookup | undefined {
  const conversations = (crm as unknown as { conversations?: Partial<ConversationsLookup> }).conversations;
  return typeof conversations?.get === 'function' ? (conversations as ConversationsLookup) : undefined;
}

/** A hub refusal: no channel can reach the person, or a frequency cap is reached (`forbidden` errors, with reasons). */
export interface HubRefusal {
  /** The hub's error code (`MESSAGING_NO_ADDRESS`, `MESSAGING_CAPPED`). */
  code: string;
  /** One line per channel or rule the hub looked at. */
  reasons: string[];
}

/**
 * The refusal in a hub error, or `null` for any other error. The hub refuses before it writes,
 * so a refusal inside the caller's transaction leaves nothing to roll back.
 */
export function hubRefusal(error: unknown): HubRefusal | null {
  if (!isRapportError(error) || (error as RapportError).kind !== 'forbidden') return null;
  const reasons = ((error as RapportError).details as { reasons?: unknown } | undefined)?.reasons;
  return {
    code: String((error as RapportError).code),
    reasons: Array.isArray(reasons) ? reasons.map(String) : [(error as RapportError).message],
  };
}

/** True for the hub's "no installed channel has this id" (`MESSAGING_UNKNOWN_CHANNEL`). */
export function isUnknownChannel(error: unknown): boolean {
  return isRapportError(error) && String((error as RapportError).code) === 'MESSAGING_UNKNOWN_CHANNEL';
}
