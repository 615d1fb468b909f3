import { type RawBuilder, sql } from 'kysely';

/** A column of rows bound as one array parameter: its name and PostgreSQL element type. */
export interface ArrayColumn<Row> {
  name: string;
  type: 'text' | 'bigint' | 'integer' | 'float8' | 'boolean' | 'jsonb';
  value: (row: Row) => unknown;
}

/**
 * `unnest($1::text[], $2::bigint[], …) as alias(col, …)`: many rows bound as one array per
 * column. PostgreSQL parses and plans this in the same time for 10 rows or 10,000, where a
 * VALUES list of thousands of parameters costs more to plan than to run. JSON columns travel
 * as text and are cast per row.
 */
export function unnestRows<Row>(rows: readonly Row[], columns: readonly ArrayColumn<Row>[], alias: string): RawBuilder<unknown> {
  const arrays = columns.map((column) => {
    const elementType = column.type === 'jsonb' ? 'text' : column.type;
    return sql`${sql.val(rows.map(column.value))}::${sql.raw(elementType)}[]`;
  });
  return sql`unnest(${sql.join(arrays)}) as ${sql.raw(alias)}(${sql.raw(columns.map((column) => quoted(column.name)).join(', '))})`;
}

/** A column name as a quoted identifier: a plugin's column may be called `when` or `order`. */
function quoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The select list that casts JSON columns back from text. */
export function unnestSelect<Row>(columns: readonly ArrayColumn<Row>[], alias: string): RawBuilder<unknown> {
  return sql.raw(
    columns
      .map((column) => (column.type === 'jsonb' ? `${alias}.${quoted(column.name)}::jsonb` : `${alias}.${quoted(column.name)}`))
      .join(', '),
  );
}
