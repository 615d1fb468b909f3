import { type Crm, createCrm, isRapportError, type JobContext, type JobDefinition, type JobHandler } from '@rapport/core';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../fake-clock.js';
import { uniqueId } from '../fixtures/builders.js';
import type { ConformanceContext } from './context.js';

/** A Crm with one job type of its own (the storage is shared, so types never collide between tests). */
async function crmWithJob(
  ctx: ConformanceContext,
  definition: JobHandler | JobDefinition,
  clock = new FakeClock('2026-03-02T08:00:00Z'),
): Promise<{ crm: Crm; clock: FakeClock; type: string }> {
  const type = `test.${uniqueId('job')}`;
  const crm = await createCrm({ storage: ctx.storage(), tenant: uniqueId('jobs'), clock, jobs: { [type]: definition } });
  return { crm, clock, type };
}

/** Durable jobs: enqueue, claims and leases, retries with backoff, dead letters, schedules, the outbox. */
export function jobsSuite(ctx: ConformanceContext): void {
  describe(`${ctx.name}: jobs`, () => {
    it('runs an enqueued job once, handing it the payload, its tenant’s Crm and the job id as idempotency key', async () => {
      const seen: JobContext[] = [];
      const { crm, type } = await crmWithJob(ctx, (context) => void seen.push(context));
      const { job, created } = await crm.jobs.enqueue({ type, payload: { to: 'ada@x.io', n: [1, 2] } });
      expect(created).toBe(true);
      const workers = crm.workers({ types: [type] });
      expect(await workers.drain()).toBe(1);
      expect(seen).toHaveLength(1);
      expect(seen[0]?.job.payload).toEqual({ to: 'ada@x.io', n: [1, 2] });
      expect(seen[0]?.idempotencyKey).toBe(job.id);
      expect(seen[0]?.attempt).toBe(1);
      expect((seen[0]?.crm as Crm | undefined)?.tenantId).toBe(crm.tenantId);
      const done = await crm.jobs.get(job.id);
      expect(done.status).toBe('succeeded');
      expect(done.finishedAt).not.toBeNull();
      expect(await workers.drain()).toBe(0);
    });

    it('returns the first job for a repeated idempotency key', async () => {
      const { crm, type } = await crmWithJob(ctx, () => undefined);
      const first = await crm.jobs.enqueue({ type, idempotencyKey: 'welcome-1' });
      const again = await crm.jobs.enqueue({ type, idempotencyKey: 'welcome-1', payload: { other: true } });
      expect(again.created).toBe(false);
      expect(again.job.id).toBe(first.job.id);
      expect((await crm.jobs.list()).items).toHaveLength(1);
    });

    it('enqueues many at once: bad inputs rejected by index, repeated keys resolved to the first job, the rest stored', async () => {
      const { crm, type } = await crmWithJob(ctx, () => undefined);
      const earlier = await crm.jobs.enqueue({ type, idempotencyKey: 'k-old' });
      const outcomes = await crm.jobs.enqueueMany([
        { type, payload: 1 },
        { type: 'no.such-type' },
        { type, idempotencyKey: 'k-new', payload: 'first' },
        { type, idempotencyKey: 'k-new', payload: 'second' },
        { type, idempotencyKey: 'k-old' },
        { type, runAt: 'tomorrow' as unknown as Date },
      ]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['enqueued', 'rejected', 'enqueued', 'existing', 'existing', 'rejected']);
      const [first, unknown, fresh, repeated, old, badDate] = outcomes;
      expect(isRapportError(unknown?.status === 'rejected' ? unknown.error : null, 'JOB_UNKNOWN_TYPE')).toBe(true);
      expect(badDate?.status === 'rejected' && JSON.stringify(badDate.error.details)).toContain('"runAt"');
      expect(repeated?.status === 'existing' && fresh?.status === 'enqueued' && repeated.job.id === fresh.job.id).toBe(true);
      expect(old?.status === 'existing' && old.job.id === earlier.job.id).toBe(true);
      const stored = await crm.jobs.list();
      expect(stored.items.map((job) => job.payload).sort()).toEqual([1, 'first', null].sort());
      expect(first?.status === 'enqueued' && (await crm.jobs.get(first.job.id)).payload).toBe(1);
    });

    it('gives one job for concurrent enqueues of one idempotency key', async () => {
      const { crm, type } = await crmWithJob(ctx, () => undefined);
      for (let round = 0; round < 10; round++) {
        const outcomes = await Promise.all(Array.from({ length: 6 }, () => crm.jobs.enqueue({ type, idempotencyKey: `same-${round}` })));
        expect(new Set(outcomes.map((outcome) => outcome.job.id)).size).toBe(1);
        expect(outcomes.filter((outcome) => outcome.created)).toHaveLength(1);
      }
      expect((await crm.jobs.list()).items).toHaveLength(10);
    });

    it('fails the attempt of a handler that returns something other than a retry request', async () => {
      const { crm, type } = await crmWithJob(ctx, { handler: () => ({ retryInMs: Number.NaN }), maxAttempts: 1 });
      const { job } = await crm.jobs.enqueue({ type });
      await crm.workers({ types: [type] }).drain();
      const dead = await crm.jobs.get(job.id);
      expect(dead.status).toBe('dead');
      expect(dead.lastError).toContain('expected nothing, { retryAt: Date } or { retryInMs: number }');
    });

    it('never runs a job enqueued in a transaction that rolled back, and runs one that committed', async () => {
      let runs = 0;
      const { crm, type } = await crmWithJob(ctx, () => void runs++);
      const store = ctx.storage().forTenant(crm.tenantId);
      const failure = await store
        .transaction(async (tx) => {
          await crm.jobs.enqueue({ type, idempotencyKey: 'rolled-back' }, { in: tx });
          throw new Error('boom');
        })
        .catch((error: unknown) => error);
      expect((failure as Error).message).toBe('boom');
      await store.transaction(async (tx) => {
        await crm.jobs.enqueue({ type, idempotencyKey: 'committed' }, { in: tx });
      });
      const workers = crm.workers({ types: [type] });
      await workers.drain();
      expect(runs).toBe(1);
      expect((await crm.jobs.list()).items.map((job) => job.idempotencyKey)).toEqual(['committed']);
    });

    it('retries a failing job with exponential backoff and jitter, then succeeds', async () => {
      let calls = 0;
      const { crm, clock, type } = await crmWithJob(ctx, {
        handler: () => {
          calls++;
          if (calls < 3) throw new Error(`provider down (${calls})`);
        },
        backoffMs: 1_000,
      });
      const { job } = await crm.jobs.enqueue({ type });
      const workers = crm.workers({ types: [type] });
      const start = clock.now().getTime();
      expect(await workers.drain()).toBe(1);
      let stored = await crm.jobs.get(job.id);
      expect(stored.status).toBe('pending');
      expect(stored.lastError).toBe('Error: provider down (1)');
      const firstDelay = stored.runAt.getTime() - start;
      expect(firstDelay).toBeGreaterThanOrEqual(500);
      expect(firstDelay).toBeLessThanOrEqual(1_000);
      expect(await workers.drain()).toBe(0);
      clock.set(stored.runAt);
      expect(await workers.drain()).toBe(1);
      stored = await crm.jobs.get(job.id);
      const secondDelay = stored.runAt.getTime() - clock.now().getTime();
      expect(secondDelay).toBeGreaterThanOrEqual(1_000);
      expect(secondDelay).toBeLessThanOrEqual(2_000);
      clock.set(stored.runAt);
      await workers.drain();
      stored = await crm.jobs.get(job.id);
      expect(stored.status).toBe('succeeded');
      expect(stored.attempts).toBe(3);
    });

    it('waits as long as a handler asks (Retry-After) before the next attempt', async () => {
      let calls = 0;
      const { crm, clock, type } = await crmWithJob(ctx, () => (++calls === 1 ? { retryInMs: 90_000 } : undefined));
      const { job } = await crm.jobs.enqueue({ type });
      const workers = crm.workers({ types: [type] });
      await workers.drain();
      const stored = await crm.jobs.get(job.id);
      expect(stored.runAt.getTime()).toBe(clock.now().getTime() + 90_000);
      expect(stored.lastError).toBeNull();
      clock.advance({ seconds: 89 });
      expect(await workers.drain()).toBe(0);
      clock.advance({ seconds: 1 });
      expect(await workers.drain()).toBe(1);
      expect((await crm.jobs.get(job.id)).status).toBe('succeeded');
    });

    it('dead-letters a job after its last attempt, lists it with the error, and replays it', async () => {
      let fail = true;
      const { crm, clock, type } = await crmWithJob(ctx, {
        handler: () => {
          if (fail) throw new TypeError('template missing');
        },
        maxAttempts: 2,
        backoffMs: 10,
      });
      const { job } = await crm.jobs.enqueue({ type });
      const workers = crm.workers({ types: [type] });
      await workers.drain();
      clock.advance({ seconds: 1 });
      await workers.drain();
      const dead = await crm.jobs.deadLetters();
      expect(dead.items.map((item) => [item.id, item.status, item.attempts, item.lastError])).toEqual([
        [job.id, 'dead', 2, 'TypeError: template missing'],
      ]);
      clock.advance({ hours: 1 });
      expect(await workers.drain()).toBe(0);
      fail = false;
      expect(await crm.jobs.replay(job.id)).toBe(true);
      expect(await crm.jobs.replay(job.id)).toBe(false);
      expect(await workers.drain()).toBe(1);
      expect((await crm.jobs.get(job.id)).status).toBe('succeeded');
      expect((await crm.jobs.deadLetters()).items).toHaveLength(0);
    });

    it('gives a job whose worker vanished to another once the lease ends, with the same idempotency key', async () => {
      const keys: string[] = [];
      const { crm, clock, type } = await crmWithJob(ctx, (context) => void keys.push(`${context.idempotencyKey}#${context.attempt}`));
      const { job } = await crm.jobs.enqueue({ type });
      // A worker claims the job and dies without a word.
      const [claimed] = await ctx.storage().jobs.claim({ types: [type], limit: 5, now: clock.now(), leaseMs: 60_000 });
      expect(claimed?.id).toBe(job.id);
      const workers = crm.workers({ types: [type], leaseMs: 60_000 });
      expect(await workers.drain()).toBe(0);
      clock.advance({ seconds: 61 });
      expect(await workers.drain()).toBe(1);
      expect(keys).toEqual([`${job.id}#2`]);
      // The vanished worker's late report changes nothing: its lease is gone.
      expect(await ctx.storage().jobs.report(claimed as NonNullable<typeof claimed>, { status: 'dead', error: 'late' }, clock.now())).toBe(
        false,
      );
      expect((await crm.jobs.get(job.id)).status).toBe('succeeded');
    });

    it('cancels a pending job, which then never runs', async () => {
      let runs = 0;
      const { crm, type } = await crmWithJob(ctx, () => void runs++);
      const { job } = await crm.jobs.enqueue({ type });
      expect(await crm.jobs.cancel(job.id)).toBe(true);
      expect(await crm.jobs.cancel(job.id)).toBe(false);
      const workers = crm.workers({ types: [type] });
      await workers.drain();
      expect(runs).toBe(0);
      expect((await crm.jobs.get(job.id)).status).toBe('cancelled');
    });

    it('enqueues each occurrence of a cron schedule in its time zone once, however many workers fire it', async () => {
      const runs: string[] = [];
      // 08:00 UTC on 2 March is 08:00 in London (GMT); the schedule says 09:00 London time.
      const { crm, clock, type } = await crmWithJob(ctx, (context) => void runs.push(String(context.job.idempotencyKey)));
      const schedule = await crm.jobs.schedule({ name: 'daily-digest', type, cron: '0 9 * * *', timezone: 'Europe/London' });
      expect(schedule.nextRunAt.toISOString()).toBe('2026-03-02T09:00:00.000Z');
      const fleet = Array.from({ length: 4 }, () => crm.workers({ types: [type] }));
      await Promise.all(fleet.map((workers) => workers.drain()));
      expect(runs).toEqual([]);
      clock.set('2026-03-02T09:00:30Z');
      await Promise.all(fleet.map((workers) => workers.drain()));
      expect(runs).toEqual(['schedule:daily-digest:2026-03-02T09:00:00.000Z']);
      // After the clocks change (29 March), 09:00 London is 08:00 UTC.
      clock.set('2026-03-30T08:00:05Z');
      await Promise.all(fleet.map((workers) => workers.drain()));
      // Missed occurrences (the app was down for weeks) are caught up once, not once each.
      expect(runs).toEqual(['schedule:daily-digest:2026-03-02T09:00:00.000Z', 'schedule:daily-digest:2026-03-03T09:00:00.000Z']);
      expect((await crm.jobs.schedules())[0]?.nextRunAt.toISOString()).toBe('2026-03-31T08:00:00.000Z');
    });

    it('rejects unknown job types, malformed cron expressions and unknown time zones, naming the field', async () => {
      const { crm, type } = await crmWithJob(ctx, () => undefined);
      const unknown = await crm.jobs.enqueue({ type: 'no.such-job' }).catch((error: unknown) => error);
      expect(isRapportError(unknown, 'JOB_UNKNOWN_TYPE')).toBe(true);
      const cron = await crm.jobs.schedule({ name: 'x', type, cron: '61 * * * *' }).catch((error: unknown) => error);
      expect(isRapportError(cron, 'INVALID_INPUT') && JSON.stringify(cron.details)).toContain('"cron"');
      const zone = await crm.jobs
        .schedule({ name: 'x', type, cron: '0 9 * * *', timezone: 'Mars/Olympus' })
        .catch((error: unknown) => error);
      expect(isRapportError(zone, 'INVALID_INPUT') && JSON.stringify(zone.details)).toContain('"timezone"');
      const badType = await crm.jobs.enqueue({ type: 'Not A Type' }).catch((error: unknown) => error);
      expect(isRapportError(badType, 'INVALID_INPUT')).toBe(true);
      expect((await crm.jobs.list()).items).toHaveLength(0);
      expect(await crm.jobs.schedules()).toHaveLength(0);
    });

    it('runs every job exactly once with several workers claiming at once', async () => {
      const runs = new Map<string, number>();
      const { crm, type } = await crmWithJob(ctx, (context) => void runs.set(context.job.id, (runs.get(context.job.id) ?? 0) + 1), {
        now: () => new Date(),
      } as FakeClock);
      const total = 300;
      for (let offset = 0; offset < total; offset += 100) {
        await Promise.all(Array.from({ length: 100 }, (_, index) => crm.jobs.enqueue({ type, payload: offset + index })));
      }
      const fleet = Array.from({ length: 4 }, () => crm.startWorkers({ types: [type], concurrency: 2, pollIntervalMs: 5 }));
      for (let waited = 0; runs.size < total && waited < 20_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      await Promise.all(fleet.map((workers) => workers.stop()));
      expect(runs.size).toBe(total);
      expect([...runs.values()].every((count) => count === 1)).toBe(true);
      const succeeded = await crm.jobs.list({ status: 'succeeded', limit: 1000 });
      expect(succeeded.items).toHaveLength(total);
    });
  });
}
