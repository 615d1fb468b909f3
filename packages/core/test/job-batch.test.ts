import { describe, expect, it } from 'vitest';
import { type BatchJobResult, createCrm, type JobContext, memoryStorage } from '../src/index.js';

const BATCH = 'test.batch';

/** A Crm whose `test.batch` jobs go to `batch` (size 3) and whose single handler must not run. */
async function crmWith(batch: (contexts: readonly JobContext[]) => Promise<readonly BatchJobResult[]>) {
  const single: string[] = [];
  const clock = { at: Date.parse('2026-01-01T00:00:00Z'), now: () => new Date(clock.at) };
  const crm = await createCrm({
    storage: memoryStorage(),
    tenant: 't',
    clock,
    jobs: {
      [BATCH]: {
        handler: (context) => {
          single.push(context.job.id);
        },
        maxAttempts: 2,
        backoffMs: 60_000,
        batch: { size: 3, handler: batch },
      },
      'test.single': () => undefined,
    },
  });
  return { crm, single, clock };
}

describe('batch job handlers', () => {
  it('hands claimed jobs of the type over together, at most `size` a call, and applies one result per job', async () => {
    const sizes: number[] = [];
    const { crm, single } = await crmWith(async (contexts) => {
      sizes.push(contexts.length);
      return contexts.map((context): BatchJobResult => {
        const kind = context.job.payload as string;
        if (kind === 'later') return { retryInMs: 3_600_000 };
        if (kind === 'fail') return { error: new Error('provider down') };
        return undefined;
      });
    });
    const kinds = ['ok', 'later', 'fail', 'ok', 'ok', 'ok', 'ok'];
    const ids = [];
    for (const kind of kinds) ids.push((await crm.jobs.enqueue({ type: BATCH, payload: kind })).job.id);
    await crm.jobs.enqueue({ type: 'test.single', payload: null });
    expect(await crm.workers({ batchSize: 10 }).drain()).toBe(8);
    expect(single).toEqual([]);
    // 7 jobs of the type in one claim of 10: batches of 3, 3 and 1.
    expect(sizes).toEqual([3, 3, 1]);
    const jobs = await Promise.all(ids.map((id) => crm.jobs.get(id)));
    expect(jobs.map((job) => job.status)).toEqual(['succeeded', 'pending', 'pending', 'succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(jobs[1]?.lastError).toBeNull();
    expect(jobs[2]?.lastError).toBe('Error: provider down');
    await crm.close();
  });

  it('fails every job of a batch whose handler throws or returns the wrong number of results, and dead-letters at the last attempt', async () => {
    let calls = 0;
    const { crm, clock } = await crmWith(async (contexts) => {
      calls++;
      if (calls === 1) throw new Error('database gone');
      return contexts.slice(1).map(() => undefined);
    });
    const ids = [];
    for (let n = 0; n < 2; n++) ids.push((await crm.jobs.enqueue({ type: BATCH, payload: n })).job.id);
    await crm.workers().drain();
    for (const id of ids) {
      const job = await crm.jobs.get(id);
      expect(job.status).toBe('pending');
      expect(job.lastError).toBe('Error: database gone');
    }
    // Due again after the backoff: the second (last) attempt returns one result for two jobs, so both die.
    clock.at += 3_600_000;
    expect(await crm.workers().drain()).toBe(2);
    expect(calls).toBe(2);
    for (const id of ids) {
      const job = await crm.jobs.get(id);
      expect(job.status).toBe('dead');
      expect(job.lastError).toBe('TypeError: the batch handler returned 1 results for 2 jobs');
    }
    await crm.close();
  });

  it('running workers give a batch one concurrency slot and run every job once (4 worker sets, 120 jobs)', async () => {
    const ran: string[] = [];
    const sizes: number[] = [];
    let running = 0;
    let most = 0;
    const { crm } = await crmWith(async (contexts) => {
      running++;
      most = Math.max(most, running);
      sizes.push(contexts.length);
      await new Promise((resolve) => setTimeout(resolve, 2));
      for (const context of contexts) ran.push(context.job.id);
      running--;
      return contexts.map(() => undefined);
    });
    const ids = (await crm.jobs.enqueueMany(Array.from({ length: 120 }, (_, n) => ({ type: BATCH, payload: n })))).map(
      (outcome) => (outcome as { job: { id: string } }).job.id,
    );
    const fleet = Array.from({ length: 4 }, () => crm.startWorkers({ concurrency: 1, batchSize: 10, pollIntervalMs: 2 }));
    const deadline = Date.now() + 30_000;
    while (ran.length < ids.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    await Promise.all(fleet.map((workers) => workers.stop()));
    expect([...ran].sort()).toEqual([...ids].sort());
    // Four worker sets of one slot each: never more than four batches at once.
    expect(most).toBeLessThanOrEqual(4);
    // Claims of 10 go to the handler together, at most its size (3) a call.
    expect(Math.max(...sizes)).toBe(3);
    const jobs = await crm.jobs.list({ status: 'succeeded', limit: 200 });
    expect(jobs.items).toHaveLength(120);
    await crm.close();
  });

  it('refuses a batch without a handler or with a size below 1, naming the job type', async () => {
    for (const batch of [{ size: 0, handler: async () => [] }, { size: 2 }]) {
      await expect(
        createCrm({
          storage: memoryStorage(),
          tenant: 't',
          jobs: { [BATCH]: { handler: () => undefined, batch: batch as never } },
        }),
      ).rejects.toMatchObject({ code: 'PLUGIN_INVALID_OPTIONS', details: { type: BATCH, field: 'batch' } });
    }
  });
});
