import { type Kysely, sql } from 'kysely';
import type { SqlDialect } from '../dialect/sql-dialect.js';
import type { SqlMigration } from './sql-migration.js';

/**
 * Indexes that cost a finished job nothing (core migration `0004_jobs_claim_index`). Every
 * state change of a job wrote a new entry into each index of `rapport_jobs`, though a claim
 * only looks at pending and running jobs and most keys are null:
 *
 * - Claims read the due jobs of one status in `run_at` order, now from one partial index per
 *   status; a job that succeeds leaves them, so its completion writes neither. They replace
 *   `(status, run_at)`, which also held every finished job.
 * - On PostgreSQL the idempotency key is unique where it is set, in a partial index: a job
 *   without a key (most) no longer adds a `(tenant, null)` entry on each of its three writes.
 *   SQLite cannot drop a table's constraint without rebuilding the table, and MySQL indexes
 *   every row, so both keep theirs.
 * - On PostgreSQL the list index leaves out succeeded jobs, which a list of them finds on the
 *   primary key (nearly every job there is one). SQLite keeps it whole: it uses an index that
 *   covers some statuses only for a query that names one as a literal, and lists bind it.
 */
export const jobsClaimIndexMigration: SqlMigration = {
  // biome-ignore lint/suspicious/noExplicitAny: the schema is being changed here.
  async up(db: Kysely<any>, dialect: SqlDialect) {
    if (!dialect.partialIndexes) return;
    for (const status of ['pending', 'running'] as const) {
      await db.schema
        .createIndex(`rapport_jobs_${status}_idx`)
        .on('rapport_jobs')
        .column('run_at')
        .where(sql.ref('status'), '=', sql.lit(status))
        .execute();
    }
    await db.schema.dropIndex('rapport_jobs_due_idx').execute();
    if (dialect.name !== 'postgres') return;
    await db.schema.alterTable('rapport_jobs').dropConstraint('rapport_jobs_idempotency_uq').execute();
    await db.schema
      .createIndex('rapport_jobs_idempotency_uq')
      .unique()
      .on('rapport_jobs')
      .columns(['tenant_id', 'idempotency_key'])
      .where(sql.ref('idempotency_key'), 'is not', null)
      .execute();
    await db.schema.dropIndex('rapport_jobs_list_idx').execute();
    await db.schema
      .createIndex('rapport_jobs_list_idx')
      .on('rapport_jobs')
      .columns(['tenant_id', 'status', 'id'])
      .where(sql.ref('status'), '<>', sql.lit('succeeded'))
      .execute();
  },
};
