import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import type { BlindIndex } from '../blind-index.js';
import type { SqlDialect } from '../dialect/sql-dialect.js';
import type { StorageEncryption } from '../encryption/storage-encryption.js';
import type { NativeWriter } from '../native-writer.js';
import type { RapportDatabase } from '../schema.js';
import { wrapDriverError } from '../storage-errors.js';

/** What every SQL repository of one tenant shares. */
export interface SqlContext {
  readonly tenantId: string;
  /** The database, or the open transaction when inside one. */
  readonly db: Kysely<RapportDatabase>;
  readonly dialect: SqlDialect;
  readonly blindIndex: BlindIndex;
  readonly inTransaction: boolean;
  /** A driver-level fast path for `recordMany`'s statements, where the driver has one. */
  readonly native?: NativeWriter | undefined;
  /** Field encryption: values are sealed before writing and opened after reading. */
  readonly encryption?: StorageEncryption | undefined;
}

/** Runs a repository operation, turning driver errors into Rapport errors. */
export async function guarded<T>(ctx: SqlContext, operation: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw wrapDriverError(error, ctx.dialect, operation);
  }
}

/** Runs `work` atomically: in the open transaction, or in a new one. */
export function atomically<T>(ctx: SqlContext, work: (db: Kysely<RapportDatabase>) => Promise<T>): Promise<T> {
  return ctx.inTransaction ? work(ctx.db) : ctx.db.transaction().execute(work);
}

/** Splits rows into chunks that keep each statement under the dialect's parameter limit. */
export function chunksFor<T>(items: readonly T[], columnsPerRow: number, dialect: SqlDialect, cap = 5000): T[][] {
  const size = Math.max(1, Math.min(cap, Math.floor(dialect.maxParameters / columnsPerRow) - 1));
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) chunks.push(items.slice(index, index + size));
  return chunks;
}

/**
 * `column IN (…values)`, or `column = any($1)` with one array parameter where the dialect has
 * array parameters (a long IN list costs PostgreSQL more to plan than to run).
 */
export function inList(ctx: SqlContext, column: string, values: readonly string[]): Expression<SqlBool> {
  if (values.length === 0) return sql<SqlBool>`(1 = 0)`;
  if (ctx.dialect.arrayParameters) return sql<SqlBool>`${sql.ref(column)} = any(${sql.val([...values])}::text[])`;
  return sql<SqlBool>`${sql.ref(column)} in (${sql.join([...values])})`;
}
