/**
 * The driver-independent parts of the SQL storage, for code that builds on it rather than
 * opens it: `SqlStorage`, the dialect descriptions, migrations, the segment compiler, the
 * row types and error wrapping. It loads no database driver. The storages themselves are
 * opened from one entry per driver — `@rapport/storage-sql/sqlite`, `/postgres`, `/mysql` —
 * so a PostgreSQL app never loads the native SQLite module (see docs/storage.md).
 *
 * @packageDocumentation
 */
export { type BlindIndex, createBlindIndex, DEFAULT_BLIND_INDEX_KEY } from './blind-index.js';
export { mysqlDialect } from './dialect/mysql-dialect.js';
export { postgresDialect } from './dialect/postgres-dialect.js';
export type { DialectName, JsonField, JsonKind, SqlDialect } from './dialect/sql-dialect.js';
export { sqliteDialect } from './dialect/sqlite-dialect.js';
export { type EncryptionOptions, EncryptionOptionsSchema } from './encryption/encryption-options.js';
export { REENCRYPT_JOB, ReencryptionApi, reencryption, type StartReencryptionOptions } from './encryption/reencryption-plugin.js';
export { reencryptionRuns } from './encryption/reencryption-runs.js';
export type { ReencryptionProgress } from './encryption/reencryptor.js';
export { StorageEncryption } from './encryption/storage-encryption.js';
export { coreMigrations } from './migrations/core-migrations.js';
export { createRapportTable } from './migrations/create-table.js';
export { MIGRATION_TABLE, runMigrations } from './migrations/run-migrations.js';
export { defineSqlMigrations, type SqlMigration } from './migrations/sql-migration.js';
export type { NativeWriter } from './native-writer.js';
export { PREPARE_HINT, prepareHint } from './prepared-statements.js';
export { SqlJobQueue } from './repositories/sql-job-queue.js';
export type * from './schema.js';
export { type CompileContext, compileCondition } from './segments/compile-condition.js';
export { SqlStorage, type SqlStorageOptions } from './sql-storage.js';
export { StorageErrorCode, wrapDriverError } from './storage-errors.js';
export { type PluginTableSql, pluginTableSql } from './tables/plugin-table-sql.js';
export { columnType, fromDb, toDb } from './tables/table-column-types.js';
export { migrateTables, PLUGIN_TABLES_TABLE } from './tables/table-migrations.js';
