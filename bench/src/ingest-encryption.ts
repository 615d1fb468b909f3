import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCrm } from '@rapport/core';
import { staticKeyProvider } from '@rapport/core/storage';
import type { EncryptionOptions } from '@rapport/storage-sql';
import { postgres } from '@rapport/storage-sql/postgres';
import { sqlite } from '@rapport/storage-sql/sqlite';
import pg from 'pg';
import { alternate, interactionBatches, recordAll, seedPostgres, seedSqlite, TENANT } from './ingest.js';

/** The main ingest (`recordMany` batches of 1,000) with field encryption on against off, in one run. */
export interface IngestEncryptionResult {
  target: string;
  interactions: number;
  plainPerSecond: number;
  encryptedPerSecond: number;
  /** Encrypted ÷ plain throughput (≥ 0.8 is the goal of issue 11). */
  ratio: number;
}

function encryption(): EncryptionOptions {
  return { keys: staticKeyProvider({ primaryKeyId: 'k1', keys: [{ id: 'k1', key: randomBytes(32) }] }) };
}

function result(target: string, total: number, times: { rapportMs: number; rawMs: number }): IngestEncryptionResult {
  // `alternate` times its first side as "rapport" and its second as "raw": here encrypted and plain.
  const encryptedPerSecond = (total / times.rapportMs) * 1000;
  const plainPerSecond = (total / times.rawMs) * 1000;
  return { target, interactions: total, plainPerSecond, encryptedPerSecond, ratio: encryptedPerSecond / plainPerSecond };
}

/** The ingest batches into two seeded SQLite files, one plain and one encrypting, alternated batch by batch. */
export async function ingestEncryptionSqlite(total: number): Promise<IngestEncryptionResult> {
  const dir = mkdtempSync(join(tmpdir(), 'rapport-bench-ingest-enc-'));
  const customers = Math.max(100, Math.floor(total / 10));
  const now = Date.now();
  try {
    const files = { plain: join(dir, 'plain.db'), encrypted: join(dir, 'encrypted.db') };
    for (const filename of Object.values(files)) await seedSqlite(filename, customers, now);
    const plain = await createCrm({ storage: sqlite({ filename: files.plain }), tenant: TENANT });
    const encrypted = await createCrm({ storage: sqlite({ filename: files.encrypted, encryption: encryption() }), tenant: TENANT });
    const times = await alternate(
      interactionBatches(total, customers, now),
      (batch) => recordAll(encrypted, batch),
      (batch) => recordAll(plain, batch),
    );
    await Promise.all([plain.close(), encrypted.close()]);
    return result('sqlite', total, times);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The ingest batches into two seeded PostgreSQL databases, one plain and one encrypting, alternated batch by batch. */
export async function ingestEncryptionPostgres(total: number, serverUrl: string): Promise<IngestEncryptionResult> {
  const customers = Math.max(100, Math.floor(total / 10));
  const now = Date.now();
  const databases = { plain: 'rapport_bench_ingest_plain', encrypted: 'rapport_bench_ingest_enc' };
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const urlOf = (name: string) => Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  try {
    for (const name of Object.values(databases)) await seedPostgres(admin, name, urlOf(name), customers, now);
    const plain = await createCrm({ storage: await postgres({ connectionString: urlOf(databases.plain) }), tenant: TENANT });
    const encrypted = await createCrm({
      storage: await postgres({ connectionString: urlOf(databases.encrypted), encryption: encryption() }),
      tenant: TENANT,
    });
    const times = await alternate(
      interactionBatches(total, customers, now),
      (batch) => recordAll(encrypted, batch),
      (batch) => recordAll(plain, batch),
    );
    await Promise.all([plain.close(), encrypted.close()]);
    return result('postgres', total, times);
  } finally {
    for (const name of Object.values(databases)) await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
