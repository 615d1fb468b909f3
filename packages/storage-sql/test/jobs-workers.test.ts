import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCrm } from '@rapport/core';
import { FakeClock } from '@rapport/testkit';
import { describe, expect, it } from 'vitest';
import { dialectTargets } from './dialect-targets.js';

const targets = await dialectTargets();
const root = join(import.meta.dirname, '..', '..', '..');

/** Starts a worker process (fixtures/jobs-worker-child.ts); resolves with its exit once it ends. */
function startWorker(args: string[]): {
  exited: Promise<{ code: number | null; signal: string | null; stderr: string }>;
  kill: () => void;
} {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', join(import.meta.dirname, 'fixtures', 'jobs-worker-child.ts'), ...args],
    {
      cwd: root,
      env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.json') },
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { exited, kill: () => child.kill('SIGKILL') };
}

/** The runs a worker file records, as [job id, attempt] pairs. */
function runsIn(file: string): [string, number][] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id, attempt] = line.split(' ');
      return [id as string, Number(attempt)];
    });
}

describe.each(targets.map((target) => [target.name, target] as const))('job workers in several processes on %s', (_name, target) => {
  it('runs each of 2,000 jobs exactly once with 8 workers in 4 processes claiming at once', async () => {
    const database = await target.fresh();
    const dir = mkdtempSync(join(tmpdir(), 'rapport-jobs-'));
    const out = join(dir, 'runs.log');
    writeFileSync(out, '');
    try {
      const crm = await createCrm({ storage: await database.open(), tenant: 'jobs', jobs: { 'test.record': () => undefined } });
      const ids = new Set<string>();
      const store = crm.storage.forTenant('jobs');
      for (let start = 0; start < 2000; start += 500) {
        await store.transaction(async (tx) => {
          for (let index = start; index < start + 500; index++)
            ids.add((await crm.jobs.enqueue({ type: 'test.record', payload: index }, { in: tx })).job.id);
        });
      }
      await crm.close();
      const workers = Array.from({ length: 4 }, () => startWorker([target.name, database.location, 'jobs', out, 'work', '2']));
      const exits = await Promise.all(workers.map((worker) => worker.exited));
      for (const exit of exits) expect(exit.code, exit.stderr).toBe(0);
      const runs = runsIn(out);
      const perJob = new Map<string, number>();
      for (const [id] of runs) perJob.set(id, (perJob.get(id) ?? 0) + 1);
      expect(perJob.size).toBe(2000);
      expect(new Set(perJob.keys())).toEqual(ids);
      expect([...perJob.values()].filter((count) => count !== 1)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await database.cleanup();
    }
  }, 120_000);

  it('runs a job again after its lease, with the same idempotency key, when its worker is SIGKILLed mid-job', async () => {
    const database = await target.fresh();
    const dir = mkdtempSync(join(tmpdir(), 'rapport-jobs-'));
    const out = join(dir, 'runs.log');
    writeFileSync(out, '');
    try {
      const seen: { key: string; attempt: number }[] = [];
      const setup = await createCrm({ storage: await database.open(), tenant: 'jobs', jobs: { 'test.record': () => undefined } });
      const { job } = await setup.jobs.enqueue({ type: 'test.record' });
      await setup.close();
      const worker = startWorker([target.name, database.location, 'jobs', out, 'hang', '1']);
      for (let waited = 0; runsIn(out).length === 0 && waited < 60_000; waited += 25)
        await new Promise((resolve) => setTimeout(resolve, 25));
      expect(runsIn(out)).toEqual([[job.id, 1]]);
      worker.kill();
      const exit = await worker.exited;
      expect(exit.signal, `worker exited with code ${exit.code}: ${exit.stderr}`).toBe('SIGKILL');
      // Another process, whose clock says the 60 s lease has run out.
      const clock = new FakeClock(new Date(Date.now() + 61_000));
      const crm = await createCrm({
        storage: await database.open(),
        tenant: 'jobs',
        clock,
        jobs: { 'test.record': ({ idempotencyKey, attempt }) => void seen.push({ key: idempotencyKey, attempt }) },
      });
      try {
        const before = await crm.jobs.get(job.id);
        expect(before.status).toBe('running');
        expect(await crm.workers().drain()).toBe(1);
        expect(seen).toEqual([{ key: job.id, attempt: 2 }]);
        expect((await crm.jobs.get(job.id)).status).toBe('succeeded');
      } finally {
        await crm.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await database.cleanup();
    }
  }, 120_000);
});
