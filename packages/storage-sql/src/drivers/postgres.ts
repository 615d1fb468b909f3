import { parsePluginOptions } from '@rapport/core/plugin';
import { Kysely, PostgresDialect } from 'kysely';
import type { Pool, PoolConfig } from 'pg';
import { z } from 'zod';
import { createBlindIndex } from '../blind-index.js';
import { postgresDialect } from '../dialect/postgres-dialect.js';
import { EncryptionOptionsSchema } from '../encryption/encryption-options.js';
import { storageEncryption } from '../encryption/storage-encryption.js';
import { preparingPool } from '../prepared-statements.js';
import type { RapportDatabase } from '../schema.js';
import { SqlStorage } from '../sql-storage.js';
import { loadDriver } from './load-driver.js';

/** The zod schema {@link postgres} checks its options with (defaults filled in). */
export const PostgresOptionsSchema = z
  .object({
    connectionString: z.string().min(1).optional(),
    /**
     * A pg Pool the app already has. Rapport leaves it open on close, and leaves its 'error'
     * events to the app (handle them: pg emits one when the server drops a connection).
     */
    pool: z.custom<Pool>((value) => typeof value === 'object' && value !== null && 'connect' in value, 'must be a pg Pool').optional(),
    /** Pool size when Rapport creates the pool. */
    max: z.number().int().min(1).default(10),
    blindIndexKey: z.string().min(16).optional(),
    /** Field-level encryption of personal data at rest (docs/encryption.md); off when absent. */
    encryption: EncryptionOptionsSchema.optional(),
    /**
     * Run hot queries (the 360° profile) as named prepared statements. Turn off behind a
     * connection pooler that cannot keep them (PgBouncer in transaction mode before 1.21).
     */
    prepare: z.boolean().default(true),
    /**
     * PostgreSQL's JIT compiler, for the pool Rapport creates; off by default. Segment queries
     * are correlated counts whose estimated cost sets JIT off, and compiling took longer than
     * it saved (measured: 290 ms of an 830 ms count over 200,000 customers). Set `jit = off`
     * on a pool you pass in yourself.
     */
    jit: z.boolean().default(false),
  })
  .refine((options) => options.connectionString !== undefined || options.pool !== undefined, {
    message: 'give connectionString or pool',
    path: ['connectionString'],
  });

/** Options of {@link postgres}. */
export type PostgresOptions = z.input<typeof PostgresOptionsSchema>;

/**
 * PostgreSQL storage (pg). Needs the `pg` package installed.
 *
 * @example
 * ```ts
 * const crm = await createCrm({ storage: await postgres({ connectionString: process.env.DATABASE_URL }) });
 * ```
 */
export async function postgres(options: PostgresOptions): Promise<SqlStorage> {
  const parsed = parsePluginOptions('@rapport/storage-sql/postgres', PostgresOptionsSchema, options);
  const pg = await loadDriver<typeof import('pg')>('pg', '@rapport/storage-sql/postgres');
  const ownPool = parsed.pool === undefined;
  const pool: Pool =
    parsed.pool ??
    new pg.Pool({
      connectionString: parsed.connectionString,
      max: parsed.max,
      ...(parsed.jit ? {} : { options: '-c jit=off' }),
    } satisfies PoolConfig);
  // An idle client whose server connection drops is reported here; the pool replaces it. Left
  // unhandled, the 'error' event would crash the app.
  // A client checked out by a query reports the same on itself; the query fails with it.
  if (ownPool) {
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
  }
  // Kysely ends the pool on destroy; an app's own pool is left open.
  const kyselyPool = ownPool ? pool : { connect: () => pool.connect(), end: async () => undefined };
  const dialectPool = parsed.prepare ? preparingPool(kyselyPool) : kyselyPool;
  const db = new Kysely<RapportDatabase>({ dialect: new PostgresDialect({ pool: dialectPool }) });
  return new SqlStorage(
    'postgres',
    db,
    postgresDialect,
    createBlindIndex(parsed.blindIndexKey),
    undefined,
    storageEncryption(parsed.encryption),
  );
}
