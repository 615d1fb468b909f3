import { RapportError } from '@rapport/core';
import type { AnyTableDeclaration, TenantStore } from '@rapport/core/plugin';
import { innerStore, TENANT_COLUMN } from '@rapport/core/storage';
import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialect/sql-dialect.js';
import { tenantStoreInternals } from '../sql-storage.js';
import { StorageErrorCode } from '../storage-errors.js';

/** What {@link pluginTableSql} gives: everything a hand-written query on a plugin table needs. */
export interface PluginTableSql {
  /**
   * The Kysely handle: the open transaction when the store came from `transaction(work)`, so
   * the query commits or rolls back with the rest of the work; else the database.
   */
  // biome-ignore lint/suspicious/noExplicitAny: plugin tables are not in the Kysely schema type.
  readonly db: Kysely<any>;
  /** The physical table name (`pt_<plugin>__<table>`). */
  readonly table: string;
  /** The column scoping rows to tenants (`tenant_id`): every query must filter on it. */
  readonly tenantColumn: string;
  /** The tenant of the store; bind it, never interpolate it. */
  readonly tenantId: string;
  /** Declared column name → physical column name (`customerId` → `customer_id`). */
  readonly columns: Readonly<Record<string, string>>;
  /** The dialect, for SQL that differs between SQLite, PostgreSQL and MySQL. */
  readonly dialect: SqlDialect;
}

/**
 * The escape hatch for queries the generic `TableRepository` cannot say (aggregates, joins
 * with core tables, bulk updates): the tenant's Kysely handle, inside the current transaction
 * when there is one, plus the table's physical name and columns. The query must filter on
 * `tenantColumn` itself; values are stored as the repository stores them (times as epoch ms,
 * JSON as text, booleans as 0/1 on SQLite).
 *
 * @example
 * ```ts
 * await store.transaction(async (tx) => {
 *   const { db, table, tenantColumn, tenantId, columns } = pluginTableSql(tx, tickets);
 *   await db.updateTable(table).set({ [columns.priority]: 1 }).where(tenantColumn, '=', tenantId).execute();
 * });
 * ```
 */
export function pluginTableSql(store: TenantStore, declaration: AnyTableDeclaration): PluginTableSql {
  // An audited store (createCrm({ audit: true })) wraps the storage's own.
  const internals = tenantStoreInternals.get(innerStore(store));
  if (!internals) {
    throw new RapportError({
      code: StorageErrorCode.NotSql,
      kind: 'invalid_input',
      message: 'pluginTableSql needs a tenant store of an @rapport/storage-sql storage',
      details: {},
    });
  }
  const binding = internals.tables.resolve(declaration);
  return {
    db: internals.ctx.db,
    table: binding.physicalName,
    tenantColumn: TENANT_COLUMN,
    tenantId: internals.ctx.tenantId,
    columns: binding.columns,
    dialect: internals.ctx.dialect,
  };
}
