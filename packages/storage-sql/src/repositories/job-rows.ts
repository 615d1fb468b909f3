import type { Job, JobSchedule, JobStatus } from '@rapport/core';
import type { ClaimedJob } from '@rapport/core/storage';
import type { JobSchedulesTable, JobsTable } from '../schema.js';

const date = (value: number | string) => new Date(Number(value));

/** A job row as the public type. */
export function jobFromRow(row: JobsTable): Job {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    type: row.type,
    payload: row.payload === null ? null : JSON.parse(String(row.payload)),
    status: row.status as JobStatus,
    runAt: date(row.run_at),
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    idempotencyKey: row.idempotency_key,
    lastError: row.last_error,
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
    finishedAt: row.finished_at === null ? null : date(row.finished_at),
  };
}

/** A claimed row, with the token that proves the claim. */
export function claimedFromRow(row: JobsTable): ClaimedJob {
  return { ...jobFromRow(row), leaseToken: row.lease_token ?? '' };
}

/** A job as the row to insert. */
export function jobToRow(job: Job): JobsTable {
  return {
    tenant_id: job.tenantId,
    id: job.id,
    type: job.type,
    payload: job.payload === undefined || job.payload === null ? null : payloadText(job.payload),
    status: job.status,
    run_at: job.runAt.getTime(),
    attempts: job.attempts,
    max_attempts: job.maxAttempts,
    idempotency_key: job.idempotencyKey,
    last_error: job.lastError,
    lease_token: null,
    created_at: job.createdAt.getTime(),
    updated_at: job.updatedAt.getTime(),
    finished_at: job.finishedAt?.getTime() ?? null,
  };
}

/** A schedule row as the public type. */
export function scheduleFromRow(row: JobSchedulesTable): JobSchedule {
  return {
    tenantId: row.tenant_id,
    name: row.name,
    type: row.type,
    cron: row.cron,
    timezone: row.timezone,
    payload: row.payload === null ? null : JSON.parse(String(row.payload)),
    nextRunAt: date(row.next_run_at),
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
  };
}

/** A payload as the JSON text stored (JSON.stringify escapes NUL and lone surrogates, so any dialect holds it). */
export function payloadText(payload: unknown): string {
  return JSON.stringify(payload);
}
