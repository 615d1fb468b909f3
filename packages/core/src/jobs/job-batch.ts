import type { AttemptOutcome } from '../contracts/job-store.js';
import type { Crm } from '../crm/crm.js';
import { retryDelayMs } from './backoff.js';
import type { ClaimedJob } from './job.js';
import type { JobContext, JobResult } from './job-handler.js';
import type { JobRegistry, ResolvedJobDefinition } from './job-registry.js';

/**
 * What a batch handler gives back for one job of its batch: a {@link JobResult} (nothing for
 * done, or a requested retry), or `{ error }` to fail that job's attempt as if its handler had
 * thrown — retried with backoff, then dead-lettered — without failing the others.
 */
export type BatchJobResult = JobResult | { readonly error: unknown };

/**
 * Runs several claimed jobs of one type and tenant together; returns one result per context,
 * in the same order. Throwing fails the attempt of every job of the batch.
 */
export type BatchJobHandler<TCrm = Crm> = (contexts: readonly JobContext<TCrm>[]) => Promise<readonly BatchJobResult[]>;

/**
 * A job type's batch handler: workers hand it up to `size` claimed jobs of the type (of one
 * tenant) at once, so it can read, decide and write for them in a few statements instead of
 * a few per job. A batch takes one of the workers' `concurrency` slots.
 */
export interface JobBatch<TCrm = Crm> {
  /** Most jobs handed over at once (at least 1); the workers' `batchSize` claims bound it too. */
  readonly size: number;
  readonly handler: BatchJobHandler<TCrm>;
}

/** How one attempt ended, from what its handler returned or threw. */
export type Settled = { readonly result: unknown } | { readonly error: unknown };

/**
 * Turns a handler's return or throw into the attempt's outcome: done, a requested retry
 * (still using an attempt), or a failure retried with backoff until the last attempt.
 */
export function settleAttempt(job: ClaimedJob, definition: ResolvedJobDefinition, now: Date, settled: Settled): AttemptOutcome {
  if ('result' in settled) {
    if (!settled.result) return { status: 'succeeded' };
    try {
      const retryAt = requestedRetry(settled.result, now);
      if (job.attempts >= job.maxAttempts) return { status: 'dead', error: `asked to retry after its last attempt (${job.maxAttempts})` };
      return { status: 'retry', retryAt, error: null };
    } catch (error) {
      return settleAttempt(job, definition, now, { error });
    }
  }
  const { error } = settled;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (job.attempts >= job.maxAttempts) return { status: 'dead', error: message };
  const delay = retryDelayMs(job.attempts, definition.backoffMs, definition.maxBackoffMs);
  return { status: 'retry', retryAt: new Date(now.getTime() + delay), error: message };
}

/** The outcome of a job whose claim counted an attempt past the limit: its last worker died holding it. */
export function overdueOutcome(job: ClaimedJob): AttemptOutcome | null {
  if (job.attempts <= job.maxAttempts) return null;
  return { status: 'dead', error: job.lastError ?? `the worker of attempt ${job.maxAttempts} stopped before reporting` };
}

/**
 * Runs `jobs` (one type, one tenant) through the type's batch handler and returns one outcome
 * per job. A handler that throws, or returns the wrong number of results, fails every job's
 * attempt: nothing is applied to a job whose result is not known.
 */
export async function attemptBatch(
  jobs: readonly ClaimedJob[],
  definition: ResolvedJobDefinition,
  batch: JobBatch,
  contextOf: (job: ClaimedJob) => JobContext,
  now: () => Date,
): Promise<AttemptOutcome[]> {
  const outcomes: (AttemptOutcome | null)[] = jobs.map(overdueOutcome);
  const runnable = jobs.filter((_, index) => outcomes[index] === null);
  let results: readonly BatchJobResult[] | null = null;
  let failure: unknown = null;
  if (runnable.length > 0) {
    try {
      results = await batch.handler(runnable.map(contextOf));
      if (results.length !== runnable.length)
        throw new TypeError(`the batch handler returned ${results.length} results for ${runnable.length} jobs`);
    } catch (error) {
      failure = error;
      results = null;
    }
  }
  let next = 0;
  const at = now();
  return jobs.map((job, index) => {
    const known = outcomes[index];
    if (known) return known;
    const result = results?.[next++];
    if (!results) return settleAttempt(job, definition, at, { error: failure });
    if (typeof result === 'object' && result !== null && 'error' in result)
      return settleAttempt(job, definition, at, { error: result.error });
    return settleAttempt(job, definition, at, { result });
  });
}

/**
 * Takes from `pool` the jobs that can run in one batch with `first` (same type and tenant,
 * up to the type's batch size), removing them from the pool. A type without a batch handler
 * runs alone: `[first]`.
 */
export function takeBatchMates(
  first: ClaimedJob,
  pool: ClaimedJob[],
  registry: JobRegistry,
  eligible: (job: ClaimedJob) => boolean = () => true,
): ClaimedJob[] {
  const size = registry.get(first.type)?.batch?.size ?? 1;
  const group = [first];
  for (let index = 0; index < pool.length && group.length < size; ) {
    const job = pool[index] as ClaimedJob;
    if (job.type === first.type && job.tenantId === first.tenantId && eligible(job)) {
      group.push(job);
      pool.splice(index, 1);
    } else index++;
  }
  return group;
}

/** When a handler's `{ retryAt }` or `{ retryInMs }` asks to run again; anything else fails the attempt. */
function requestedRetry(result: unknown, now: Date): Date {
  if (typeof result === 'object' && result !== null) {
    const { retryAt, retryInMs } = result as { retryAt?: unknown; retryInMs?: unknown };
    if (retryAt instanceof Date && Number.isFinite(retryAt.getTime())) return retryAt;
    if (typeof retryInMs === 'number' && Number.isFinite(retryInMs)) return new Date(now.getTime() + Math.max(0, retryInMs));
  }
  throw new TypeError(
    `the handler returned ${JSON.stringify(result) ?? String(result)}; expected nothing, { retryAt: Date } or { retryInMs: number }`,
  );
}
