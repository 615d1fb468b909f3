import type { Expression, Kysely, RawBuilder, SqlBool } from 'kysely';

/** Which SQL family a storage speaks; shared code branches on capabilities, not on this. */
export type DialectName = 'sqlite' | 'postgres' | 'mysql';

/** The JSON type of a value at a path, in Rapport's terms. */
export type JsonKind = 'string' | 'number' | 'boolean';

/**
 * Everything that differs between SQL dialects, in one place: JSON access, binary string
 * comparison, the parameter limit and how driver errors are recognised.
 */
export interface SqlDialect {
  readonly name: DialectName;
  /** Most bound parameters one statement may carry. */
  readonly maxParameters: number;
  /** `INSERT … RETURNING` is available. */
  readonly supportsReturning: boolean;
  /** Text values may not contain NUL (U+0000): PostgreSQL cannot store or compare it. */
  readonly rejectsNul: boolean;
  /** Column type for JSON documents. */
  readonly jsonType: string;
  /** Column type for short identifiers compared byte-wise. */
  idType(length: number): RawBuilder<unknown>;
  /**
   * Suffix of CREATE TABLE for the connected server: charset and collation where needed, and
   * free space per page for tables whose rows are updated in place all the time (`updateHeavy`).
   */
  tableOptions(db: Kysely<unknown>, table?: { updateHeavy?: boolean }): Promise<RawBuilder<unknown> | null>;
  /**
   * A JSON document to bind as a parameter. Throws a `ValidationError` naming `field` when
   * the dialect cannot store the value (NUL on PostgreSQL).
   */
  jsonParam(value: unknown, field?: string): unknown;
  /** Reads a JSON column value as returned by the driver. */
  parseJson(value: unknown): unknown;
  /** True when the JSON value at `path` of `column` has kind `kind` (never NULL). */
  jsonIs(column: Expression<unknown>, path: string[], kind: JsonKind): Expression<SqlBool>;
  /** True when the value at `path` exists and is not JSON null (never NULL). */
  jsonPresent(column: Expression<unknown>, path: string[]): Expression<SqlBool>;
  /** The JSON string at `path` as text, compared byte-wise (code point order). */
  jsonText(column: Expression<unknown>, path: string[]): Expression<string>;
  /** The JSON number at `path` as a double. */
  jsonNumber(column: Expression<unknown>, path: string[]): Expression<number>;
  /** The JSON boolean at `path` as the text `true` or `false`. */
  jsonBooleanText(column: Expression<unknown>, path: string[]): Expression<string>;
  /** A string parameter compared byte-wise with {@link SqlDialect.jsonText}. */
  textParam(value: string): Expression<string>;
  /** True when `haystack` contains `needle` (both byte-wise). */
  contains(haystack: Expression<string>, needle: Expression<string>): Expression<SqlBool>;
  /** True when `text` starts with `prefix` (both byte-wise). */
  startsWith(text: Expression<string>, prefix: Expression<string>): Expression<SqlBool>;
  /**
   * How one UPDATE applies a list of rows: `values-cte` (`WITH v AS (VALUES …) UPDATE … FROM v`,
   * SQLite and PostgreSQL) or `join-union` (`UPDATE t JOIN (SELECT … UNION ALL …) v`, MySQL).
   */
  readonly updateFromStyle: 'values-cte' | 'join-union';
  /** How an insert updates a row that already exists: `on-conflict` or `on-duplicate-key`. */
  readonly upsertStyle: 'on-conflict' | 'on-duplicate-key';
  /** Casts an expression to a 64-bit integer. */
  castInteger(value: Expression<unknown>): Expression<number>;
  /** Casts an expression to a double. */
  castDouble(value: Expression<unknown>): Expression<number>;
  /**
   * Binds a whole column of rows as one array parameter (`unnest`, `= any`): PostgreSQL. Other
   * dialects list rows and values one parameter each.
   */
  readonly arrayParameters: boolean;
  /** A number parameter compared with BIGINT and DOUBLE columns alike. */
  numberParam(value: number): Expression<number>;
  /** `round(value, 6)` for money sums, as a double. */
  roundMoney(value: Expression<number>): Expression<number>;
  /** True for a unique-constraint violation. */
  isUniqueViolation(error: unknown): boolean;
  /** True for a deadlock or serialization failure (the transaction may be retried). */
  isRetryableConflict(error: unknown): boolean;
  /** True when the database cannot be reached or the connection was lost. */
  isConnectionError(error: unknown): boolean;
  /** Runs `work` holding a lock that serialises migrations across processes. */
  withMigrationLock<T>(db: Kysely<unknown>, work: (db: Kysely<unknown>) => Promise<T>): Promise<T>;
}

/** Reads a driver error's code (`SQLITE_…`, PostgreSQL SQLSTATE, MySQL `ER_…`) and errno. */
export function driverErrorCode(error: unknown): { code?: string; errno?: number } {
  if (typeof error !== 'object' || error === null) return {};
  const record = error as { code?: unknown; errno?: unknown };
  return {
    code: typeof record.code === 'string' ? record.code : undefined,
    errno: typeof record.errno === 'number' ? record.errno : undefined,
  };
}
