import type { ValidationDetails } from '@rapport/core';
import { defineErrorCodes, type ErrorCodeEntries, errorDetails } from '@rapport/core/plugin';

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
