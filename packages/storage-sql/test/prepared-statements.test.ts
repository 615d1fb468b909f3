import { SegmentConditionSchema } from '@rapport/core';
import { PREPARE_HINT, type SqlStorage } from '@rapport/storage-sql';
import { postgres } from '@rapport/storage-sql/postgres';
import { aCustomer, anInteraction } from '@rapport/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectTargets, type FreshDatabase } from './dialect-targets.js';

const postgresTarget = (await dialectTargets()).find((target) => target.name === 'postgres');

const PROFILE_REQUEST = {
  timelineLimit: 5,
  segments: [
    { key: 'web', condition: SegmentConditionSchema.parse({ kind: 'events', channels: ['web'], count: { op: 'gte', value: 1 } }) },
  ],
  now: new Date(),
};

/** The statements the (single) pooled connection holds prepared. */
async function preparedOnConnection(storage: SqlStorage): Promise<{ name: string; statement: string }[]> {
  const { rows } = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(storage.db);
  return rows;
}

describe.runIf(postgresTarget)('named prepared statements on PostgreSQL', () => {
  let database: FreshDatabase;
  let storage: SqlStorage;
  beforeAll(async () => {
    database = await (postgresTarget as NonNullable<typeof postgresTarget>).fresh();
    storage = await database.open({ poolSize: 1 });
    await storage.migrate();
  });
  afterAll(async () => {
    await storage?.close();
    await database?.cleanup();
  });

  it('prepares the profile statements once per connection and leaves other queries unnamed', async () => {
    const store = storage.forTenant('t');
    const customer = aCustomer('t');
    await store.customers.insert(customer);
    await store.interactions.insertMany([anInteraction('t', customer.id)]);
    const reads = [];
    for (let run = 0; run < 8; run++) reads.push(await store.profiles?.read(customer.id, PROFILE_REQUEST));
    expect(reads.every((read) => read?.timeline.length === 1 && read.customer.id === customer.id)).toBe(true);
    // The customer statement (with identities and consents) and the timeline (with the events
    // counts): each prepared once, despite eight reads.
    const prepared = await preparedOnConnection(storage);
    expect(prepared).toHaveLength(2);
    for (const statement of prepared) {
      expect(statement.name).toMatch(/^rapport_[0-9a-f]{32}$/);
      expect(statement.statement.endsWith(PREPARE_HINT)).toBe(true);
    }
    const texts = prepared.map((statement) => statement.statement).join('\n');
    for (const part of ['profile_tags', 'rapport_identities', 'profile_events_0', 'rapport_interactions', 'rapport_consents'])
      expect(texts).toContain(part);
  });

  it('keeps at most 64 statements prepared on a connection; queries beyond run unnamed and still answer', async () => {
    for (let variant = 0; variant < 80; variant++) {
      const { rows } = await sql<{ n: number }>`select ${sql.lit(variant)}::int as n ${sql.raw(PREPARE_HINT)}`.execute(storage.db);
      expect(rows[0]?.n).toBe(variant);
    }
    expect((await preparedOnConnection(storage)).length).toBe(64);
  });

  it('prepares nothing with prepare: false (for poolers that cannot keep prepared statements)', async () => {
    const unprepared = await postgres({ connectionString: database.location, max: 1, prepare: false });
    try {
      const store = unprepared.forTenant('u');
      const customer = aCustomer('u');
      await store.customers.insert(customer);
      for (let run = 0; run < 3; run++) expect((await store.profiles?.read(customer.id, PROFILE_REQUEST))?.customer.id).toBe(customer.id);
      expect(await preparedOnConnection(unprepared)).toEqual([]);
    } finally {
      await unprepared.close();
    }
  });
});
