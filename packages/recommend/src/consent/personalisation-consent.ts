import { ALL_CHANNELS, type ConsentDecision, type ConsentStatus, decideConsent, isRapportError } from '@rapport/core';
import type { TenantContext } from '@rapport/core/plugin';
import { PERSONALISATION_PURPOSE } from './with-consent.js';

/**
 * The `personalisation` decision for a customer, as `crm.consent.decide` makes it, in one round
 * trip: whether the id is a live customer (`resolveId`, the customer row's id and merge pointer
 * only, not the whole profile with identities and tags) and their ledger for the purpose are
 * read at once, and decided here with `decideConsent` (as the messaging hub's consent guard
 * does). Read on every call, never cached. An unknown id gives `'granted'` (nothing to consent
 * to and nothing to personalise from, so the recommender answers with popularity and says
 * why); a merged-away id is left to `crm.consent.decide`, which follows the merge.
 */
export async function personalisationConsent(
  tenant: Pick<TenantContext, 'store' | 'clock' | 'config' | 'crm'>,
  customerId: string,
): Promise<ConsentDecision | ConsentStatus> {
  // A malformed id gets crm.consent.decide's validation error, as before.
  if (typeof customerId !== 'string' || customerId.length === 0) return decideSlowly(tenant, customerId);
  const [resolved, history] = await Promise.all([
    tenant.store.customers.resolveId(customerId),
    tenant.store.consents.history(customerId, { purpose: PERSONALISATION_PURPOSE }),
  ]);
  // Live: the id is its own record (a merged-away one points at its survivor).
  if (resolved === customerId) {
    return decideConsent(
      history,
      { purpose: PERSONALISATION_PURPOSE, channel: ALL_CHANNELS, at: tenant.clock.now() },
      tenant.config.consent.rules,
    );
  }
  if (resolved === null) return 'granted';
  return decideSlowly(tenant, customerId);
}

/** `crm.consent.decide`, with an unknown customer (erased, or merged again meanwhile) as `'granted'`. */
async function decideSlowly(tenant: Pick<TenantContext, 'crm'>, customerId: string): Promise<ConsentDecision | ConsentStatus> {
  try {
    return await tenant.crm.consent.decide({ customerId, purpose: PERSONALISATION_PURPOSE });
  } catch (error) {
    if (isRapportError(error, 'CUSTOMER_NOT_FOUND')) return 'granted';
    throw error;
  }
}
