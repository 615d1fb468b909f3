import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCrm, type Storage } from '@rapport/core';
import { postgres } from '@rapport/storage-sql/postgres';
import { sqlite } from '@rapport/storage-sql/sqlite';
import Database from 'better-sqlite3';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { timed } from './machine.js';

const TENANT = 'bench';
const ENQUEUE_BATCH = 500;
const CLAIM_BATCH = 10;
/**
 * The hand-written claim's pick, the shape Rapport's queue uses: pending and lease-expired
 * jobs read apart in (status, run_at) index order, so a claim reads about ten index entries
 * however long the backlog (`status in (…) order by run_at` reads and sorts every due job).
 */
const DUE = `select tenant_id, id from (
  select * from (select tenant_id, id, run_at from rapport_jobs where status = 'pending' and run_at <= $3 and type = 'bench.noop' order by run_at limit ${CLAIM_BATCH} $LOCK) p
  union all
  select * from (select tenant_id, id, run_at from rapport_jobs where status = 'running' and run_at <= $3 and type = 'bench.noop' order by run_at limit ${CLAIM_BATCH} $LOCK) r
) d order by run_at limit ${CLAIM_BATCH}`;
/** Claims and completions commit without waiting for the WAL flush, as Rapport's do (a lost one only runs a job again). */
const RELAXED = `and (select set_config('synchronous_commit', 'off', true)) = 'off'`;

/** Result of one jobs benchmark. */
export interface JobsResult {
  target: string;
  workers: number;
  jobs: number;
  rapportPerSecond: number;
  rawPerSecond: number;
  ratio: number;
  /** Jobs whose handler ran more than once (must be 0). */
  ranTwice: number;
}

/**
 * Enqueues `total` jobs through `crm.jobs.enqueueMany` (500 a call) and runs them with
 * `workers` workers and a no-op handler, until every one has succeeded. Counts each job's runs.
 */
async function throughRapport(storage: Storage, total: number, workers: number): Promise<{ ms: number; ranTwice: number }> {
  const runs = new Map<string, number>();
  let finished: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const crm = await createCrm({
    storage,
    tenant: TENANT,
    jobs: {
      'bench.noop': ({ job }) => {
        runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
        if (runs.size === total) finished();
      },
    },
  });
  let enqueuedAt = 0;
  const { ms } = await timed(async () => {
    const began = performance.now();
    for (let start = 0; start < total; start += ENQUEUE_BATCH) {
      const inputs = Array.from({ length: Math.min(ENQUEUE_BATCH, total - start) }, (_, offset) => ({
        type: 'bench.noop',
        payload: { n: start + offset },
      }));
      const outcomes = await crm.jobs.enqueueMany(inputs);
      if (outcomes.some((outcome) => outcome.status !== 'enqueued')) throw new Error('a job was not enqueued');
    }
    enqueuedAt = performance.now() - began;
    const fleet = Array.from({ length: workers }, () => crm.startWorkers({ pollIntervalMs: 5, batchSize: CLAIM_BATCH }));
    await allDone;
    await Promise.all(fleet.map((running) => running.stop()));
  });
  const succeeded = await crm.jobs.list({ status: 'succeeded', limit: 1 });
  if (succeeded.items.length === 0) throw new Error('no job was marked succeeded');
  await crm.close();
  if (process.env.RAPPORT_BENCH_VERBOSE)
    console.log(`rapport ${workers}: enqueue ${enqueuedAt.toFixed(0)} ms, run ${(ms - enqueuedAt).toFixed(0)} ms`);
  return { ms, ranTwice: [...runs.values()].filter((count) => count > 1).length };
}

/**
 * The same queue written by hand on PostgreSQL: multi-row inserts, SKIP LOCKED claims of 10,
 * one UPDATE per batch done; claims and completions with Rapport's index-ordered pick, relaxed
 * commits and named prepared statements (planned once per connection), but in two statements
 * where Rapport sends one.
 */
async function rawPostgres(url: string, total: number, workers: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: workers + 1, options: '-c jit=off' });
  // An idle client ended by the force drop afterwards reports an 'error'; it must not crash the run.
  pool.on('error', () => undefined);
  const now = Date.now();
  const { ms } = await timed(async () => {
    for (let start = 0; start < total; start += ENQUEUE_BATCH) {
      const rows: unknown[] = [];
      const values: string[] = [];
      for (let index = start; index < Math.min(total, start + ENQUEUE_BATCH); index++) {
        const p = rows.length;
        values.push(`($${p + 1}, $${p + 2}, 'bench.noop', $${p + 3}, 'pending', $${p + 4}, 0, 5, $${p + 4}, $${p + 4})`);
        rows.push(TENANT, uuidv7(), JSON.stringify({ n: index }), now);
      }
      const client = await pool.connect();
      await client.query('begin');
      await client.query(
        `insert into rapport_jobs (tenant_id, id, type, payload, status, run_at, attempts, max_attempts, created_at, updated_at) values ${values.join(', ')}`,
        rows,
      );
      await client.query('commit');
      client.release();
    }
    let done = 0;
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (done < total) {
          const at = Date.now();
          const { rows } = await pool.query<{ tenant_id: string; id: string }>({
            name: 'bench_claim',
            text: `update rapport_jobs set status = 'running', attempts = attempts + 1, run_at = $1, lease_token = $2, updated_at = $3
             where (tenant_id, id) in (${DUE.replace(/\$LOCK/g, 'for update skip locked')}) ${RELAXED}
             returning tenant_id, id`,
            values: [at + 300_000, uuidv7(), at],
          });
          if (rows.length === 0) {
            await new Promise((resolve) => setTimeout(resolve, 5));
            continue;
          }
          await pool.query({
            name: 'bench_complete',
            text: `update rapport_jobs set status = 'succeeded', finished_at = $1, lease_token = null where tenant_id = $2 and id = any($3::text[]) ${RELAXED}`,
            values: [Date.now(), TENANT, rows.map((row) => row.id)],
          });
          done += rows.length;
        }
      }),
    );
  });
  await pool.end();
  return ms;
}

/** The same queue written by hand on SQLite (better-sqlite3, prepared statements). */
async function rawSqlite(filename: string, total: number, workers: number): Promise<number> {
  const db = new Database(filename);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const now = Date.now();
  const insert = db.prepare(
    `insert into rapport_jobs (tenant_id, id, type, payload, status, run_at, attempts, max_attempts, created_at, updated_at) values (?, ?, 'bench.noop', ?, 'pending', ?, 0, 5, ?, ?)`,
  );
  const claim = db.prepare(
    `update rapport_jobs set status = 'running', attempts = attempts + 1, run_at = ?, lease_token = ?, updated_at = ?
     where (tenant_id, id) in (${DUE.replace(/\$3/g, '?').replace(/\$LOCK/g, '')})
     returning id`,
  );
  const complete = db.prepare(
    `update rapport_jobs set status = 'succeeded', finished_at = ?, lease_token = null where tenant_id = ? and id = ?`,
  );
  const completeAll = db.transaction((ids: string[], at: number) => {
    for (const id of ids) complete.run(at, TENANT, id);
  });
  const { ms } = await timed(async () => {
    for (let start = 0; start < total; start += ENQUEUE_BATCH) {
      db.transaction(() => {
        for (let index = start; index < Math.min(total, start + ENQUEUE_BATCH); index++)
          insert.run(TENANT, uuidv7(), JSON.stringify({ n: index }), now, now, now);
      })();
    }
    let done = 0;
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (done < total) {
          const at = Date.now();
          const rows = claim.all(at + 300_000, uuidv7(), at, at, at) as { id: string }[];
          if (rows.length === 0) {
            await new Promise((resolve) => setTimeout(resolve, 5));
            continue;
          }
          // A no-op handler per job, as the Rapport side runs one.
          for (const _row of rows) await Promise.resolve();
          completeAll(
            rows.map((row) => row.id),
            Date.now(),
          );
          done += rows.length;
        }
      }),
    );
  });
  db.close();
  return ms;
}

function result(target: string, workers: number, jobs: number, rapportMs: number, rawMs: number, ranTwice: number): JobsResult {
  const rapportPerSecond = (jobs / rapportMs) * 1000;
  const rawPerSecond = (jobs / rawMs) * 1000;
  return { target, workers, jobs, rapportPerSecond, rawPerSecond, ratio: rapportPerSecond / rawPerSecond, ranTwice };
}

/** Jobs on SQLite files: Rapport's queue and the hand-written one, with 1 and 4 workers. */
export async function jobsSqlite(total: number): Promise<JobsResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'rapport-bench-jobs-'));
  const results: JobsResult[] = [];
  try {
    for (const workers of [1, 4]) {
      const files = { rapport: join(dir, `rapport-${workers}.db`), raw: join(dir, `raw-${workers}.db`) };
      const rawStorage = sqlite({ filename: files.raw });
      await rawStorage.migrate();
      await rawStorage.close();
      const rawMs = await rawSqlite(files.raw, total, workers);
      const rapport = await throughRapport(sqlite({ filename: files.rapport }), total, workers);
      results.push(result('sqlite', workers, total, rapport.ms, rawMs, rapport.ranTwice));
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Jobs on PostgreSQL: Rapport's queue and the hand-written one, with 1 and 4 workers. */
export async function jobsPostgres(total: number, serverUrl: string): Promise<JobsResult[]> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const urlOf = (name: string) => Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  const names = { rapport: 'rapport_bench_jobs', raw: 'rapport_bench_jobs_raw' };
  const results: JobsResult[] = [];
  try {
    for (const workers of [1, 4]) {
      for (const name of Object.values(names)) {
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.query(`create database ${name}`);
      }
      const rawStorage = await postgres({ connectionString: urlOf(names.raw) });
      await rawStorage.migrate();
      await rawStorage.close();
      const rawMs = await rawPostgres(urlOf(names.raw), total, workers);
      const rapport = await throughRapport(await postgres({ connectionString: urlOf(names.rapport), max: workers + 2 }), total, workers);
      results.push(result('postgres', workers, total, rapport.ms, rawMs, rapport.ranTwice));
    }
    return results;
  } finally {
    for (const name of Object.values(names)) await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
