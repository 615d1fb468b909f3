import { randomUUID } from 'node:crypto';
import type { AttemptOutcome, ClaimRequest, EnqueueOutcome, JobQueue, JobRepository } from '../../contracts/job-store.js';
import type { ClaimedJob, Job, JobListFilter, JobSchedule } from '../../jobs/job.js';
import { decodeCursor, encodeCursor, type Page } from '../../model/page.js';
import { copy, type MemoryContext, type MemoryState, tenantKey } from './memory-state.js';

/** The jobs and schedules of one tenant, in memory. */
export class MemoryJobRepository implements JobRepository {
  constructor(private readonly ctx: MemoryContext) {}

  enqueue(job: Job): Promise<EnqueueOutcome> {
    return this.ctx.exec((state) => {
      if (job.idempotencyKey !== null) {
        const existing = state.jobKeys.get(tenantKey(this.ctx.tenantId, job.idempotencyKey));
        const stored = existing === undefined ? undefined : state.jobs.get(tenantKey(this.ctx.tenantId, existing));
        if (stored) return { job: copy(stored.job), created: false };
        state.jobKeys.set(tenantKey(this.ctx.tenantId, job.idempotencyKey), job.id);
      }
      state.jobs.set(tenantKey(this.ctx.tenantId, job.id), { job: copy({ ...job, tenantId: this.ctx.tenantId }), leaseToken: null });
      return { job: copy(job), created: true };
    });
  }

  async enqueueMany(jobs: readonly Job[]): Promise<EnqueueOutcome[]> {
    const outcomes: EnqueueOutcome[] = [];
    for (const job of jobs) outcomes.push(await this.enqueue(job));
    return outcomes;
  }

  get(id: string): Promise<Job | null> {
    return this.ctx.exec((state) => {
      const stored = state.jobs.get(tenantKey(this.ctx.tenantId, id));
      return stored ? copy(stored.job) : null;
    });
  }

  list(filter: JobListFilter): Promise<Page<Job>> {
    return this.ctx.exec((state) => {
      const after = filter.cursor === undefined ? undefined : String(decodeCursor(filter.cursor).id ?? '');
      const matching = [...state.jobs.values()]
        .map((stored) => stored.job)
        .filter((job) => job.tenantId === this.ctx.tenantId)
        .filter((job) => filter.status === undefined || job.status === filter.status)
        .filter((job) => filter.type === undefined || job.type === filter.type)
        .filter((job) => after === undefined || job.id < after)
        .sort((a, b) => (a.id < b.id ? 1 : -1));
      const items = matching.slice(0, filter.limit).map((job) => copy(job));
      const last = items.at(-1);
      return { items, nextCursor: matching.length > filter.limit && last ? encodeCursor({ id: last.id }) : null };
    });
  }

  cancel(id: string, now: Date): Promise<boolean> {
    return this.change(id, 'pending', (job) => ({ ...job, status: 'cancelled', updatedAt: now, finishedAt: now }));
  }

  replay(id: string, now: Date): Promise<boolean> {
    return this.change(id, 'dead', (job) => ({ ...job, status: 'pending', attempts: 0, runAt: now, updatedAt: now, finishedAt: null }));
  }

  putSchedule(schedule: JobSchedule): Promise<void> {
    return this.ctx.exec((state) => {
      const key = tenantKey(this.ctx.tenantId, schedule.name);
      const createdAt = state.schedules.get(key)?.createdAt ?? schedule.createdAt;
      state.schedules.set(key, copy({ ...schedule, tenantId: this.ctx.tenantId, createdAt }));
    });
  }

  removeSchedule(name: string): Promise<boolean> {
    return this.ctx.exec((state) => state.schedules.delete(tenantKey(this.ctx.tenantId, name)));
  }

  schedules(): Promise<JobSchedule[]> {
    return this.ctx.exec((state) =>
      [...state.schedules.values()]
        .filter((schedule) => schedule.tenantId === this.ctx.tenantId)
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((schedule) => copy(schedule)),
    );
  }

  advanceSchedule(name: string, expected: Date, next: Date): Promise<boolean> {
    return this.ctx.exec((state) => {
      const schedule = state.schedules.get(tenantKey(this.ctx.tenantId, name));
      if (!schedule || schedule.nextRunAt.getTime() !== expected.getTime()) return false;
      schedule.nextRunAt = new Date(next);
      return true;
    });
  }

  private change(id: string, from: Job['status'], next: (job: Job) => Job): Promise<boolean> {
    return this.ctx.exec((state) => {
      const stored = state.jobs.get(tenantKey(this.ctx.tenantId, id));
      if (!stored || stored.job.status !== from) return false;
      stored.job = next(stored.job);
      stored.leaseToken = null;
      return true;
    });
  }
}

/** The memory storage's queue across tenants. */
export class MemoryJobQueue implements JobQueue {
  constructor(private readonly exec: <T>(work: (state: MemoryState) => T) => Promise<T>) {}

  async claim(request: ClaimRequest): Promise<ClaimedJob[]> {
    if (request.complete && request.complete.length > 0) await this.complete(request.complete, request.now);
    return this.exec((state) => {
      const types = new Set(request.types);
      const due = [...state.jobs.values()]
        .filter(({ job }) => (job.status === 'pending' || job.status === 'running') && types.has(job.type))
        .filter(({ job }) => job.runAt.getTime() <= request.now.getTime())
        .sort((a, b) => a.job.runAt.getTime() - b.job.runAt.getTime() || (a.job.id < b.job.id ? -1 : 1))
        .slice(0, request.limit);
      return due.map((stored) => {
        stored.leaseToken = randomUUID();
        stored.job = {
          ...stored.job,
          status: 'running',
          attempts: stored.job.attempts + 1,
          runAt: new Date(request.now.getTime() + request.leaseMs),
          updatedAt: request.now,
        };
        return { ...copy(stored.job), leaseToken: stored.leaseToken };
      });
    });
  }

  async complete(jobs: readonly ClaimedJob[], now: Date): Promise<number> {
    let marked = 0;
    for (const job of jobs) if (await this.report(job, { status: 'succeeded' }, now)) marked++;
    return marked;
  }

  report(job: ClaimedJob, outcome: AttemptOutcome, now: Date): Promise<boolean> {
    return this.exec((state) => {
      const stored = state.jobs.get(tenantKey(job.tenantId, job.id));
      if (!stored || stored.leaseToken !== job.leaseToken || stored.job.status !== 'running') return false;
      stored.leaseToken = null;
      if (outcome.status === 'succeeded') stored.job = { ...stored.job, status: 'succeeded', updatedAt: now, finishedAt: now };
      else if (outcome.status === 'retry')
        stored.job = {
          ...stored.job,
          status: 'pending',
          runAt: outcome.retryAt,
          lastError: outcome.error ?? stored.job.lastError,
          updatedAt: now,
        };
      else stored.job = { ...stored.job, status: 'dead', lastError: outcome.error, updatedAt: now, finishedAt: now };
      return true;
    });
  }

  release(job: ClaimedJob, now: Date): Promise<boolean> {
    return this.exec((state) => {
      const stored = state.jobs.get(tenantKey(job.tenantId, job.id));
      if (!stored || stored.leaseToken !== job.leaseToken || stored.job.status !== 'running') return false;
      stored.leaseToken = null;
      stored.job = { ...stored.job, status: 'pending', runAt: now, attempts: Math.max(0, stored.job.attempts - 1), updatedAt: now };
      return true;
    });
  }

  dueSchedules(now: Date): Promise<JobSchedule[]> {
    return this.exec((state) =>
      [...state.schedules.values()].filter((schedule) => schedule.nextRunAt.getTime() <= now.getTime()).map((schedule) => copy(schedule)),
    );
  }
}
