import { createHash } from 'node:crypto';
import { UnavailableError } from '@rapport/core';
import { diffTableSnapshots, type TableBinding, type TableSnapshot } from '@rapport/core/storage';
import { type Kysely, sql } from 'kysely';
import type { SqlDialect } from '../dialect/sql-dialect.js';
import { createRapportTable } from '../migrations/create-table.js';
import { StorageErrorCode } from '../storage-errors.js';
import { columnType, isIndexed, toDb } from './table-column-types.js';

/** Where each plugin table's applied declaration is recorded (its normalised snapshot). */
export const PLUGIN_TABLES_TABLE = 'rapport_plugin_tables';

// biome-ignore lint/suspicious/noExplicitAny: plugin tables are not in the Kysely schema type.
type AnyDb = Kysely<any>;

/**
 * Creates or migrates the declared plugin tables: each table's applied declaration is kept in
 * `rapport_plugin_tables`; a new table is created, an added column, unique constraint or index
 * is added, anything else fails with `TABLE_MIGRATION_REQUIRED` (see `diffTableSnapshots`).
 * Holds a lock across processes for the whole run. Returns what it did, e.g. `create pt_x__t`.
 */
// biome-ignore lint/suspicious/noExplicitAny: plugin tables are not in the Kysely schema type.
export async function migrateTables(db: Kysely<any>, dialect: SqlDialect, bindings: readonly TableBinding[]): Promise<string[]> {
  if (bindings.length === 0) return [];
  return withTableLock(db, dialect, async (locked) => {
    const options = await dialect.tableOptions(locked);
    const meta = locked.schema
      .createTable(PLUGIN_TABLES_TABLE)
      .ifNotExists()
      .addColumn('name', dialect.idType(64), (col) => col.primaryKey())
      .addColumn('plugin', 'varchar(200)', (col) => col.notNull())
      .addColumn('snapshot', 'text', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull());
    await (options ? meta.modifyEnd(options) : meta).execute();
    const rows = await locked.selectFrom(PLUGIN_TABLES_TABLE).select(['name', 'snapshot']).execute();
    const recorded = new Map(rows.map((row: { name: string; snapshot: string }) => [row.name, JSON.parse(row.snapshot) as TableSnapshot]));
    const done: string[] = [];
    for (const binding of bindings) {
      const before = recorded.get(binding.physicalName);
      if (!before) {
        await createTable(locked, dialect, binding);
        await locked
          .insertInto(PLUGIN_TABLES_TABLE)
          .values({
            name: binding.physicalName,
            plugin: binding.plugin,
            snapshot: JSON.stringify(binding.snapshot),
            updated_at: Date.now(),
          })
          .execute();
        done.push(`create ${binding.physicalName}`);
        continue;
      }
      const changes = diffTableSnapshots(binding, before);
      for (const column of changes.addedColumns) {
        const spec = binding.specs[column];
        if (!spec) continue;
        const physical = binding.columns[column] as string;
        // Added columns are nullable in SQL (the repository enforces the declared rule): a NOT
        // NULL column cannot be added to existing rows portably, and the default fills them.
        await locked.schema
          .alterTable(binding.physicalName)
          .addColumn(physical, columnType(dialect, spec, isIndexed(binding, column)))
          .execute();
        if (spec.hasDefault)
          await locked
            .updateTable(binding.physicalName)
            .set({ [physical]: toDb(dialect, spec, spec.defaultValue) })
            .execute();
        done.push(`add ${binding.physicalName}.${physical}`);
      }
      for (const columns of changes.addedUnique) await createIndex(locked, binding, columns, true);
      for (const columns of changes.addedIndexes) await createIndex(locked, binding, columns, false);
      if (changes.addedUnique.length + changes.addedIndexes.length > 0) done.push(`index ${binding.physicalName}`);
      await locked
        .updateTable(PLUGIN_TABLES_TABLE)
        .set({ plugin: binding.plugin, snapshot: JSON.stringify(binding.snapshot), updated_at: Date.now() })
        .where('name', '=', binding.physicalName)
        .execute();
    }
    return done;
  });
}

async function createTable(db: AnyDb, dialect: SqlDialect, binding: TableBinding): Promise<void> {
  let table = (await createRapportTable(db, dialect, binding.physicalName)).addColumn('tenant_id', dialect.idType(128), (col) =>
    col.notNull(),
  );
  for (const [column, spec] of Object.entries(binding.specs)) {
    table = table.addColumn(binding.columns[column] as string, columnType(dialect, spec, isIndexed(binding, column)), (col) =>
      spec.nullable ? col : col.notNull(),
    );
  }
  const key = (binding.declaration.primaryKey as readonly string[]).map((column) => binding.columns[column] as string);
  await table.addPrimaryKeyConstraint(`${binding.physicalName}_pk`, ['tenant_id', ...key] as never).execute();
  for (const columns of binding.snapshot.unique) await createIndex(db, binding, columns, true);
  for (const columns of binding.snapshot.indexes) await createIndex(db, binding, columns, false);
}

/** Index names follow from the columns, so a reordered declaration names the same index. */
async function createIndex(db: AnyDb, binding: TableBinding, columns: readonly string[], unique: boolean): Promise<void> {
  const hash = createHash('sha256').update(columns.join(',')).digest('hex').slice(0, 8);
  const name = `${binding.physicalName}_${unique ? 'u' : 'i'}_${hash}`;
  const index = db.schema
    .createIndex(name)
    .on(binding.physicalName)
    .columns(['tenant_id', ...columns.map((column) => binding.columns[column] as string)]);
  await (unique ? index.unique() : index).execute();
}

/**
 * Serialises table migrations across processes: an immediate transaction on SQLite, a
 * transaction-scoped advisory lock on PostgreSQL (its DDL is transactional, so a failed run
 * leaves nothing), `GET_LOCK` on one MySQL connection (whose DDL commits as it goes).
 */
async function withTableLock<T>(db: AnyDb, dialect: SqlDialect, work: (db: AnyDb) => Promise<T>): Promise<T> {
  if (dialect.name === 'sqlite') return dialect.withMigrationLock(db, (locked) => work(locked as AnyDb));
  if (dialect.name === 'postgres') {
    return db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${sql.lit(LOCK_ID)})`.execute(trx);
      return work(trx);
    });
  }
  return db.connection().execute(async (connection) => {
    const { rows } = await sql<{ locked: number | null }>`select get_lock(${LOCK_NAME}, 60) as locked`.execute(connection);
    if (Number(rows[0]?.locked) !== 1)
      throw new UnavailableError(StorageErrorCode.MigrationFailed, 'timed out waiting for the plugin table migration lock', undefined, {
        namespace: 'plugin-tables',
        migration: 'lock',
      });
    try {
      return await work(connection);
    } finally {
      await sql`select release_lock(${LOCK_NAME})`.execute(connection);
    }
  });
}

const LOCK_NAME = 'rapport_plugin_tables';
/** An arbitrary constant for PostgreSQL's advisory lock, apart from kysely's migration lock. */
const LOCK_ID = 7_405_211_903;
