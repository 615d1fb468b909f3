import { CoreErrorCode, ValidationError } from '@rapport/core';
import { type Expression, type SqlBool, sql } from 'kysely';
import { driverErrorCode, type JsonKind, jsonObjectArguments, type SqlDialect } from './sql-dialect.js';

const JSON_KINDS: Record<JsonKind, string> = { string: 'string', number: 'number', boolean: 'boolean' };
const at = (column: Expression<unknown>, path: string[]) => sql`${column} #> ${sql.val(path)}::text[]`;
const textAt = (column: Expression<unknown>, path: string[]) => sql`${column} #>> ${sql.val(path)}::text[]`;
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);

/** PostgreSQL through pg: jsonb, the "C" collation (code point order). */
export const postgresDialect: SqlDialect = {
  name: 'postgres',
  maxParameters: 65_535,
  supportsReturning: true,
  writableCte: true,
  // A transaction's own setting (set_config's third argument): it reverts at the commit it relaxes.
  relaxedCommit: sql<SqlBool>`(select set_config('synchronous_commit', 'off', true)) = 'off'`,
  arrayParameters: true,
  partialIndexes: true,
  updateFromStyle: 'values-cte',
  upsertStyle: 'on-conflict',
  castInteger: (value) => sql<number>`cast(${value} as bigint)`,
  castDouble: (value) => sql<number>`cast(${value} as double precision)`,
  rowLock: 'for no key update',
  rejectsNul: true,
  numberParam: (value) => sql<number>`${value}::double precision`,
  timeParam: (value) => sql<number>`${value}::bigint`,
  jsonType: 'jsonb',
  idType: (length) => sql`varchar(${sql.lit(length)}) collate "C"`,
  // Room on each page lets PostgreSQL update a row in place (a HOT update, no index writes)
  // when no indexed column changes — as with every metric increment.
  tableOptions: async (_db, table = {}) => (table.updateHeavy ? sql`with (fillfactor = 70)` : null),
  jsonParam: (value, field = 'value') => {
    const json = JSON.stringify(value);
    // jsonb cannot hold U+0000; say so by field rather than fail with a driver error.
    if (json.includes('\\u0000')) {
      throw new ValidationError(CoreErrorCode.UnsupportedValue, [
        { path: [field], message: 'contains a NUL character (U+0000), which PostgreSQL cannot store' },
      ]);
    }
    return json;
  },
  parseJson: (value) => (typeof value === 'string' ? JSON.parse(value) : value),
  jsonIs: (column, path, kind) => sql<SqlBool>`coalesce(jsonb_typeof(${at(column, path)}) = ${JSON_KINDS[kind]}, false)`,
  jsonPresent: (column, path) => sql<SqlBool>`coalesce(jsonb_typeof(${at(column, path)}) <> 'null', false)`,
  jsonText: (column, path) =>
    sql<string>`(case when jsonb_typeof(${at(column, path)}) = 'string' then ${textAt(column, path)} end) collate "C"`,
  // PostgreSQL does not promise to evaluate AND left to right, so the cast is guarded.
  jsonNumber: (column, path) =>
    sql<number>`(case when jsonb_typeof(${at(column, path)}) = 'number' then (${textAt(column, path)})::double precision end)`,
  jsonBooleanText: (column, path) => sql<string>`${textAt(column, path)}`,
  textParam: (value) => sql<string>`${value}::text`,
  contains: (haystack, needle) => sql<SqlBool>`strpos(${haystack}, ${needle}) > 0`,
  startsWith: (text, prefix) => sql<SqlBool>`strpos(${text}, ${prefix}) = 1`,
  roundMoney: (value) => sql<number>`round((${value})::numeric, 6)::double precision`,
  isUniqueViolation: (error) => driverErrorCode(error).code === '23505',
  isRetryableConflict: (error) => ['40001', '40P01'].includes(driverErrorCode(error).code ?? ''),
  isConnectionError: (error) =>
    CONNECTION_CODES.has(driverErrorCode(error).code ?? '') ||
    (error instanceof Error && /Connection terminated|connection is closed|Client has encountered a connection error/i.test(error.message)),
  jsonRowArray: (fields, orderBy) =>
    sql`coalesce(json_agg(json_build_object(${jsonObjectArguments(fields)}) order by ${orderBy}), '[]'::json)`,
  // kysely's Migrator takes a transaction-scoped advisory lock on PostgreSQL.
  withMigrationLock: (db, work) => work(db),
};
