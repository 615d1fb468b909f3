import { isRapportError, type SegmentCondition } from '@rapport/core';
import { evaluateCondition } from '@rapport/core/storage';
import { aCustomer, allPages } from '@rapport/testkit';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DialectTarget, dialectTargets, type FreshDatabase } from './dialect-targets.js';

const targets = await dialectTargets();
const NOW = new Date('2026-06-15T00:00:00Z');

/** Text that has broken SQL builders before: quotes, comments, statement breaks, wildcards, JSON path syntax. */
const HOSTILE = [
  "'",
  '"',
  '`',
  '\\',
  "'; drop table rapport_customers; --",
  '`; drop table rapport_customers; #',
  "x' or '1'='1",
  '"); delete from rapport_customers; --',
  '%',
  '_',
  '$.name',
  '[0]',
  '/* comment */',
  '\u0000',
  'a\u0000b',
  '🐉\u0000',
];
const hostileText = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.tuple(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 4 })).map(([a, b]) => a + b),
);

describe.each(targets.map((target) => [target.name, target] as const))('hostile input on %s', (name, target: DialectTarget) => {
  let database: FreshDatabase;
  let storage: Awaited<ReturnType<FreshDatabase['open']>>;
  const tenant = 'hostile';
  const rejectsNul = name === 'postgres';
  const customers = HOSTILE.map((text, index) =>
    aCustomer(tenant, {
      id: `h-${String(index).padStart(2, '0')}`,
      traits: { name: text, nested: { text } },
      tags: text.length <= 64 && text.trim() ? [text] : [],
      lifecycleStage: null,
    }),
  );

  beforeAll(async () => {
    database = await target.fresh();
    storage = await database.open();
    await storage.migrate();
    for (const customer of customers) {
      if (rejectsNul && JSON.stringify(customer.traits).includes('\\u0000')) continue;
      await storage.forTenant(tenant).customers.insert(customer);
    }
  });
  afterAll(async () => {
    await storage?.close();
    await database?.cleanup();
  });

  const stored = async () => allPages((cursor) => storage.forTenant(tenant).customers.list({ limit: 100, cursor }));

  it('treats hostile values as data: the same members as the reference evaluator, and no table harmed', async () => {
    const before = (await stored()).length;
    expect(before).toBeGreaterThan(10);
    await fc.assert(
      fc.asyncProperty(
        hostileText,
        fc.constantFrom('eq', 'neq', 'gt', 'lt', 'contains', 'startsWith', 'in'),
        fc.constantFrom('name', 'nested.text'),
        fc.constantFrom('trait', 'tag', 'lifecycle'),
        async (value, op, field, kind) => {
          const condition = (
            kind === 'trait'
              ? { kind, field, op, value: op === 'in' ? [value, 'x'] : value }
              : kind === 'tag'
                ? { kind, op: 'has', value: value.slice(0, 64) || 'x' }
                : { kind, op: 'eq', value }
          ) as SegmentCondition;
          const run = storage.forTenant(tenant).segments.members(condition, NOW, { limit: 1000 });
          if (rejectsNul && JSON.stringify(condition).includes('\\u0000')) {
            const error = await run.catch((caught: unknown) => caught);
            expect(isRapportError(error, 'STORAGE_UNSUPPORTED_VALUE'), String(error)).toBe(true);
            return;
          }
          const subjects = await Promise.all((await stored()).map(async (customer) => ({ customer, interactions: [], consents: [] })));
          const expected = subjects.filter((subject) => evaluateCondition(condition, subject, NOW)).map((subject) => subject.customer.id);
          expect((await run).items).toEqual(expected.sort());
        },
      ),
      { numRuns: 150, seed: 42 },
    );
    expect((await stored()).length).toBe(before);
    const { rows } = await sql<{ n: number }>`select count(*) as n from rapport_customers`.execute(storage.db);
    expect(Number(rows[0]?.n)).toBe(before);
  });

  it('stores and finds hostile text in traits and identities exactly', async () => {
    const store = storage.forTenant(tenant);
    for (const customer of customers) {
      if (rejectsNul && JSON.stringify(customer.traits).includes('\\u0000')) continue;
      expect((await store.customers.get(customer.id))?.traits).toEqual(customer.traits);
    }
    const weird = { type: 'external' as const, namespace: 'pos', value: "'; drop table rapport_identities; --" };
    const owner = aCustomer(tenant, { identities: [weird] });
    await store.customers.insert(owner);
    expect((await store.customers.findByIdentity(weird))?.id).toBe(owner.id);
  });

  it('refuses hostile field names and operators passed straight to the repository', async () => {
    const store = storage.forTenant(tenant);
    const before = (await stored()).length;
    const attempts: unknown[] = [
      { kind: 'trait', field: "name') or 1=1; --", op: 'exists' },
      { kind: 'trait', field: 'a`b', op: 'exists' },
      { kind: 'trait', field: 'a\u0000b', op: 'exists' },
      { kind: 'trait', field: 'name', op: '= 1 or 1 =', value: 'x' },
      { kind: 'metric', field: 'total_spend); drop table rapport_customers; --', op: 'gt', value: 1 },
      { kind: 'events', types: ["x'); drop table rapport_interactions; --"], count: { op: 'gte', value: 1 } },
    ];
    for (const condition of attempts) {
      const error = await store.segments.count(condition as SegmentCondition, NOW).catch((caught: unknown) => caught);
      expect(isRapportError(error, 'INVALID_INPUT'), JSON.stringify(condition)).toBe(true);
    }
    expect((await stored()).length).toBe(before);
  });

  it(rejectsNul ? 'rejects NUL in stored JSON with an error naming the field' : 'stores NUL in JSON values', async () => {
    const store = storage.forTenant(tenant);
    const customer = aCustomer(tenant, { traits: { note: 'a\u0000b' } });
    if (rejectsNul) {
      const error = await store.customers.insert(customer).catch((caught: unknown) => caught);
      expect(isRapportError(error, 'STORAGE_UNSUPPORTED_VALUE')).toBe(true);
      expect((error as Error).message).toContain('traits: contains a NUL character');
      expect(await store.customers.get(customer.id)).toBeNull();
    } else {
      await store.customers.insert(customer);
      expect((await store.customers.get(customer.id))?.traits).toEqual({ note: 'a\u0000b' });
    }
  });
});
