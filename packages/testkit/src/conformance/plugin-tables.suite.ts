import { isRapportError, type RapportErrorCode } from '@rapport/core';
import type { TableWhere } from '@rapport/core/plugin';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { aCustomer } from '../fixtures/builders.js';
import { allPages, type ConformanceContext } from './context.js';
import { crmFor } from './crm-for.js';
import { aTicket, conformanceTableBindings, countersTable, type Ticket, ticketsTable } from './plugin-tables-fixtures.js';
import { type OracleWhere, oracleMatches, oracleSort, toTableWhere } from './plugin-tables-oracle.js';

const SUBJECTS = ['a', 'B', 'b', 'é', '😀', 'ab', '', 'Z\u00a0z'];
const whereArb: fc.Arbitrary<OracleWhere> = fc.letrec<{ where: OracleWhere }>((tie) => ({
  where: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({
      column: fc.constantFrom('priority' as const, 'number' as const),
      op: fc.constantFrom('eq' as const, 'neq' as const, 'gt' as const, 'gte' as const, 'lt' as const, 'lte' as const),
      value: fc.integer({ min: -1, max: 4 }),
    }),
    fc.record({
      column: fc.constant('score' as const),
      op: fc.constantFrom('lt' as const, 'gte' as const),
      value: fc.constantFrom(-0.5, 0, 0.25, 1.5),
    }),
    fc.record({
      column: fc.constant('subject' as const),
      op: fc.constantFrom('eq' as const, 'lt' as const, 'gte' as const),
      value: fc.constantFrom(...SUBJECTS),
    }),
    fc.record({ column: fc.constant('open' as const), op: fc.constantFrom('eq' as const, 'neq' as const), value: fc.boolean() }),
    fc.record({
      column: fc.constant('openedAt' as const),
      op: fc.constantFrom('lt' as const, 'gte' as const),
      value: fc.integer({ min: 0, max: 6 }).map((n) => new Date(Date.UTC(2026, 0, 1 + n))),
    }),
    fc.record({
      column: fc.constantFrom('priority' as const, 'number' as const),
      op: fc.constant('in' as const),
      value: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
    }),
    fc.record({
      column: fc.constantFrom('number' as const, 'customerId' as const, 'meta' as const),
      op: fc.constant('isNull' as const),
      value: fc.boolean(),
    }),
    fc.record({ and: fc.array(tie('where'), { maxLength: 3 }) }),
    fc.record({ or: fc.array(tie('where'), { maxLength: 3 }) }),
  ),
})).where;

const ticketArb = fc.record({
  subject: fc.constantFrom(...SUBJECTS),
  priority: fc.integer({ min: 0, max: 4 }),
  score: fc.constantFrom(-0.5, 0, 0.25, 1.5, 2),
  open: fc.boolean(),
  day: fc.integer({ min: 0, max: 6 }),
  number: fc.option(fc.integer({ min: 0, max: 4 })),
  customerId: fc.option(fc.constantFrom('c1', 'c2')),
  meta: fc.option(fc.constantFrom({ a: 1 }, 'bare', [1, 2], 0)),
});
const orderArb = fc.uniqueArray(
  fc.record({
    column: fc.constantFrom('priority' as const, 'score' as const, 'subject' as const, 'openedAt' as const, 'open' as const),
    direction: fc.constantFrom('asc' as const, 'desc' as const),
  }),
  { maxLength: 3, selector: (term) => term.column },
);

/** Expects a typed Rapport error with `code`, whose first issue path (if any) starts with `path`. */
async function expectCode(promise: Promise<unknown>, code: RapportErrorCode, path?: (string | number)[]): Promise<void> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(isRapportError(error, code), `expected ${code}, got ${String(error)}`).toBe(true);
  if (path) expect((error as { details: { issues: { path: unknown[] }[] } }).details.issues[0]?.path.slice(0, path.length)).toEqual(path);
}

/**
 * Plugin tables: every repository operation, typed where/order/pagination against an oracle,
 * tenant isolation, transactions, concurrent conditional updates and upserts, bad input.
 * Declaration and migration checks are in `pluginTableMigrationsSuite`.
 */
export function pluginTablesSuite(ctx: ConformanceContext, rounds = 30): void {
  describe(`${ctx.name}: plugin tables`, () => {
    beforeAll(async () => {
      await ctx.storage().migrate([], conformanceTableBindings());
    });

    it('stores and reads every column kind exactly, filling defaults', async () => {
      const tickets = ctx.freshTenant().table(ticketsTable);
      const meta = { nested: { list: [1, 'two', null, true] }, text: 'é😀' };
      const hard = [1 / 3, 0.1 + 0.2, 1e-300, 1.7976931348623157e308, -2.5, 123456789.12345679];
      for (const [index, score] of hard.entries()) {
        const { version: _ignored, ...given } = aTicket({
          score,
          meta: index === 0 ? meta : index === 1 ? 'bare string' : index,
          subject: `Ünï ${index} 😀`,
          number: index,
          priority: Number.MAX_SAFE_INTEGER - index,
        });
        const stored = await tickets.insert(given);
        expect(stored.version).toBe(1);
        expect(await tickets.get({ id: given.id })).toEqual({ ...given, version: 1 });
      }
      const counters = ctx.freshTenant().table(countersTable);
      expect(await counters.insert({ scope: 's', name: 'n' })).toEqual({ scope: 's', name: 'n', value: 0, label: 'none', version: 1 });
      expect(await counters.get({ scope: 's', name: 'n' })).toEqual({ scope: 's', name: 'n', value: 0, label: 'none', version: 1 });
      expect(await counters.get({ scope: 's', name: 'other' })).toBeNull();
    });

    it('refuses a taken primary key or unique value with TABLE_UNIQUE_VIOLATION; nulls never clash', async () => {
      const tickets = ctx.freshTenant().table(ticketsTable);
      const first = aTicket({ number: 7 });
      await tickets.insert(first);
      await expectCode(tickets.insert(aTicket({ id: first.id })), 'TABLE_UNIQUE_VIOLATION');
      await expectCode(tickets.insert(aTicket({ number: 7 })), 'TABLE_UNIQUE_VIOLATION');
      await tickets.insert(aTicket({ number: null }));
      await tickets.insert(aTicket({ number: null }));
      expect(await tickets.count()).toBe(3);
    });

    it('finds, counts and pages like the oracle for random wheres and orders', async () => {
      const store = ctx.freshTenant();
      const tickets = store.table(ticketsTable);
      const generated = fc.sample(fc.array(ticketArb, { minLength: 30, maxLength: 30 }), { numRuns: 1, seed: 42 })[0] ?? [];
      const rows: Ticket[] = generated.map(({ day, ...row }, index) =>
        aTicket({ ...row, id: `r${String(index).padStart(3, '0')}`, openedAt: new Date(Date.UTC(2026, 0, 1 + day)) }),
      );
      // The unique column: keep one row per number.
      const seen = new Set<number>();
      const unique = rows.filter((row) => {
        if (row.number === null) return true;
        if (seen.has(row.number)) return false;
        seen.add(row.number);
        return true;
      });
      await tickets.insertMany(unique);
      await fc.assert(
        fc.asyncProperty(whereArb, orderArb, fc.integer({ min: 1, max: 7 }), async (where, order, limit) => {
          const expected = oracleSort(
            unique.filter((row) => oracleMatches(row, where)),
            order,
          );
          const tableWhere = toTableWhere(where) as TableWhere<typeof ticketsTable>;
          const found = await allPages((cursor) =>
            tickets.find({ where: tableWhere, orderBy: order, limit, ...(cursor ? { cursor } : {}) }),
          );
          expect(found.map((row) => row.id)).toEqual(expected.map((row) => row.id));
          expect(await tickets.count(tableWhere)).toBe(expected.length);
        }),
        { numRuns: rounds * 2, seed: 7 },
      );
    });

    it('updates by key: changes, counts the version, applies only on a matching version or condition', async () => {
      const tickets = ctx.freshTenant().table(ticketsTable);
      const ticket = aTicket({ priority: 1 });
      await tickets.insert(ticket);
      const changed = await tickets.update({ id: ticket.id }, { priority: 3, meta: { x: 1 } });
      expect(changed).toEqual({ applied: true, row: { ...ticket, priority: 3, meta: { x: 1 }, version: 2 } });
      expect(await tickets.update({ id: ticket.id }, { priority: 4 }, { ifVersion: 1 })).toEqual({ applied: false, row: changed.row });
      expect((await tickets.update({ id: ticket.id }, { priority: 4 }, { ifVersion: 2 })).applied).toBe(true);
      expect((await tickets.update({ id: ticket.id }, { open: false }, { where: { priority: { lt: 4 } } })).applied).toBe(false);
      const conditional = await tickets.update({ id: ticket.id }, { open: false }, { where: { priority: 4 } });
      expect(conditional.applied).toBe(true);
      expect(conditional.row).toMatchObject({ open: false, priority: 4, version: 4 });
      expect(await tickets.update({ id: 'missing' }, { priority: 1 })).toEqual({ applied: false, row: null });
      await expectCode(tickets.update({ id: ticket.id }, { id: 'x' } as never), 'TABLE_INVALID_VALUE', ['tickets', 'id']);
      await expectCode(tickets.update({ id: ticket.id }, { version: 9 } as never), 'TABLE_INVALID_VALUE', ['tickets', 'version']);
    });

    it('updates many rows at once, each as update would: own values, own condition, one result each in order', async () => {
      const tickets = ctx.freshTenant().table(ticketsTable);
      const rows = Array.from({ length: 12 }, (_, index) => aTicket({ priority: index % 3, number: 100 + index }));
      await tickets.insertMany(rows);
      const at = new Date(Date.UTC(2026, 5, 1, 12, 0, 0, 7));
      const results = await tickets.updateMany([
        // The same columns, each its own values (one statement where the dialect allows).
        ...rows.slice(0, 6).map((row, index) => ({
          key: { id: row.id },
          changes: { open: false, openedAt: new Date(at.getTime() + index), score: index / 3, meta: { n: index }, subject: `é ${index}` },
          options: { where: { priority: row.priority } },
        })),
        // A condition that does not match, a version that does not, a version that does, and a missing key.
        { key: { id: rows[6]?.id as string }, changes: { open: false }, options: { where: { priority: 9 } } },
        { key: { id: rows[7]?.id as string }, changes: { priority: 7 }, options: { ifVersion: 5 } },
        { key: { id: rows[8]?.id as string }, changes: { priority: 8, number: null }, options: { ifVersion: 1 } },
        { key: { id: 'missing' }, changes: { priority: 1 } },
      ]);
      expect(results).toHaveLength(10);
      for (const [index, row] of rows.slice(0, 6).entries()) {
        const expected = {
          ...row,
          open: false,
          openedAt: new Date(at.getTime() + index),
          score: index / 3,
          meta: { n: index },
          subject: `é ${index}`,
          version: 2,
        };
        expect(results[index]).toEqual({ applied: true, row: expected });
        expect(await tickets.get({ id: row.id })).toEqual(expected);
      }
      expect(results[6]).toEqual({ applied: false, row: rows[6] });
      expect(results[7]).toEqual({ applied: false, row: rows[7] });
      expect(results[8]).toEqual({ applied: true, row: { ...rows[8], priority: 8, number: null, version: 2 } });
      expect(results[9]).toEqual({ applied: false, row: null });
      for (const row of rows.slice(9)) expect(await tickets.get({ id: row.id })).toEqual(row);
      expect(await tickets.updateMany([])).toEqual([]);
      const counters = ctx.freshTenant().table(countersTable);
      await counters.insertMany([
        { scope: 'a', name: 'x' },
        { scope: 'a', name: 'y' },
        { scope: 'b', name: 'x' },
      ]);
      const counted = await counters.updateMany([
        { key: { scope: 'a', name: 'y' }, changes: { value: 2 } },
        { key: { scope: 'b', name: 'x' }, changes: { value: 3, label: 'b' } },
      ]);
      expect(counted.map((result) => result.row)).toEqual([
        { scope: 'a', name: 'y', value: 2, label: 'none', version: 2 },
        { scope: 'b', name: 'x', value: 3, label: 'b', version: 2 },
      ]);
      expect(await counters.get({ scope: 'a', name: 'x' })).toEqual({ scope: 'a', name: 'x', value: 0, label: 'none', version: 1 });
    });

    it('updates many all or none: a bad change names its index, a taken unique value or a key twice writes nothing', async () => {
      const tickets = ctx.freshTenant().table(ticketsTable);
      const [first, second, third] = [aTicket({ number: 1 }), aTicket({ number: 2 }), aTicket({ number: 3 })];
      await tickets.insertMany([first, second, third]);
      const ids = { a: { id: first.id }, b: { id: second.id }, c: { id: third.id } };
      await expectCode(
        tickets.updateMany([
          { key: ids.a, changes: { priority: 5 } },
          { key: ids.b, changes: { priority: 'high' } as never },
        ]),
        'TABLE_INVALID_VALUE',
        [1, 'tickets', 'priority'],
      );
      await expectCode(tickets.updateMany([{ key: ids.a, changes: { id: 'x' } as never }]), 'TABLE_INVALID_VALUE', [0, 'tickets', 'id']);
      await expectCode(
        tickets.updateMany([
          { key: ids.a, changes: { priority: 5 } },
          { key: ids.a, changes: { priority: 6 } },
        ]),
        'TABLE_INVALID_QUERY',
        [1, 'tickets', 'key'],
      );
      await expectCode(tickets.updateMany([{ key: { id: 5 } as never, changes: {} }]), 'TABLE_INVALID_QUERY', [0, 'tickets', 'id']);
      await expectCode(tickets.updateMany('nope' as never), 'TABLE_INVALID_QUERY', ['tickets']);
      // Two rows swapping onto the third's unique number: the statement fails as a whole.
      await expectCode(
        tickets.updateMany([
          { key: ids.a, changes: { priority: 9 } },
          { key: ids.b, changes: { number: 3 } },
        ]),
        'TABLE_UNIQUE_VIOLATION',
      );
      expect(await tickets.get(ids.a)).toEqual(first);
      expect(await tickets.get(ids.b)).toEqual(second);
      expect(await tickets.get(ids.c)).toEqual(third);
    });

    it('applies each row once when many updateMany calls race on the same rows with versions, every round', async () => {
      const tickets = ctx.freshTenant().table(ticketsTable);
      const rows = Array.from({ length: 5 }, () => aTicket());
      await tickets.insertMany(rows);
      for (let round = 0; round < rounds; round++) {
        const orders = Array.from({ length: 4 }, (_, writer) => (writer % 2 === 0 ? rows : [...rows].reverse()));
        const results = await Promise.all(
          // Each writer takes the rows in its own order, so a deadlock-prone storage would show it.
          orders.map((order, writer) =>
            tickets.updateMany(
              order.map((row) => ({ key: { id: row.id }, changes: { priority: writer }, options: { ifVersion: round + 1 } })),
            ),
          ),
        );
        for (const row of rows) {
          const stored = await tickets.get({ id: row.id });
          expect(stored?.version, `round ${round}`).toBe(round + 2);
          const winners = orders
            .map((order, writer) => ({ writer, result: results[writer]?.[order.indexOf(row)] }))
            .filter(({ result }) => result?.applied);
          expect(winners, `round ${round}`).toHaveLength(1);
          expect(stored?.priority).toBe(winners[0]?.writer);
        }
      }
    });

    it('upserts: inserts, then overwrites the given columns and counts the version; deletes by key', async () => {
      const counters = ctx.freshTenant().table(countersTable);
      expect(await counters.upsert({ scope: 'a', name: 'b', value: 5 })).toEqual({
        scope: 'a',
        name: 'b',
        value: 5,
        label: 'none',
        version: 1,
      });
      await counters.update({ scope: 'a', name: 'b' }, { label: 'kept' });
      expect(await counters.upsert({ scope: 'a', name: 'b', value: 6 })).toEqual({
        scope: 'a',
        name: 'b',
        value: 6,
        label: 'kept',
        version: 3,
      });
      expect(await counters.delete({ scope: 'a', name: 'b' })).toBe(true);
      expect(await counters.delete({ scope: 'a', name: 'b' })).toBe(false);
      expect(await counters.get({ scope: 'a', name: 'b' })).toBeNull();
      const tickets = ctx.freshTenant().table(ticketsTable);
      await tickets.insert(aTicket({ number: 1 }));
      await expectCode(tickets.upsert(aTicket({ number: 1 })), 'TABLE_UNIQUE_VIOLATION');
    });

    it("keeps tenants apart: the same key in two tenants, and no tenant reaches another one's rows", async () => {
      const a = ctx.freshTenant().table(ticketsTable);
      const b = ctx.freshTenant().table(ticketsTable);
      const ticket = aTicket({ number: 1 });
      await a.insert(ticket);
      await b.insert({ ...ticket, subject: 'B' });
      expect((await a.get({ id: ticket.id }))?.subject).toBe(ticket.subject);
      const onlyA = aTicket();
      await a.insert(onlyA);
      expect(await b.get({ id: onlyA.id })).toBeNull();
      expect(await b.update({ id: onlyA.id }, { priority: 9 })).toEqual({ applied: false, row: null });
      expect(await b.delete({ id: onlyA.id })).toBe(false);
      expect(await b.count()).toBe(1);
      expect((await b.find()).items.map((row) => row.subject)).toEqual(['B']);
      expect((await b.upsert({ ...onlyA, subject: 'B2' })).version).toBe(1);
      expect(await a.get({ id: onlyA.id })).toEqual(onlyA);
      expect(await a.count()).toBe(2);
    });

    it('joins the transaction: a failed one leaves neither the core write nor the plugin write', async () => {
      const store = ctx.freshTenant();
      const customer = aCustomer(store.tenantId);
      const ticket = aTicket({ customerId: customer.id });
      const failure = new Error('boom');
      const caught = await store
        .transaction(async (tx) => {
          await tx.customers.insert(customer);
          await tx.table(ticketsTable).insert(ticket);
          await tx.table(countersTable).insertMany([
            { scope: 's', name: '1' },
            { scope: 's', name: '2' },
          ]);
          expect(await tx.table(ticketsTable).get({ id: ticket.id })).not.toBeNull();
          throw failure;
        })
        .catch((error: unknown) => error);
      expect(caught).toBe(failure);
      expect(await store.customers.get(customer.id)).toBeNull();
      expect(await store.table(ticketsTable).get({ id: ticket.id })).toBeNull();
      expect(await store.table(countersTable).count()).toBe(0);
      await store.transaction(async (tx) => {
        await tx.customers.insert(customer);
        await tx.table(ticketsTable).insert(ticket);
      });
      expect(await store.customers.get(customer.id)).not.toBeNull();
      expect(await store.table(ticketsTable).get({ id: ticket.id })).toEqual(ticket);
    });

    it('applies exactly one of many concurrent updates expecting the same version, every round', async () => {
      const tickets = ctx.freshTenant().table(ticketsTable);
      const ticket = aTicket();
      await tickets.insert(ticket);
      for (let round = 0; round < rounds; round++) {
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, writer) => tickets.update({ id: ticket.id }, { priority: writer }, { ifVersion: round + 1 })),
        );
        const applied = results.filter((result) => result.applied);
        expect(applied).toHaveLength(1);
        const stored = await tickets.get({ id: ticket.id });
        expect(stored?.version).toBe(round + 2);
        expect(stored?.priority).toBe(applied[0]?.row?.priority);
      }
    });

    it('leaves one row and loses no write when many upserts of one key race, every round', async () => {
      const counters = ctx.freshTenant().table(countersTable);
      for (let round = 0; round < rounds; round++) {
        const writers = 8;
        const rows = await Promise.all(
          Array.from({ length: writers }, (_, writer) => counters.upsert({ scope: 'race', name: `k${round}`, value: writer })),
        );
        expect(rows.map((row) => row.version).sort((x, y) => x - y)).toEqual(Array.from({ length: writers }, (_, index) => index + 1));
        const stored = await counters.get({ scope: 'race', name: `k${round}` });
        expect(stored?.version).toBe(writers);
        expect(rows.find((row) => row.version === writers)?.value).toBe(stored?.value);
      }
      expect(await counters.count({ scope: 'race' })).toBe(rounds);
    });

    it('loses no increment when transactions read a row with lock and write it back at once, every round', async () => {
      const store = ctx.freshTenant();
      const key = { scope: 'lock', name: 'n' };
      await store.table(countersTable).insert(key);
      const writers = 6;
      for (let round = 0; round < Math.min(rounds, 10); round++) {
        await Promise.all(
          Array.from({ length: writers }, () =>
            store.transaction(async (tx) => {
              const counters = tx.table(countersTable);
              // Read, then written back from what was read: without the lock two of them read the same value.
              const row = await counters.get(key, { lock: true });
              await counters.update(key, { value: (row?.value ?? 0) + 1 });
            }),
          ),
        );
        expect((await store.table(countersTable).get(key))?.value, `round ${round}`).toBe((round + 1) * writers);
      }
      // Outside a transaction a lock only reads.
      expect((await store.table(countersTable).get(key, { lock: true }))?.value).toBe(Math.min(rounds, 10) * writers);
      await expectCode(store.table(countersTable).get(key, { lock: 'yes' } as never), 'TABLE_INVALID_QUERY', ['counters', 'lock']);
      await expectCode(store.table(countersTable).get(key, 'lock' as never), 'TABLE_INVALID_QUERY', ['counters', 'options']);
    });

    it('refuses bad input with typed errors naming table.column, writing nothing', async () => {
      const store = ctx.freshTenant();
      const tickets = store.table(ticketsTable);
      const bad = (overrides: Record<string, unknown>) => ({ ...aTicket(), ...overrides }) as never;
      await expectCode(tickets.insert(bad({ nope: 1 })), 'TABLE_INVALID_VALUE', ['tickets', 'nope']);
      await expectCode(tickets.insert(bad({ priority: '3' })), 'TABLE_INVALID_VALUE', ['tickets', 'priority']);
      await expectCode(tickets.insert(bad({ priority: 1.5 })), 'TABLE_INVALID_VALUE', ['tickets', 'priority']);
      await expectCode(tickets.insert(bad({ score: Number.NaN })), 'TABLE_INVALID_VALUE', ['tickets', 'score']);
      await expectCode(tickets.insert(bad({ open: 1 })), 'TABLE_INVALID_VALUE', ['tickets', 'open']);
      await expectCode(tickets.insert(bad({ openedAt: new Date(Number.NaN) })), 'TABLE_INVALID_VALUE', ['tickets', 'openedAt']);
      await expectCode(tickets.insert(bad({ subject: null })), 'TABLE_INVALID_VALUE', ['tickets', 'subject']);
      await expectCode(tickets.insert(bad({ subject: 'x'.repeat(2001) })), 'TABLE_INVALID_VALUE', ['tickets', 'subject']);
      await expectCode(tickets.insert(bad({ subject: '\ud800' })), 'TABLE_INVALID_VALUE', ['tickets', 'subject']);
      await expectCode(tickets.insert(bad({ meta: { f: () => 1 } })), 'TABLE_INVALID_VALUE', ['tickets', 'meta']);
      await expectCode(tickets.find({ where: { nope: 1 } as never }), 'TABLE_INVALID_QUERY', ['tickets', 'where', 'nope']);
      await expectCode(tickets.find({ where: { priority: { gt: 'x' } } as never }), 'TABLE_INVALID_QUERY', [
        'tickets',
        'where',
        'priority',
        'gt',
      ]);
      await expectCode(tickets.find({ where: { open: { gt: true } } as never }), 'TABLE_INVALID_QUERY', ['tickets', 'where', 'open', 'gt']);
      await expectCode(tickets.find({ where: { meta: { eq: 1 } } as never }), 'TABLE_INVALID_QUERY', ['tickets', 'where', 'meta', 'eq']);
      await expectCode(tickets.find({ orderBy: [{ column: 'nope' }] } as never), 'TABLE_INVALID_QUERY', ['tickets', 'orderBy', 0]);
      await expectCode(tickets.find({ orderBy: [{ column: 'number' }] }), 'TABLE_INVALID_QUERY', ['tickets', 'orderBy', 0]);
      await expectCode(tickets.find({ limit: 0 }), 'TABLE_INVALID_QUERY', ['tickets', 'limit']);
      await expectCode(tickets.find({ cursor: 'garbage' }), 'INVALID_CURSOR');
      await expectCode(tickets.get({ nope: 'x' } as never), 'TABLE_INVALID_QUERY', ['tickets']);
      await expectCode(tickets.get({ id: null } as never), 'TABLE_INVALID_QUERY', ['tickets', 'id']);
      await expectCode(tickets.delete({ id: 5 } as never), 'TABLE_INVALID_QUERY', ['tickets', 'id']);
      await expectCode(tickets.update({ id: 'x' }, { priority: 1 }, { ifVersion: 1.5 }), 'TABLE_INVALID_QUERY', ['tickets', 'ifVersion']);
      if (ctx.storage().capabilities.rejectsNul) {
        await expectCode(tickets.insert(bad({ subject: 'a\u0000b' })), 'STORAGE_UNSUPPORTED_VALUE', ['tickets', 'subject']);
        await expectCode(tickets.find({ where: { subject: 'a\u0000' } }), 'STORAGE_UNSUPPORTED_VALUE', ['tickets', 'where', 'subject']);
      } else {
        const withNul = aTicket({ subject: 'a\u0000b' });
        await tickets.insert(withNul);
        expect((await tickets.get({ id: withNul.id }))?.subject).toBe('a\u0000b');
        await tickets.delete({ id: withNul.id });
      }
      const batch = [aTicket(), aTicket(), aTicket(), { ...aTicket(), priority: 'high' } as never, aTicket()];
      await expectCode(tickets.insertMany(batch), 'TABLE_INVALID_VALUE', [3, 'tickets', 'priority']);
      const twice = aTicket();
      await expectCode(tickets.insertMany([aTicket(), twice, aTicket(), twice]), 'TABLE_UNIQUE_VIOLATION');
      const taken = aTicket();
      await tickets.insert(taken);
      await expectCode(tickets.insertMany([aTicket(), aTicket(), taken]), 'TABLE_UNIQUE_VIOLATION');
      expect(await tickets.count()).toBe(1);
    });

    it('moves the rows of a merged-away customer to the survivor in the merge, and only in its tenant', async () => {
      const { crm } = await crmFor(ctx);
      const { customer: survivor } = await crm.customers.upsert({ identities: [{ type: 'email', value: 'keep@example.com' }] });
      const { customer: merged } = await crm.customers.upsert({ identities: [{ type: 'email', value: 'gone@example.com' }] });
      const tickets = ctx.storage().forTenant(crm.tenantId).table(ticketsTable);
      const elsewhere = ctx.freshTenant().table(ticketsTable);
      const theirs = [aTicket({ customerId: merged.id }), aTicket({ customerId: merged.id })];
      const ours = aTicket({ customerId: survivor.id });
      await tickets.insertMany([...theirs, ours, aTicket()]);
      const foreign = aTicket({ customerId: merged.id });
      await elsewhere.insert(foreign);
      await crm.customers.merge(survivor.id, merged.id);
      expect(await tickets.count({ customerId: survivor.id })).toBe(3);
      expect(await tickets.count({ customerId: merged.id })).toBe(0);
      expect((await tickets.get({ id: theirs[0]?.id as string }))?.version).toBe(1);
      expect(await elsewhere.get({ id: foreign.id })).toEqual(foreign);
    });

    it('inserts many rows at once, across statement chunks', async () => {
      const counters = ctx.freshTenant().table(countersTable);
      const rows = Array.from({ length: 5000 }, (_, index) => ({ scope: 'bulk', name: `n${index}`, value: index }));
      await counters.insertMany(rows);
      expect(await counters.count({ scope: 'bulk' })).toBe(5000);
      expect(await counters.get({ scope: 'bulk', name: 'n4999' })).toEqual({
        scope: 'bulk',
        name: 'n4999',
        value: 4999,
        label: 'none',
        version: 1,
      });
      await expectCode(
        counters.insertMany([...rows.slice(0, 10).map((row) => ({ ...row, name: `x${row.name}` })), rows[4000] as (typeof rows)[number]]),
        'TABLE_UNIQUE_VIOLATION',
      );
      expect(await counters.count({ scope: 'bulk' })).toBe(5000);
    });
  });
}
