import type { Job, JobListFilter, JobSchedule, Page } from '@rapport/core';
import { decodeCursor, type EnqueueOutcome, encodeCursor, type JobRepository } from '@rapport/core/storage';
import { type Kysely, sql } from 'kysely';
import { type ArrayColumn, unnestRows } from '../array-rows.js';
import type { JobsTable, RapportDatabase } from '../schema.js';
import { jobFromRow, jobToRow, payloadText, scheduleFromRow } from './job-rows.js';
import { atomically, chunksFor, guarded, type SqlContext } from './sql-context.js';

const JOB_ARRAY_COLUMNS: ArrayColumn<JobsTable>[] = [
  { name: 'tenant_id', type: 'text', value: (row) => row.tenant_id },
  { name: 'id', type: 'text', value: (row) => row.id },
  { name: 'type', type: 'text', value: (row) => row.type },
  { name: 'payload', type: 'text', value: (row) => row.payload },
  { name: 'status', type: 'text', value: (row) => row.status },
  { name: 'run_at', type: 'bigint', value: (row) => row.run_at },
  { name: 'attempts', type: 'integer', value: (row) => row.attempts },
  { name: 'max_attempts', type: 'integer', value: (row) => row.max_attempts },
  { name: 'idempotency_key', type: 'text', value: (row) => row.idempotency_key },
  { name: 'last_error', type: 'text', value: (row) => row.last_error },
  { name: 'lease_token', type: 'text', value: (row) => row.lease_token },
  { name: 'created_at', type: 'bigint', value: (row) => row.created_at },
  { name: 'updated_at', type: 'bigint', value: (row) => row.updated_at },
  { name: 'finished_at', type: 'bigint', value: (row) => row.finished_at },
];
const JOB_COLUMNS = JOB_ARRAY_COLUMNS.map((column) => column.name).join(', ');
/** Jobs one array insert carries. */
const UNNEST_CHUNK = 5000;

/** The jobs and schedules of one tenant in SQL. */
export class SqlJobRepository implements JobRepository {
  constructor(private readonly ctx: SqlContext) {}

  enqueue(job: Job): Promise<EnqueueOutcome> {
    return guarded(this.ctx, 'enqueue job', () =>
      atomically(this.ctx, async (db) => {
        const row = jobToRow({ ...job, tenantId: this.ctx.tenantId });
        const insert = db.insertInto('rapport_jobs').values(row);
        // A taken key leaves the stored job as it is (a no-op update on MySQL: INSERT IGNORE would
        // also swallow other errors). Which job holds the key is then read back rather than taken
        // from the affected-row count, which mysql2 reports as 1 for a row found but unchanged.
        if (this.ctx.dialect.upsertStyle === 'on-duplicate-key') await insert.onDuplicateKeyUpdate({ id: sql`id` }).execute();
        else await insert.onConflict((conflict) => conflict.doNothing()).execute();
        const own = { ...job, tenantId: this.ctx.tenantId };
        if (job.idempotencyKey === null) return { job: own, created: true };
        const holder = await this.byKey(db, job.idempotencyKey);
        if (!holder) throw new Error(`job with idempotency key "${job.idempotencyKey}" was neither stored nor found`);
        return holder.id === job.id ? { job: own, created: true } : { job: holder, created: false };
      }),
    );
  }

  enqueueMany(jobs: readonly Job[]): Promise<EnqueueOutcome[]> {
    return guarded(this.ctx, 'enqueue jobs', () =>
      atomically(this.ctx, async (db) => {
        const own = jobs.map((job) => ({ ...job, tenantId: this.ctx.tenantId }));
        if (this.ctx.dialect.arrayParameters) {
          // One array per column: PostgreSQL plans this alike for 10 rows or 5,000, where a
          // VALUES list of 7,000 parameters cost more to plan than to insert.
          for (let start = 0; start < own.length; start += UNNEST_CHUNK) {
            const rows = own.slice(start, start + UNNEST_CHUNK).map((job) => jobToRow(job));
            await sql`insert into rapport_jobs (${sql.raw(JOB_COLUMNS)}) select ${sql.raw(JOB_COLUMNS)} from ${unnestRows(rows, JOB_ARRAY_COLUMNS, 'v')}
              on conflict do nothing`.execute(db);
          }
        } else {
          for (const chunk of chunksFor(own, 14, this.ctx.dialect, 1000)) {
            const insert = db.insertInto('rapport_jobs').values(chunk.map((job) => jobToRow(job)));
            if (this.ctx.dialect.upsertStyle === 'on-duplicate-key') await insert.onDuplicateKeyUpdate({ id: sql`id` }).execute();
            else await insert.onConflict((conflict) => conflict.doNothing()).execute();
          }
        }
        // Which job holds each key now: ours where it was new, the earlier one where not.
        const keys = [...new Set(own.flatMap((job) => (job.idempotencyKey === null ? [] : [job.idempotencyKey])))];
        const holders = new Map<string, Job>();
        for (const chunk of chunksFor(keys, 1, this.ctx.dialect)) {
          const rows = await db
            .selectFrom('rapport_jobs')
            .selectAll()
            .where('tenant_id', '=', this.ctx.tenantId)
            .where('idempotency_key', 'in', chunk)
            .execute();
          for (const row of rows) holders.set(row.idempotency_key as string, jobFromRow(row));
        }
        return own.map((job) => {
          const holder = job.idempotencyKey === null ? undefined : holders.get(job.idempotencyKey);
          return holder && holder.id !== job.id ? { job: holder, created: false } : { job, created: true };
        });
      }),
    );
  }

  get(id: string): Promise<Job | null> {
    return guarded(this.ctx, 'get job', async () => {
      const row = await this.ctx.db
        .selectFrom('rapport_jobs')
        .selectAll()
        .where('tenant_id', '=', this.ctx.tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? jobFromRow(row) : null;
    });
  }

  list(filter: JobListFilter): Promise<Page<Job>> {
    return guarded(this.ctx, 'list jobs', async () => {
      let query = this.ctx.db.selectFrom('rapport_jobs').selectAll().where('tenant_id', '=', this.ctx.tenantId);
      if (filter.status !== undefined) query = query.where('status', '=', filter.status);
      if (filter.type !== undefined) query = query.where('type', '=', filter.type);
      if (filter.cursor !== undefined) query = query.where('id', '<', String(decodeCursor(filter.cursor).id ?? ''));
      const rows = await query
        .orderBy('id', 'desc')
        .limit(filter.limit + 1)
        .execute();
      const items = rows.slice(0, filter.limit).map((row) => jobFromRow(row));
      const last = items.at(-1);
      return { items, nextCursor: rows.length > filter.limit && last ? encodeCursor({ id: last.id }) : null };
    });
  }

  cancel(id: string, now: Date): Promise<boolean> {
    return this.transition(id, 'pending', {
      status: 'cancelled',
      updated_at: now.getTime(),
      finished_at: now.getTime(),
      lease_token: null,
    });
  }

  replay(id: string, now: Date): Promise<boolean> {
    return this.transition(id, 'dead', {
      status: 'pending',
      attempts: 0,
      run_at: now.getTime(),
      updated_at: now.getTime(),
      finished_at: null,
      lease_token: null,
    });
  }

  putSchedule(schedule: JobSchedule): Promise<void> {
    return guarded(this.ctx, 'put schedule', () =>
      atomically(this.ctx, async (db) => {
        const values = {
          type: schedule.type,
          cron: schedule.cron,
          timezone: schedule.timezone,
          payload: schedule.payload === undefined || schedule.payload === null ? null : payloadText(schedule.payload),
          next_run_at: schedule.nextRunAt.getTime(),
          updated_at: schedule.updatedAt.getTime(),
        };
        const updated = await db
          .updateTable('rapport_job_schedules')
          .set(values)
          .where('tenant_id', '=', this.ctx.tenantId)
          .where('name', '=', schedule.name)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) > 0) return;
        await db
          .insertInto('rapport_job_schedules')
          .values({ ...values, tenant_id: this.ctx.tenantId, name: schedule.name, created_at: schedule.createdAt.getTime() })
          .execute();
      }),
    );
  }

  removeSchedule(name: string): Promise<boolean> {
    return guarded(this.ctx, 'remove schedule', async () => {
      const result = await this.ctx.db
        .deleteFrom('rapport_job_schedules')
        .where('tenant_id', '=', this.ctx.tenantId)
        .where('name', '=', name)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  schedules(): Promise<JobSchedule[]> {
    return guarded(this.ctx, 'list schedules', async () => {
      const rows = await this.ctx.db
        .selectFrom('rapport_job_schedules')
        .selectAll()
        .where('tenant_id', '=', this.ctx.tenantId)
        .orderBy('name')
        .execute();
      return rows.map((row) => scheduleFromRow(row));
    });
  }

  advanceSchedule(name: string, expected: Date, next: Date): Promise<boolean> {
    return guarded(this.ctx, 'advance schedule', async () => {
      const result = await this.ctx.db
        .updateTable('rapport_job_schedules')
        .set({ next_run_at: next.getTime() })
        .where('tenant_id', '=', this.ctx.tenantId)
        .where('name', '=', name)
        .where('next_run_at', '=', expected.getTime())
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    });
  }

  private transition(id: string, from: string, set: Partial<RapportDatabase['rapport_jobs']>): Promise<boolean> {
    return guarded(this.ctx, 'change job', async () => {
      const result = await this.ctx.db
        .updateTable('rapport_jobs')
        .set(set)
        .where('tenant_id', '=', this.ctx.tenantId)
        .where('id', '=', id)
        .where('status', '=', from)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    });
  }

  private async byKey(db: Kysely<RapportDatabase>, key: string): Promise<Job | null> {
    const row = await db
      .selectFrom('rapport_jobs')
      .selectAll()
      .where('tenant_id', '=', this.ctx.tenantId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    return row ? jobFromRow(row) : null;
  }
}
