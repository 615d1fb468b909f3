import { isRapportError } from '@rapport/core';
import { coreMigrations, createRapportTable, defineSqlMigrations, MIGRATION_TABLE } from '@rapport/storage-sql';
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

describe.each(targets.map((target) => [target.name, target] as const))('migrations on %s', (_name, target) => {
  it('migrates an empty database from nothing to the latest, then has nothing left to do', async () => {
    const database = await target.fresh();
    const storage = await database.open();
    try {
      expect(await storage.applyMigrations()).toEqual([
        'core/0001_core_tables',
        'core/0002_jobs',
        'core/0003_consent_ledger',
        'core/0007_encryption',
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
      const early = Object.fromEntries(
        ['0001_core_tables', '0002_jobs'].map((name) => [
          name,
          { up: (kysely: Kysely<unknown>) => coreMigrations[name]?.up(kysely, storage.dialect) as Promise<void> },
        ]),
      );
      const migrator = new Migrator({
        db,
        provider: { getMigrations: async () => early },
        migrationTableName: MIGRATION_TABLE,
        migrationLockTableName: `${MIGRATION_TABLE}_lock`,
      });
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      await sql`insert into rapport_customers (tenant_id, id, traits, created_at, updated_at, version) values ('t', 'c1', '{}', 1, 1, 1)`.execute(
        db,
      );
      await sql`insert into rapport_consents (tenant_id, id, customer_id, purpose, channel, status, source, occurred_at, recorded_at)
        values ('t', 'r1', 'c1', 'marketing', '*', 'granted', 'legacy', 5, 6)`.execute(db);
      expect(await storage.applyMigrations()).toEqual(['core/0003_consent_ledger', 'core/0007_encryption']);
      expect(await storage.forTenant('t').consents.history('c1')).toMatchObject([
        { id: 'r1', actor: 'app', expiresAt: null, requestId: null, status: 'granted' },
      ]);
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
        'core/0007_encryption',
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
      expect(applied).toEqual(['core/0001_core_tables', 'core/0002_jobs', 'core/0003_consent_ledger', 'core/0007_encryption']);
      const storage = await database.open();
      const rows = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)}`.execute(storage.db);
      expect(rows.rows.map((row) => row.name)).toEqual(['0001_core_tables', '0002_jobs', '0003_consent_ledger', '0007_encryption']);
      await storage.close();
    } finally {
      await database.cleanup();
    }
  }, 60_000);
});
