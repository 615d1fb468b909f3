import { isRapportError } from '@rapport/core';
import { column, defineTable } from '@rapport/core/plugin';
import { bindPluginTables } from '@rapport/core/storage';
import { PLUGIN_TABLES_TABLE, pluginTableSql } from '@rapport/storage-sql';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { dialectTargets } from './dialect-targets.js';
import { runFixture } from './fixtures/run-fixture.js';

const targets = await dialectTargets();

const visits = defineTable('visits', {
  columns: {
    id: column.text({ maxLength: 40 }),
    customerId: column.text({ maxLength: 64 }).customerRef(),
    minutes: column.integer(),
    at: column.timestamp(),
  },
  primaryKey: ['id'],
  indexes: [['customerId']],
});

function evolving(name: string, withNote: boolean) {
  return defineTable(name, {
    columns: withNote
      ? { id: column.text(), n: column.integer(), note: column.text().default('new') }
      : { id: column.text(), n: column.integer() },
    primaryKey: ['id'],
    indexes: withNote ? [['note']] : [],
  });
}

describe.each(targets)('plugin tables on $name', (target) => {
  it('gives the escape hatch: the Kysely handle inside the transaction, the physical table and its columns', async () => {
    const database = await target.fresh();
    const storage = await database.open();
    try {
      await storage.migrate([], bindPluginTables('@acme/clinic', [visits]));
      const store = storage.forTenant('t1');
      await store.table(visits).insertMany([
        { id: 'v1', customerId: 'c1', minutes: 10, at: new Date(1000) },
        { id: 'v2', customerId: 'c1', minutes: 20, at: new Date(2000) },
        { id: 'v3', customerId: 'c2', minutes: 5, at: new Date(3000) },
      ]);
      await storage
        .forTenant('t2')
        .table(visits)
        .insert({ id: 'v1', customerId: 'c1', minutes: 99, at: new Date(0) });
      const outside = pluginTableSql(store, visits);
      expect(outside).toMatchObject({ table: 'pt_acme_clinic__visits', tenantColumn: 'tenant_id', tenantId: 't1' });
      expect(outside.columns).toEqual({ id: 'id', customerId: 'customer_id', minutes: 'minutes', at: 'at' });
      const { db, table, tenantColumn, tenantId, columns } = outside;
      const totals = await db
        .selectFrom(table)
        .select([sql.ref(columns.customerId as string).as('customer'), sql<number>`sum(${sql.ref(columns.minutes as string)})`.as('total')])
        .where(tenantColumn, '=', tenantId)
        .groupBy(columns.customerId as string)
        .orderBy(columns.customerId as string)
        .execute();
      expect(totals.map((row) => [row.customer, Number(row.total)])).toEqual([
        ['c1', 30],
        ['c2', 5],
      ]);
      // A write through the hatch inside a failed transaction rolls back with the repository's write.
      const failure = new Error('boom');
      const caught = await store
        .transaction(async (tx) => {
          const hatch = pluginTableSql(tx, visits);
          await hatch.db
            .updateTable(hatch.table)
            .set({ [hatch.columns.minutes as string]: 0 })
            .where(hatch.tenantColumn, '=', hatch.tenantId)
            .execute();
          expect((await tx.table(visits).get({ id: 'v1' }))?.minutes).toBe(0);
          await tx.table(visits).insert({ id: 'v4', customerId: 'c3', minutes: 1, at: new Date(0) });
          throw failure;
        })
        .catch((error: unknown) => error);
      expect(caught).toBe(failure);
      expect((await store.table(visits).find()).items.map((row) => row.minutes)).toEqual([10, 20, 5]);
      expect((await storage.forTenant('t2').table(visits).get({ id: 'v1' }))?.minutes).toBe(99);
      await store.transaction(async (tx) => {
        const hatch = pluginTableSql(tx, visits);
        await hatch.db
          .deleteFrom(hatch.table)
          .where(hatch.tenantColumn, '=', hatch.tenantId)
          .where(hatch.columns.id as string, '=', 'v3')
          .execute();
      });
      expect(await store.table(visits).count()).toBe(2);
    } finally {
      await storage.close();
      await database.cleanup();
    }
  });

  it('migrates a declared table from three processes at once: it is created once, then evolved once', async () => {
    const database = await target.fresh();
    try {
      const race = async (version: string) => {
        const startAt = Date.now() + 4000;
        const results = await Promise.all(
          [0, 1, 2].map(() => runFixture('migrate-tables-child.ts', [target.name, database.location, String(startAt), version])),
        );
        for (const result of results) expect(result.code, result.stderr).toBe(0);
        return results.flatMap((result) => JSON.parse(result.stdout) as string[]);
      };
      expect((await race('1')).filter((step) => step === 'create pt_racers__race')).toHaveLength(1);
      const storage = await database.open();
      try {
        await storage.migrate([], bindPluginTables('racers', [evolving('race', false)]));
        await storage.forTenant('t').table(evolving('race', false)).insert({ id: 'a', n: 1 });
        const evolved = await race('2');
        expect(evolved.filter((step) => step === 'add pt_racers__race.note')).toHaveLength(1);
        expect(evolved.filter((step) => step.startsWith('create'))).toHaveLength(0);
        await storage.migrate([], bindPluginTables('racers', [evolving('race', true)]));
        expect(await storage.forTenant('t').table(evolving('race', true)).get({ id: 'a' })).toEqual({ id: 'a', n: 1, note: 'new' });
        const recorded = await storage.db
          .selectFrom(PLUGIN_TABLES_TABLE as never)
          .select(sql<number>`count(*)`.as('n'))
          .executeTakeFirst();
        expect(Number(recorded?.n)).toBe(1);
      } finally {
        await storage.close();
      }
    } finally {
      await database.cleanup();
    }
  }, 120_000);

  it('keeps a refused migration from changing anything', async () => {
    const database = await target.fresh();
    const storage = await database.open();
    try {
      const v1 = evolving('kept', false);
      await storage.migrate([], bindPluginTables('racers', [v1]));
      await storage.forTenant('t').table(v1).insert({ id: 'a', n: 1 });
      const retyped = defineTable('kept', { columns: { id: column.text(), n: column.text() }, primaryKey: ['id'] });
      const error = await storage.migrate([], bindPluginTables('racers', [retyped])).catch((caught: unknown) => caught);
      expect(isRapportError(error, 'TABLE_MIGRATION_REQUIRED')).toBe(true);
      expect((error as Error).message).toContain('n changed type from integer to text');
      expect(await storage.forTenant('t').table(v1).get({ id: 'a' })).toEqual({ id: 'a', n: 1 });
    } finally {
      await storage.close();
      await database.cleanup();
    }
  });
});
