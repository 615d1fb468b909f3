import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialect/sql-dialect.js';
import type { SqlMigration } from './sql-migration.js';

/**
 * Core migration `0005_encryption`: identity values become unbounded text, so an encrypted
 * one (the value, a nonce, a tag and the key id, in base64: about 1.4× the UTF-8 bytes plus
 * 30 characters) fits however long the identity is. The column is not indexed (lookups go
 * through `value_hash`), so widening it costs nothing. SQLite does not enforce lengths.
 */
export const encryptionMigration: SqlMigration = {
  // biome-ignore lint/suspicious/noExplicitAny: the schema is being changed here.
  async up(db: Kysely<any>, dialect: SqlDialect) {
    if (dialect.name === 'sqlite') return;
    const table = db.schema.alterTable('rapport_identities');
    if (dialect.name === 'mysql') await table.modifyColumn('value', 'text', (col) => col.notNull()).execute();
    else await table.alterColumn('value', (col) => col.setDataType('text')).execute();
  },
};
