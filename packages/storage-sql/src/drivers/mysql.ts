import { parsePluginOptions } from '@rapport/core/plugin';
import { CompiledQuery, Kysely, MysqlDialect } from 'kysely';
import type { Pool } from 'mysql2';
import { z } from 'zod';
import { createBlindIndex } from '../blind-index.js';
import { mysqlDialect } from '../dialect/mysql-dialect.js';
import { EncryptionOptionsSchema } from '../encryption/encryption-options.js';
import { storageEncryption } from '../encryption/storage-encryption.js';
import type { RapportDatabase } from '../schema.js';
import { SqlStorage } from '../sql-storage.js';
import { loadDriver } from './load-driver.js';

/** The zod schema {@link mysql} checks its options with (defaults filled in). */
export const MysqlOptionsSchema = z
  .object({
    /** `mysql://user:password@host:3306/database`. */
    uri: z.string().min(1).optional(),
    /** A mysql2 pool (callback API) the app already has. */
    pool: z
      .custom<Pool>((value) => typeof value === 'object' && value !== null && 'getConnection' in value, 'must be a mysql2 Pool')
      .optional(),
    connectionLimit: z.number().int().min(1).default(10),
    blindIndexKey: z.string().min(16).optional(),
    /** Field-level encryption of personal data at rest (docs/encryption.md); off when absent. */
    encryption: EncryptionOptionsSchema.optional(),
  })
  .refine((options) => options.uri !== undefined || options.pool !== undefined, { message: 'give uri or pool', path: ['uri'] });

/** Options of {@link mysql}. */
export type MysqlOptions = z.input<typeof MysqlOptionsSchema>;

/**
 * MySQL 8 / MariaDB 10.11 storage (mysql2). Needs the `mysql2` package installed.
 *
 * @example
 * ```ts
 * const crm = await createCrm({ storage: await mysql({ uri: 'mysql://root@127.0.0.1:3306/crm' }) });
 * ```
 */
export async function mysql(options: MysqlOptions): Promise<SqlStorage> {
  const parsed = parsePluginOptions('@rapport/storage-sql/mysql', MysqlOptionsSchema, options);
  const driver = await loadDriver<typeof import('mysql2')>('mysql2', '@rapport/storage-sql/mysql');
  const pool = parsed.pool ?? driver.createPool({ uri: parsed.uri, connectionLimit: parsed.connectionLimit, charset: 'utf8mb4' });
  const db = new Kysely<RapportDatabase>({
    dialect: new MysqlDialect({
      pool,
      // READ COMMITTED, as PostgreSQL runs by default: a statement reads what is committed
      // when it starts. Under InnoDB's REPEATABLE READ a transaction's plain reads keep the
      // snapshot of its first read, so after waiting for a customer's row lock (see
      // lockLive) it would still see that customer as it was before the other writer
      // committed, and write back stale figures.
      onCreateConnection: (connection) =>
        connection.executeQuery(CompiledQuery.raw('set session transaction isolation level read committed')).then(() => undefined),
    }),
  });
  return new SqlStorage('mysql', db, mysqlDialect, createBlindIndex(parsed.blindIndexKey), undefined, storageEncryption(parsed.encryption));
}
