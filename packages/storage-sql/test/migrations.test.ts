import { isRapportError } from '@rapport/core';
import { coreMigrations, createRapportTable, defineSqlMigrations, MIGRATION_TABLE, type SqlStorage } from '@rapport/storage-sql';
import { type Kysely, Migrator, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { dialectTargets } from './dialect-targets.js';
import { runFixture } from './fixtures/run-fixture.js';

const targets = await dialectTargets();

const loyalty = defineSqlMigrations('loyalty', {
  '0001_points': {
    up: async (db, dialect) => {
      const table = await createRapportTable(db, dialect, 'loyalty_points');
      await table
        .addColumn('tenant_id', dialect.idType(128), (col) => col.notNull())
        .addColumn('customer_id', dialect.idType(64), (col) => col.notNull())
        .addColumn('points', 'integer', (col) => col.notNull())
        .addForeignKeyConstraint('loyalty_points_customer_fk', ['tenant_id', 'customer_id'], 'rapport_customers', ['tenant_id', 'id'])
        .execute();
    },
  },
});

/** Applies the core migrations named, as a database last migrated by an earlier release would have them. */
async function migrateThrough(storage: SqlStorage, names: readonly string[]): Promise<void> {
  const early = Object.fromEntries(
    names.map((name) => [name, { up: (kysely: Kysely<unknown>) => coreMigrations[name]?.up(kysely, storage.dialect) as Promise<void> }]),
  );
  const migrator = new Migrator({
    db: storage.db as unknown as Kysely<unknown>,
    provider: { getMigrations: async () => early },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: `${MIGRATION_TABLE}_lock`,
  });
  expect((await migrator.migrateToLatest()).error).toBeUndefined();
}

/** The names of the indexes on `table`. */
async function indexNames(storage: SqlStorage, table: string): Promise<string[]> {
  const db = storage.db as unknown as Kysely<unknown>;
  const query =
    storage.dialect.name === 'postgres'
      ? sql<{ name: string }>`select indexname as name from pg_indexes where tablename = ${table}`
      : storage.dialect.name === 'sqlite'
        ? sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = ${table}`
        : sql<{
            name: string;
          }>`select distinct index_name as name from information_schema.statistics where table_schema = database() and table_name = ${table}`;
  return (await query.execute(db)).rows.map((row) => row.name).sort();
}

describe.each(targets.map((target) => [target.name, target] as const))('migrations on %s', (_name, target) => {
  it('migrates an empty database from nothing to the latest, then has nothing left to do', async () => {
    const database = await target.fresh();
    const storage = await database.open();
    try {
      expect(await storage.applyMigrations()).toEqual([
        'core/0001_core_tables',
        'core/0002_jobs',
        'core/0003_consent_ledger',
        'core/0004_jobs_claim_index',
        'core/0005_encryption',
      ]);
      expect(await storage.applyMigrations()).toEqual([]);
      const tables = (await storage.db.introspection.getTables()).map((table) => table.name).filter((name) => name.startsWith('rapport_'));
      expect(tables.sort()).toEqual(
        [
          'rapport_consents',
          'rapport_customer_channels',
          'rapport_customer_tags',
          'rapport_customers',
          'rapport_identities',
          'rapport_interactions',
          'rapport_job_schedules',
          'rapport_jobs',
          MIGRATION_TABLE,
          `${MIGRATION_TABLE}_lock`,
          'rapport_segment_members',
          'rapport_segments',
        ].sort(),
      );
    } finally {
      await storage.close();
      await database.cleanup();
    }
  });

  it('upgrades a consent ledger written before 0003_consent_ledger: old rows read as recorded by the app, never expiring', async () => {
    const database = await target.fresh();
    const storage = await database.open();
    try {
      const db = storage.db as unknown as Kysely<unknown>;
      await migrateThrough(storage, ['0001_core_tables', '0002_jobs']);
      await sql`insert into rapport_customers (tenant_id, id, traits, created_at, updated_at, version) values ('t', 'c1', '{}', 1, 1, 1)`.execute(
        db,
      );
      await sql`insert into rapport_consents (tenant_id, id, customer_id, purpose, channel, status, source, occurred_at, recorded_at)
        values ('t', 'r1', 'c1', 'marketing', '*', 'granted', 'legacy', 5, 6)`.execute(db);
      expect(await storage.applyMigrations()).toEqual(['core/0003_consent_ledger', 'core/0004_jobs_claim_index', 'core/0005_encryption']);
      expect(await storage.forTenant('t').consents.history('c1')).toMatchObject([
        { id: 'r1', actor: 'app', expiresAt: null, requestId: null, status: 'granted' },
      ]);
    } finally {
      await storage.close();
      await database.cleanup();
    }
  });

  it('upgrades a job queue written before 0004_jobs_claim_index: due jobs claimed oldest first, keys still unique', async () => {
    const database = await target.fresh();
    const storage = await database.open();
    try {
      const db = storage.db as unknown as Kysely<unknown>;
      await migrateThrough(storage, ['0001_core_tables', '0002_jobs', '0003_consent_ledger']);
      const job = (id: string, status: string, runAt: number, key: string | null, leaseToken: string | null = null) =>
        sql`insert into rapport_jobs (tenant_id, id, type, payload, status, run_at, attempts, max_attempts, idempotency_key, lease_token, created_at, updated_at)
          values ('t', ${id}, 'mail', '{}', ${status}, ${runAt}, 0, 5, ${key}, ${leaseToken}, 1, 1)`.execute(db);
      await job('j-expired', 'running', 300, null, 'lost-worker');
      await job('j-keyed', 'pending', 100, 'welcome-c1');
      await job('j-plain', 'pending', 200, null);
      await job('j-done', 'succeeded', 50, 'welcome-c0');
      await job('j-later', 'pending', 5_000, null);
      expect(await storage.applyMigrations()).toEqual(['core/0004_jobs_claim_index', 'core/0005_encryption']);
      const indexes = await indexNames(storage, 'rapport_jobs');
      if (storage.dialect.partialIndexes) {
        expect(indexes).toEqual(expect.arrayContaining(['rapport_jobs_pending_idx', 'rapport_jobs_running_idx']));
        expect(indexes).not.toContain('rapport_jobs_due_idx');
      } else expect(indexes).toContain('rapport_jobs_due_idx');
      const claimed = await storage.jobs.claim({ types: ['mail'], limit: 10, now: new Date(1_000), leaseMs: 60_000 });
      const claimedIds = claimed.map((claimedJob) => claimedJob.id);
      expect([...claimedIds].sort()).toEqual(['j-expired', 'j-keyed', 'j-plain']);
      // Oldest first where the claim can say so; SQLite's UPDATE … RETURNING gives rows in key order.
      if (storage.dialect.name !== 'sqlite') expect(claimedIds).toEqual(['j-keyed', 'j-plain', 'j-expired']);
      expect(claimed.every((claimedJob) => claimedJob.status === 'running' && claimedJob.leaseToken !== '')).toBe(true);
      expect(await storage.jobs.complete(claimed, new Date(2_000))).toBe(3);
      const tenant = storage.forTenant('t');
      expect((await tenant.jobs.get('j-plain'))?.status).toBe('succeeded');
      const listed = async (status: 'pending' | 'succeeded') =>
        (await tenant.jobs.list({ status, limit: 10 })).items.map((listedJob) => listedJob.id).sort();
      expect(await listed('succeeded')).toEqual(['j-done', 'j-expired', 'j-keyed', 'j-plain']);
      expect(await listed('pending')).toEqual(['j-later']);
      // The keys written before the migration still hold; jobs without one never clash.
      const enqueue = (id: string, idempotencyKey: string | null) =>
        tenant.jobs.enqueue({
          id,
          tenantId: 't',
          type: 'mail',
          payload: null,
          status: 'pending',
          runAt: new Date(3_000),
          attempts: 0,
          maxAttempts: 5,
          idempotencyKey,
          lastError: null,
          createdAt: new Date(3_000),
          updatedAt: new Date(3_000),
          finishedAt: null,
        });
      expect(await enqueue('j-again', 'welcome-c1')).toMatchObject({ created: false, job: { id: 'j-keyed' } });
      expect(await enqueue('j-again-done', 'welcome-c0')).toMatchObject({ created: false, job: { id: 'j-done' } });
      expect((await enqueue('j-free-1', null)).created).toBe(true);
      expect((await enqueue('j-free-2', null)).created).toBe(true);
      const next = await storage.jobs.claim({ types: ['mail'], limit: 10, now: new Date(4_000), leaseMs: 60_000 });
      expect(next.map((claimedJob) => claimedJob.id).sort()).toEqual(['j-free-1', 'j-free-2']);
    } finally {
      await storage.close();
      await database.cleanup();
    }
  });

  it("runs a plugin's migrations after core in its own namespace, also when the plugin arrives later", async () => {
    const database = await target.fresh();
    const storage = await database.open();
    try {
      expect(await storage.applyMigrations()).toEqual([
        'core/0001_core_tables',
        'core/0002_jobs',
        'core/0003_consent_ledger',
        'core/0004_jobs_claim_index',
        'core/0005_encryption',
      ]);
      expect(await storage.applyMigrations([loyalty])).toEqual(['loyalty/0001_points']);
      expect(await storage.applyMigrations([loyalty])).toEqual([]);
      const tables = (await storage.db.introspection.getTables()).map((table) => table.name);
      expect(tables).toContain('loyalty_points');
      expect(tables).toContain(`${MIGRATION_TABLE}_loyalty`);
    } finally {
      await storage.close();
      await database.cleanup();
    }
  });

  it('names a failing migration', async () => {
    const database = await target.fresh();
    const storage = await database.open();
    try {
      const broken = defineSqlMigrations('broken', {
        '0001_bad': { up: async (db) => void (await sql`select * from no_such_table`.execute(db)) },
      });
      const error = await storage.applyMigrations([broken]).catch((caught: unknown) => caught);
      expect(isRapportError(error, 'STORAGE_MIGRATION_FAILED')).toBe(true);
      expect((error as Error).message).toMatch(/^migration broken\/0001_bad failed: /);
    } finally {
      await storage.close();
      await database.cleanup();
    }
  });

  it('applies each migration exactly once when five processes migrate one fresh database at once', async () => {
    const database = await target.fresh();
    try {
      const startAt = Date.now() + 4000;
      const runs = await Promise.all(
        Array.from({ length: 5 }, () => runFixture('migrate-child.ts', [target.name, database.location, String(startAt)])),
      );
      for (const run of runs) expect(run.code, run.stderr).toBe(0);
      const applied = runs.flatMap((run) => JSON.parse(run.stdout) as string[]);
      expect(applied).toEqual([
        'core/0001_core_tables',
        'core/0002_jobs',
        'core/0003_consent_ledger',
        'core/0004_jobs_claim_index',
        'core/0005_encryption',
      ]);
      const storage = await database.open();
      const rows = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)}`.execute(storage.db);
      expect(rows.rows.map((row) => row.name)).toEqual([
        '0001_core_tables',
        '0002_jobs',
        '0003_consent_ledger',
        '0004_jobs_claim_index',
        '0005_encryption',
      ]);
      await storage.close();
    } finally {
      await database.cleanup();
    }
  }, 60_000);
});
