import { type RawBuilder, sql } from 'kysely';
import type { SqlDialect } from '../dialect/sql-dialect.js';

/**
 * The indexes, all led by `(tenant_id, customer_id)`, of the tables a segment reads one
 * customer's rows from in a correlated subquery (a count, a latest record). Read through an
 * index on `tenant_id` alone, such a subquery scans every row of the tenant once per customer.
 * (`exists` on tags and identities is turned into a semi-join that reads each row once either
 * way, so those keep the planner's choice.)
 */
const PER_CUSTOMER_INDEXES = {
  rapport_interactions: ['rapport_interactions_type_idx', 'rapport_interactions_timeline_idx'],
  rapport_consents: ['rapport_consents_customer_idx'],
} as const;

/** A table a segment condition reads per customer in a correlated subquery. */
export type PerCustomerTable = keyof typeof PER_CUSTOMER_INDEXES;

/**
 * `table alias` for a correlated per-customer subquery, with the dialect's hint restricting it
 * to the per-customer indexes where the planner needs one (MariaDB plans from statistics that,
 * right after an import, still describe an empty table: it then chose the primary key's
 * `tenant_id` prefix, and 15,000 interactions of 1,500 customers took 12 s to count).
 */
export function perCustomerTable(table: PerCustomerTable, alias: string, dialect: SqlDialect): RawBuilder<unknown> {
  const hint = dialect.forceIndex?.(PER_CUSTOMER_INDEXES[table]);
  return hint ? sql`${sql.raw(`${table} ${alias}`)} ${hint}` : sql.raw(`${table} ${alias}`);
}
