import { randomUUID } from 'node:crypto';
import type { JobSchedule } from '@rapport/core';
import type { AttemptOutcome, ClaimedJob, ClaimRequest, JobQueue } from '@rapport/core/storage';
import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { SqlDialect } from '../dialect/sql-dialect.js';
import type { JobsTable, RapportDatabase } from '../schema.js';
import { wrapDriverError } from '../storage-errors.js';
import { ArrayClaim } from './array-claim.js';
import { claimedFromRow, scheduleFromRow } from './job-rows.js';

/** Jobs one completing UPDATE lists at most. */
const COMPLETE_CHUNK = 500;

/**
 * The job queue of a SQL storage, across tenants. A claim is one atomic step: on PostgreSQL
 * one prepared statement that marks the previous batch's successes and claims with `FOR NO KEY
 * UPDATE SKIP LOCKED` (concurrent claimers skip each other's rows instead of waiting; its
 * text is fixed, so it is planned once per connection); on SQLite one `UPDATE … WHERE (tenant_id, id) IN (SELECT …) RETURNING`
 * (the statement takes the write lock); on MySQL a `SELECT … FOR UPDATE SKIP LOCKED` plus
 * `UPDATE` in one transaction, as it has no `RETURNING`. On PostgreSQL the queue's writes commit
 * without waiting for the WAL flush (see docs/jobs.md: a lost one is redone).
 */
export class SqlJobQueue implements JobQueue {
  /** The claim and completion with lists bound as arrays, where the dialect takes them with a writable CTE and row locks. */
  private readonly arrayClaim: ArrayClaim | null;

  constructor(
    private readonly db: Kysely<RapportDatabase>,
    private readonly dialect: SqlDialect,
  ) {
    this.arrayClaim = dialect.arrayParameters && dialect.writableCte && dialect.rowLock ? new ArrayClaim(db, dialect) : null;
  }

  async claim(request: ClaimRequest): Promise<ClaimedJob[]> {
    const done = request.complete ?? [];
    if (request.types.length === 0 || request.limit < 1) {
      await this.complete(done, request.now);
      return [];
    }
    const token = randomUUID();
    let rows: JobsTable[];
    const arrayClaim = this.arrayClaim;
    if (arrayClaim) {
      rows = await this.retryingConflicts('claim jobs', () => arrayClaim.completeAndClaim(done, request, token));
    } else {
      await this.complete(done, request.now);
      rows = await this.retryingConflicts('claim jobs', () =>
        this.dialect.supportsReturning ? this.claimReturning(request, token) : this.claimLocked(request, token),
      );
    }
    return rows.map((row) => claimedFromRow(row)).sort((a, b) => a.runAt.getTime() - b.runAt.getTime());
  }

  async complete(jobs: readonly ClaimedJob[], now: Date): Promise<number> {
    const arrayClaim = this.arrayClaim;
    if (arrayClaim) return jobs.length === 0 ? 0 : this.retryingConflicts('complete jobs', () => arrayClaim.complete(jobs, now));
    let marked = 0;
    for (let start = 0; start < jobs.length; start += COMPLETE_CHUNK) {
      const chunk = jobs.slice(start, start + COMPLETE_CHUNK);
      const result = await this.retryingConflicts('complete jobs', () => this.completion(this.db, chunk, now).executeTakeFirst());
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

  /**
   * The due jobs to claim, oldest first. Pending and lease-expired running jobs are looked up
   * apart, each in `(status, run_at)` index order, so a claim reads about `limit` index
   * entries; `status in ('pending', 'running') order by run_at` read and sorted every due job
   * first, so each claim grew with the backlog (a temp B-tree over all of them on SQLite).
   */
  private due(db: Kysely<RapportDatabase>, request: ClaimRequest) {
    const branch = (status: 'pending' | 'running') => this.dueWith(db, request, status, request.limit);
    return db
      .selectFrom(
        db
          .selectFrom(branch('pending').as('p'))
          .selectAll()
          .unionAll(db.selectFrom(branch('running').as('r')).selectAll())
          .as('d'),
      )
      .select(['tenant_id', 'id'])
      .orderBy('run_at')
      .limit(request.limit);
  }

  /**
   * Due jobs of one status, in index order, skipping rows other claimers hold. The status is a
   * literal: SQLite uses an index that covers one status only for a query that names it.
   */
  private dueWith(db: Kysely<RapportDatabase>, request: ClaimRequest, status: 'pending' | 'running', limit: number) {
    const query = db
      .selectFrom('rapport_jobs')
      .select(['tenant_id', 'id', 'run_at'])
      .where('status', '=', sql.lit(status))
      .where('run_at', '<=', request.now.getTime())
      .where('type', 'in', [...request.types])
      .orderBy('run_at')
      .limit(limit);
    return this.dialect.rowLock ? query.forUpdate().skipLocked() : query;
  }

  /** Marks `jobs` succeeded where their claim still holds. */
  private completion(db: Kysely<RapportDatabase>, jobs: readonly ClaimedJob[], now: Date) {
    const at = now.getTime();
    const keys = jobs.map((job) => sql`(${job.tenantId}, ${job.id}, ${job.leaseToken})`);
    // The token alone proves the claim: every move out of `running` clears it. A `status =
    // 'running'` here could lead the planner to the (tenant, status, id) index, across the dead
    // entries of every job that was ever running; the plain `in` lists keep it on the primary key.
    return this.relaxed(
      db
        .updateTable('rapport_jobs')
        .set({ status: 'succeeded', updated_at: at, finished_at: at, lease_token: null })
        .where('tenant_id', 'in', [...new Set(jobs.map((job) => job.tenantId))])
        .where(
          'id',
          'in',
          jobs.map((job) => job.id),
        )
        .where(sql<boolean>`(tenant_id, id, lease_token) in (${sql.join(keys)})`),
    );
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

  private claimReturning(request: ClaimRequest, token: string): Promise<JobsTable[]> {
    return this.relaxed(
      this.db
        .updateTable('rapport_jobs')
        .set(this.claimedValues(request, token))
        .where(sql<boolean>`(tenant_id, id) in (${this.due(this.db, request)})`),
    )
      .returningAll()
      .execute();
  }

  private claimLocked(request: ClaimRequest, token: string): Promise<JobsTable[]> {
    return this.db.transaction().execute(async (trx) => {
      // Two looks in index order, as in due(): MySQL cannot lock rows read inside a UNION's branches.
      const picked = await this.dueWith(trx, request, 'pending', request.limit).execute();
      if (picked.length < request.limit)
        picked.push(...(await this.dueWith(trx, request, 'running', request.limit - picked.length).execute()));
      if (picked.length === 0) return [];
      const keys = picked.map((row) => sql`(${row.tenant_id}, ${row.id})`);
      const inPicked = sql<boolean>`(tenant_id, id) in (${sql.join(keys)})`;
      await trx.updateTable('rapport_jobs').set(this.claimedValues(request, token)).where(inPicked).execute();
      const rows = await trx.selectFrom('rapport_jobs').selectAll().where(inPicked).where('lease_token', '=', token).execute();
      // In the order picked (oldest first): the claimed rows all hold the same lease end.
      const order = new Map(picked.map((row, index) => [`${row.tenant_id}\u0000${row.id}`, index]));
      const rank = (row: JobsTable) => order.get(`${row.tenant_id}\u0000${row.id}`) ?? 0;
      return rows.sort((a, b) => rank(a) - rank(b));
    });
  }

  /** Adds the dialect's relaxed-commit condition: the write is redone if a server crash loses it (see docs/jobs.md). */
  private relaxed<Q extends { where(condition: RawBuilder<SqlBool>): Q }>(query: Q): Q {
    return this.dialect.relaxedCommit ? query.where(this.dialect.relaxedCommit) : query;
  }

  private async ifStillLeased(job: ClaimedJob, set: Record<string, unknown>, operation: string): Promise<boolean> {
    const result = await this.retryingConflicts(operation, () =>
      this.db
        .updateTable('rapport_jobs')
        .set(set as never)
        .where('tenant_id', '=', job.tenantId)
        .where('id', '=', job.id)
        .where('lease_token', '=', job.leaseToken)
        .$call((query) => this.relaxed(query))
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
