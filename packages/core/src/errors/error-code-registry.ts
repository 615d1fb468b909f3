import type { ChannelErrorCodeEntries } from '../contracts/channel-errors.js';
import type { EncryptionErrorCodeEntries } from '../encryption/encryption-error-codes.js';
import type { TableErrorCodeEntries } from '../tables/table-error-codes.js';
import type { CoreErrorCodeEntries } from './codes.js';
import type { ErrorKind } from './rapport-error.js';

/**
 * Every registered error code → its kind and details type. Core's codes are in it; each
 * package adds its map by declaration merging, so `RapportError['code']` is the union of
 * every installed package's codes and a misspelt code fails to compile:
 *
 * ```ts
 * declare module '@rapport/core' {
 *   interface RapportErrorCodes extends ErrorCodeEntries<typeof feedbackErrorCodes> {}
 * }
 * ```
 */
export interface RapportErrorCodes
  extends CoreErrorCodeEntries,
    TableErrorCodeEntries,
    ChannelErrorCodeEntries,
    EncryptionErrorCodeEntries {}

/** Any registered error code. */
export type RapportErrorCode = keyof RapportErrorCodes & string;

/** The details type of a registered code. */
export type ErrorDetailsOf<C extends RapportErrorCode> = RapportErrorCodes[C] extends { details: infer D } ? D : never;

/** The kind of a registered code. */
export type ErrorKindOf<C extends RapportErrorCode> = RapportErrorCodes[C] extends { kind: infer K extends ErrorKind } ? K : never;
