import { inject } from 'tsyringe';
import type { Clock } from '../contracts/clock.js';
import type { IdGenerator } from '../contracts/id-generator.js';
import type { EnqueueOutcome } from '../contracts/job-store.js';
import type { Storage, TenantStore } from '../contracts/storage.js';
import { service } from '../di/service.js';
import { CLOCK, ID_GENERATOR, JOB_REGISTRY, STORAGE, TENANT_STORE } from '../di/tokens.js';
import { CoreErrorCode } from '../errors/codes.js';
import { NotFoundError, ValidationError } from '../errors/error-classes.js';
import { isRapportError, type RapportError } from '../errors/rapport-error.js';
import type { Page } from '../model/page.js';
import { parseInput } from '../util/parse.js';
import { assertStorable } from '../util/storable.js';
import { nextOccurrence } from './cron.js';
import {
  type EnqueueJobInput,
  EnqueueJobInputSchema,
  type Job,
  type JobListQuery,
  JobListQuerySchema,
  type JobSchedule,
  type ScheduleInput,
  ScheduleInputSchema,
} from './job.js';
import type { JobRegistry } from './job-registry.js';

/** Options of {@link JobService.enqueue}. */
export interface EnqueueOptions {
  /**
   * A transaction of the caller's (`store.transaction(tx => …)`): the job commits with the
   * transaction's other writes, or is never stored (the transactional outbox).
   */
  in?: TenantStore;
}

/** Most jobs one `enqueueMany` call takes. */
export const MAX_ENQUEUE_BATCH = 10_000;

/** The outcome of one input of {@link JobService.enqueueMany}. */
export type EnqueueManyOutcome =
  | { index: number; status: 'enqueued'; job: Job }
  /** An earlier job holds the idempotency key; it is that job. */
  | { index: number; status: 'existing'; job: Job }
  | { index: number; status: 'rejected'; error: RapportError };

/** The durable jobs of one tenant (`crm.jobs`): enqueue, schedule, cancel, list, replay. */
@service()
export class JobService {
  constructor(
    @inject(TENANT_STORE) private readonly store: TenantStore,
    @inject(STORAGE) private readonly storage: Storage,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @inject(JOB_REGISTRY) private readonly registry: JobRegistry,
  ) {}

  /**
   * Stores a job for a worker to run at `runAt` (default now) or later. With an
   * `idempotencyKey` already used in this tenant, returns that job (`created: false`).
   */
  async enqueue(input: EnqueueJobInput, options: EnqueueOptions = {}): Promise<EnqueueOutcome> {
    return (options.in ?? this.store).jobs.enqueue(this.newJob(input, this.clock.now()));
  }

  /**
   * Enqueues many jobs in few statements (an import, a campaign's sends): one outcome per
   * input, in order. A bad input is `rejected` with its error and the others are stored;
   * inside `options.in` they commit with the caller's transaction.
   */
  async enqueueMany(inputs: readonly EnqueueJobInput[], options: EnqueueOptions = {}): Promise<EnqueueManyOutcome[]> {
    if (!Array.isArray(inputs) || inputs.length > MAX_ENQUEUE_BATCH) {
      throw new ValidationError(CoreErrorCode.InvalidInput, [
        { path: ['inputs'], message: `must be an array of at most ${MAX_ENQUEUE_BATCH.toLocaleString('en')} jobs` },
      ]);
    }
    const now = this.clock.now();
    const outcomes: EnqueueManyOutcome[] = new Array(inputs.length);
    const jobs: { index: number; job: Job }[] = [];
    inputs.forEach((input, index) => {
      try {
        jobs.push({ index, job: this.newJob(input, now, [index]) });
      } catch (error) {
        if (!isRapportError(error)) throw error;
        outcomes[index] = { index, status: 'rejected', error };
      }
    });
    const stored = jobs.length > 0 ? await (options.in ?? this.store).jobs.enqueueMany(jobs.map((entry) => entry.job)) : [];
    stored.forEach((outcome, position) => {
      const index = (jobs[position] as { index: number }).index;
      outcomes[index] = { index, status: outcome.created ? 'enqueued' : 'existing', job: outcome.job };
    });
    return outcomes;
  }

  /**
   * Creates or replaces a recurring schedule: a job of `type` at each occurrence of `cron` in
   * `timezone`. Running workers enqueue each occurrence once, however many of them there are.
   */
  async schedule(input: ScheduleInput): Promise<JobSchedule> {
    assertStorable(this.storage, input);
    const parsed = parseInput(ScheduleInputSchema, input);
    this.registry.require(parsed.type);
    const now = this.clock.now();
    const schedule: JobSchedule = {
      tenantId: this.store.tenantId,
      name: parsed.name,
      type: parsed.type,
      cron: parsed.cron,
      timezone: parsed.timezone,
      payload: parsed.payload ?? null,
      nextRunAt: nextOccurrence(parsed.cron, parsed.timezone, now),
      createdAt: now,
      updatedAt: now,
    };
    await this.store.jobs.putSchedule(schedule);
    return schedule;
  }

  /** Deletes a schedule; false if there was none. Jobs it already enqueued stay. */
  unschedule(name: string): Promise<boolean> {
    return this.store.jobs.removeSchedule(name);
  }

  /** The tenant's schedules, by name. */
  schedules(): Promise<JobSchedule[]> {
    return this.store.jobs.schedules();
  }

  private newJob(input: EnqueueJobInput, now: Date, prefix: (string | number)[] = []): Job {
    // Checked before parsing, as every write is: deep values would exhaust the schema's stack.
    assertStorable(this.storage, input, prefix);
    const parsed = parseInput(EnqueueJobInputSchema, input, prefix);
    const definition = this.registry.require(parsed.type, [...prefix, 'type']);
    return {
      id: this.ids.next(),
      tenantId: this.store.tenantId,
      type: parsed.type,
      payload: parsed.payload ?? null,
      status: 'pending',
      runAt: parsed.runAt ?? now,
      attempts: 0,
      maxAttempts: parsed.maxAttempts ?? definition.maxAttempts,
      idempotencyKey: parsed.idempotencyKey ?? null,
      lastError: null,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
    };
  }

  /** A job by id, or `JOB_NOT_FOUND`. */
  async get(id: string): Promise<Job> {
    const job = await this.store.jobs.get(id);
    if (!job) throw new NotFoundError(CoreErrorCode.JobNotFound, 'job', id);
    return job;
  }

  /** Jobs newest first, filtered by status and type, a page at a time. */
  list(query: JobListQuery = {}): Promise<Page<Job>> {
    return this.store.jobs.list(parseInput(JobListQuerySchema, query, 'query'));
  }

  /** Dead letters: jobs that failed every attempt, newest first, with their last error. */
  deadLetters(query: Omit<JobListQuery, 'status'> = {}): Promise<Page<Job>> {
    return this.list({ ...query, status: 'dead' });
  }

  /** Cancels a pending job; false if it already ran, is running or was cancelled. */
  cancel(id: string): Promise<boolean> {
    return this.store.jobs.cancel(id, this.clock.now());
  }

  /** Runs a dead job again from its first attempt; false if it is not dead. */
  replay(id: string): Promise<boolean> {
    return this.store.jobs.replay(id, this.clock.now());
  }
}
