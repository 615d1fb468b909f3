import type { Clock } from '../contracts/clock.js';
import type { IdGenerator } from '../contracts/id-generator.js';
import type { AttemptOutcome } from '../contracts/job-store.js';
import type { Storage } from '../contracts/storage.js';
import type { Crm } from '../crm/crm.js';
import { nextOccurrence } from './cron.js';
import type { ClaimedJob, JobSchedule } from './job.js';
import { attemptBatch, overdueOutcome, settleAttempt, takeBatchMates } from './job-batch.js';
import type { JobContext } from './job-handler.js';
import type { JobRegistry, ResolvedJobDefinition } from './job-registry.js';

/** Options of `crm.startWorkers`. */
export interface WorkerOptions {
  /** Jobs run at once by this set of workers. Default 1. */
  concurrency?: number;
  /** Wait between looks for due work when there was none, in ms. Default 1,000. */
  pollIntervalMs?: number;
  /**
   * How long a claim holds, in ms. A job whose worker neither finishes nor fails it by then
   * (the process died) is claimed again, as a new attempt. Default five minutes: keep
   * handlers shorter than this.
   */
  leaseMs?: number;
  /**
   * Jobs claimed at once, each held under its lease until it runs; successes are reported
   * in one write per batch. Default 10 (at least `concurrency`).
   */
  batchSize?: number;
  /** Job types to run; default every registered type. */
  types?: readonly string[];
  /** Receives errors of the workers themselves (the storage unreachable); default `console.error`. */
  onError?: (error: unknown) => void;
}

/** What the workers need from the Crm that owns them. */
export interface WorkerHost {
  storage: Storage;
  registry: JobRegistry;
  clock: Clock;
  ids: IdGenerator;
  /** The Crm of a tenant, handed to handlers. */
  crmFor(tenantId: string): Crm;
}

/**
 * Workers that claim due jobs from the storage's queue and run their handlers, with leases,
 * retries with backoff and jitter, dead letters and recurring schedules. Any number of them,
 * in one process or many, can share a storage: a claim hands a job to one of them only.
 *
 * Jobs are claimed `batchSize` at a time and successes are reported in one write per batch,
 * so the queue costs a couple of statements per batch rather than per job; a job whose
 * success was not yet written when the process died runs again (at least once).
 */
export class JobWorkers {
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly types: readonly string[];
  private readonly onError: (error: unknown) => void;
  private readonly active = new Map<ClaimedJob, { done: Promise<void>; abort: AbortController }>();
  /** Jobs whose handler `stop()` aborted: it gives them back, so their attempt reports nothing. */
  private readonly givenBack = new Set<ClaimedJob>();
  /** Claimed, not started yet. */
  private buffer: ClaimedJob[] = [];
  /** Succeeded, not reported yet. */
  private succeeded: ClaimedJob[] = [];
  private running = false;
  private loop: Promise<void> | null = null;
  private sleeper: (() => void) | null = null;
  private wakeRequested = false;
  private schedulesCheckedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly host: WorkerHost,
    options: WorkerOptions = {},
  ) {
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
    this.batchSize = Math.max(this.concurrency, Math.floor(options.batchSize ?? 10));
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.leaseMs = options.leaseMs ?? 300_000;
    this.types = options.types ?? host.registry.types();
    this.onError = options.onError ?? ((error) => console.error('[rapport] job worker:', error));
  }

  /** Starts claiming and running jobs in the background. */
  start(): this {
    if (this.running) return this;
    this.running = true;
    this.loop = this.run();
    return this;
  }

  /**
   * Stops claiming; waits up to `timeoutMs` (default 30 s) for running handlers to finish,
   * then aborts the rest and gives their jobs, and the claimed ones not started, back to the
   * queue, due at once.
   */
  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    this.running = false;
    this.wakeNow();
    await this.loop;
    const pending = [...this.active.values()].map((entry) => entry.done);
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, options.timeoutMs ?? 30_000, 'timeout').unref());
    if ((await Promise.race([Promise.all(pending), timeout])) === 'timeout') {
      // Marked before the abort: a handler that honours the signal and throws must not turn
      // the stop into a failed attempt (on its last attempt, a dead letter).
      const unfinished = [...this.active];
      for (const [job, entry] of unfinished) {
        this.givenBack.add(job);
        entry.abort.abort(new Error('the workers stopped'));
      }
      for (const [job] of unfinished) await this.host.storage.jobs.release(job, this.host.clock.now()).catch(this.onError);
    }
    for (const job of this.buffer.splice(0)) await this.host.storage.jobs.release(job, this.host.clock.now()).catch(this.onError);
    await this.flushSucceeded().catch(this.onError);
  }

  /**
   * Fires due schedules and runs every due job until none is left, then returns how many ran.
   * For tests with a fake clock and for scripts; running workers do the same continuously.
   */
  async drain(): Promise<number> {
    let ran = 0;
    await this.fireSchedules();
    for (;;) {
      // The last batch's successes ride with the next claim.
      const jobs = await this.claim(this.batchSize, this.succeeded.splice(0));
      if (jobs.length === 0) return ran;
      ran += jobs.length;
      // Jobs of a type with a batch handler run together, a batch taking one slot.
      const units: ClaimedJob[][] = [];
      while (jobs.length > 0) units.push(takeBatchMates(jobs.shift() as ClaimedJob, jobs, this.host.registry));
      for (let start = 0; start < units.length; start += this.concurrency) {
        await Promise.all(units.slice(start, start + this.concurrency).map((unit) => this.executeUnit(unit, new AbortController())));
      }
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        // Cron occurrences are whole minutes apart: a look a second is plenty, however short the poll.
        if (performance.now() - this.schedulesCheckedAt >= Math.max(1_000, this.pollIntervalMs)) {
          this.schedulesCheckedAt = performance.now();
          await this.fireSchedules();
        }
        const now = this.host.clock.now().getTime();
        this.abortOverdue(now);
        await this.startBuffered(now);
        if (this.slotsInUse() < this.concurrency && this.buffer.length === 0) {
          // Reports the finished batch and claims the next in one call (one round trip where the storage can).
          const jobs = await this.claim(this.batchSize, this.succeeded.splice(0));
          if (jobs.length > 0) {
            this.buffer.push(...jobs);
            continue;
          }
        } else if (this.succeeded.length >= this.batchSize || this.leaseHalfGone(this.succeeded, now)) await this.flushSucceeded();
      } catch (error) {
        this.onError(error);
      }
      // Sleep until a slot frees or the poll interval passes.
      if (this.running) await this.sleep();
    }
  }

  /** Runs a job, or a batch of one type's jobs, in one slot; each job of it is tracked (its lease, a stop). */
  private track(unit: readonly ClaimedJob[]): void {
    const abort = new AbortController();
    const done = this.executeUnit(unit, abort)
      .catch(this.onError)
      .finally(() => {
        for (const job of unit) this.active.delete(job);
        this.wakeNow();
      });
    for (const job of unit) this.active.set(job, { done, abort });
  }

  /** Slots taken: a batch's jobs share one entry. */
  private slotsInUse(): number {
    return new Set(this.active.values()).size;
  }

  /** Claims the next batch, recording `complete` (successes so far) in the same call; if it fails they run again after their leases. */
  private claim(limit: number, complete: ClaimedJob[]): Promise<ClaimedJob[]> {
    return this.host.storage.jobs.claim({ types: this.types, limit, now: this.host.clock.now(), leaseMs: this.leaseMs, complete });
  }

  /**
   * Starts claimed jobs while slots are free. A job that waited in the batch until less than
   * half its lease was left is given back instead: started, it could outlive its lease and
   * run beside the worker that claims it next.
   */
  private async startBuffered(now: number): Promise<void> {
    while (this.slotsInUse() < this.concurrency && this.buffer.length > 0) {
      const job = this.buffer.shift() as ClaimedJob;
      if (this.leaseHalfGone([job], now)) await this.host.storage.jobs.release(job, this.host.clock.now()).catch(this.onError);
      else this.track(takeBatchMates(job, this.buffer, this.host.registry, (mate) => !this.leaseHalfGone([mate], now)));
    }
  }

  /** True when one of `jobs` has less than half its lease left (a running job's `runAt` is its lease's end). */
  private leaseHalfGone(jobs: readonly ClaimedJob[], now: number): boolean {
    return jobs.some((job) => job.runAt.getTime() - now < this.leaseMs / 2);
  }

  /**
   * Aborts the signal of handlers still running when their lease ends: another worker may
   * now claim the job, and a handler that honours the signal stops rather than run beside it.
   * Whatever it reports later is refused, as its lease is gone.
   */
  private abortOverdue(now: number): void {
    for (const [job, entry] of this.active) {
      if (job.runAt.getTime() <= now && !entry.abort.signal.aborted) entry.abort.abort(new Error(`the lease of job ${job.id} ended`));
    }
  }

  private async flushSucceeded(): Promise<void> {
    if (this.succeeded.length === 0) return;
    const batch = this.succeeded.splice(0);
    try {
      await this.host.storage.jobs.complete(batch, this.host.clock.now());
    } catch (error) {
      // Not written: the leases run out and the jobs run again (at least once), never lost.
      this.onError(error);
    }
  }

  /** Runs one job, or a batch of one type's jobs through its batch handler, and reports how each ended. */
  private async executeUnit(unit: readonly ClaimedJob[], abort: AbortController): Promise<void> {
    const first = unit[0] as ClaimedJob;
    const definition = this.host.registry.get(first.type);
    if (!definition?.batch) {
      for (const job of unit) await this.execute(job, abort);
      return;
    }
    const outcomes = await attemptBatch(
      unit,
      definition,
      definition.batch,
      (job) => this.contextOf(job, abort.signal),
      () => this.host.clock.now(),
    );
    for (const [index, job] of unit.entries()) await this.record(job, outcomes[index] as AttemptOutcome);
  }

  /** Runs one attempt and reports how it ended; a handler's error is an outcome, never a crash. */
  private async execute(job: ClaimedJob, abort: AbortController): Promise<void> {
    const definition = this.host.registry.get(job.type);
    const outcome: AttemptOutcome = definition
      ? await this.attempt(job, definition, abort.signal)
      : { status: 'dead', error: `no handler for job type "${job.type}"` };
    await this.record(job, outcome);
  }

  private async record(job: ClaimedJob, outcome: AttemptOutcome): Promise<void> {
    // Given back by stop(): the job is pending again, its attempt not counted.
    if (this.givenBack.delete(job)) return;
    if (outcome.status === 'succeeded') this.succeeded.push(job);
    else await this.host.storage.jobs.report(job, outcome, this.host.clock.now());
  }

  private contextOf(job: ClaimedJob, signal: AbortSignal): JobContext {
    return { job, crm: this.host.crmFor(job.tenantId), idempotencyKey: job.id, attempt: job.attempts, signal };
  }

  private async attempt(job: ClaimedJob, definition: ResolvedJobDefinition, signal: AbortSignal): Promise<AttemptOutcome> {
    const overdue = overdueOutcome(job);
    if (overdue) return overdue;
    try {
      return settleAttempt(job, definition, this.host.clock.now(), { result: await definition.handler(this.contextOf(job, signal)) });
    } catch (error) {
      return settleAttempt(job, definition, this.host.clock.now(), { error });
    }
  }

  /** Enqueues the due occurrence of each due schedule, once across all workers. */
  private async fireSchedules(): Promise<void> {
    const now = this.host.clock.now();
    for (const schedule of await this.host.storage.jobs.dueSchedules(now)) {
      if (!this.host.registry.get(schedule.type)) continue;
      await this.fire(schedule, now).catch(this.onError);
    }
  }

  private async fire(schedule: JobSchedule, now: Date): Promise<void> {
    const next = nextOccurrence(schedule.cron, schedule.timezone, now);
    const definition = this.host.registry.get(schedule.type);
    const store = this.host.storage.forTenant(schedule.tenantId);
    await store.transaction(async (tx) => {
      if (!(await tx.jobs.advanceSchedule(schedule.name, schedule.nextRunAt, next))) return;
      await tx.jobs.enqueue({
        id: this.host.ids.next(),
        tenantId: schedule.tenantId,
        type: schedule.type,
        payload: schedule.payload,
        status: 'pending',
        runAt: schedule.nextRunAt,
        attempts: 0,
        maxAttempts: definition?.maxAttempts ?? 5,
        // One job per occurrence, however many workers fire it.
        idempotencyKey: `schedule:${schedule.name}:${schedule.nextRunAt.toISOString()}`,
        lastError: null,
        createdAt: now,
        updatedAt: now,
        finishedAt: null,
      });
    });
  }

  private sleep(): Promise<void> {
    if (this.wakeRequested) {
      this.wakeRequested = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wakeNow(), this.pollIntervalMs);
      this.sleeper = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Ends the current sleep, or the next one before it starts (a slot freed meanwhile). */
  private wakeNow(): void {
    const sleeper = this.sleeper;
    this.sleeper = null;
    if (sleeper) sleeper();
    else this.wakeRequested = true;
  }
}
