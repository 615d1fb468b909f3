import { defineErrorCodes, type ErrorCodeEntries, errorDetails } from '../errors/define-error-codes.js';
import type { ValidationDetails } from '../errors/error-classes.js';

/** Details of a stored value that could not be decrypted: where it is, and under which key. */
export interface DecryptFailureDetails extends Record<string, unknown> {
  /** The table and column (`rapport_identities.value`, `rapport_customers.traits.name`). */
  field: string;
  /** The key id the envelope names, or null when the envelope is unreadable. */
  keyId: string | null;
  /** `malformed` (not an envelope of a known version) or `tampered` (authentication failed). */
  reason: 'malformed' | 'tampered';
}

/** The field-encryption codes with their kinds and details types. */
const encryptionErrorCodes = {
  /**
   * A key set is unusable (`ValidationError`, the path names the key id or variable): a key
   * without an id, not 32 bytes, not base64, a primary key id that is not in the set.
   */
  KeyInvalid: { code: 'ENCRYPTION_KEY_INVALID', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
  /** A stored ciphertext names a key id the key provider does not have. */
  KeyUnknown: { code: 'ENCRYPTION_KEY_UNKNOWN', kind: 'internal', details: errorDetails<{ field: string; keyId: string }>() },
  /** A stored ciphertext is malformed or fails authentication (altered, or moved from another row or column). */
  DecryptFailed: { code: 'ENCRYPTION_DECRYPT_FAILED', kind: 'internal', details: errorDetails<DecryptFailureDetails>() },
  /** A query condition needs the plaintext of an encrypted field (`ValidationError`, the path names it). */
  FieldNotQueryable: { code: 'ENCRYPTION_FIELD_NOT_QUERYABLE', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
  /** The storage was used before its keys were loaded (it loads them in `migrate`). */
  KeysNotLoaded: { code: 'ENCRYPTION_KEYS_NOT_LOADED', kind: 'internal', details: errorDetails() },
} as const;

/** Field encryption's entries in the error-code registry (`RapportErrorCodes`), keyed by code. */
export type EncryptionErrorCodeEntries = ErrorCodeEntries<typeof encryptionErrorCodes>;

/** The stable error codes of field-level encryption (`EncryptionErrorCode.KeyUnknown` is `'ENCRYPTION_KEY_UNKNOWN'`). */
export const EncryptionErrorCode = defineErrorCodes('@rapport/core', encryptionErrorCodes);
