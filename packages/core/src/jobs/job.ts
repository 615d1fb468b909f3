import { z } from 'zod';

/** Where a job is in its life. `dead` jobs failed every attempt and wait to be replayed. */
export type JobStatus = 'pending' | 'running' | 'succeeded' | 'dead' | 'cancelled';

/** The statuses, for validation and lists. */
export const JOB_STATUSES: readonly JobStatus[] = ['pending', 'running', 'succeeded', 'dead', 'cancelled'];

/** A durable unit of work: run by a worker at `runAt` or later, at least once until it succeeds. */
export interface Job {
  id: string;
  tenantId: string;
  /** The handler that runs it, e.g. `email.send`. */
  type: string;
  payload: unknown;
  status: JobStatus;
  /** When it may run next: the due time while pending, the lease's end while running. */
  runAt: Date;
  /** Attempts started so far (a claim starts one). */
  attempts: number;
  maxAttempts: number;
  /** Unique per tenant: enqueueing the same key again returns the first job. */
  idempotencyKey: string | null;
  /** The error of the last failed attempt. */
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

/** A job as a worker holds it: the lease token proves the claim when it reports back. */
export interface ClaimedJob extends Job {
  leaseToken: string;
}

const JobTypeSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9][a-z0-9_.:-]*$/, 'must be lower-case letters, digits and _ . : - (e.g. "email.send")');

/** Input of `crm.jobs.enqueue`. */
export const EnqueueJobInputSchema = z.object({
  type: JobTypeSchema,
  /** JSON the handler receives. */
  payload: z.json().optional(),
  /** Not before this time; default now. */
  runAt: z.date().optional(),
  /** Enqueueing the same key again (in this tenant) returns the first job instead of a new one. */
  idempotencyKey: z.string().min(1).max(200).optional(),
  /** Attempts before the job is dead-lettered; default 5 (or the handler's). */
  maxAttempts: z.number().int().min(1).max(100).optional(),
});

/** Input of `crm.jobs.enqueue`. */
export type EnqueueJobInput = z.input<typeof EnqueueJobInputSchema>;

/** Input of `crm.jobs.schedule`: a recurring job from a cron expression in a time zone. */
export const ScheduleInputSchema = z.object({
  /** Unique per tenant; scheduling the same name again replaces the schedule. */
  name: z.string().min(1).max(100),
  type: JobTypeSchema,
  /** Five or six fields (`0 9 * * 1-5`: weekdays at nine), evaluated in `timezone`. */
  cron: z.string().min(1).max(200),
  /** An IANA time zone such as `Europe/London`; default `UTC`. */
  timezone: z.string().min(1).max(64).default('UTC'),
  payload: z.json().optional(),
});

/** Input of `crm.jobs.schedule`. */
export type ScheduleInput = z.input<typeof ScheduleInputSchema>;

/** A stored recurring schedule. */
export interface JobSchedule {
  tenantId: string;
  name: string;
  type: string;
  cron: string;
  timezone: string;
  payload: unknown;
  /** The next occurrence to enqueue. */
  nextRunAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** Filter of `crm.jobs.list`. */
export const JobListQuerySchema = z.object({
  status: z.enum(JOB_STATUSES as [JobStatus, ...JobStatus[]]).optional(),
  type: JobTypeSchema.optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  cursor: z.string().optional(),
});

/** Filter of `crm.jobs.list`. */
export type JobListQuery = z.input<typeof JobListQuerySchema>;
/** The parsed filter a storage receives. */
export type JobListFilter = z.output<typeof JobListQuerySchema>;
