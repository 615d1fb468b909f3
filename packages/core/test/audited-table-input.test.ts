import { describe, expect, it } from 'vitest';
import { createCrm, memoryStorage } from '../src/index.js';
import { column, definePlugin, defineTable, type TableRepository } from '../src/plugin.js';

const visits = defineTable('visits', {
  columns: { id: column.text({ maxLength: 40 }), customerId: column.text({ maxLength: 64 }).customerRef(), minutes: column.integer() },
  primaryKey: ['id'],
});

/** What each bad write throws (code and issue paths) through a Crm with or without the audit log. */
async function badWriteErrors(audit: boolean): Promise<unknown[]> {
  const crm = await createCrm({
    storage: memoryStorage(),
    audit,
    plugins: [definePlugin({ name: '@acme/visits', tables: [visits], api: { visits: (context) => context.store.table(visits) } })],
  });
  const rows = (crm as unknown as { visits: TableRepository<typeof visits> }).visits;
  const bad = rows as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const writes = [
    () => bad.update?.({ id: 5 }, { customerId: 'x' }),
    () => bad.update?.({ nope: 'a' }, { customerId: 'x' }),
    () =>
      bad.updateMany?.([
        { key: { id: 'ok' }, changes: { minutes: 1 } },
        { key: { id: 7 }, changes: { customerId: 'x' } },
      ]),
    () => bad.upsert?.({ id: 3, customerId: 'x', minutes: 1 }),
    () => bad.delete?.({ id: 9 }),
  ];
  const errors: unknown[] = [];
  for (const write of writes) {
    const error = (await Promise.resolve()
      .then(write)
      .then(
        () => null,
        (caught: unknown) => caught,
      )) as { code?: string; issues?: { path: unknown[] }[] } | null;
    errors.push(error && { code: error.code, paths: error.issues?.map((issue) => issue.path) });
  }
  await crm.close();
  return errors;
}

describe('an audited plugin table', () => {
  it('reports bad input exactly as without the audit log: the same code, field and position (the owner read before a write does not)', async () => {
    const plain = await badWriteErrors(false);
    expect(plain.every((error) => error !== null)).toBe(true);
    expect(plain[2]).toEqual({ code: 'TABLE_INVALID_QUERY', paths: [[1, 'visits', 'id']] });
    expect(await badWriteErrors(true)).toEqual(plain);
  });
});
