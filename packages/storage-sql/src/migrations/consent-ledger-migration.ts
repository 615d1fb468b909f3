import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialect/sql-dialect.js';
import type { SqlMigration } from './sql-migration.js';

/**
 * The complete consent ledger (core migration `0003_consent_ledger`): who recorded each
 * record (`actor`, `app` for the rows before it), when a grant lapses (`expires_at`), and
 * which double opt-in request a grant confirms (`request_id`), unique per tenant so a
 * request is confirmed once however many confirmations race. One column per statement:
 * SQLite adds one column per ALTER TABLE.
 */
export const consentLedgerMigration: SqlMigration = {
  // biome-ignore lint/suspicious/noExplicitAny: the schema is being changed here.
  async up(db: Kysely<any>, dialect: SqlDialect) {
    await db.schema
      .alterTable('rapport_consents')
      .addColumn('actor', 'varchar(128)', (col) => col.notNull().defaultTo('app'))
      .execute();
    await db.schema.alterTable('rapport_consents').addColumn('expires_at', 'bigint').execute();
    await db.schema.alterTable('rapport_consents').addColumn('request_id', dialect.idType(64)).execute();
    await db.schema
      .createIndex('rapport_consents_request_uq')
      .unique()
      .on('rapport_consents')
      .columns(['tenant_id', 'request_id'])
      .execute();
  },
};
