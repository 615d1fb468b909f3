import { type Expression, type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';

/** Which SQL family a storage speaks; shared code branches on capabilities, not on this. */
export type DialectName = 'sqlite' | 'postgres' | 'mysql';

/** One key of a JSON object built in SQL: a constant name and the expression it holds. */
export type JsonField = readonly [name: string, value: Expression<unknown>];

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
  /**
   * A WITH clause may hold an `UPDATE … RETURNING` that runs whether or not the main statement
   * reads it (PostgreSQL), so two writes can share one statement and one round trip.
   */
  readonly writableCte: boolean;
  /**
   * A condition that, added to the WHERE of a statement run on its own, lets that statement's
   * transaction commit without waiting for its log to reach the disk (`synchronous_commit =
   * off` for that transaction only, PostgreSQL). Only for writes that are harmless to lose in a
   * server crash because they are redone; null where there is no such per-transaction switch.
   */
  readonly relaxedCommit: RawBuilder<SqlBool> | null;
  /**
   * The clause that locks the rows a SELECT reads until the transaction ends: `for no key
   * update` on PostgreSQL (it does not block the key-share locks that foreign-key checks
   * take), `for update` on MySQL; null on SQLite, whose write transactions already run one
   * at a time.
   */
  readonly rowLock: 'for update' | 'for no key update' | null;
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
  /**
   * An index may cover only the rows a WHERE clause picks (PostgreSQL, SQLite), so rows that
   * leave it (a finished job) stop costing index writes. MySQL indexes every row.
   */
  readonly partialIndexes: boolean;
  /** A number parameter compared with BIGINT and DOUBLE columns alike. */
  numberParam(value: number): Expression<number>;
  /**
   * A whole number of milliseconds compared with a BIGINT time column. Bound as an integer
   * where the type matters (PostgreSQL), so an index on the column can serve the comparison:
   * compared with a double, the column itself is cast and the index is only filtered.
   */
  timeParam(value: number): Expression<number>;
  /**
   * A hint, written after a table's alias, that the table is read only through one of
   * `indexes` (`force index (…)` on MySQL and MariaDB, whose plans follow table statistics
   * that can be stale); left out where the planner needs no such help.
   */
  forceIndex?(indexes: readonly string[]): RawBuilder<unknown>;
  /** `round(value, 6)` for money sums, as a double. */
  roundMoney(value: Expression<number>): Expression<number>;
  /** True for a unique-constraint violation. */
  isUniqueViolation(error: unknown): boolean;
  /** True for a deadlock or serialization failure (the transaction may be retried). */
  isRetryableConflict(error: unknown): boolean;
  /** True when the database cannot be reached or the connection was lost. */
  isConnectionError(error: unknown): boolean;
  /**
   * Aggregates the rows of a query into one JSON array of objects (`[]` for none), sorted by
   * `orderBy`; the keys are constants of Rapport's own. Absent where the dialect cannot order
   * an aggregate (MySQL 8), which then reads a profile one repository at a time.
   */
  jsonRowArray?(fields: readonly JsonField[], orderBy: RawBuilder<unknown>): RawBuilder<unknown>;
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

/** `'name', value, …` for a JSON object constructor; names are Rapport's constants, never input. */
export function jsonObjectArguments(fields: readonly JsonField[]): RawBuilder<unknown> {
  return sql.join(fields.map(([name, value]) => sql`${sql.lit(name)}, ${value}`));
}
