import type { Crm } from '../crm/crm.js';
import type { Job } from './job.js';
import type { JobBatch } from './job-batch.js';

/** What a handler receives. */
export interface JobContext<TCrm = Crm> {
  readonly job: Job;
  /** The Crm of the job's tenant. */
  readonly crm: TCrm;
  /**
   * Pass this on to whatever the handler calls (a provider's idempotency key, an
   * interaction's): a job runs at least once, and a retried attempt must not act twice.
   */
  readonly idempotencyKey: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Aborted when the workers stop before the handler finishes. */
  readonly signal: AbortSignal;
}

/**
 * What a handler may return: nothing (done), or a request to run again later without it
 * counting as a failure of the handler — for a provider's `Retry-After`. It still uses up an
 * attempt, so a job cannot ask for retries forever.
 */
export type JobResult = undefined | { retryAt: Date } | { retryInMs: number };

/** Runs one job type. Throwing fails the attempt: it is retried with backoff, then dead-lettered. */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler written as statements returns void, and that means done.
export type JobHandler<TCrm = Crm> = (context: JobContext<TCrm>) => Promise<JobResult | void> | JobResult | void;

/** A job type's handler and its retry policy. */
export interface JobDefinition<TCrm = Crm> {
  handler: JobHandler<TCrm>;
  /** Attempts before dead-lettering; default 5. */
  maxAttempts?: number;
  /** First retry delay in ms, doubled per attempt (with jitter); default 1,000. */
  backoffMs?: number;
  /** Longest retry delay in ms; default one hour. */
  maxBackoffMs?: number;
  /**
   * Runs claimed jobs of this type together (see {@link JobBatch}); `handler` still runs a
   * job on its own where a batch handler cannot be used.
   */
  batch?: JobBatch<TCrm>;
}
