import type { Token } from '../di/token.js';
import type { IdentityType } from '../model/identity.js';
import type { InboundRequest } from './channel-request.js';

/**
 * What a channel can do beyond sending text, so the hub (and an app) can choose without
 * trying: `receipts` — it parses delivery receipts; `inbound` — it parses inbound messages;
 * `html` — it sends an HTML body; `subject` — messages have a subject line; `threading` — it
 * carries reply threading ids; `unsubscribe` — it carries a one-click unsubscribe link;
 * `data` — it carries a JSON payload (`message.data`).
 */
export const CHANNEL_CAPABILITIES = ['receipts', 'inbound', 'html', 'subject', 'threading', 'unsubscribe', 'data'] as const;
/** One of {@link CHANNEL_CAPABILITIES}. */
export type ChannelCapability = (typeof CHANNEL_CAPABILITIES)[number];

/** Where a message goes: one of the customer's identities (an e-mail, an E.164 phone, an external id). */
export interface ChannelAddress {
  readonly type: IdentityType;
  readonly value: string;
  /** The external system of an `external` identity (`wechat`, `pos`); absent otherwise. */
  readonly namespace?: string | undefined;
}

/** Reply threading ids, as a message carries them (RFC 5322 ids keep their angle brackets). */
export interface MessageThreading {
  /** This message's own id on the channel (an e-mail `Message-ID`). */
  readonly messageId?: string | undefined;
  /** The id of the message this one answers. */
  readonly inReplyTo?: string | undefined;
  /** The thread's earlier ids, oldest first. */
  readonly references?: readonly string[] | undefined;
  /** A conversation id carried explicitly (a chat bridge's thread, a reply token). */
  readonly conversationId?: string | undefined;
}

/**
 * A message the hub hands a channel, already rendered, consented and routed: a channel
 * only delivers it. Fields a channel lacks the capability for are ignored.
 */
export interface OutboundMessage {
  /** The hub's message id: stable across retries, used as the provider's idempotency key and in threading ids. */
  readonly id: string;
  readonly to: ChannelAddress;
  /** The plain-text body (SMS text, the e-mail text part). */
  readonly text?: string | undefined;
  /** The HTML body, for channels with `html`. */
  readonly html?: string | undefined;
  /** The subject line, for channels with `subject`. */
  readonly subject?: string | undefined;
  /** An event type for channels with `data`, e.g. `message.created`. */
  readonly type?: string | undefined;
  /** A JSON payload for channels with `data`. */
  readonly data?: Readonly<Record<string, unknown>> | undefined;
  /** What this message answers, for channels with `threading`. */
  readonly threading?: MessageThreading | undefined;
  /**
   * Where the recipient withdraws consent with one click (RFC 8058), for channels with
   * `unsubscribe`. The hub signs the URL; the channel only carries it.
   */
  readonly unsubscribeUrl?: string | undefined;
  /** Free-form labels the provider echoes back (tags, campaign), never interpreted by the channel. */
  readonly metadata?: Readonly<Record<string, string>> | undefined;
}

/** Per-attempt options of {@link Channel.send}. */
export interface SendOptions {
  /**
   * The key the provider deduplicates on, the same on every retry of one message, so a
   * retry after a crash between the provider call and marking the row sent has one effect.
   */
  readonly idempotencyKey: string;
  /** Aborts the attempt (a worker shutting down, a timeout); the result is then `transient`. */
  readonly signal?: AbortSignal | undefined;
}

/** The provider accepted the message. */
export interface SendSucceeded {
  readonly status: 'sent';
  /** The provider's id for the message, which its receipts refer to. */
  readonly providerMessageId: string;
  /** How many billable parts the message used (SMS segments), when the channel knows. */
  readonly parts?: number | undefined;
}

/**
 * How a failed send may be retried: `permanent` — never (a rejected address, a 4xx that is
 * not a throttle); `throttled` — after `retryAfterMs`; `transient` — with backoff (a timeout,
 * a 5xx, a refused connection).
 */
export type SendErrorClass = 'permanent' | 'throttled' | 'transient';

/** What every failed {@link SendResult} carries. */
export interface SendFailedBase {
  readonly status: 'failed';
  /** Why, for logs and the message's timeline (no secrets). */
  readonly reason: string;
  /** The provider's own code (an SMTP reply code, an HTTP status, a Twilio error code), when there is one. */
  readonly providerCode?: string | undefined;
}

/** A failure that will fail again: the hub dead-letters the message without retrying. */
export interface SendFailedPermanently extends SendFailedBase {
  readonly errorClass: 'permanent';
  /** The endpoint is gone for good (a webhook's 410): the hub should disable it. */
  readonly disableEndpoint?: boolean | undefined;
}

/** The provider asked to slow down: retry after `retryAfterMs`. */
export interface SendThrottled extends SendFailedBase {
  readonly errorClass: 'throttled';
  /** How long to wait before the next attempt, from the provider's `Retry-After` or the channel's default. */
  readonly retryAfterMs: number;
}

/** A failure that may pass on a later attempt (retried with backoff). */
export interface SendFailedTransiently extends SendFailedBase {
  readonly errorClass: 'transient';
}

/** A failed send, classified so the hub knows whether and when to retry. */
export type SendFailed = SendFailedPermanently | SendThrottled | SendFailedTransiently;

/** What {@link Channel.send} returns: a channel classifies provider failures instead of throwing them. */
export type SendResult = SendSucceeded | SendFailed;

/** A message that arrived through a channel, normalised so the hub can match and thread it. */
export interface InboundMessage {
  /** The channel's id (`email`, `sms`). */
  readonly channel: string;
  /** The provider's id for the message, when it gives one. */
  readonly providerMessageId?: string | undefined;
  /** Who sent it, as an identity the hub matches the customer by. */
  readonly from: ChannelAddress;
  /** The address it was sent to (the business's number or mailbox). */
  readonly to?: string | undefined;
  /** The text, with e-mail quoting left as it came. */
  readonly text: string;
  readonly subject?: string | undefined;
  readonly html?: string | undefined;
  /** When the provider says it arrived. */
  readonly receivedAt?: Date | undefined;
  readonly threading: MessageThreading;
  /** The text is an opt-out (STOP, UNSUBSCRIBE, 退订, TD): the hub withdraws consent and confirms once. */
  readonly optOut: boolean;
  /** The provider delivered this message before (a replayed webhook id): the hub treats it as a no-op. */
  readonly duplicate?: boolean | undefined;
}

/** What happened to a sent message, as the provider reports it. */
export const RECEIPT_STATUSES = ['delivered', 'bounced', 'complained', 'opened', 'clicked', 'failed'] as const;
/** One of {@link RECEIPT_STATUSES}. */
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

/** A status update for one sent message, keyed by the provider's message id. */
export interface DeliveryReceipt {
  /** The `providerMessageId` that {@link Channel.send} returned. */
  readonly providerMessageId: string;
  readonly status: ReceiptStatus;
  /** For `bounced`: `hard` (the address is gone: suppress it) or `soft` (a full mailbox: retry later). */
  readonly bounce?: 'hard' | 'soft' | undefined;
  /** The recipient the receipt is about. */
  readonly recipient?: string | undefined;
  /** When it happened, if the provider says. */
  readonly at?: Date | undefined;
  /** The provider's explanation (an SMTP diagnostic, an error code). */
  readonly reason?: string | undefined;
  /** For `clicked`: the link. */
  readonly url?: string | undefined;
}

/**
 * A channel: a thin provider that delivers one rendered message and, optionally, parses
 * what its provider sends back. Consent, caps, quiet hours, templates, retries and logging
 * belong to the messaging hub, never to a channel (Medusa's notification providers are the
 * model). `send` classifies provider failures into a {@link SendResult} instead of
 * throwing; the parsers reject a malformed request with a `CHANNEL_*_MALFORMED` or
 * `CHANNEL_SIGNATURE_INVALID` `RapportError` the caller records.
 */
export interface Channel {
  /** The static identifier, e.g. `email`; unique among a Crm's channels. */
  readonly id: string;
  /** Which identity types it can address (`email` → `['email']`, `sms` → `['phone']`). */
  readonly addresses: readonly IdentityType[];
  readonly capabilities: readonly ChannelCapability[];
  /** Delivers one message; the same `idempotencyKey` on every attempt of one message. */
  send(message: OutboundMessage, options: SendOptions): Promise<SendResult>;
  /** Parses an inbound webhook (or a raw message) into normalised messages. */
  parseInbound?(request: InboundRequest): Promise<readonly InboundMessage[]>;
  /** Parses a delivery-receipt callback into status updates. */
  parseReceipt?(request: InboundRequest): Promise<readonly DeliveryReceipt[]>;
  /** Releases connections (an SMTP pool); called on `crm.close()`. */
  close?(): Promise<void>;
}

/**
 * A channel a plugin contributes (`contributes: { channels: [...] }`): its id and the token
 * its instance is provided under in the Crm's container, so the hub finds every installed
 * channel without importing its package, and two channels with one id fail `createCrm`.
 */
export interface ChannelContribution {
  readonly id: string;
  readonly token: Token<Channel>;
}
