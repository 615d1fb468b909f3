import { isRapportError } from '@rapport/core';
import { mysql } from '@rapport/storage-sql/mysql';
import { postgres } from '@rapport/storage-sql/postgres';
import { aCustomer, anInteraction } from '@rapport/testkit';
import mysql2 from 'mysql2/promise';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { dialectTargets } from './dialect-targets.js';
import { MYSQL_URL, PG_URL } from './servers.js';

const servers = (await dialectTargets()).filter((target) => target.name !== 'sqlite');

/** Cuts every connection to the database at `url` from another session, as a failover or a crash would. */
async function cutConnections(name: 'postgres' | 'mysql', url: string): Promise<number> {
  const database = new URL(url).pathname.slice(1);
  if (name === 'postgres') {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    const result = await admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [database],
    );
    await admin.end();
    return result.rowCount ?? 0;
  }
  const admin = await mysql2.createConnection({ uri: MYSQL_URL });
  const [rows] = await admin.query('select id from information_schema.processlist where db = ? and id <> connection_id()', [database]);
  for (const row of rows as { id: number }[]) await admin.query(`kill ${Number(row.id)}`);
  await admin.end();
  return (rows as unknown[]).length;
}

describe('an unreachable server', () => {
  it('fails migrate with STORAGE_UNAVAILABLE on PostgreSQL', async () => {
    const storage = await postgres({ connectionString: 'postgres://postgres@127.0.0.1:1/none' });
    const error = await storage.migrate().catch((caught: unknown) => caught);
    expect(isRapportError(error, 'STORAGE_UNAVAILABLE'), String(error)).toBe(true);
    expect((error as Error & { kind: string }).kind).toBe('unavailable');
    await storage.close();
  });

  it('fails migrate with STORAGE_UNAVAILABLE on MySQL', async () => {
    const storage = await mysql({ uri: 'mysql://root@127.0.0.1:1/none' });
    const error = await storage.migrate().catch((caught: unknown) => caught);
    expect(isRapportError(error, 'STORAGE_UNAVAILABLE'), String(error)).toBe(true);
    await storage.close();
  });
});

describe.each(servers.map((target) => [target.name, target] as const))('a connection lost on %s', (name, target) => {
  it('fails the call with STORAGE_UNAVAILABLE, writes nothing of the transaction, and recovers', async () => {
    const database = await target.fresh();
    const storage = await database.open({ poolSize: 1 });
    try {
      await storage.migrate();
      const store = storage.forTenant('t');
      const customer = aCustomer('t');
      const error = await store
        .transaction(async (tx) => {
          await tx.customers.insert(customer);
          await tx.interactions.insertMany([anInteraction('t', customer.id)]);
          expect(await cutConnections(name as 'postgres' | 'mysql', database.location)).toBeGreaterThan(0);
          await tx.consents.history(customer.id);
        })
        .catch((caught: unknown) => caught);
      expect(isRapportError(error, 'STORAGE_UNAVAILABLE'), String(error)).toBe(true);
      expect((error as Error).message).toMatch(new RegExp(`^${name} is unavailable during `));
      expect((error as Error).cause).toBeDefined();
      // The pool reconnects; the transaction left nothing behind.
      expect(await store.customers.get(customer.id)).toBeNull();
      expect((await store.interactions.timeline(customer.id, { limit: 10 })).items).toEqual([]);
    } finally {
      await storage.close();
      await database.cleanup();
    }
  });
});
