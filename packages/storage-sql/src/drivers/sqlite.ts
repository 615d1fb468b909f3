import { CoreErrorCode, PluginError } from '@rapport/core';
import { parsePluginOptions } from '@rapport/core/plugin';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { z } from 'zod';
import { createBlindIndex } from '../blind-index.js';
import { sqliteDialect } from '../dialect/sqlite-dialect.js';
import { EncryptionOptionsSchema } from '../encryption/encryption-options.js';
import { storageEncryption } from '../encryption/storage-encryption.js';
import type { RapportDatabase } from '../schema.js';
import { SqlStorage } from '../sql-storage.js';
import { sqliteNativeWriter } from './sqlite-native-writer.js';
import { withStatementCache } from './sqlite-statement-cache.js';

/** The zod schema {@link sqlite} checks its options with (defaults filled in). */
export const SqliteOptionsSchema = z.object({
  /** A file path, or `:memory:` for a database that lives as long as the process. */
  filename: z.string().min(1).default('rapport.db'),
  /** How long a writer waits for another process's lock before failing, in ms. */
  busyTimeoutMs: z.number().int().nonnegative().default(5000),
  /**
   * `NORMAL` (default) is safe from corruption in WAL mode and fast; the last transactions
   * before a power loss may be lost. `FULL` syncs every commit.
   */
  synchronous: z.enum(['OFF', 'NORMAL', 'FULL', 'EXTRA']).default('NORMAL'),
  /** Page cache of the connection, in MiB. */
  cacheSizeMiB: z.number().int().min(1).default(64),
  /**
   * WAL pages between automatic checkpoints. Each checkpoint syncs the database file, so a
   * larger interval makes write-heavy work (bulk ingest) faster at the cost of a larger WAL.
   */
  walAutocheckpointPages: z.number().int().min(100).default(10_000),
  blindIndexKey: z.string().min(16).optional(),
  /** Field-level encryption of personal data at rest (docs/encryption.md); off when absent. */
  encryption: EncryptionOptionsSchema.optional(),
});

/** Options of {@link sqlite}. */
export type SqliteOptions = z.input<typeof SqliteOptionsSchema>;

/**
 * Embedded SQLite storage (better-sqlite3): a file, or `:memory:`. Opens with WAL journaling,
 * foreign keys on, a busy timeout, `synchronous = NORMAL`, a 64 MiB page cache and a
 * checkpoint every 10,000 WAL pages, unless told otherwise.
 *
 * @example
 * ```ts
 * const crm = await createCrm({ storage: sqlite({ filename: 'crm.db' }) });
 * ```
 */
export function sqlite(options: SqliteOptions = {}): SqlStorage {
  const parsed = parsePluginOptions(PLUGIN, SqliteOptionsSchema, options);
  const database = openDatabase(parsed.filename);
  database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  database.pragma(`busy_timeout = ${parsed.busyTimeoutMs}`);
  database.pragma(`synchronous = ${parsed.synchronous}`);
  database.pragma(`cache_size = ${-parsed.cacheSizeMiB * 1024}`);
  database.pragma(`wal_autocheckpoint = ${parsed.walAutocheckpointPages}`);
  const db = new Kysely<RapportDatabase>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  return new SqlStorage(
    'sqlite',
    db,
    sqliteDialect,
    createBlindIndex(parsed.blindIndexKey),
    sqliteNativeWriter(database),
    storageEncryption(parsed.encryption),
  );
}

const PLUGIN = '@rapport/storage-sql/sqlite';

/** Opens the file, or fails naming `filename` (a missing directory, a file that is not a database). */
function openDatabase(filename: string): Database.Database {
  try {
    return new Database(filename);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const message = `cannot open "${filename}": ${reason}`;
    throw new PluginError(
      CoreErrorCode.PluginInvalidOptions,
      PLUGIN,
      `invalid options — filename: ${message}`,
      { issues: [{ path: ['filename'], message }] },
      error,
    );
  }
}
