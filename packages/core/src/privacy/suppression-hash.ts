import { createHmac } from 'node:crypto';
import type { Identity } from '../model/identity.js';

/**
 * Keyed hash (HMAC-SHA-256, hex) of a normalised identity for the suppression list. The input
 * is domain-separated from the storage's blind index, so a suppression entry never equals an
 * identity's blind-index value even under the same key.
 */
export function suppressionHash(key: string, identity: Identity): string {
  return createHmac('sha256', key)
    .update(`rapport:suppression\u0000${identity.type}\u0000${identity.namespace}\u0000${identity.value}`)
    .digest('hex');
}

/** Keyed hash of a customer id for the request log, which holds no direct identifier. */
export function subjectHash(key: string, tenantId: string, customerId: string): string {
  return createHmac('sha256', key).update(`rapport:subject\u0000${tenantId}\u0000${customerId}`).digest('hex');
}
