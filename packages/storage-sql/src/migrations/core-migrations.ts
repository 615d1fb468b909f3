import { type CreateTableBuilder, type Kysely, sql } from 'kysely';
import type { SqlDialect } from '../dialect/sql-dialect.js';
import { consentLedgerMigration } from './consent-ledger-migration.js';
import { encryptionMigration } from './encryption-migration.js';
import { jobsClaimIndexMigration } from './jobs-claim-index-migration.js';
import { jobsMigration } from './jobs-migration.js';
import type { SqlMigration } from './sql-migration.js';

/** Length limits of key columns (bytes matter for MySQL's index size limit). */
const TENANT = 128;
const ID = 64;

/** The core schema: customers, identities, interactions, consents, segments. */
export const coreMigrations: Record<string, SqlMigration> = {
  '0001_core_tables': {
    // biome-ignore lint/suspicious/noExplicitAny: the schema is being created here.
    async up(db: Kysely<any>, dialect: SqlDialect) {
      const options = await dialect.tableOptions(db);
      const updateHeavyOptions = await dialect.tableOptions(db, { updateHeavy: true });
      // The same options as createRapportTable, fetched once for all tables.
      const table = (name: string, updateHeavy = false) => {
        const chosen = updateHeavy ? updateHeavyOptions : options;
        return chosen ? db.schema.createTable(name).modifyEnd(chosen) : db.schema.createTable(name);
      };
      const tenant = <T extends string, C extends string>(builder: CreateTableBuilder<T, C>) =>
        builder.addColumn('tenant_id', dialect.idType(TENANT), (col) => col.notNull());
      const json = sql.raw(dialect.jsonType);

      await tenant(table('rapport_customers', true))
        .addColumn('id', dialect.idType(ID), (col) => col.notNull())
        .addColumn('traits', json, (col) => col.notNull())
        .addColumn('lifecycle_stage', 'varchar(64)')
        .addColumn('first_seen_at', 'bigint')
        .addColumn('last_seen_at', 'bigint')
        .addColumn('last_purchase_at', 'bigint')
        .addColumn('purchase_count', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('total_spend', 'double precision', (col) => col.notNull().defaultTo(0))
        .addColumn('interaction_count', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .addColumn('version', 'integer', (col) => col.notNull())
        .addColumn('merged_into', dialect.idType(ID))
        .addPrimaryKeyConstraint('rapport_customers_pk', ['tenant_id', 'id'])
        .execute();
      await db.schema.createIndex('rapport_customers_merged_idx').on('rapport_customers').columns(['tenant_id', 'merged_into']).execute();
      await db.schema
        .createIndex('rapport_customers_stage_idx')
        .on('rapport_customers')
        .columns(['tenant_id', 'lifecycle_stage', 'id'])
        .execute();
      await db.schema.createIndex('rapport_customers_created_idx').on('rapport_customers').columns(['tenant_id', 'created_at']).execute();

      const customerChild = (name: string, updateHeavy = false) =>
        tenant(table(name, updateHeavy))
          .addColumn('customer_id', dialect.idType(ID), (col) => col.notNull())
          .addForeignKeyConstraint(`${name}_customer_fk`, ['tenant_id', 'customer_id'], 'rapport_customers', ['tenant_id', 'id'], (fk) =>
            fk.onDelete('cascade'),
          );

      await customerChild('rapport_customer_tags')
        .addColumn('tag', 'varchar(64)', (col) => col.notNull())
        .addPrimaryKeyConstraint('rapport_customer_tags_pk', ['tenant_id', 'customer_id', 'tag'])
        .execute();
      await db.schema
        .createIndex('rapport_customer_tags_tag_idx')
        .on('rapport_customer_tags')
        .columns(['tenant_id', 'tag', 'customer_id'])
        .execute();

      await customerChild('rapport_customer_channels', true)
        .addColumn('channel', 'varchar(64)', (col) => col.notNull())
        .addColumn('last_seen_at', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('rapport_customer_channels_pk', ['tenant_id', 'customer_id', 'channel'])
        .execute();

      await customerChild('rapport_identities')
        .addColumn('value_hash', 'varchar(64)', (col) => col.notNull())
        .addColumn('type', 'varchar(16)', (col) => col.notNull())
        .addColumn('namespace', 'varchar(64)', (col) => col.notNull())
        .addColumn('value', 'varchar(512)', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('rapport_identities_pk', ['tenant_id', 'value_hash'])
        .execute();
      await db.schema
        .createIndex('rapport_identities_customer_idx')
        .on('rapport_identities')
        .columns(['tenant_id', 'customer_id', 'type'])
        .execute();

      await customerChild('rapport_interactions')
        .addColumn('id', dialect.idType(ID), (col) => col.notNull())
        .addColumn('channel', 'varchar(64)', (col) => col.notNull())
        .addColumn('type', 'varchar(64)', (col) => col.notNull())
        .addColumn('direction', 'varchar(16)', (col) => col.notNull())
        .addColumn('occurred_at', 'bigint', (col) => col.notNull())
        .addColumn('recorded_at', 'bigint', (col) => col.notNull())
        .addColumn('properties', json, (col) => col.notNull())
        .addColumn('source', 'varchar(128)')
        .addColumn('idempotency_key', 'varchar(256)')
        .addPrimaryKeyConstraint('rapport_interactions_pk', ['tenant_id', 'id'])
        .addUniqueConstraint('rapport_interactions_idempotency_uq', ['tenant_id', 'idempotency_key'])
        .execute();
      await db.schema
        .createIndex('rapport_interactions_timeline_idx')
        .on('rapport_interactions')
        .columns(['tenant_id', 'customer_id', 'occurred_at', 'id'])
        .execute();
      await db.schema
        .createIndex('rapport_interactions_type_idx')
        .on('rapport_interactions')
        .columns(['tenant_id', 'customer_id', 'type', 'occurred_at'])
        .execute();

      await customerChild('rapport_consents')
        .addColumn('id', dialect.idType(ID), (col) => col.notNull())
        .addColumn('purpose', 'varchar(64)', (col) => col.notNull())
        .addColumn('channel', 'varchar(64)', (col) => col.notNull())
        .addColumn('status', 'varchar(16)', (col) => col.notNull())
        .addColumn('source', 'varchar(128)', (col) => col.notNull())
        .addColumn('notice_version', 'varchar(64)')
        .addColumn('proof', json)
        .addColumn('occurred_at', 'bigint', (col) => col.notNull())
        .addColumn('recorded_at', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('rapport_consents_pk', ['tenant_id', 'id'])
        .execute();
      await db.schema
        .createIndex('rapport_consents_customer_idx')
        .on('rapport_consents')
        .columns(['tenant_id', 'customer_id', 'purpose', 'occurred_at'])
        .execute();

      await tenant(table('rapport_segments'))
        .addColumn('segment_key', 'varchar(64)', (col) => col.notNull())
        .addColumn('id', dialect.idType(ID), (col) => col.notNull())
        .addColumn('name', 'varchar(200)', (col) => col.notNull())
        .addColumn('description', 'text')
        .addColumn('definition', json, (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('rapport_segments_pk', ['tenant_id', 'segment_key'])
        .execute();

      await customerChild('rapport_segment_members')
        .addColumn('segment_key', 'varchar(64)', (col) => col.notNull())
        .addColumn('entered_at', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('rapport_segment_members_pk', ['tenant_id', 'segment_key', 'customer_id'])
        .addForeignKeyConstraint(
          'rapport_segment_members_segment_fk',
          ['tenant_id', 'segment_key'],
          'rapport_segments',
          ['tenant_id', 'segment_key'],
          (fk) => fk.onDelete('cascade'),
        )
        .execute();
      await db.schema
        .createIndex('rapport_segment_members_customer_idx')
        .on('rapport_segment_members')
        .columns(['tenant_id', 'customer_id'])
        .execute();
    },
  },
  '0002_jobs': jobsMigration,
  '0003_consent_ledger': consentLedgerMigration,
  '0004_jobs_claim_index': jobsClaimIndexMigration,
  '0005_encryption': encryptionMigration,
};
