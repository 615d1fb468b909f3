import { randomUUID } from 'node:crypto';
import { isRapportError, RapportError } from '@rapport/core';
import type { TenantContext } from '@rapport/core/plugin';
import { MessagingErrorCode } from '../error-codes.js';
import type { ResolvedMessagingOptions } from '../options.js';
import { type UnsubscribeClaim, verifyUnsubscribeToken } from './unsubscribe-token.js';

/** What an unsubscribe did: whose consent, for which purpose and channel, and whether this call withdrew it. */
export interface UnsubscribeOutcome extends UnsubscribeClaim {
  /** False when the consent was already withdrawn (a second click, a mail client's retry): nothing was written. */
  readonly withdrawn: boolean;
}

/**
 * Withdraws the consent an unsubscribe link names, once: a repeat, a retry or a concurrent
 * click writes nothing more (`ifChanged`, under the customer's lock). The withdrawal's proof
 * names the message the link came in, and its source is `unsubscribe:<channel>`.
 */
export async function unsubscribe(tenant: TenantContext, options: ResolvedMessagingOptions, token: unknown): Promise<UnsubscribeOutcome> {
  const secret = options.unsubscribe?.secret;
  if (!secret) {
    throw new RapportError({
      code: MessagingErrorCode.UnsubscribeInvalid,
      kind: 'invalid_input',
      message: 'unsubscribe links are not configured (messaging({ unsubscribe: { url, secret } }))',
      details: { field: 'token', reason: 'not configured' },
    });
  }
  const claim = typeof token === 'string' ? verifyUnsubscribeToken(token.trim(), secret) : undefined;
  // A link from another tenant's message is not this tenant's to act on, whatever its customer id.
  if (!claim || claim.tenantId !== tenant.tenantId) {
    throw new RapportError({
      code: MessagingErrorCode.UnsubscribeInvalid,
      kind: 'invalid_input',
      message: 'the unsubscribe token is malformed or its signature does not match',
      details: { field: 'token', reason: 'invalid signature' },
    });
  }
  // A per-call id in the proof tells this call whether the withdrawal it gets back is its own.
  const unsubscribeId = randomUUID();
  try {
    const record = await tenant.crm.consent.withdraw({
      customerId: claim.customerId,
      purpose: claim.purpose,
      channel: claim.channel,
      source: `unsubscribe:${claim.channel}`,
      proof: { messageId: claim.messageId, method: 'link', unsubscribeId },
      ifChanged: true,
    });
    return { ...claim, withdrawn: record.proof?.unsubscribeId === unsubscribeId };
  } catch (error) {
    // An erased customer has nothing left to withdraw: the link is spent, not broken.
    if (isRapportError(error, 'CUSTOMER_NOT_FOUND')) return { ...claim, withdrawn: false };
    throw error;
  }
}
