import { postgres } from '@rapport/storage-sql';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectTargets, type FreshDatabase } from './dialect-targets.js';

const postgresTarget = (await dialectTargets()).find((target) => target.name === 'postgres');

describe.runIf(postgresTarget)('postgres() session settings', () => {
  let database: FreshDatabase;
  beforeAll(async () => {
    database = await (postgresTarget as NonNullable<typeof postgresTarget>).fresh();
  });
  afterAll(async () => {
    await database?.cleanup();
  });

  const jitOf = async (options: { jit?: boolean }) => {
    const storage = await postgres({ connectionString: database.location, max: 2, ...options });
    try {
      const { rows } = await sql<{ jit: string }>`show jit`.execute(storage.db);
      return rows[0]?.jit;
    } finally {
      await storage.close();
    }
  };

  it('turns JIT compilation off on the pool it creates, unless asked to keep it', async () => {
    expect(await jitOf({})).toBe('off');
    expect(await jitOf({ jit: true })).toBe('on');
  });
});
