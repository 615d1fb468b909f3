import { defineErrorCodes, type ErrorCodeEntries, errorDetails } from '../errors/define-error-codes.js';
import { type ErrorKind, RapportError } from '../errors/rapport-error.js';

const channelErrorCodes = {
  /** An inbound message body is not what the provider sends (bad JSON, a missing field, not RFC 822). */
  InboundMalformed: { code: 'CHANNEL_INBOUND_MALFORMED', kind: 'invalid_input', details: errorDetails<ChannelRequestErrorDetails>() },
  /** A delivery-receipt body is not what the provider sends. */
  ReceiptMalformed: { code: 'CHANNEL_RECEIPT_MALFORMED', kind: 'invalid_input', details: errorDetails<ChannelRequestErrorDetails>() },
  /** A signed request's signature, timestamp or headers do not verify. */
  SignatureInvalid: { code: 'CHANNEL_SIGNATURE_INVALID', kind: 'forbidden', details: errorDetails<ChannelRequestErrorDetails>() },
} as const;

/** The channel contract's entries in the error-code registry, keyed by code. */
export type ChannelErrorCodeEntries = ErrorCodeEntries<typeof channelErrorCodes>;

/** The error codes a channel's parsers raise; the caller records the request for inspection. */
export const ChannelErrorCode = defineErrorCodes('@rapport/core', channelErrorCodes);
/** One of {@link ChannelErrorCode}. */
export type ChannelErrorCode = (typeof ChannelErrorCode)[keyof typeof ChannelErrorCode];

/** Details of a {@link ChannelRequestError}. */
export interface ChannelRequestErrorDetails extends Record<string, unknown> {
  /** The channel whose parser rejected the request. */
  channel: string;
  /** The part of the request at fault: `body`, `body.From`, `header webhook-signature`. */
  field: string;
  /** Why, in a few words. */
  reason: string;
}

/**
 * A channel rejected an inbound or receipt request. Kind `invalid_input` for a malformed
 * body, `forbidden` for a bad signature; `details` names the field and the reason.
 */
export class ChannelRequestError extends RapportError<ChannelRequestErrorDetails> {
  constructor(code: ChannelErrorCode, details: ChannelRequestErrorDetails, cause?: unknown) {
    const kind: ErrorKind = code === ChannelErrorCode.SignatureInvalid ? 'forbidden' : 'invalid_input';
    super({ code, kind, message: `[${details.channel}] ${details.field}: ${details.reason}`, details, cause });
    this.name = 'ChannelRequestError';
  }
}
