import { createCrm, isRapportError, memoryStorage } from '@rapport/core';
import { column, definePlugin, defineTable } from '@rapport/core/plugin';
import { bindPluginTables } from '@rapport/core/storage';
import { describe, expect, it } from 'vitest';
import { uniqueId } from '../fixtures/builders.js';
import type { ConformanceContext } from './context.js';

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (error: unknown) => error,
  );
}

/** The evolving declaration of one table: v1, then an added column and index, then breaking changes. */
function versions(name: string) {
  const v1 = defineTable(name, { columns: { id: column.text(), amount: column.integer() }, primaryKey: ['id'] });
  const v2 = defineTable(name, {
    columns: {
      id: column.text(),
      amount: column.integer(),
      note: column.text().nullable(),
      level: column.integer().default(5),
      flag: column.boolean().default(true),
    },
    primaryKey: ['id'],
    unique: [['note']],
    indexes: [['level']],
  });
  const retyped = defineTable(name, { columns: { ...v2.columns, level: column.text().default('5') }, primaryKey: ['id'] });
  const removed = defineTable(name, {
    columns: { id: column.text(), amount: column.integer(), note: column.text().nullable(), level: column.integer().default(5) },
    primaryKey: ['id'],
    unique: [['note']],
    indexes: [['level']],
  });
  const required = defineTable(name, {
    columns: { ...v2.columns, extra: column.integer() },
    primaryKey: ['id'],
    unique: [['note']],
    indexes: [['level']],
  });
  return { v1, v2, retyped, removed, required };
}

/**
 * Plugin table declarations checked at `createCrm`, and migrations derived from declarations:
 * additions are applied, anything else is a typed error asking for an explicit migration.
 */
export function pluginTableMigrationsSuite(ctx: ConformanceContext): void {
  describe(`${ctx.name}: plugin table declarations and migrations`, () => {
    it('fails createCrm on a bad declaration, naming the plugin, the table and the field', async () => {
      const cases: [unknown, string][] = [
        [{ name: 'Bad-Name', columns: { id: column.text() }, primaryKey: ['id'] }, 'name'],
        [{ name: 't', columns: { id: { spec: { kind: 'date' } } }, primaryKey: ['id'] }, 'columns.id'],
        [{ name: 't', columns: { id: column.text(), snake_case: column.text() }, primaryKey: ['id'] }, 'columns.snake_case'],
        [{ name: 't', columns: { id: column.text(), tenantId: column.text() }, primaryKey: ['id'] }, 'columns.tenantId'],
        [{ name: 't', columns: { id: column.text() }, primaryKey: ['nope'] }, 'primaryKey'],
        [{ name: 't', columns: { id: column.text() }, primaryKey: ['id', 'id'] }, 'primaryKey'],
        [{ name: 't', columns: { id: column.text().nullable() }, primaryKey: ['id'] }, 'primaryKey'],
        [{ name: 't', columns: { id: column.text(), m: column.json() }, primaryKey: ['id'], indexes: [['m']] }, 'indexes[0]'],
        [{ name: 't', columns: { id: column.text(), n: column.integer() }, primaryKey: ['id'], unique: [['nope']] }, 'unique[0]'],
        [{ name: 't', columns: { id: column.text(), n: column.integer().default('x' as never) }, primaryKey: ['id'] }, 'columns.n.default'],
        [{ name: 't', columns: { id: column.text(), n: column.integer().customerRef() }, primaryKey: ['id'] }, 'columns.n'],
        [{ name: 't', columns: { id: column.text(), v: column.text() }, primaryKey: ['id'], version: 'v' }, 'version'],
        [{ name: 't', columns: { id: column.text({ maxLength: 1000 }) }, primaryKey: ['id'] }, 'primaryKey'],
        [{ name: 't', columns: {}, primaryKey: ['id'] }, 'columns'],
      ];
      for (const [declaration, field] of cases) {
        const plugin = definePlugin({ name: '@acme/widgets', tables: [declaration as never] });
        const error = await failure(createCrm({ storage: memoryStorage(), plugins: [plugin] }));
        expect(isRapportError(error, 'TABLE_INVALID_DECLARATION'), `${field}: ${String(error)}`).toBe(true);
        expect((error as { details: Record<string, unknown> }).details).toMatchObject({ plugin: '@acme/widgets', field });
        expect((error as Error).message).toContain('@acme/widgets');
      }
      const twice = definePlugin({
        name: '@acme/widgets',
        tables: [
          defineTable('t', { columns: { id: column.text() }, primaryKey: ['id'] }),
          defineTable('t', { columns: { id: column.text() }, primaryKey: ['id'] }),
        ],
      });
      expect(isRapportError(await failure(createCrm({ storage: memoryStorage(), plugins: [twice] })), 'TABLE_INVALID_DECLARATION')).toBe(
        true,
      );
      const clash = [
        definePlugin({ name: '@acme/a-b', tables: [defineTable('t', { columns: { id: column.text() }, primaryKey: ['id'] })] }),
        definePlugin({ name: 'acme-a.b', tables: [defineTable('t', { columns: { id: column.text() }, primaryKey: ['id'] })] }),
      ];
      const clashed = await failure(createCrm({ storage: memoryStorage(), plugins: clash }));
      expect(isRapportError(clashed, 'TABLE_INVALID_DECLARATION')).toBe(true);
      expect((clashed as Error).message).toContain('pt_acme_a_b__t');
    });

    it('refuses a repository for a table the storage was not migrated with', () => {
      const stray = defineTable('stray', { columns: { id: column.text() }, primaryKey: ['id'] });
      let caught: unknown;
      try {
        ctx.freshTenant().table(stray);
      } catch (error) {
        caught = error;
      }
      expect(isRapportError(caught, 'TABLE_NOT_REGISTERED')).toBe(true);
    });

    it('derives migrations: an added column (filled with its default), unique and index apply; a retyped, removed or required column fails naming it', async () => {
      const name = `evolving_${uniqueId('m')
        .replace(/[^a-z0-9]/g, '')
        .slice(-12)}`;
      const { v1, v2, retyped, removed, required } = versions(name);
      const storage = ctx.storage();
      const plugin = 'conformance-m';
      await storage.migrate([], bindPluginTables(plugin, [v1]));
      const store = ctx.freshTenant();
      await store.table(v1).insertMany([
        { id: 'a', amount: 1 },
        { id: 'b', amount: 2 },
      ]);
      await storage.migrate([], bindPluginTables(plugin, [v2]));
      await storage.migrate([], bindPluginTables(plugin, [v2]));
      const table = store.table(v2);
      expect(await table.get({ id: 'a' })).toEqual({ id: 'a', amount: 1, note: null, level: 5, flag: true });
      await table.insert({ id: 'c', amount: 3, note: 'n', level: 7 });
      expect(await table.count({ level: 5 })).toBe(2);
      expect(isRapportError(await failure(table.insert({ id: 'd', amount: 4, note: 'n' })), 'TABLE_UNIQUE_VIOLATION')).toBe(true);
      for (const [changed, columnName] of [
        [retyped, 'level'],
        [removed, 'flag'],
        [required, 'extra'],
      ] as const) {
        const error = await failure(storage.migrate([], bindPluginTables(plugin, [changed])));
        expect(isRapportError(error, 'TABLE_MIGRATION_REQUIRED'), String(error)).toBe(true);
        expect((error as { details: Record<string, unknown> }).details).toMatchObject({ table: name, column: columnName });
      }
      // The refused changes left the table as v2 had it.
      expect(await store.table(v2).get({ id: 'c' })).toEqual({ id: 'c', amount: 3, note: 'n', level: 7, flag: true });
    });
  });
}
