import { ConflictError, CoreErrorCode, type Identity } from '@rapport/core';
import type { Kysely } from 'kysely';
import type { RapportDatabase } from '../schema.js';
import type { SqlContext } from './sql-context.js';

/**
 * Removes one identity of a customer inside the transaction `db`, unless it is the
 * customer's last: then `CUSTOMER_LAST_IDENTITY`. Returns false when the customer does not
 * have it.
 *
 * The customer's identity rows are read with `FOR UPDATE` (in hash order, so concurrent
 * removals lock them in one order) before counting: a concurrent removal of the other
 * identity waits, and then reads the rows as they are after it committed. Two removals of a
 * customer's last two identities thus cannot both succeed. SQLite runs one writer at a time.
 */
export async function removeIdentityUnlessLast(
  db: Kysely<RapportDatabase>,
  ctx: SqlContext,
  customerId: string,
  identity: Identity,
): Promise<boolean> {
  const read = db
    .selectFrom('rapport_identities')
    .select('value_hash')
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', '=', customerId)
    .orderBy('value_hash');
  const rows = await (ctx.dialect.rowLock ? read.forUpdate() : read).execute();
  const hash = ctx.blindIndex(identity);
  if (!rows.some((row) => row.value_hash === hash)) return false;
  if (rows.length === 1) {
    throw new ConflictError(
      CoreErrorCode.LastIdentity,
      `the ${identity.type} identity is customer "${customerId}"'s last one; add another before removing it`,
      { customerId, identity },
    );
  }
  await db
    .deleteFrom('rapport_identities')
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', '=', customerId)
    .where('value_hash', '=', hash)
    .execute();
  return true;
}
