import { randomUUID } from 'node:crypto';
import type { JobSchedule } from '@rapport/core';
import type { AttemptOutcome, ClaimedJob, ClaimRequest, JobQueue } from '@rapport/core/storage';
import { type Kysely, sql } from 'kysely';
import type { SqlDialect } from '../dialect/sql-dialect.js';
import type { JobsTable, RapportDatabase } from '../schema.js';
import { wrapDriverError } from '../storage-errors.js';
import { claimedFromRow, scheduleFromRow } from './job-rows.js';

/**
 * The job queue of a SQL storage, across tenants. A claim is one atomic step: one
 * `UPDATE … WHERE (tenant_id, id) IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING` on
 * PostgreSQL (concurrent claimers skip each other's rows instead of waiting), the same
 * without locks on SQLite (the statement takes the write lock), and a `SELECT … FOR UPDATE
 * SKIP LOCKED` plus `UPDATE` in one transaction on MySQL, which has no `RETURNING`.
 */
export class SqlJobQueue implements JobQueue {
  constructor(
    private readonly db: Kysely<RapportDatabase>,
    private readonly dialect: SqlDialect,
  ) {}

  async claim(request: ClaimRequest): Promise<ClaimedJob[]> {
    if (request.types.length === 0 || request.limit < 1) return [];
    const token = randomUUID();
    const rows = await this.retryingConflicts('claim jobs', () =>
      this.dialect.supportsReturning ? this.claimReturning(request, token) : this.claimLocked(request, token),
    );
    return rows.map((row) => claimedFromRow(row)).sort((a, b) => a.runAt.getTime() - b.runAt.getTime());
  }

  async complete(jobs: readonly ClaimedJob[], now: Date): Promise<number> {
    let marked = 0;
    const at = now.getTime();
    for (let start = 0; start < jobs.length; start += 500) {
      const keys = jobs.slice(start, start + 500).map((job) => sql`(${job.tenantId}, ${job.id}, ${job.leaseToken})`);
      const result = await this.retryingConflicts('complete jobs', () =>
        this.db
          .updateTable('rapport_jobs')
          .set({ status: 'succeeded', updated_at: at, finished_at: at, lease_token: null })
          .where('status', '=', 'running')
          .where(sql<boolean>`(tenant_id, id, lease_token) in (${sql.join(keys)})`)
          .executeTakeFirst(),
      );
      marked += Number(result.numUpdatedRows);
    }
    return marked;
  }

  async report(job: ClaimedJob, outcome: AttemptOutcome, now: Date): Promise<boolean> {
    const at = now.getTime();
    const set =
      outcome.status === 'succeeded'
        ? { status: 'succeeded', updated_at: at, finished_at: at, lease_token: null }
        : outcome.status === 'retry'
          ? {
              status: 'pending',
              run_at: outcome.retryAt.getTime(),
              updated_at: at,
              lease_token: null,
              ...(outcome.error === null ? {} : { last_error: outcome.error }),
            }
          : { status: 'dead', last_error: outcome.error, updated_at: at, finished_at: at, lease_token: null };
    return this.ifStillLeased(job, set, 'report job');
  }

  release(job: ClaimedJob, now: Date): Promise<boolean> {
    return this.ifStillLeased(
      job,
      { status: 'pending', run_at: now.getTime(), attempts: sql<number>`attempts - 1`, updated_at: now.getTime(), lease_token: null },
      'release job',
    );
  }

  async dueSchedules(now: Date): Promise<JobSchedule[]> {
    try {
      const rows = await this.db
        .selectFrom('rapport_job_schedules')
        .selectAll()
        .where('next_run_at', '<=', now.getTime())
        .orderBy('next_run_at')
        .limit(1000)
        .execute();
      return rows.map((row) => scheduleFromRow(row));
    } catch (error) {
      throw wrapDriverError(error, this.dialect, 'read due schedules');
    }
  }

  private due(db: Kysely<RapportDatabase>, request: ClaimRequest) {
    return db
      .selectFrom('rapport_jobs')
      .select(['tenant_id', 'id'])
      .where('status', 'in', ['pending', 'running'])
      .where('run_at', '<=', request.now.getTime())
      .where('type', 'in', [...request.types])
      .orderBy('run_at')
      .limit(request.limit);
  }

  private claimedValues(request: ClaimRequest, token: string) {
    return {
      status: 'running',
      attempts: sql<number>`attempts + 1`,
      run_at: request.now.getTime() + request.leaseMs,
      lease_token: token,
      updated_at: request.now.getTime(),
    };
  }

  private async claimReturning(request: ClaimRequest, token: string): Promise<JobsTable[]> {
    const picked = this.dialect.rowLock ? this.due(this.db, request).forUpdate().skipLocked() : this.due(this.db, request);
    return this.db
      .updateTable('rapport_jobs')
      .set(this.claimedValues(request, token))
      .where(sql<boolean>`(tenant_id, id) in (${picked})`)
      .returningAll()
      .execute();
  }

  private claimLocked(request: ClaimRequest, token: string): Promise<JobsTable[]> {
    return this.db.transaction().execute(async (trx) => {
      const picked = await this.due(trx, request).forUpdate().skipLocked().execute();
      if (picked.length === 0) return [];
      const keys = picked.map((row) => sql`(${row.tenant_id}, ${row.id})`);
      const inPicked = sql<boolean>`(tenant_id, id) in (${sql.join(keys)})`;
      await trx.updateTable('rapport_jobs').set(this.claimedValues(request, token)).where(inPicked).execute();
      return trx.selectFrom('rapport_jobs').selectAll().where(inPicked).where('lease_token', '=', token).execute();
    });
  }

  private async ifStillLeased(job: ClaimedJob, set: Record<string, unknown>, operation: string): Promise<boolean> {
    const result = await this.retryingConflicts(operation, () =>
      this.db
        .updateTable('rapport_jobs')
        .set(set as never)
        .where('tenant_id', '=', job.tenantId)
        .where('id', '=', job.id)
        .where('status', '=', 'running')
        .where('lease_token', '=', job.leaseToken)
        .executeTakeFirst(),
    );
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Runs one queue statement (or claim transaction), again on a deadlock: InnoDB can pick a
   * claim and a report touching neighbouring index entries as each other's victims, and the
   * queue, not its callers, should absorb that.
   */
  private async retryingConflicts<T>(operation: string, work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (attempt >= 5 || !this.dialect.isRetryableConflict(error)) throw wrapDriverError(error, this.dialect, operation);
        await new Promise((resolve) => setTimeout(resolve, attempt * (1 + Math.random() * 4)));
      }
    }
  }
}
