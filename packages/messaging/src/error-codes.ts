import type { ValidationDetails } from '@rapport/core';
import { defineErrorCodes, type ErrorCodeEntries, errorDetails } from '@rapport/core/plugin';

/** The codes of `@rapport/messaging` with their kinds and details types. */
const messagingErrorCodes = {
  /** The messaging options are malformed. A `ValidationError` naming the option. */
  InvalidOptions: { code: 'MESSAGING_INVALID_OPTIONS', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
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
