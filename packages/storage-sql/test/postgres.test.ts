import { compileCondition, postgresDialect } from '@rapport/storage-sql';
import { postgres } from '@rapport/storage-sql/postgres';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectTargets, type FreshDatabase } from './dialect-targets.js';

const postgresTarget = (await dialectTargets()).find((target) => target.name === 'postgres');

describe.runIf(postgresTarget)('PostgreSQL specifics', () => {
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

  /** Every index condition in a JSON plan, with the index it searches. */
  const indexConditions = (plan: unknown): { index: string; condition: string }[] => {
    const found: { index: string; condition: string }[] = [];
    const walk = (node: Record<string, unknown>) => {
      if (typeof node['Index Name'] === 'string') found.push({ index: node['Index Name'], condition: String(node['Index Cond'] ?? '') });
      for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
    };
    walk(plan as Record<string, unknown>);
    return found;
  };

  it('bounds an events window inside the interactions index rather than casting every row', async () => {
    const storage = await database.open();
    try {
      await storage.migrate();
      const condition = compileCondition(
        { kind: 'events', types: ['purchase'], withinDays: 90, count: { op: 'gte', value: 2 } },
        { dialect: postgresDialect, now: new Date() },
      );
      const plan = await storage.db.connection().execute(async (db) => {
        // The tables are empty: make the planner show the index path it would take on real data.
        await sql`set enable_seqscan = off`.execute(db);
        const { rows } = await sql<{ 'QUERY PLAN': unknown[] }>`explain (format json)
          select count(*) from rapport_customers c where c.tenant_id = 't' and ${condition}`.execute(db);
        const [explained] = rows[0]?.['QUERY PLAN'] ?? [];
        return (explained as { Plan: unknown }).Plan;
      });
      const interactions = indexConditions(plan).filter((scan) => scan.index.startsWith('rapport_interactions'));
      expect(interactions).not.toHaveLength(0);
      for (const scan of interactions) expect(scan.condition).toMatch(/occurred_at >= .*occurred_at <= /);
    } finally {
      await storage.close();
    }
  });
});
