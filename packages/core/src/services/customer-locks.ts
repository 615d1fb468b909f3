import type { TenantStore } from '../contracts/storage.js';
import { CoreErrorCode } from '../errors/codes.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors/error-classes.js';
import type { Customer } from '../model/customer.js';

/** The conflict that makes an attempt start again: a customer it was about to write to was merged meanwhile. */
export function mergedMeanwhile(id: string): ConflictError {
  return new ConflictError(CoreErrorCode.CustomerMerged, `customer "${id}" was merged into another while this write ran; retry it`, { id });
}

/**
 * Locks customers that a transaction is about to write to (see `CustomerRepository.lockLive`)
 * and fails with the retryable `CUSTOMER_MERGED` if one of them is no longer live: it was
 * merged after the caller resolved it, and the caller resolves again.
 */
export async function lockCustomers(tx: TenantStore, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const live = await tx.customers.lockLive(ids);
  const gone = ids.find((id) => !live.has(id));
  if (gone !== undefined) throw mergedMeanwhile(gone);
}

/**
 * The live customer `id` stands for, read inside `tx` after locking it, so that no merge
 * can retire it before the transaction ends. Most ids are live: one lock and one read.
 * A merged-away id is followed to its survivor; a survivor merged meanwhile fails with the
 * retryable `CUSTOMER_MERGED`.
 */
export async function lockLiveCustomer(tx: TenantStore, id: string): Promise<Customer> {
  if (typeof id !== 'string' || id.length === 0) {
    throw new ValidationError(CoreErrorCode.InvalidInput, [{ path: ['id'], message: 'must be a non-empty string' }]);
  }
  let target = id;
  if (!(await tx.customers.lockLive([target])).has(target)) {
    const resolved = await tx.customers.resolveId(target);
    if (resolved === null || resolved === target) throw new NotFoundError(CoreErrorCode.CustomerNotFound, 'customer', id);
    target = resolved;
    await lockCustomers(tx, [target]);
  }
  const customer = await tx.customers.get(target);
  if (!customer) throw mergedMeanwhile(target);
  return customer;
}
