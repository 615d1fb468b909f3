import { existsSync, readFileSync } from 'node:fs';
import type { DialectName, SqlStorage } from '@rapport/storage-sql';
import { sql } from 'kysely';

/**
 * Which of `needles` occur anywhere in the database: SQLite's file bytes (database, WAL and
 * shared memory); on PostgreSQL and MySQL every text, JSON and binary column of every table.
 */
export async function findInDatabase(
  target: DialectName,
  location: string,
  storage: SqlStorage,
  needles: readonly string[],
): Promise<string[]> {
  if (target === 'sqlite') {
    const bytes = Buffer.concat(
      [location, `${location}-wal`, `${location}-shm`].filter((file) => existsSync(file)).map((file) => readFileSync(file)),
    );
    return needles.filter((needle) => bytes.includes(Buffer.from(needle, 'utf8')));
  }
  const columns = await sql<{ table_name: string; column_name: string }>`
    select table_name as table_name, column_name as column_name from information_schema.columns
    where table_schema = ${target === 'postgres' ? sql`current_schema()` : sql`database()`}
      and data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea',
                        'varchar', 'char', 'tinytext', 'mediumtext', 'longtext', 'blob', 'longblob', 'mediumblob', 'varbinary')`.execute(
    storage.db,
  );
  const found = new Set<string>();
  for (const { table_name: table, column_name: column } of columns.rows) {
    const text = target === 'postgres' ? sql`${sql.ref(column)}::text` : sql`cast(${sql.ref(column)} as char)`;
    const rows = await sql<{ v: string | null }>`select ${text} as v from ${sql.table(table)}`.execute(storage.db);
    for (const row of rows.rows) for (const needle of needles) if (row.v?.includes(needle)) found.add(needle);
  }
  return [...found];
}
