import type { MessageThreading } from '@rapport/core/plugin';
import type { ConversationStatus } from './conversation-tables.js';

/** A conversation with one customer, across every channel it used. */
export interface Conversation {
  readonly id: string;
  readonly customerId: string;
  readonly status: ConversationStatus;
  readonly subject: string | null;
  /** The channel of the first message. */
  readonly channel: string;
  readonly openedAt: Date;
  readonly lastMessageAt: Date;
  readonly messageCount: number;
}

/** One message of a conversation, in or out, on any channel. */
export interface ConversationMessage {
  readonly id: string;
  readonly conversationId: string;
  readonly customerId: string;
  /** 1 for the first message; the order the conversation reads in. */
  readonly position: number;
  readonly channel: string;
  readonly direction: 'inbound' | 'outbound';
  readonly occurredAt: Date;
  readonly subject: string | null;
  /** The text, cut at the `textLimit` option. */
  readonly text: string | null;
  /** The channel's id for the message (an e-mail `Message-ID`). */
  readonly externalId: string | null;
}

/** A conversation with its messages from every channel, in order. */
export interface ConversationWithMessages extends Conversation {
  readonly messages: readonly ConversationMessage[];
}

/** What an outbound message tells its conversation: the hub calls `recordOutbound` in the send's transaction. */
export interface OutboundRecord {
  /** The conversation it answers; without it the customer's latest open one within the window continues, or one opens. */
  readonly conversationId?: string | undefined;
  /** The hub's message id (stable across retries): recording it twice is a no-op. */
  readonly messageId: string;
  readonly customerId: string;
  readonly channel: string;
  readonly subject?: string | undefined;
  /** A summary of the content (the text part). */
  readonly text?: string | undefined;
  /** The ids the message carries: its own `messageId` (an e-mail `Message-ID`) threads the replies to it. */
  readonly threading?: MessageThreading | undefined;
  readonly occurredAt?: Date | undefined;
}

/** Where a message landed. */
export interface Placement {
  readonly status: 'recorded' | 'duplicate';
  readonly conversationId: string;
  readonly messageId: string;
  readonly customerId: string;
  readonly channel: string;
  readonly direction: 'inbound' | 'outbound';
  /** True when this message opened the conversation. */
  readonly opened: boolean;
}

/** What an inbound opt-out did: `withdrawn` — consent was withdrawn now; `confirm` — send the confirmation (only the first time). */
export interface OptOutOutcome {
  readonly purposes: readonly string[];
  readonly withdrawn: boolean;
  readonly confirm: boolean;
}

/** One inbound message's outcome. */
export type InboundOutcome =
  | (Placement & { readonly optOut: OptOutOutcome | null })
  | {
      readonly status: 'rejected';
      /** The recorded failure's id (see `failures()`), or `unrecorded` when recording it failed too. */
      readonly failureId: string;
      readonly error: Error;
    };

/** What `receive` did with each message of a request. */
export interface ReceiveResult {
  readonly channel: string;
  readonly outcomes: readonly InboundOutcome[];
}

/** An inbound request that failed, kept for inspection. */
export interface InboundFailure {
  readonly id: string;
  readonly channel: string;
  readonly receivedAt: Date;
  /** The typed error's code, e.g. `CHANNEL_INBOUND_MALFORMED`. */
  readonly code: string;
  readonly reason: string;
  readonly details: Readonly<Record<string, unknown>> | null;
  /** The body as UTF-8, truncated. */
  readonly rawBody: string;
  readonly bodyBytes: number;
  readonly contentType: string | null;
}

/** The threading an outbound message on a conversation should carry. */
export interface OutboundThreading {
  /** For the channel: `inReplyTo` the customer's latest message id, `references` the thread's ids, `conversationId` the reply token. */
  readonly threading: MessageThreading;
  /** The signed reply token (also in `threading.conversationId`), when a `replyTokenSecret` is set. */
  readonly replyToken: string | undefined;
}
