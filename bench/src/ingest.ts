import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Crm, createCrm, type RecordInteractionInput } from '@rapport/core';
import { postgres } from '@rapport/storage-sql/postgres';
import { sqlite } from '@rapport/storage-sql/sqlite';
import Database from 'better-sqlite3';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { peakRssMiB, timed } from './machine.js';
import { seededRandom } from './random.js';

const DAY = 86_400_000;
export const TENANT = 'bench';
const BATCH = 1000;

/** Result of one ingest benchmark. */
export interface IngestResult {
  target: string;
  interactions: number;
  rapportPerSecond: number;
  rawPerSecond: number;
  ratio: number;
  peakRssMiB: number;
}

/** Deterministic batches of interaction inputs over `customers` customer ids. */
export function* interactionBatches(total: number, customers: number, now: number): Generator<RecordInteractionInput[]> {
  const random = seededRandom(1129);
  for (let start = 0; start < total; start += BATCH) {
    const batch: RecordInteractionInput[] = [];
    for (let n = start; n < Math.min(total, start + BATCH); n++) {
      const customerId = `c${String(Math.floor(random() * customers)).padStart(8, '0')}`;
      const occurredAt = new Date(now - Math.floor(random() * 365 * DAY));
      const roll = random();
      if (roll < 0.2)
        batch.push({
          customerId,
          channel: 'web',
          type: 'purchase',
          occurredAt,
          properties: { amount: Math.round(random() * 50000) / 100 },
          idempotencyKey: `order-${n}`,
        });
      else if (roll < 0.9) batch.push({ customerId, channel: 'web', type: 'page_view', occurredAt, properties: { path: `/p/${n % 997}` } });
      else batch.push({ customerId, channel: 'email', type: 'email.sent', direction: 'outbound', occurredAt, properties: {} });
    }
    yield batch;
  }
}

/** Records a batch through Rapport; every item must be stored. */
export async function recordAll(crm: Crm, batch: RecordInteractionInput[]): Promise<void> {
  const result = await crm.interactions.recordMany(batch);
  if (result.rejected > 0) throw new Error(`rejected: ${JSON.stringify(result.outcomes.find((outcome) => outcome.status === 'rejected'))}`);
}

/**
 * Writes every batch through Rapport and then through the raw insert, timing each side on its
 * own. Alternating batch by batch lets both meet the same moments of the machine (its disk and
 * CPU speed drift by several times over minutes here), where one run after the other did not.
 */
export async function alternate(
  batches: Iterable<RecordInteractionInput[]>,
  rapport: (batch: RecordInteractionInput[]) => Promise<void>,
  raw: (batch: RecordInteractionInput[]) => Promise<void>,
): Promise<{ rapportMs: number; rawMs: number }> {
  let rapportMs = 0;
  let rawMs = 0;
  for (const batch of batches) {
    rapportMs += (await timed(() => rapport(batch))).ms;
    rawMs += (await timed(() => raw(batch))).ms;
  }
  return { rapportMs, rawMs };
}

/** The row a raw insert writes for one input (ids and JSON made per row, as an app would). */
function rawRow(input: RecordInteractionInput, now: number): unknown[] {
  return [
    TENANT,
    uuidv7(),
    input.customerId,
    input.channel,
    input.type,
    input.direction ?? 'inbound',
    (input.occurredAt as Date).getTime(),
    now,
    JSON.stringify(input.properties ?? {}),
    null,
    input.idempotencyKey ?? null,
  ];
}

const INSERT_COLUMNS =
  'tenant_id, id, customer_id, channel, type, direction, occurred_at, recorded_at, properties, source, idempotency_key';

/** A migrated SQLite file holding `customers` customers `c00000000`… of the bench tenant. */
export async function seedSqlite(filename: string, customers: number, now: number): Promise<void> {
  const storage = sqlite({ filename });
  await storage.migrate();
  await storage.close();
  const db = new Database(filename);
  const insert = db.prepare(
    `insert into rapport_customers (tenant_id, id, traits, purchase_count, total_spend, interaction_count, created_at, updated_at, version) values (?, ?, '{}', 0, 0, 0, ?, ?, 1)`,
  );
  db.transaction(() => {
    for (let i = 0; i < customers; i++) insert.run(TENANT, `c${String(i).padStart(8, '0')}`, now, now);
  })();
  db.exec('analyze');
  db.close();
}

/** A fresh, migrated PostgreSQL database `name` holding `customers` customers of the bench tenant. */
export async function seedPostgres(admin: pg.Client, name: string, url: string, customers: number, now: number): Promise<void> {
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  const storage = await postgres({ connectionString: url });
  await storage.migrate();
  await storage.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(
    `insert into rapport_customers (tenant_id, id, traits, purchase_count, total_spend, interaction_count, created_at, updated_at, version)
     select $1, 'c' || lpad(g::text, 8, '0'), '{}'::jsonb, 0, 0, 0, $2, $2, 1 from generate_series(0, $3 - 1) g`,
    [TENANT, now, customers],
  );
  // Statistics, as autovacuum would have them on a database in use.
  await client.query('analyze');
  await client.end();
}

/** Ingest into a SQLite file: `recordMany` against a raw prepared insert, one transaction per batch. */
export async function ingestSqlite(total: number): Promise<IngestResult> {
  const dir = mkdtempSync(join(tmpdir(), 'rapport-bench-ingest-'));
  const customers = Math.max(100, Math.floor(total / 10));
  const now = Date.now();
  try {
    const files = { rapport: join(dir, 'rapport.db'), raw: join(dir, 'raw.db') };
    for (const filename of Object.values(files)) await seedSqlite(filename, customers, now);
    const crm = await createCrm({ storage: sqlite({ filename: files.rapport }), tenant: TENANT });
    const raw = new Database(files.raw);
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.pragma('foreign_keys = ON');
    // The same settings sqlite() opens Rapport's file with, so only the code path differs.
    raw.pragma('cache_size = -65536');
    raw.pragma('wal_autocheckpoint = 10000');
    const statement = raw.prepare(`insert into rapport_interactions (${INSERT_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const insertBatch = raw.transaction((rows: unknown[][]) => {
      for (const row of rows) statement.run(row);
    });
    const times = await alternate(
      interactionBatches(total, customers, now),
      (batch) => recordAll(crm, batch),
      async (batch) => insertBatch(batch.map((input) => rawRow(input, now))),
    );
    await crm.close();
    raw.close();
    return result('sqlite', total, times.rapportMs, times.rawMs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Ingest into PostgreSQL: `recordMany` against a raw pg multi-row insert, one transaction per batch. */
export async function ingestPostgres(total: number, serverUrl: string): Promise<IngestResult> {
  const customers = Math.max(100, Math.floor(total / 10));
  const now = Date.now();
  const databases = { rapport: 'rapport_bench_ingest', raw: 'rapport_bench_ingest_raw' };
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const urlOf = (name: string) => Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  try {
    for (const name of Object.values(databases)) await seedPostgres(admin, name, urlOf(name), customers, now);
    const crm = await createCrm({ storage: await postgres({ connectionString: urlOf(databases.rapport) }), tenant: TENANT });
    const raw = new pg.Client({ connectionString: urlOf(databases.raw) });
    await raw.connect();
    const times = await alternate(
      interactionBatches(total, customers, now),
      (batch) => recordAll(crm, batch),
      async (batch) => {
        const rows = batch.map((input) => rawRow(input, now));
        const placeholders = rows.map((_, r) => `(${Array.from({ length: 11 }, (_, c) => `$${r * 11 + c + 1}`).join(', ')})`).join(', ');
        await raw.query('begin');
        await raw.query(`insert into rapport_interactions (${INSERT_COLUMNS}) values ${placeholders}`, rows.flat());
        await raw.query('commit');
      },
    );
    await crm.close();
    await raw.end();
    return result('postgres', total, times.rapportMs, times.rawMs);
  } finally {
    for (const name of Object.values(databases)) await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

function result(target: string, total: number, rapportMs: number, rawMs: number): IngestResult {
  const rapportPerSecond = (total / rapportMs) * 1000;
  const rawPerSecond = (total / rawMs) * 1000;
  return { target, interactions: total, rapportPerSecond, rawPerSecond, ratio: rapportPerSecond / rawPerSecond, peakRssMiB: peakRssMiB() };
}
