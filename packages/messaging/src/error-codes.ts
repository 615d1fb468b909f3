import type { NotFoundDetails, ValidationDetails } from '@rapport/core';
import { defineErrorCodes, type ErrorCodeEntries, errorDetails } from '@rapport/core/plugin';

/** What a failed template render names: the template, its version and locale, and the part (`subject`, `text`, `html`). */
export interface TemplateRenderFailureDetails extends Record<string, unknown> {
  readonly template: string;
  readonly version: number;
  readonly locale: string;
  readonly part: string;
  readonly reason: string;
  readonly line?: number | undefined;
  readonly column?: number | undefined;
}

/** Details of a refused send: who, on which channels, and why (the routing or cap reasons). */
export interface SendRefusedDetails extends Record<string, unknown> {
  customerId: string;
  purpose: string;
  /** The field the refusal is about (`channel` for routing, `purpose` for a cap). */
  field: string;
  /** One line per channel or rule looked at. */
  reasons: string[];
}

/** Details of an error about one stored message. */
export interface MessageErrorDetails extends Record<string, unknown> {
  messageId: string;
  reason: string;
}

/** The codes of `@rapport/messaging` with their kinds and details types. */
const messagingErrorCodes = {
  /** The messaging options are malformed. A `ValidationError` naming the option. */
  InvalidOptions: { code: 'MESSAGING_INVALID_OPTIONS', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
  /** A template to save is malformed: a missing part, a bad key or locale, a Liquid syntax error (issue path `[part]`, message with line and column). A `ValidationError`. */
  TemplateInvalid: { code: 'MESSAGING_TEMPLATE_INVALID', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
  /** No template (or no such version) for the key, channel and locale. A `NotFoundError`. */
  TemplateNotFound: { code: 'MESSAGING_TEMPLATE_NOT_FOUND', kind: 'not_found', details: errorDetails<NotFoundDetails>() },
  /** A variable a template uses was not given at render time. Names the template, version, part and variable. */
  TemplateVariableMissing: {
    code: 'MESSAGING_TEMPLATE_VARIABLE_MISSING',
    kind: 'invalid_input',
    details: errorDetails<TemplateRenderFailureDetails & { variable: string }>(),
  },
  /** A template failed to render for another reason (a render limit, a filter's own error). */
  TemplateRenderFailed: {
    code: 'MESSAGING_TEMPLATE_RENDER_FAILED',
    kind: 'invalid_input',
    details: errorDetails<TemplateRenderFailureDetails>(),
  },
  /** A rendered SMS needs more segments than `maxSegments` allows. */
  SmsTooLong: {
    code: 'MESSAGING_SMS_TOO_LONG',
    kind: 'invalid_input',
    details: errorDetails<{ template: string; version: number; encoding: string; segments: number; maxSegments: number }>(),
  },
  /** An unsubscribe token that is malformed or not signed with the configured secret, or unsubscribe links are not configured. */
  UnsubscribeInvalid: {
    code: 'MESSAGING_UNSUBSCRIBE_INVALID',
    kind: 'invalid_input',
    details: errorDetails<{ field: string; reason: string }>(),
  },
  /** No installed channel has this id (conversations' `receive`). A `NotFoundError`. */
  ChannelNotFound: { code: 'MESSAGING_CHANNEL_NOT_FOUND', kind: 'not_found', details: errorDetails<NotFoundDetails>() },
  /** The channel cannot parse inbound messages (it has no `parseInbound`). */
  ChannelNoInbound: { code: 'MESSAGING_CHANNEL_NO_INBOUND', kind: 'invalid_input', details: errorDetails<{ channel: string }>() },
  /** An inbound request failed in a way the channel did not classify; it was recorded as a failed inbound. */
  InboundRejected: {
    code: 'MESSAGING_INBOUND_REJECTED',
    kind: 'invalid_input',
    details: errorDetails<{ channel: string; failureId: string; reason: string }>(),
  },
  /** No conversation with this id (in this tenant). A `NotFoundError`. */
  ConversationNotFound: { code: 'MESSAGING_CONVERSATION_NOT_FOUND', kind: 'not_found', details: errorDetails<NotFoundDetails>() },
  /** A conversation call's input is malformed. A `ValidationError` naming the field. */
  ConversationInvalidInput: {
    code: 'MESSAGING_CONVERSATION_INVALID_INPUT',
    kind: 'invalid_input',
    details: errorDetails<ValidationDetails>(),
  },
  /** Concurrent writers kept changing the conversation being placed into; retried and gave up. */
  ConversationContended: { code: 'MESSAGING_CONVERSATION_CONTENDED', kind: 'conflict', details: errorDetails<{ customerId: string }>() },
  /** A send request is malformed. A `ValidationError` naming each bad field. */
  InvalidInput: { code: 'MESSAGING_INVALID_INPUT', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
  /** No installed channel has the id given (`channel`, or a receipt's channel). A `ValidationError` naming the field. */
  UnknownChannel: { code: 'MESSAGING_UNKNOWN_CHANNEL', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
  /** The purpose is not one of the configured `purposes`. A `ValidationError` naming `purpose`. */
  UnknownPurpose: { code: 'MESSAGING_UNKNOWN_PURPOSE', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
  /** A template send with no `renderer` configured. */
  NoRenderer: { code: 'MESSAGING_NO_RENDERER', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
  /** No allowed channel has an address for the customer; `details.reasons` says why per channel. */
  NoAddress: { code: 'MESSAGING_NO_ADDRESS', kind: 'forbidden', details: errorDetails<SendRefusedDetails>() },
  /** A frequency cap is reached; `details.reasons` names the rule and the count. */
  Capped: { code: 'MESSAGING_CAPPED', kind: 'forbidden', details: errorDetails<SendRefusedDetails>() },
  /** No message has the id given in this tenant. */
  MessageNotFound: { code: 'MESSAGING_MESSAGE_NOT_FOUND', kind: 'not_found', details: errorDetails<{ entity: string; id: string }>() },
  /** `replay` of a message that is not dead or failed. */
  NotReplayable: { code: 'MESSAGING_NOT_REPLAYABLE', kind: 'conflict', details: errorDetails<MessageErrorDetails>() },
  /** The channel does not parse receipts (`parseReceipt` is missing). */
  ReceiptsUnsupported: { code: 'MESSAGING_RECEIPTS_UNSUPPORTED', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
  /** A send attempt failed in a way worth retrying; thrown so the job retries it with backoff and jitter. */
  SendRetry: { code: 'MESSAGING_SEND_RETRY', kind: 'unavailable', details: errorDetails<MessageErrorDetails>() },
} as const;

declare module '@rapport/core' {
  /** `@rapport/messaging`'s codes in the error-code registry. */
  interface RapportErrorCodes extends ErrorCodeEntries<typeof messagingErrorCodes> {}
}

/**
 * The stable error codes raised by `@rapport/messaging`, in one map so they cannot drift.
 * Each names what was wrong; the error's `details` name the field and why.
 */
export const MessagingErrorCode = defineErrorCodes('@rapport/messaging', messagingErrorCodes);

/** One of the codes in {@link MessagingErrorCode}. */
export type MessagingErrorCode = (typeof MessagingErrorCode)[keyof typeof MessagingErrorCode];
