import { createCrm, memoryStorage } from '@rapport/core';
import {
  column,
  definePlugin,
  defineTable,
  type InsertOf,
  type KeyOf,
  type PatchOf,
  type RowOf,
  type TableWhere,
} from '@rapport/core/plugin';
import { describe, expect, expectTypeOf, it } from 'vitest';

const tickets = defineTable('tickets', {
  columns: {
    id: column.text(),
    customerId: column.text().customerRef(),
    subject: column.text().personal(),
    priority: column.integer(),
    openedAt: column.timestamp(),
    meta: column.json<{ tags: string[] }>().nullable(),
    version: column.integer().default(1),
  },
  primaryKey: ['id'],
  indexes: [['customerId', 'openedAt']],
  version: 'version',
});

describe('plugin table types', () => {
  it('infers rows, inserts, keys, patches and wheres from the declaration', () => {
    expectTypeOf<RowOf<typeof tickets>>().toEqualTypeOf<{
      id: string;
      customerId: string;
      subject: string;
      priority: number;
      openedAt: Date;
      meta: { tags: string[] } | null;
      version: number;
    }>();
    expectTypeOf<InsertOf<typeof tickets>>().toEqualTypeOf<{
      id: string;
      customerId: string;
      subject: string;
      priority: number;
      openedAt: Date;
      meta?: { tags: string[] } | null;
      version?: number;
    }>();
    expectTypeOf<KeyOf<typeof tickets>>().toEqualTypeOf<{ id: string }>();
    expectTypeOf<PatchOf<typeof tickets>>().toEqualTypeOf<{
      customerId?: string;
      subject?: string;
      priority?: number;
      openedAt?: Date;
      meta?: { tags: string[] } | null;
    }>();
    const where: TableWhere<typeof tickets> = { priority: { gte: 2 }, or: [{ customerId: 'c1' }, { meta: { isNull: true } }] };
    expect(where.priority).toEqual({ gte: 2 });
    // @ts-expect-error a misspelt column does not compile
    const misspelt: TableWhere<typeof tickets> = { priorty: 1 };
    // @ts-expect-error a value of the wrong type does not compile
    const wrongType: TableWhere<typeof tickets> = { priority: { gt: 'high' } };
    expect([misspelt, wrongType]).toHaveLength(2);
  });

  it('gives a Crm the declared tables of its plugins, tenant by tenant', async () => {
    const helpdesk = definePlugin({ name: '@acme/helpdesk', tables: [tickets] });
    const crm = await createCrm({ storage: memoryStorage(), plugins: [helpdesk] });
    try {
      const repository = crm.storage.forTenant(crm.tenantId).table(tickets);
      const stored = await repository.insert({ id: 't1', customerId: 'c1', subject: 'Hi', priority: 1, openedAt: new Date(5) });
      expectTypeOf(stored).toEqualTypeOf<RowOf<typeof tickets>>();
      expect(stored).toEqual({ id: 't1', customerId: 'c1', subject: 'Hi', priority: 1, openedAt: new Date(5), meta: null, version: 1 });
      expect(await crm.storage.forTenant('other').table(tickets).get({ id: 't1' })).toBeNull();
      // @ts-expect-error the key has only the primary key columns
      await expect(repository.get({ id: 't1', subject: 'Hi' })).rejects.toMatchObject({ code: 'TABLE_INVALID_QUERY' });
    } finally {
      await crm.close();
    }
  });
});
