import type { TenantStore } from '../contracts/storage.js';
import { CoreErrorCode } from '../errors/codes.js';
import { HookVetoError } from '../hooks/hook-errors.js';
import type { Identity } from '../model/identity.js';
import { suppressionsTable } from './privacy-tables.js';
import { suppressionHash } from './suppression-hash.js';

/** The owner named in a suppression refusal (`HookVetoError.details.plugin`). */
export const PRIVACY_GUARD_OWNER = '@rapport/core:privacy';

/** The first of `identities` on the suppression list, or null. */
export async function findSuppressed(store: TenantStore, key: string, identities: readonly Identity[]): Promise<Identity | null> {
  if (identities.length === 0) return null;
  const byHash = new Map(identities.map((identity) => [suppressionHash(key, identity), identity]));
  const page = await store.table(suppressionsTable).find({ where: { hash: { in: [...byHash.keys()] } }, limit: 1 });
  const hit = page.items[0];
  return hit ? (byHash.get(hit.hash) ?? null) : null;
}

/**
 * Refuses a customer just inserted through `store` (inside its transaction) when one of its
 * identities is suppressed. Checked after the insert on purpose: the identity insert waits
 * for an erasure still holding that identity, so this read sees the erasure's suppression
 * once it commits, and a creation racing an erasure cannot slip between check and write.
 */
export async function guardAgainstSuppression(store: TenantStore, key: string, identities: readonly Identity[]): Promise<void> {
  const suppressed = await findSuppressed(store, key, identities);
  if (suppressed) {
    throw new HookVetoError('customer.beforeCreate', PRIVACY_GUARD_OWNER, CoreErrorCode.CustomerSuppressed, {
      identityType: suppressed.type,
    });
  }
}
