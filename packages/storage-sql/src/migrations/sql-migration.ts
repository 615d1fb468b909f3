import type { StorageMigrationSet } from '@rapport/core/storage';
import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialect/sql-dialect.js';

/** One migration of a plugin's own tables, for `@rapport/storage-sql`. */
export interface SqlMigration {
  /** Applies the change. Use `dialect` for column types that differ (JSON, ids). */
  // biome-ignore lint/suspicious/noExplicitAny: migrations work on tables the Kysely type does not know.
  up(db: Kysely<any>, dialect: SqlDialect): Promise<void>;
}

/**
 * Declares a plugin's SQL migrations. Names sort into the order they run; the namespace
 * prefixes the plugin's migration table (`rapport_migrations_<namespace>`) and should prefix
 * its tables too.
 *
 * @example
 * ```ts
 * definePlugin({ name: '@rapport/feedback', migrations: [defineSqlMigrations('feedback', { '0001_surveys': { up: async (db, dialect) => { … } } })] });
 * ```
 */
export function defineSqlMigrations(namespace: string, migrations: Record<string, SqlMigration>): StorageMigrationSet {
  if (!/^[a-z][a-z0-9_]{0,30}$/.test(namespace)) {
    throw new TypeError(`migration namespace "${namespace}" must be 1-31 characters: a-z, 0-9, _ (starting with a letter)`);
  }
  return { storage: 'sql', namespace, migrations };
}
