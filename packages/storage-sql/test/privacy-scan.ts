import type { Storage } from '@rapport/core';
import type { SqlStorage } from '@rapport/storage-sql';
import { type Kysely, sql } from 'kysely';

/** Text, JSON and blob columns of every table of the storage's database (its own schema only). */
async function textColumns(storage: SqlStorage): Promise<{ table: string; column: string; type: string }[]> {
  const db = storage.db as unknown as Kysely<unknown>;
  if (storage.dialect.name === 'sqlite') {
    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db);
    const columns: { table: string; column: string; type: string }[] = [];
    for (const { name } of tables.rows) {
      // SQLite columns hold any type whatever they declare, so every column is scanned.
      const info = await sql<{ name: string; type: string }>`select name, type from pragma_table_info(${name})`.execute(db);
      for (const column of info.rows) columns.push({ table: name, column: column.name, type: column.type });
    }
    return columns;
  }
  const types =
    storage.dialect.name === 'postgres'
      ? ['text', 'character varying', 'character', 'json', 'jsonb', 'bytea']
      : [
          'char',
          'varchar',
          'tinytext',
          'text',
          'mediumtext',
          'longtext',
          'json',
          'binary',
          'varbinary',
          'tinyblob',
          'blob',
          'mediumblob',
          'longblob',
        ];
  const schema = storage.dialect.name === 'postgres' ? sql`current_schema()` : sql`database()`;
  const rows = await sql<{ table: string; column: string; type: string }>`
    select table_name as ${sql.ref('table')}, column_name as ${sql.ref('column')}, data_type as ${sql.ref('type')}
    from information_schema.columns
    where table_schema = ${schema} and lower(data_type) in (${sql.join(types)})`.execute(db);
  return rows.rows;
}

/**
 * Scans every text, JSON and blob column of every table in the SQL storage's database for
 * the needles; returns `table.column` for each column holding one.
 */
export async function scanSqlStorage(storage: Storage, needles: readonly string[]): Promise<string[]> {
  const sqlStorage = storage as SqlStorage;
  const db = sqlStorage.db as unknown as Kysely<unknown>;
  const dialect = sqlStorage.dialect.name;
  const hits: string[] = [];
  for (const { table, column, type } of await textColumns(sqlStorage)) {
    const ref = sql.ref(column);
    const asText =
      dialect === 'postgres'
        ? type === 'bytea'
          ? sql`encode(${ref}, 'escape')`
          : sql`${ref}::text`
        : dialect === 'mysql'
          ? sql`cast(${ref} as char)`
          : sql`cast(${ref} as text)`;
    const matches = sql.join(
      needles.map((needle) => (dialect === 'postgres' ? sql`strpos(${asText}, ${needle}) > 0` : sql`instr(${asText}, ${needle}) > 0`)),
      sql` or `,
    );
    const result = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)} where ${matches}`.execute(db);
    if (Number(result.rows[0]?.n ?? 0) > 0) hits.push(`${table}.${column}`);
  }
  return hits;
}
