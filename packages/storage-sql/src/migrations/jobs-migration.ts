import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialect/sql-dialect.js';
import type { SqlMigration } from './sql-migration.js';

/**
 * The durable job queue and recurring schedules (core migration `0002_jobs`). Payloads are
 * JSON text: a queue never queries inside them, and text keeps a payload that is itself a
 * string (`"first"`) apart from one that is an object, which drivers returning JSON columns
 * already parsed cannot.
 */
export const jobsMigration: SqlMigration = {
  // biome-ignore lint/suspicious/noExplicitAny: the schema is being created here.
  async up(db: Kysely<any>, dialect: SqlDialect) {
    const options = await dialect.tableOptions(db, { updateHeavy: true });
    const table = (name: string) => (options ? db.schema.createTable(name).modifyEnd(options) : db.schema.createTable(name));
    await table('rapport_jobs')
      .addColumn('tenant_id', dialect.idType(128), (col) => col.notNull())
      .addColumn('id', dialect.idType(64), (col) => col.notNull())
      .addColumn('type', dialect.idType(100), (col) => col.notNull())
      .addColumn('payload', 'text')
      .addColumn('status', 'varchar(16)', (col) => col.notNull())
      .addColumn('run_at', 'bigint', (col) => col.notNull())
      .addColumn('attempts', 'integer', (col) => col.notNull())
      .addColumn('max_attempts', 'integer', (col) => col.notNull())
      .addColumn('idempotency_key', 'varchar(200)')
      .addColumn('last_error', 'text')
      .addColumn('lease_token', 'varchar(64)')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .addColumn('finished_at', 'bigint')
      .addPrimaryKeyConstraint('rapport_jobs_pk', ['tenant_id', 'id'])
      .addUniqueConstraint('rapport_jobs_idempotency_uq', ['tenant_id', 'idempotency_key'])
      .execute();
    // Claims look for due work of every tenant: pending or running (lease ended) by time.
    await db.schema.createIndex('rapport_jobs_due_idx').on('rapport_jobs').columns(['status', 'run_at']).execute();
    await db.schema.createIndex('rapport_jobs_list_idx').on('rapport_jobs').columns(['tenant_id', 'status', 'id']).execute();
    await table('rapport_job_schedules')
      .addColumn('tenant_id', dialect.idType(128), (col) => col.notNull())
      .addColumn('name', dialect.idType(100), (col) => col.notNull())
      .addColumn('type', dialect.idType(100), (col) => col.notNull())
      .addColumn('cron', 'varchar(200)', (col) => col.notNull())
      .addColumn('timezone', 'varchar(64)', (col) => col.notNull())
      .addColumn('payload', 'text')
      .addColumn('next_run_at', 'bigint', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('rapport_job_schedules_pk', ['tenant_id', 'name'])
      .execute();
    await db.schema.createIndex('rapport_job_schedules_due_idx').on('rapport_job_schedules').columns(['next_run_at']).execute();
  },
};
