import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import { driverErrorCode, type JsonKind, jsonObjectArguments, type SqlDialect } from './sql-dialect.js';

const JSON_KINDS: Record<JsonKind, string[]> = { string: ['text'], number: ['integer', 'real'], boolean: ['true', 'false'] };
const jsonPath = (path: string[]) => `$.${path.join('.')}`;

/** SQLite through better-sqlite3: JSON1 functions, BINARY collation (byte order). */
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  maxParameters: 32_766,
  supportsReturning: true,
  writableCte: false,
  relaxedCommit: null,
  arrayParameters: false,
  partialIndexes: true,
  updateFromStyle: 'values-cte',
  upsertStyle: 'on-conflict',
  castInteger: (value) => sql<number>`cast(${value} as integer)`,
  castDouble: (value) => sql<number>`cast(${value} as real)`,
  rowLock: null,
  rejectsNul: false,
  numberParam: (value) => sql<number>`${value}`,
  timeParam: (value) => sql<number>`${value}`,
  jsonType: 'text',
  idType: () => sql`text`,
  tableOptions: async () => null,
  jsonParam: (value) => JSON.stringify(value),
  parseJson: (value) => (typeof value === 'string' ? JSON.parse(value) : value),
  jsonIs: (column, path, kind) => sql<SqlBool>`coalesce(json_type(${column}, ${jsonPath(path)}) in (${sql.join(JSON_KINDS[kind])}), 0)`,
  jsonPresent: (column, path) => sql<SqlBool>`coalesce(json_type(${column}, ${jsonPath(path)}) <> 'null', 0)`,
  jsonText: (column, path) => sql<string>`json_extract(${column}, ${jsonPath(path)})`,
  jsonNumber: (column, path) => sql<number>`json_extract(${column}, ${jsonPath(path)})`,
  jsonBooleanText: (column, path) => sql<string>`json_type(${column}, ${jsonPath(path)})`,
  textParam: (value) => sql<string>`${value}`,
  contains: (haystack, needle) => sql<SqlBool>`instr(${haystack}, ${needle}) > 0`,
  startsWith: (text, prefix) => sql<SqlBool>`instr(${text}, ${prefix}) = 1`,
  roundMoney: (value: Expression<number>) => sql<number>`round(${value}, 6)`,
  isUniqueViolation: (error) => /^SQLITE_CONSTRAINT_(UNIQUE|PRIMARYKEY)$/.test(driverErrorCode(error).code ?? ''),
  isRetryableConflict: (error) => /^SQLITE_BUSY/.test(driverErrorCode(error).code ?? ''),
  isConnectionError: (error) => error instanceof Error && /database connection is not open/i.test(error.message),
  // Ordered aggregates need SQLite 3.44; better-sqlite3 12 bundles a later one.
  jsonRowArray: (fields, orderBy) => sql`json_group_array(json_object(${jsonObjectArguments(fields)}) order by ${orderBy})`,
  // Migrations hold SQLite's write lock (BEGIN IMMEDIATE) from the first read of the
  // migration table to the last DDL, so processes sharing one file migrate one at a time.
  withMigrationLock: (db: Kysely<unknown>, work) =>
    db.connection().execute(async (connection) => {
      await sql`begin immediate`.execute(connection);
      try {
        const result = await work(connection);
        await sql`commit`.execute(connection);
        return result;
      } catch (error) {
        await sql`rollback`.execute(connection);
        throw error;
      }
    }),
};
