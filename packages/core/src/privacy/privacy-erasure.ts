import type { TenantStore } from '../contracts/storage.js';
import { CoreErrorCode } from '../errors/codes.js';
import { UnavailableError } from '../errors/error-classes.js';
import type { Customer } from '../model/customer.js';
import type { Identity } from '../model/identity.js';
import { lockLiveCustomer } from '../services/customer-locks.js';
import type { TableBinding } from '../tables/table-binding.js';
import type { CoreErasureCounts, ErasureMode, PersonalDataRepository } from './personal-data-repository.js';
import { erasePersonRows, findPersonRows } from './plugin-table-rows.js';
import { suppressionsTable } from './privacy-tables.js';
import { suppressionHash } from './suppression-hash.js';

/** What one erasure did, by kind of record (no personal data). */
export interface ErasureSummary extends CoreErasureCounts {
  /** Plugin table rows deleted or scrubbed. */
  tableRows: number;
  /** Suppression entries written (one per identity; an entry already there counts too). */
  suppressions: number;
}

/** The outcome of {@link eraseCustomerWithin}. */
export interface ErasedCustomer {
  readonly customerId: string;
  readonly mergedIds: string[];
  readonly identities: Identity[];
  readonly summary: ErasureSummary;
}

/** The storage's personal-data repository, or `PRIVACY_UNSUPPORTED`. */
export function personalData(store: TenantStore, storageName: string): PersonalDataRepository {
  if (!store.privacy) {
    throw new UnavailableError(
      CoreErrorCode.PrivacyUnsupported,
      `storage "${storageName}" has no personal-data repository (TenantStore.privacy), so it cannot erase or export merged records`,
      undefined,
      { storage: storageName },
    );
  }
  return store.privacy;
}

/**
 * Erases one person inside `tx` (all or nothing): locks the live customer (so no write or
 * merge interleaves), writes the suppression entries first, then erases plugin table rows
 * and the core records of the customer and of everyone merged into them.
 */
export async function eraseCustomerWithin(
  tx: TenantStore,
  options: {
    customerId: string;
    mode: ErasureMode;
    storageName: string;
    bindings: readonly TableBinding[];
    amountProperty: string;
    now: Date;
    /** Null: no suppression (retention of an inactive customer is not a request to stop contact). */
    suppression: { key: string; requestId: string | null } | null;
  },
): Promise<ErasedCustomer> {
  const repository = personalData(tx, options.storageName);
  const customer: Customer = await lockLiveCustomer(tx, options.customerId);
  const mergedIds = await repository.mergedAway(customer.id);
  const ids = [customer.id, ...mergedIds];
  let suppressions = 0;
  if (options.suppression) {
    const { key, requestId } = options.suppression;
    const table = tx.table(suppressionsTable);
    for (const identity of customer.identities) {
      await table.upsert({ hash: suppressionHash(key, identity), identityType: identity.type, requestId, createdAt: options.now });
      suppressions++;
    }
  }
  const rows = await findPersonRows(tx, options.bindings, ids, customer.identities);
  const tableRows = await erasePersonRows(tx, rows, options.mode);
  const counts = await repository.erase(ids, options.mode, { amountProperty: options.amountProperty, now: options.now });
  return { customerId: customer.id, mergedIds, identities: customer.identities, summary: { ...counts, tableRows, suppressions } };
}
