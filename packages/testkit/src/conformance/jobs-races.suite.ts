import { type Crm, createCrm, type JobHandler } from '@rapport/core';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../fake-clock.js';
import { uniqueId } from '../fixtures/builders.js';
import type { ConformanceContext } from './context.js';

/** Waits (real time) until `done` holds, failing after `ms`: background workers run on their own schedule. */
async function until(done: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  for (const started = Date.now(); !(await done()); ) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A promise with its resolve function, for handlers a test lets finish when it chooses. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

async function crmWith(ctx: ConformanceContext, handler: JobHandler, clock: FakeClock, tenant = uniqueId('races')) {
  const type = `test.${uniqueId('race')}`;
  const jobs: Record<string, JobHandler> = { [type]: handler };
  const crm: Crm = await createCrm({ storage: ctx.storage(), tenant, clock, jobs });
  return { crm, type };
}

/**
 * Jobs under hostile timing: workers stopped mid-job, handlers outliving their lease, and
 * replay, cancel, keyed enqueues and schedules racing workers. Each race runs `rounds` times.
 */
export function jobsRacesSuite(ctx: ConformanceContext, rounds = 20): void {
  describe(`${ctx.name}: job races`, () => {
    it('stop() finishes what ends in time and gives back the rest, the attempt uncounted even when the handler honours the abort', async () => {
      const clock = new FakeClock('2026-03-02T08:00:00Z');
      const slow = gate();
      const started: string[] = [];
      let hang = true;
      const { crm, type } = await crmWith(
        ctx,
        async ({ job, signal }) => {
          started.push(String(job.payload));
          if (job.payload === 'quick' || !hang) return;
          if (job.payload === 'finishes') return slow.opened;
          // Honours the abort by throwing, as a fetch given the signal would.
          await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
        },
        clock,
      );
      const ids: string[] = [];
      // A second apart, so the claim's order (oldest first) is known: quick and finishes start, then aborted.
      for (const payload of ['quick', 'finishes', 'aborted', 'buffered']) {
        ids.push((await crm.jobs.enqueue({ type, payload, maxAttempts: 1 })).job.id);
        clock.advance({ seconds: 1 });
      }
      const workers = crm.startWorkers({ types: [type], concurrency: 2, batchSize: 4, pollIntervalMs: 5 });
      await until(() => started.length >= 3, 'three handlers run');
      expect(started).toEqual(['quick', 'finishes', 'aborted']);
      const stopped = workers.stop({ timeoutMs: 300 });
      setTimeout(slow.open, 50);
      await stopped;
      const byPayload = new Map((await Promise.all(ids.map((id) => crm.jobs.get(id)))).map((job) => [job.payload, job]));
      expect(byPayload.get('quick')?.status).toBe('succeeded');
      expect(byPayload.get('finishes')?.status).toBe('succeeded');
      // maxAttempts 1: counted, the aborted attempt would have dead-lettered the job.
      expect(byPayload.get('aborted')).toMatchObject({ status: 'pending', attempts: 0 });
      expect(['pending', 'succeeded']).toContain(byPayload.get('buffered')?.status);
      expect((await crm.jobs.list({ status: 'running' })).items).toEqual([]);
      // What was given back runs on the next workers, once.
      started.length = 0;
      hang = false;
      expect(await crm.workers({ types: [type] }).drain()).toBeGreaterThanOrEqual(1);
      expect(started.filter((payload) => payload === 'aborted')).toHaveLength(1);
      expect((await crm.jobs.list({ status: 'succeeded' })).items.length).toBeGreaterThanOrEqual(3);
    });

    it('aborts the signal of a handler that outlives its lease, and its late success does not overwrite the next attempt', async () => {
      const clock = new FakeClock('2026-03-02T08:00:00Z');
      const hung = gate();
      const aborted: boolean[] = [];
      let handlerStarted = false;
      const { crm, type } = await crmWith(
        ctx,
        async ({ attempt, signal }) => {
          if (attempt > 1) throw new Error('the second attempt fails');
          signal.addEventListener('abort', () => aborted.push(true));
          handlerStarted = true;
          await hung.opened;
        },
        clock,
      );
      const { job } = await crm.jobs.enqueue({ type });
      const first = crm.startWorkers({ types: [type], leaseMs: 60_000, pollIntervalMs: 5 });
      // The handler itself, not the row's `running`: a job claimed but not yet started when its
      // lease is half gone is given back instead of started, and never outlives its lease.
      await until(() => handlerStarted, 'the first attempt runs');
      expect((await crm.jobs.get(job.id)).status).toBe('running');
      clock.advance({ seconds: 61 });
      await until(() => aborted.length === 1, 'the overdue handler is aborted');
      // Another worker set takes the job over; its attempt fails and asks for a retry.
      expect(await crm.workers({ types: [type], leaseMs: 60_000 }).drain()).toBe(1);
      hung.open();
      await first.stop();
      const after = await crm.jobs.get(job.id);
      expect(after).toMatchObject({ status: 'pending', attempts: 2 });
      expect(after.lastError).toContain('the second attempt fails');
    });

    it('gives back a claimed job that waited in its batch past half its lease, rather than run it beside its next claimer', async () => {
      const clock = new FakeClock('2026-03-02T08:00:00Z');
      const hung = gate();
      const runs = new Map<string, number>();
      const { crm, type } = await crmWith(
        ctx,
        async ({ job, attempt }) => {
          runs.set(String(job.payload), (runs.get(String(job.payload)) ?? 0) + 1);
          if (job.payload === 'slow' && attempt === 1) await hung.opened;
        },
        clock,
      );
      await crm.jobs.enqueue({ type, payload: 'slow' });
      clock.advance({ seconds: 1 });
      await crm.jobs.enqueue({ type, payload: 'waiting' });
      const first = crm.startWorkers({ types: [type], concurrency: 1, batchSize: 2, leaseMs: 60_000, pollIntervalMs: 5 });
      await until(() => runs.get('slow') === 1, 'the slow job starts');
      clock.advance({ seconds: 61 });
      // Both leases ended: another worker set claims and runs both.
      expect(await crm.workers({ types: [type], leaseMs: 60_000 }).drain()).toBe(2);
      // Once the first set is done with its batch it claims this one, so its fate for `waiting` is known by then.
      await crm.jobs.enqueue({ type, payload: 'sentinel' });
      hung.open();
      await until(() => runs.get('sentinel') === 1, 'the first worker set claims again');
      await first.stop();
      expect(runs.get('waiting')).toBe(1);
      expect((await crm.jobs.list({ status: 'succeeded' })).items).toHaveLength(3);
    });

    it('writes a success before its lease is half gone, while the rest of its batch still runs', async () => {
      const clock = new FakeClock('2026-03-02T08:00:00Z');
      const hung = gate();
      const runs = new Map<string, number>();
      const { crm, type } = await crmWith(
        ctx,
        async ({ job }) => {
          runs.set(String(job.payload), (runs.get(String(job.payload)) ?? 0) + 1);
          if (job.payload === 'slow') await hung.opened;
        },
        clock,
      );
      const { job: quick } = await crm.jobs.enqueue({ type, payload: 'quick' });
      clock.advance({ seconds: 1 });
      await crm.jobs.enqueue({ type, payload: 'slow' });
      clock.advance({ seconds: 1 });
      await crm.jobs.enqueue({ type, payload: 'later' });
      // One slot, a batch of three: quick succeeds, slow holds the slot, later waits.
      const workers = crm.startWorkers({ types: [type], concurrency: 1, batchSize: 3, leaseMs: 60_000, pollIntervalMs: 5 });
      await until(() => runs.get('slow') === 1 && runs.get('quick') === 1, 'both run');
      clock.advance({ seconds: 31 });
      await until(async () => (await crm.jobs.get(quick.id)).status === 'succeeded', 'the quick success is written');
      hung.open();
      await workers.stop();
      expect(runs.get('quick')).toBe(1);
      expect((await crm.jobs.get(quick.id)).status).toBe('succeeded');
    });

    it('replays a dead letter once when replays race each other and running workers', async () => {
      const clock = new FakeClock('2026-03-02T08:00:00Z');
      const runs = new Map<string, number>();
      let failing = true;
      const { crm, type } = await crmWith(
        ctx,
        ({ job }) => {
          runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
          if (failing) throw new Error('down');
        },
        clock,
      );
      const fleet = Array.from({ length: 3 }, () => crm.workers({ types: [type] }));
      for (let round = 0; round < rounds; round++) {
        failing = true;
        const { job } = await crm.jobs.enqueue({ type, maxAttempts: 1 });
        await fleet[0]?.drain();
        expect((await crm.jobs.get(job.id)).status).toBe('dead');
        failing = false;
        runs.clear();
        const [first, second, ...ran] = await Promise.all([
          crm.jobs.replay(job.id),
          crm.jobs.replay(job.id),
          ...fleet.map((workers) => workers.drain()),
        ]);
        expect([first, second].filter(Boolean)).toHaveLength(1);
        // Whatever the workers missed of the replay runs now; either way the job runs once.
        const late = (await fleet[0]?.drain()) ?? 0;
        expect(ran.reduce((sum, count) => sum + count, 0) + late).toBe(1);
        expect(runs.get(job.id)).toBe(1);
        expect(await crm.jobs.get(job.id)).toMatchObject({ status: 'succeeded', attempts: 1 });
      }
    });

    it('either cancels a job or runs it, never both, when a cancel races a claim', async () => {
      const clock = new FakeClock('2026-03-02T08:00:00Z');
      const runs = new Map<string, number>();
      const { crm, type } = await crmWith(ctx, ({ job }) => void runs.set(job.id, (runs.get(job.id) ?? 0) + 1), clock);
      const fleet = Array.from({ length: 2 }, () => crm.workers({ types: [type] }));
      for (let round = 0; round < rounds; round++) {
        const { job } = await crm.jobs.enqueue({ type });
        const [cancelled] = await Promise.all([crm.jobs.cancel(job.id), ...fleet.map((workers) => workers.drain())]);
        await fleet[0]?.drain();
        const after = await crm.jobs.get(job.id);
        if (cancelled) {
          expect(after.status).toBe('cancelled');
          expect(runs.get(job.id)).toBeUndefined();
        } else {
          expect(after.status).toBe('succeeded');
          expect(runs.get(job.id)).toBe(1);
        }
      }
    });

    it('keeps one idempotency key apart in two tenants enqueueing it at once', async () => {
      const clock = new FakeClock('2026-03-02T08:00:00Z');
      const type = `test.${uniqueId('race')}`;
      const jobs: Record<string, JobHandler> = { [type]: () => undefined };
      const tenants = [uniqueId('ta'), uniqueId('tb')];
      const crms = await Promise.all(tenants.map((tenant) => createCrm({ storage: ctx.storage(), tenant, clock, jobs })));
      for (let round = 0; round < rounds; round++) {
        const key = `shared-${round}`;
        const outcomes = await Promise.all(
          crms.flatMap((crm) => [crm, crm].map((same) => same.jobs.enqueue({ type, idempotencyKey: key }))),
        );
        for (const [index, crm] of crms.entries()) {
          const own = outcomes.slice(index * 2, index * 2 + 2);
          expect(own.filter((outcome) => outcome.created)).toHaveLength(1);
          expect(own.every((outcome) => outcome.job.tenantId === crm.tenantId && outcome.job.idempotencyKey === key)).toBe(true);
          expect(own[0]?.job.id).toBe(own[1]?.job.id);
          const listed = await crm.jobs.list({ limit: 1000 });
          expect(listed.items.filter((job) => job.idempotencyKey === key).map((job) => job.id)).toEqual([own[0]?.job.id]);
        }
      }
    });

    it('enqueues each occurrence of a schedule once when two worker sets fire it at once', async () => {
      const clock = new FakeClock('2026-03-02T08:00:30Z');
      const runs: string[] = [];
      const { crm, type } = await crmWith(ctx, ({ job }) => void runs.push(String(job.idempotencyKey)), clock);
      await crm.jobs.schedule({ name: 'every-minute', type, cron: '* * * * *' });
      const sets = [crm.workers({ types: [type] }), crm.workers({ types: [type] })];
      for (let round = 0; round < rounds; round++) {
        clock.advance({ minutes: 1 });
        await Promise.all(sets.map((workers) => workers.drain()));
        await sets[0]?.drain();
      }
      expect(runs).toHaveLength(rounds);
      expect(new Set(runs).size).toBe(rounds);
      expect((await crm.jobs.list({ limit: 1000 })).items).toHaveLength(rounds);
    });
  });
}
