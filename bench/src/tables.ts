import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { column, defineTable, type InsertOf } from '@rapport/core/plugin';
import { bindPluginTables } from '@rapport/core/storage';
import type { SqlStorage } from '@rapport/storage-sql';
import { postgres } from '@rapport/storage-sql/postgres';
import { sqlite } from '@rapport/storage-sql/sqlite';
import Database from 'better-sqlite3';
import pg from 'pg';
import { peakRssMiB, timed } from './machine.js';
import { seededRandom } from './random.js';

const TENANT = 'bench';
const BATCH = 10_000;

/** A plugin table like a helpdesk's: every column kind, a customer index. */
const tickets = defineTable('tickets', {
  columns: {
    id: column.text({ maxLength: 32 }),
    customerId: column.text({ maxLength: 32 }).customerRef(),
    subject: column.text().personal(),
    priority: column.integer(),
    score: column.number(),
    open: column.boolean(),
    openedAt: column.timestamp(),
    meta: column.json<{ channel: string; tags: string[] }>().nullable(),
  },
  primaryKey: ['id'],
  indexes: [['customerId', 'openedAt']],
});
type TicketInput = InsertOf<typeof tickets>;
const COLUMNS = 'tenant_id, id, customer_id, subject, priority, score, open, opened_at, meta';

/** Result of the plugin-table insert benchmark on one database. */
export interface TablesResult {
  target: string;
  rows: number;
  rapportPerSecond: number;
  rawPerSecond: number;
  ratio: number;
  peakRssMiB: number;
}

/** The rows, from a fixed seed. */
function* ticketBatches(total: number): Generator<TicketInput[]> {
  const random = seededRandom(20_260_101);
  const start = Date.UTC(2026, 0, 1);
  for (let offset = 0; offset < total; offset += BATCH) {
    yield Array.from({ length: Math.min(BATCH, total - offset) }, (_, index) => {
      const n = offset + index;
      return {
        id: `tk${n.toString(36).padStart(8, '0')}`,
        customerId: `c${Math.floor(random() * 10_000)}`,
        subject: `Ticket ${n}: the printer is ${random() < 0.5 ? 'on fire' : 'out of paper'}`,
        priority: Math.floor(random() * 5),
        score: Math.round(random() * 1000) / 100,
        open: random() < 0.3,
        openedAt: new Date(start + Math.floor(random() * 86_400_000 * 30)),
        meta: random() < 0.5 ? null : { channel: 'email', tags: ['a', 'b'] },
      };
    });
  }
}

/** The row a raw insert binds: values converted as an app writing SQL by hand would. */
const rawRow = (row: TicketInput, booleanAsNumber: boolean): unknown[] => [
  TENANT,
  row.id,
  row.customerId,
  row.subject,
  row.priority,
  row.score,
  booleanAsNumber ? (row.open ? 1 : 0) : row.open,
  row.openedAt.getTime(),
  row.meta === null || row.meta === undefined ? null : JSON.stringify(row.meta),
];

/** Alternates Rapport's and the raw insert batch by batch, so both meet the same moments of the machine. */
async function alternate(total: number, rapport: (batch: TicketInput[]) => Promise<void>, raw: (batch: TicketInput[]) => Promise<void>) {
  let rapportMs = 0;
  let rawMs = 0;
  for (const batch of ticketBatches(total)) {
    rapportMs += (await timed(() => rapport(batch))).ms;
    rawMs += (await timed(() => raw(batch))).ms;
  }
  return { rapportMs, rawMs };
}

async function migrated(storage: SqlStorage): Promise<SqlStorage> {
  await storage.migrate([], bindPluginTables('@acme/helpdesk', [tickets]));
  return storage;
}

function result(target: string, rows: number, rapportMs: number, rawMs: number): TablesResult {
  const rapportPerSecond = (rows / rapportMs) * 1000;
  const rawPerSecond = (rows / rawMs) * 1000;
  return { target, rows, rapportPerSecond, rawPerSecond, ratio: rapportPerSecond / rawPerSecond, peakRssMiB: peakRssMiB() };
}

/** `insertMany` into a plugin table on a SQLite file against a raw prepared insert, one transaction per batch. */
export async function tablesSqlite(total: number): Promise<TablesResult> {
  const dir = mkdtempSync(join(tmpdir(), 'rapport-bench-tables-'));
  try {
    const files = { rapport: join(dir, 'rapport.db'), raw: join(dir, 'raw.db') };
    const storage = await migrated(sqlite({ filename: files.rapport }));
    await (await migrated(sqlite({ filename: files.raw }))).close();
    const raw = new Database(files.raw);
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.pragma('cache_size = -65536');
    raw.pragma('wal_autocheckpoint = 10000');
    const statement = raw.prepare(`insert into pt_acme_helpdesk__tickets (${COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const insertBatch = raw.transaction((rows: unknown[][]) => {
      for (const row of rows) statement.run(row);
    });
    const repository = storage.forTenant(TENANT).table(tickets);
    const times = await alternate(
      total,
      (batch) => repository.insertMany(batch),
      async (batch) => insertBatch(batch.map((row) => rawRow(row, true))),
    );
    if ((await repository.count()) !== total) throw new Error('the plugin table does not hold every row');
    await storage.close();
    raw.close();
    return result('sqlite', total, times.rapportMs, times.rawMs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `insertMany` into a plugin table on PostgreSQL against a raw pg multi-row insert, one transaction per batch. */
export async function tablesPostgres(total: number, serverUrl: string): Promise<TablesResult> {
  const databases = { rapport: 'rapport_bench_tables', raw: 'rapport_bench_tables_raw' };
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const urlOf = (name: string) => Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  try {
    for (const name of Object.values(databases)) {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.query(`create database ${name}`);
    }
    const storage = await migrated(await postgres({ connectionString: urlOf(databases.rapport) }));
    await (await migrated(await postgres({ connectionString: urlOf(databases.raw) }))).close();
    const raw = new pg.Client({ connectionString: urlOf(databases.raw) });
    await raw.connect();
    const repository = storage.forTenant(TENANT).table(tickets);
    // As many rows per statement as fit PostgreSQL's 65,535 parameters, in round thousands.
    const perStatement = 7_000;
    const times = await alternate(
      total,
      (batch) => repository.insertMany(batch),
      async (batch) => {
        await raw.query('begin');
        for (let start = 0; start < batch.length; start += perStatement) {
          const rows = batch.slice(start, start + perStatement).map((row) => rawRow(row, false));
          const placeholders = rows.map((_, r) => `(${Array.from({ length: 9 }, (_, c) => `$${r * 9 + c + 1}`).join(', ')})`).join(', ');
          await raw.query(`insert into pt_acme_helpdesk__tickets (${COLUMNS}) values ${placeholders}`, rows.flat());
        }
        await raw.query('commit');
      },
    );
    if ((await repository.count()) !== total) throw new Error('the plugin table does not hold every row');
    await storage.close();
    await raw.end();
    return result('postgres', total, times.rapportMs, times.rawMs);
  } finally {
    for (const name of Object.values(databases)) await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
