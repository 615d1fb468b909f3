import { type SqlBool, sql } from 'kysely';
import { driverErrorCode, type JsonKind, type SqlDialect } from './sql-dialect.js';

const JSON_KINDS: Record<JsonKind, string[]> = {
  string: ['STRING'],
  number: ['INTEGER', 'DOUBLE', 'DECIMAL', 'UNSIGNED INTEGER'],
  boolean: ['BOOLEAN'],
};
const jsonPath = (path: string[]) => `$.${path.join('.')}`;
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'PROTOCOL_CONNECTION_LOST', 'ER_SERVER_SHUTDOWN']);

/**
 * MySQL 8 and MariaDB 10.11 through mysql2. Strings are compared as binary (UTF-8 bytes,
 * so code point order, case-sensitive, no trailing-space padding); tables use a binary
 * collation for the same reason.
 */
export const mysqlDialect: SqlDialect = {
  name: 'mysql',
  maxParameters: 65_535,
  supportsReturning: false,
  writableCte: false,
  relaxedCommit: null,
  arrayParameters: false,
  partialIndexes: false,
  updateFromStyle: 'join-union',
  upsertStyle: 'on-duplicate-key',
  castInteger: (value) => sql<number>`cast(${value} as signed)`,
  castDouble: (value) => sql<number>`cast(${value} as double)`,
  rowLock: 'for update',
  rejectsNul: false,
  numberParam: (value) => sql<number>`${value}`,
  timeParam: (value) => sql<number>`${value}`,
  jsonType: 'json',
  idType: (length) => sql`varchar(${sql.lit(length)})`,
  // A binary collation without trailing-space padding: `nopad_bin` on MariaDB, `0900_bin` on MySQL 8.
  tableOptions: async (db) => {
    const { rows } = await sql<{ version: string }>`select version() as version`.execute(db);
    const version = rows[0]?.version ?? '';
    const collation = /mariadb/i.test(version)
      ? 'utf8mb4_nopad_bin'
      : /^[89]\.|^\d{2,}\./.test(version)
        ? 'utf8mb4_0900_bin'
        : 'utf8mb4_bin';
    return sql`default charset = utf8mb4 collate = ${sql.raw(collation)}`;
  },
  jsonParam: (value) => JSON.stringify(value),
  parseJson: (value) => (typeof value === 'string' ? JSON.parse(value) : value),
  jsonIs: (column, path, kind) =>
    sql<SqlBool>`coalesce(json_type(json_extract(${column}, ${jsonPath(path)})) in (${sql.join(JSON_KINDS[kind])}), false)`,
  jsonPresent: (column, path) => sql<SqlBool>`coalesce(json_type(json_extract(${column}, ${jsonPath(path)})) <> 'NULL', false)`,
  jsonText: (column, path) => sql<string>`cast(json_unquote(json_extract(${column}, ${jsonPath(path)})) as binary)`,
  jsonNumber: (column, path) =>
    sql<number>`(case when json_type(json_extract(${column}, ${jsonPath(path)})) in (${sql.join(JSON_KINDS.number)}) then cast(json_unquote(json_extract(${column}, ${jsonPath(path)})) as double) end)`,
  jsonBooleanText: (column, path) => sql<string>`json_unquote(json_extract(${column}, ${jsonPath(path)}))`,
  textParam: (value) => sql<string>`cast(${value} as binary)`,
  contains: (haystack, needle) => sql<SqlBool>`locate(${needle}, ${haystack}) > 0`,
  startsWith: (text, prefix) => sql<SqlBool>`locate(${prefix}, ${text}) = 1`,
  forceIndex: (indexes) => sql`force index (${sql.join(indexes.map((index) => sql.id(index)))})`,
  roundMoney: (value) => sql<number>`round(${value}, 6)`,
  isUniqueViolation: (error) => driverErrorCode(error).errno === 1062,
  isRetryableConflict: (error) => [1213, 1205].includes(driverErrorCode(error).errno ?? 0),
  isConnectionError: (error) => {
    const { code, errno } = driverErrorCode(error);
    return (
      CONNECTION_CODES.has(code ?? '') ||
      [2002, 2003, 2006, 2013].includes(errno ?? 0) ||
      (error instanceof Error && /closed state|Connection lost/i.test(error.message))
    );
  },
  // kysely's Migrator takes GET_LOCK on MySQL.
  withMigrationLock: (db, work) => work(db),
};
