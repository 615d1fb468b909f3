import type { ClaimedJob, Job, JobListFilter, JobSchedule } from '../jobs/job.js';
import type { Page } from '../model/page.js';

/** Outcome of storing a job: the job, and whether it is new or an earlier one with the same idempotency key. */
export interface EnqueueOutcome {
  job: Job;
  created: boolean;
}

/**
 * The jobs of one tenant (`TenantStore.jobs`). Inside `TenantStore.transaction` an enqueued
 * job commits with the transaction's other writes or not at all (the transactional outbox).
 */
export interface JobRepository {
  /** Stores a pending job; with a taken idempotency key, returns the stored job instead. */
  enqueue(job: Job): Promise<EnqueueOutcome>;
  /**
   * {@link JobRepository.enqueue} for many jobs in few statements, one outcome per job in
   * order; of jobs sharing an idempotency key the first (stored earlier or earlier in the list) wins.
   */
  enqueueMany(jobs: readonly Job[]): Promise<EnqueueOutcome[]>;
  get(id: string): Promise<Job | null>;
  /** Jobs newest first (by id), filtered, a page at a time. */
  list(filter: JobListFilter): Promise<Page<Job>>;
  /** Cancels a pending job; false if it is not pending (running, finished or unknown). */
  cancel(id: string, now: Date): Promise<boolean>;
  /** Makes a dead job pending again, due `now`, with its attempts reset; false if it is not dead. */
  replay(id: string, now: Date): Promise<boolean>;
  /** Creates or replaces a recurring schedule by name. */
  putSchedule(schedule: JobSchedule): Promise<void>;
  /** Deletes a schedule; false if there was none. Jobs it enqueued stay. */
  removeSchedule(name: string): Promise<boolean>;
  /** The tenant's schedules, by name. */
  schedules(): Promise<JobSchedule[]>;
  /**
   * Moves a schedule from the occurrence `expected` to `next`, if it is still at `expected`:
   * of several workers firing one occurrence, one moves it (and enqueues the job).
   */
  advanceSchedule(name: string, expected: Date, next: Date): Promise<boolean>;
}

/** What a worker asks for. */
export interface ClaimRequest {
  /** Job types the worker has handlers for. */
  types: readonly string[];
  limit: number;
  now: Date;
  /** How long the claim holds; a job not reported by then is claimed again by someone else. */
  leaseMs: number;
  /**
   * Successes to record first, as {@link JobQueue.complete} would (at `now`): a worker's
   * report of one batch rides with its claim of the next, in one round trip where the storage can.
   */
  complete?: readonly ClaimedJob[];
}

/** How an attempt ended, as a worker reports it. */
export type AttemptOutcome =
  | { status: 'succeeded' }
  /** Run again at `retryAt`; `error` is kept as the last error (null for a requested retry). */
  | { status: 'retry'; retryAt: Date; error: string | null }
  | { status: 'dead'; error: string };

/**
 * The queue across tenants that workers pull from (`Storage.jobs`). A claim never hands one
 * job to two workers while its lease holds (`FOR UPDATE SKIP LOCKED` on PostgreSQL and MySQL,
 * one atomic UPDATE on SQLite); a crashed worker's job is claimed again once its lease ends,
 * and each claim starts a new attempt.
 */
export interface JobQueue {
  /**
   * Claims up to `limit` due jobs: pending ones whose time has come, and running ones whose
   * lease ran out. Marks `request.complete` succeeded first, even when nothing is due.
   */
  claim(request: ClaimRequest): Promise<ClaimedJob[]>;
  /**
   * Marks succeeded the jobs among `jobs` whose claim still holds, in one write where the
   * storage can (workers report successes in batches); returns how many it marked.
   */
  complete(jobs: readonly ClaimedJob[], now: Date): Promise<number>;
  /** Records how an attempt ended; false (and nothing changes) if the lease was lost to another claim. */
  report(job: ClaimedJob, outcome: AttemptOutcome, now: Date): Promise<boolean>;
  /** Gives a claimed job back unstarted (a worker stopping): due now, the attempt not counted. */
  release(job: ClaimedJob, now: Date): Promise<boolean>;
  /** Schedules of every tenant due at `now`. */
  dueSchedules(now: Date): Promise<JobSchedule[]>;
}
