import { inject } from 'tsyringe';
import type { Clock } from '../contracts/clock.js';
import type { IdGenerator } from '../contracts/id-generator.js';
import type { EnqueueOutcome } from '../contracts/job-store.js';
import type { TenantStore } from '../contracts/storage.js';
import { service } from '../di/service.js';
import { CLOCK, ID_GENERATOR, JOB_REGISTRY, TENANT_STORE } from '../di/tokens.js';
import { CoreErrorCode } from '../errors/codes.js';
import { NotFoundError } from '../errors/error-classes.js';
import type { Page } from '../model/page.js';
import { parseInput } from '../util/parse.js';
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

/** The durable jobs of one tenant (`crm.jobs`): enqueue, schedule, cancel, list, replay. */
@service()
export class JobService {
  constructor(
    @inject(TENANT_STORE) private readonly store: TenantStore,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @inject(JOB_REGISTRY) private readonly registry: JobRegistry,
  ) {}

  /**
   * Stores a job for a worker to run at `runAt` (default now) or later. With an
   * `idempotencyKey` already used in this tenant, returns that job (`created: false`).
   */
  async enqueue(input: EnqueueJobInput, options: EnqueueOptions = {}): Promise<EnqueueOutcome> {
    const parsed = parseInput(EnqueueJobInputSchema, input);
    const definition = this.registry.require(parsed.type);
    const now = this.clock.now();
    const job: Job = {
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
    return (options.in ?? this.store).jobs.enqueue(job);
  }

  /**
   * Creates or replaces a recurring schedule: a job of `type` at each occurrence of `cron` in
   * `timezone`. Running workers enqueue each occurrence once, however many of them there are.
   */
  async schedule(input: ScheduleInput): Promise<JobSchedule> {
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
