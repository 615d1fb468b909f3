import { column, defineTable, type TableUpdate } from '@rapport/core/plugin';
import { bindPluginTables } from '@rapport/core/storage';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { freshStorages, useFreshStorage } from './fresh-storages.js';

// updateMany against one `update` at a time on a twin tenant, with conditions of every kind:
// on PostgreSQL, changes whose conditions differ only in their values share one compiled
// condition bound from per-row arrays; others are picked per row. Both must answer exactly as
// the single updates do.

const stock = defineTable('stock', {
  columns: {
    shelf: column.timestamp(),
    id: column.text({ maxLength: 10 }),
    status: column.text({ maxLength: 10 }),
    owner: column.text({ maxLength: 10 }).nullable(),
    qty: column.integer(),
    price: column.number(),
    seen: column.timestamp().nullable(),
    active: column.boolean(),
    version: column.integer().default(1),
  },
  // Two key columns, one a timestamp: the keys travel as one array per column.
  primaryKey: ['shelf', 'id'],
  version: 'version',
});
type Stock = typeof stock;

const BINDINGS = bindPluginTables('@acme/conditions', [stock]);
const IDS = Array.from({ length: 12 }, (_, index) => `r${index}`);
const STATUSES = ['a', 'b', 'c'] as const;
const DAY = 86_400_000;
const BASE = Date.UTC(2026, 0, 1);

/** Rows sit on three shelves (a millisecond apart), so a key is a shelf and an id. */
const shelfOf = (id: string) => new Date(BASE + (Number(id.replace(/\D/g, '') || 0) % 3));
const status = fc.constantFrom(...STATUSES);
const owner = fc.option(fc.constantFrom('ann', 'ben'), { nil: null });
const qty = fc.integer({ min: -3, max: 3 });
const price = fc.constantFrom(-1.5, 0, 0.25, 2);
const seen = fc.option(
  fc.integer({ min: 0, max: 4 }).map((days) => new Date(BASE + days * DAY)),
  { nil: null },
);
const row = fc.record({ status, owner, qty, price, seen, active: fc.boolean() });

/** Condition shapes, each with values drawn anew per change: the same shape, other values. */
const shapes = [
  fc.constant(undefined),
  fc.record({
    where: fc.record({
      status: fc.uniqueArray(status, { minLength: 1, maxLength: 2 }).map((values) => ({ in: values })),
      qty: qty.map((value) => ({ gte: value })),
    }),
  }),
  fc.record({ where: fc.record({ owner }) }),
  fc.record({ where: fc.record({ seen: seen.map((value) => (value === null ? { isNull: true } : { lt: value })) }) }),
  fc.record({ where: fc.record({ active: fc.boolean(), price: price.map((value) => ({ gt: value })) }) }),
  fc.record({ ifVersion: fc.integer({ min: 1, max: 2 }) }),
  fc.record({ ifVersion: fc.integer({ min: 1, max: 2 }), where: fc.record({ status }) }),
  fc.record({ where: fc.record({ or: fc.tuple(fc.record({ qty }), fc.record({ owner: fc.constant(null) })) }) }),
] as const;

const changes = fc.oneof(fc.record({ qty, status }), fc.record({ owner, seen }), fc.record({ price, active: fc.boolean() }));

/**
 * A run: the rows, a version bump for some of them, and one change per key (some keys
 * missing). Most runs give every change the same condition shape (the shared path); some mix them.
 */
const runs = fc
  .record({
    rows: fc.array(row, { minLength: IDS.length, maxLength: IDS.length }),
    bumped: fc.subarray(IDS),
    keys: fc.uniqueArray(fc.constantFrom(...IDS, 'gone1', 'gone2'), { minLength: 1, maxLength: 14 }),
    shape: fc.option(fc.integer({ min: 0, max: shapes.length - 1 }), { nil: null, freq: 4 }),
  })
  .chain(({ rows, bumped, keys, shape }) =>
    fc
      .tuple(
        ...keys.map((id) =>
          fc.record({
            key: fc.constant({ shelf: shelfOf(id), id }),
            changes,
            options: shape === null ? fc.oneof(...shapes) : (shapes[shape] as (typeof shapes)[number]),
          }),
        ),
      )
      .map((updates) => ({ rows, bumped, updates: updates.map(withoutUndefined) as TableUpdate<Stock>[] })),
  );

function withoutUndefined<U extends { options: unknown }>(update: U): U {
  if (update.options !== undefined) return update;
  const { options: _options, ...rest } = update;
  return rest as U;
}

describe.each((await freshStorages()).map((target) => [target.name, target] as const))('updateMany conditions on %s', (_name, target) => {
  const storageOf = useFreshStorage(target);
  let tenants = 0;

  beforeAll(async () => {
    await storageOf().migrate([], BINDINGS);
  });

  it('answers every change as one update at a time would: applied, the row, the table afterwards', async () => {
    await fc.assert(
      fc.asyncProperty(runs, async ({ rows, bumped, updates }) => {
        const run = ++tenants;
        const storage = storageOf();
        const [many, single] = [storage.forTenant(`many-${run}`).table(stock), storage.forTenant(`single-${run}`).table(stock)];
        for (const table of [many, single]) {
          await table.insertMany(
            rows.map((values, index) => ({ shelf: shelfOf(IDS[index] as string), id: IDS[index] as string, ...values })),
          );
          for (const id of bumped) await table.update({ shelf: shelfOf(id), id }, { qty: 0 });
        }
        const together = await many.updateMany(updates);
        const alone = [];
        for (const { key, changes, options } of updates) alone.push(await single.update(key, changes, options));
        expect(together).toEqual(alone);
        expect((await many.find({ limit: 100 })).items).toEqual((await single.find({ limit: 100 })).items);
      }),
      { numRuns: 30 },
    );
  });
});
