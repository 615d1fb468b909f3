import type { HookPoint, OutboundMessage } from '@rapport/core/plugin';
import type { MessageStatus } from './message-status.js';

/** The payload of every `message.*` event: which message, and what it became. */
export interface MessageEvent {
  readonly tenantId: string;
  readonly messageId: string;
  readonly customerId: string;
  readonly channel: string;
  readonly purpose: string;
  readonly status: MessageStatus;
  /** Why it was blocked, vetoed, deferred or failed; null otherwise. */
  readonly reason: string | null;
  readonly providerMessageId: string | null;
  readonly at: Date;
}

/** What a `message.beforeSend` hook reads beside the message. */
export interface BeforeSendFacts {
  readonly customerId: string;
  readonly purpose: string;
  readonly channel: string;
  readonly transactional: boolean;
}

declare module '@rapport/core' {
  interface RapportEvents {
    /** A message was stored and its dispatch job queued. */
    'message.queued': MessageEvent;
    /** A message was moved out of quiet hours; `at` is when it now goes. */
    'message.deferred': MessageEvent;
    /** The provider accepted a message. */
    'message.sent': MessageEvent;
    'message.delivered': MessageEvent;
    'message.opened': MessageEvent;
    'message.clicked': MessageEvent;
    'message.bounced': MessageEvent;
    'message.complained': MessageEvent;
    /** A permanent failure (or a template that failed to render). */
    'message.failed': MessageEvent;
    /** Every attempt failed; `crm.messages.replay(id)` sends it again. */
    'message.dead': MessageEvent;
    /** A send-time guard (consent, a cap, a suppression) refused it. */
    'message.blocked': MessageEvent;
    /** A `message.beforeSend` hook vetoed it. */
    'message.vetoed': MessageEvent;
  }
  interface RapportHooks {
    /**
     * A message is about to be handed to its channel, after consent and caps. A hook may
     * change `subject`, `text`, `html`, `type`, `data` and `metadata`, or veto: the message
     * ends `vetoed` with the reason.
     */
    'message.beforeSend': HookPoint<OutboundMessage, BeforeSendFacts>;
  }
}
