import { createHmac } from 'node:crypto';
import type { Identity } from '@rapport/core';

/**
 * Keyed hash of a normalised identity: the "blind index" that identity lookups and the
 * uniqueness rule go through. Once identity values are encrypted at rest, this column is
 * what still lets the database find a customer by e-mail without seeing the e-mail.
 */
export type BlindIndex = (identity: Identity) => string;

/** Key used when the app configures none. Set your own secret in production. */
export const DEFAULT_BLIND_INDEX_KEY = 'rapport-default-blind-index-key';

/** Makes the blind-index function for a secret key (HMAC-SHA-256, hex). */
export function createBlindIndex(key: string | Buffer = DEFAULT_BLIND_INDEX_KEY): BlindIndex {
  return (identity) => createHmac('sha256', key).update(`${identity.type}\u0000${identity.namespace}\u0000${identity.value}`).digest('hex');
}
