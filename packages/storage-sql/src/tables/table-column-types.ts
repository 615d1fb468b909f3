import type { ColumnSpec } from '@rapport/core/plugin';
import type { TableBinding } from '@rapport/core/storage';
import { type RawBuilder, sql } from 'kysely';
import type { SqlDialect } from '../dialect/sql-dialect.js';

/** Whether a column is part of any key or index (MySQL can index only bounded text). */
export function isIndexed(binding: TableBinding, column: string): boolean {
  const { primaryKey, unique = [], indexes = [] } = binding.declaration;
  return [primaryKey, ...unique, ...indexes].some((list: readonly string[]) => list.includes(column));
}

/**
 * The SQL type of a plugin column. Times are epoch milliseconds in a BIGINT like core's; JSON is
 * JSON text (as job payloads are), so every JSON value, a bare string too, reads back as it
 * was written on every driver. Text compares by code point: `collate "C"` on PostgreSQL, the
 * table's binary collation on MySQL/MariaDB, SQLite's BINARY.
 */
export function columnType(dialect: SqlDialect, spec: ColumnSpec, indexed: boolean): RawBuilder<unknown> {
  const mysql = dialect.name === 'mysql';
  switch (spec.kind) {
    case 'text':
      if (dialect.name === 'postgres') return sql`text collate "C"`;
      if (!mysql) return sql`text`;
      if (indexed) return sql`varchar(${sql.lit(spec.maxLength ?? 255)})`;
      return (spec.maxLength ?? 0) <= 16_000 ? sql`text` : sql`mediumtext`;
    case 'integer':
    case 'timestamp':
      return sql`bigint`;
    case 'number':
      return dialect.name === 'postgres' ? sql`double precision` : mysql ? sql`double` : sql`real`;
    case 'boolean':
      return dialect.name === 'sqlite' ? sql`integer` : sql`boolean`;
    default:
      return mysql ? sql`longtext` : sql`text`;
  }
}

/** A value as the driver binds it. */
export function toDb(dialect: SqlDialect, spec: ColumnSpec, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (spec.kind) {
    case 'boolean':
      return dialect.name === 'postgres' ? value : value ? 1 : 0;
    case 'timestamp':
      return (value as Date).getTime();
    case 'json':
      return JSON.stringify(value);
    default:
      return value;
  }
}

/** A value as the driver returned it → the declared type (pg returns BIGINT as a string). */
export function fromDb(spec: ColumnSpec, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (spec.kind) {
    case 'text':
      return String(value);
    case 'integer':
    case 'number':
      return Number(value);
    case 'boolean':
      return typeof value === 'boolean' ? value : Number(value) !== 0;
    case 'timestamp':
      return new Date(Number(value));
    default:
      return JSON.parse(String(value));
  }
}
