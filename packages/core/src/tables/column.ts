/** The kinds of value a plugin table column holds. */
export type ColumnKind = 'text' | 'integer' | 'number' | 'boolean' | 'timestamp' | 'json';

/** Every column kind, for checks at run time. */
export const COLUMN_KINDS: readonly ColumnKind[] = ['text', 'integer', 'number', 'boolean', 'timestamp', 'json'];

/** Default and largest `maxLength` of a text column, in characters (UTF-16 code units). */
export const TEXT_DEFAULT_MAX_LENGTH = 255;
/** The largest `maxLength` a text column may declare. */
export const TEXT_MAX_LENGTH_LIMIT = 1_000_000;

/** What a column is, as the storage and the validators see it (no TypeScript types). */
export interface ColumnSpec {
  readonly kind: ColumnKind;
  /** The column may hold `null`; inserts may leave it out (it becomes `null`). */
  readonly nullable: boolean;
  /** Whether {@link ColumnSpec.defaultValue} is set: inserts may leave the column out. */
  readonly hasDefault: boolean;
  /** The value an insert that leaves the column out stores. */
  readonly defaultValue: unknown;
  /** The column holds personal data (PII): privacy export and erasure reach it. */
  readonly personal: boolean;
  /** The column holds the id of a core customer (the row belongs to that customer). */
  readonly customerRef: boolean;
  /** Longest text a `text` column accepts, in UTF-16 code units (null for other kinds). */
  readonly maxLength: number | null;
}

/**
 * A column declaration: its {@link ColumnSpec} plus phantom TypeScript types — `T` the value,
 * `N` whether it is nullable, `D` whether it has a default — which `RowOf` and `InsertOf`
 * read. Every method returns a new column; a column is never changed in place, so one
 * declared column can be reused in several tables.
 */
export class Column<T, N extends boolean = false, D extends boolean = false> {
  /** Phantom field carrying the types; never set at run time. */
  declare readonly _types: { value: T; nullable: N; hasDefault: D };

  constructor(
    /** What the column is, for the storages and validators. */
    readonly spec: ColumnSpec,
  ) {}

  /** The column may hold `null` (and inserts may leave it out). */
  nullable(): Column<T, true, D> {
    return new Column({ ...this.spec, nullable: true });
  }

  /** The value stored when an insert leaves the column out; checked like any value at `createCrm`. */
  default(value: T): Column<T, N, true> {
    return new Column({ ...this.spec, hasDefault: true, defaultValue: value });
  }

  /** Marks the column as personal data (PII), for privacy export and erasure. */
  personal(): Column<T, N, D> {
    return new Column({ ...this.spec, personal: true });
  }

  /** Marks a text column as holding a core customer id: the row belongs to that customer. */
  customerRef(): Column<T, N, D> {
    return new Column({ ...this.spec, customerRef: true });
  }
}

/** Any column, whatever its types. */
// biome-ignore lint/suspicious/noExplicitAny: the phantom types vary per column.
export type AnyColumn = Column<any, boolean, boolean>;

const base = (kind: ColumnKind, maxLength: number | null = null): ColumnSpec => ({
  kind,
  nullable: false,
  hasDefault: false,
  defaultValue: undefined,
  personal: false,
  customerRef: false,
  maxLength,
});

/** Options of a text column. */
export interface TextColumnOptions {
  /**
   * Longest value accepted, in UTF-16 code units; longer values are refused on every storage.
   * Keys and indexes on MySQL/MariaDB hold at most 3,072 bytes, so keep key columns short.
   * @default 255
   */
  maxLength?: number;
}

/**
 * Column builders for {@link defineTable}. Each makes a non-null column without a default;
 * chain `.nullable()`, `.default(v)`, `.personal()`, `.customerRef()`.
 *
 * @example
 * ```ts
 * const columns = { id: column.text(), priority: column.integer().default(3), meta: column.json<{ tags: string[] }>().nullable() };
 * ```
 */
export const column = {
  /** A string (stored as text; compared by code point, case-sensitive). */
  text: (options: TextColumnOptions = {}): Column<string> => new Column(base('text', options.maxLength ?? TEXT_DEFAULT_MAX_LENGTH)),
  /** A safe integer (a 64-bit integer column). */
  integer: (): Column<number> => new Column(base('integer')),
  /** A finite floating-point number (a double). */
  number: (): Column<number> => new Column(base('number')),
  /** `true` or `false`. */
  boolean: (): Column<boolean> => new Column(base('boolean')),
  /** A `Date`, stored as epoch milliseconds like core's times. */
  timestamp: (): Column<Date> => new Column(base('timestamp')),
  /** Any JSON value (objects, arrays, strings, numbers, booleans), stored as JSON text; `T` types it. */
  json: <T = unknown>(): Column<T> => new Column(base('json')),
} as const;
