import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Crm, createCrm, type SegmentConditionInput } from '@rapport/core';
import type { SqlStorage } from '@rapport/storage-sql';
import { postgres } from '@rapport/storage-sql/postgres';
import { sqlite } from '@rapport/storage-sql/sqlite';
import Database from 'better-sqlite3';
import pg from 'pg';
import { generateCustomers } from './data.js';
import { handwrittenProfileSql, matchesBenchSegment } from './handwritten-profile.js';
import { loadPostgres, loadSqlite } from './loaders.js';
import { heapMiB, median, peakRssMiB, quantile, timed } from './machine.js';
import { seededRandom } from './random.js';

const DAY = 86_400_000;
/**
 * Profiles read before measuring: enough for V8 to finish optimising the read path (the p50
 * still fell until about 2,000 reads), so the figures describe a running service, not its
 * first seconds.
 */
const PROFILE_WARMUP = 2000;
/** Profiles measured: the p99 of 5,000 is the 50th slowest, not one unlucky read of 1,000. */
const PROFILE_SAMPLES = 5000;

/** "≥ 2 purchases in the last 90 days AND total spend ≥ 500 AND e-mail marketing consent granted". */
export const BENCH_SEGMENT: SegmentConditionInput = {
  kind: 'and',
  of: [
    { kind: 'events', types: ['purchase'], withinDays: 90, count: { op: 'gte', value: 2 } },
    { kind: 'metric', field: 'totalSpend', op: 'gte', value: 500 },
    { kind: 'consent', purpose: 'marketing', channel: 'email', status: 'granted' },
  ],
};

/** The same question as hand-written SQL, the way an engineer would write it for these tables. */
const HANDWRITTEN = (p: (n: number) => string) => `
  select count(*) as n from rapport_customers c
  where c.tenant_id = ${p(1)} and c.merged_into is null and c.total_spend >= 500
    and (select count(*) from rapport_interactions i
         where i.tenant_id = c.tenant_id and i.customer_id = c.id and i.type = 'purchase'
           and i.occurred_at >= ${p(2)} and i.occurred_at <= ${p(3)}) >= 2
    and (select r.status from rapport_consents r
         where r.tenant_id = c.tenant_id and r.customer_id = c.id and r.purpose = 'marketing' and r.channel in ('email', '*')
         order by r.occurred_at desc, case when r.channel = 'email' then 1 else 0 end desc, r.recorded_at desc, r.id desc limit 1) = 'granted'`;

/** Measurements for one tenant size on one database. */
export interface ScaleResult {
  target: string;
  customers: number;
  interactions: number;
  members: number;
  rapportCountMs: number;
  handwrittenCountMs: number;
  countRatio: number;
  profileP50Ms: number;
  profileP99Ms: number;
  /** The same two reads written by hand (handwritten-profile.ts), measured alternately with Rapport's. */
  handwrittenProfileP50Ms: number;
  handwrittenProfileP99Ms: number;
  /** Pages the database read from outside its own cache per profile, where it tells (PostgreSQL). */
  profileDiskReads: number | null;
  /** Milliseconds spent in those reads per profile (PostgreSQL with track_io_timing). */
  profileDiskReadMs: number | null;
  heapAfterMiB: number;
  peakRssMiB: number;
  /** The database's version, cache setting and size after loading, as the run found them. */
  databaseSettings: string;
}

interface Backend {
  target: string;
  storage: () => Promise<SqlStorage>;
  load(tenant: string, customers: number, now: number, seed: number): Promise<number>;
  handwrittenCount(tenant: string, from: number, to: number): Promise<number>;
  /** The profile read by hand; resolves whether the customer is in the bench segment. */
  handwrittenProfile(tenant: string, customerId: string, from: number, to: number): Promise<boolean>;
  analyze(): Promise<void>;
  /** Cumulative pages read from outside the database's cache, and the time spent, if it counts them. */
  diskReads(): Promise<{ reads: number; readMs: number } | null>;
  /** Version, cache size and data size: what a reader needs to compare a run with theirs. */
  settings(): Promise<string>;
  close(): Promise<void>;
}

async function measureTenant(backend: Backend, tenant: string, customers: number, interactions: number, now: number): Promise<ScaleResult> {
  const crm: Crm = await createCrm({ storage: await backend.storage(), tenant, clock: { now: () => new Date(now) } });
  try {
    await crm.segments.define({ key: 'bench', name: 'Recent big buyers we may e-mail', condition: BENCH_SEGMENT });
    const runs = 5;
    const from = now - 90 * DAY;
    // One unmeasured run each, checked to agree; then the two alternate run by run, so both
    // meet the same moments of the machine.
    const members = await crm.segments.count('bench');
    const expected = await backend.handwrittenCount(tenant, from, now);
    if (expected !== members) throw new Error(`Rapport counted ${members}, the hand-written query ${expected}`);
    const rapport: number[] = [];
    const handwritten: number[] = [];
    for (let run = 0; run < runs; run++) {
      const { ms, result } = await timed(() => crm.segments.count('bench'));
      if (result !== members) throw new Error(`Rapport counted ${members}, then ${result}`);
      rapport.push(ms);
      handwritten.push((await timed(() => backend.handwrittenCount(tenant, from, now))).ms);
    }

    const random = seededRandom(42);
    const prefix = `${tenant}-`;
    const pickId = () => `${prefix}${String(Math.floor(random() * customers)).padStart(8, '0')}`;
    const handwrittenProfile = () => backend.handwrittenProfile(tenant, pickId(), from, now);
    // The warm-up reads each customer both ways and checks they agree on the segment.
    for (let warm = 0; warm < PROFILE_WARMUP; warm++) {
      const id = pickId();
      const inSegment = (await crm.profile(id)).segments.some((segment) => segment.key === 'bench');
      if (inSegment !== (await backend.handwrittenProfile(tenant, id, from, now)))
        throw new Error(`Rapport and the hand-written profile disagree on whether ${id} is in the segment`);
    }
    // Collect the benchmark's own garbage (the generated data set) first, so the tail below
    // measures profile calls, not a collection of what loading left behind.
    (globalThis as { gc?: () => void }).gc?.();
    // Rapport's and the hand-written reads alternate, so both meet the same moments of the
    // machine; the disk reads counted are both's, halved.
    const latencies: number[] = [];
    const handwrittenLatencies: number[] = [];
    const samples = PROFILE_SAMPLES;
    const readsBefore = await backend.diskReads();
    for (let sample = 0; sample < samples; sample++) {
      latencies.push((await timed(() => crm.profile(pickId()))).ms);
      handwrittenLatencies.push((await timed(handwrittenProfile)).ms);
    }
    const readsAfter = await backend.diskReads();
    return {
      target: backend.target,
      customers,
      interactions,
      members,
      rapportCountMs: median(rapport),
      handwrittenCountMs: median(handwritten),
      countRatio: median(rapport) / median(handwritten),
      profileP50Ms: quantile(latencies, 0.5),
      profileP99Ms: quantile(latencies, 0.99),
      handwrittenProfileP50Ms: quantile(handwrittenLatencies, 0.5),
      handwrittenProfileP99Ms: quantile(handwrittenLatencies, 0.99),
      profileDiskReads: readsBefore && readsAfter ? (readsAfter.reads - readsBefore.reads) / (2 * samples) : null,
      profileDiskReadMs: readsBefore && readsAfter ? (readsAfter.readMs - readsBefore.readMs) / (2 * samples) : null,
      heapAfterMiB: heapMiB(),
      peakRssMiB: peakRssMiB(),
      databaseSettings: await backend.settings(),
    };
  } finally {
    await crm.close();
  }
}

/**
 * Loads a small tenant (a tenth of the customers) and a large one into one database, then
 * measures both: a memory figure that stays flat from small to large shows nothing is loaded
 * per customer.
 */
async function runScale(backend: Backend, customers: number): Promise<ScaleResult[]> {
  const now = Date.UTC(2026, 10, 1);
  const small = Math.max(100, Math.floor(customers / 10));
  const loaded = {
    small: await backend.load('small', small, now, 7),
    large: await backend.load('large', customers, now, 11),
  };
  await backend.analyze();
  const results = [
    await measureTenant(backend, 'small', small, loaded.small, now),
    await measureTenant(backend, 'large', customers, loaded.large, now),
  ];
  await backend.close();
  return results;
}

const mib = (bytes: number) => Math.round(bytes / 2 ** 20).toLocaleString('en-GB');

/** Segments at scale on a SQLite file. */
export async function scaleSqlite(customers: number): Promise<ScaleResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'rapport-bench-scale-'));
  const filename = join(dir, 'scale.db');
  try {
    const setup = sqlite({ filename });
    await setup.migrate();
    await setup.close();
    const raw = new Database(filename);
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = OFF');
    raw.pragma('cache_size = -65536');
    const count = raw.prepare(HANDWRITTEN(() => '?'));
    // The hand-written profile reads on a connection of its own, opened like Rapport's: after
    // the load, with the same page cache size (not on the loader's connection, whose cache
    // still holds what it wrote).
    let reader: { db: Database.Database; customer: Database.Statement; timeline: Database.Statement } | undefined;
    const openReader = () => {
      const db = new Database(filename);
      db.pragma(`cache_size = ${-64 * 1024}`);
      const profileSql = handwrittenProfileSql('sqlite');
      return { db, customer: db.prepare(profileSql.customer), timeline: db.prepare(profileSql.timeline) };
    };
    return await runScale(
      {
        target: 'sqlite',
        storage: async () => sqlite({ filename }),
        load: async (tenant, n, now, seed) => loadSqlite(raw, tenant, generateCustomers(`${tenant}-`, n, now, seed), now),
        handwrittenCount: async (tenant, from, to) => Number((count.get(tenant, from, to) as { n: number }).n),
        handwrittenProfile: async (tenant, customer, from, to) => {
          reader ??= openReader();
          const row = reader.customer.get({ tenant, customer }) as Record<string, unknown> | undefined;
          const timeline = reader.timeline.all({ tenant, customer, from, to }) as { purchases: number }[];
          return row !== undefined && matchesBenchSegment(row, timeline[0]?.purchases ?? 0);
        },
        analyze: async () => {
          raw.exec('analyze');
          // Fold the load's write-ahead log into the database now, not during the measurements.
          raw.pragma('wal_checkpoint(TRUNCATE)');
        },
        diskReads: async () => null,
        settings: async () => {
          const version = (raw.prepare('select sqlite_version() as v').get() as { v: string }).v;
          const pages = raw.pragma('page_count', { simple: true }) as number;
          const pageSize = raw.pragma('page_size', { simple: true }) as number;
          return `SQLite ${version}, a file of ${mib(pages * pageSize)} MiB`;
        },
        close: async () => {
          reader?.db.close();
          raw.close();
        },
      },
      customers,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Segments at scale on PostgreSQL. */
export async function scalePostgres(customers: number, serverUrl: string): Promise<ScaleResult[]> {
  const name = 'rapport_bench_scale';
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  // Time spent reading pages, so the report can say how much of a profile is waiting on disk.
  await admin.query(`alter database ${name} set track_io_timing = on`);
  const url = Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  try {
    const setup = await postgres({ connectionString: url });
    await setup.migrate();
    await setup.close();
    // The same session settings as Rapport's own pool (JIT off), so the ratio compares queries.
    const client = new pg.Client({ connectionString: url, options: '-c jit=off' });
    await client.connect();
    // Two connections, so the hand-written profile's two statements run at once, as Rapport's do.
    const pool = new pg.Pool({ connectionString: url, options: '-c jit=off', max: 2 });
    // pool.end() resolves before its sockets close; the force drop below then ends them, which
    // an idle client reports as an 'error' that would otherwise crash the run.
    pool.on('error', () => undefined);
    const profileSql = handwrittenProfileSql('postgres');
    return await runScale(
      {
        target: 'postgres',
        storage: () => postgres({ connectionString: url }),
        load: (tenant, n, now, seed) => loadPostgres(client, tenant, generateCustomers(`${tenant}-`, n, now, seed), now),
        handwrittenCount: async (tenant, from, to) =>
          Number(
            (
              await client.query(
                HANDWRITTEN((n) => `$${n}`),
                [tenant, from, to],
              )
            ).rows[0].n,
          ),
        handwrittenProfile: async (tenant, customer, from, to) => {
          const [row, timeline] = await Promise.all([
            pool.query({ name: 'profile_customer', text: profileSql.customer, values: [tenant, customer] }),
            pool.query({ name: 'profile_timeline', text: profileSql.timeline, values: [tenant, customer, from, to] }),
          ]);
          return row.rows[0] !== undefined && matchesBenchSegment(row.rows[0], Number(timeline.rows[0]?.purchases ?? 0));
        },
        analyze: async () => {
          await client.query('vacuum analyze');
          // Write the load's dirty pages now, not while the measurements run (as pgbench does).
          await client.query('checkpoint');
        },
        diskReads: async () => {
          const { rows } = await client.query('select blks_read, blk_read_time from pg_stat_database where datname = current_database()');
          return { reads: Number(rows[0].blks_read), readMs: Number(rows[0].blk_read_time) };
        },
        settings: async () => {
          const { rows } = await client.query(
            `select current_setting('server_version') as version, current_setting('shared_buffers') as buffers, pg_database_size(current_database()) as bytes`,
          );
          return `PostgreSQL ${rows[0].version}, shared_buffers ${rows[0].buffers}, a database of ${mib(Number(rows[0].bytes))} MiB`;
        },
        close: async () => {
          await pool.end();
          await client.end();
        },
      },
      customers,
    );
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
