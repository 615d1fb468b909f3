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
