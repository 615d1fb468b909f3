import type { Column } from './column.js';
import type { AnyTableDeclaration } from './define-table.js';

/** The columns of table `T`. */
export type ColumnsOf<T extends AnyTableDeclaration> = T['columns'];
/** The value a column `C` holds: its type, or `null` too where it is nullable. */
export type ValueOf<C> = C extends Column<infer V, infer N, boolean> ? (N extends true ? V | null : V) : never;
/** Whether an insert may leave column `C` out (it is nullable or has a default). */
export type IsOptional<C> = C extends Column<unknown, infer N, infer D> ? (N extends true ? true : D extends true ? true : false) : false;
/** Flattens an intersection into one object type, so editors show rows as plain objects. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** A stored row of table `T`: every column, `null` where the column is nullable. */
export type RowOf<T extends AnyTableDeclaration> = Simplify<{ -readonly [K in keyof ColumnsOf<T>]: ValueOf<ColumnsOf<T>[K]> }>;

/** What `insert` takes for table `T`: nullable columns and columns with a default may be left out. */
export type InsertOf<T extends AnyTableDeclaration> = Simplify<
  { -readonly [K in keyof ColumnsOf<T> as IsOptional<ColumnsOf<T>[K]> extends true ? never : K]: ValueOf<ColumnsOf<T>[K]> } & {
    -readonly [K in keyof ColumnsOf<T> as IsOptional<ColumnsOf<T>[K]> extends true ? K : never]?: ValueOf<ColumnsOf<T>[K]>;
  }
>;

/** The primary key of a row of table `T`. */
export type KeyOf<T extends AnyTableDeclaration> = Simplify<Pick<RowOf<T>, T['primaryKey'][number] & keyof RowOf<T>>>;

/** What `update` may change in a row of table `T`: any column but the key (and the version, which counts itself). */
export type PatchOf<T extends AnyTableDeclaration> = Simplify<Partial<Omit<RowOf<T>, T['primaryKey'][number] | NonNullable<T['version']>>>>;

/**
 * A condition on one column holding `V`: a value (equality; `null` matches null) or an object
 * of operators, all of which must hold. `neq` and the ranges never match a null, as in SQL.
 */
export type ColumnCondition<V> =
  | V
  | null
  | {
      eq?: V | null;
      neq?: V;
      in?: readonly V[];
      gt?: V;
      gte?: V;
      lt?: V;
      lte?: V;
      isNull?: boolean;
    };

/** A typed filter on rows of table `T`: column conditions (all must hold) and `and` / `or` groups. */
export type TableWhere<T extends AnyTableDeclaration> = {
  [K in keyof RowOf<T>]?: ColumnCondition<NonNullable<RowOf<T>[K]>>;
} & {
  and?: readonly TableWhere<T>[];
  or?: readonly TableWhere<T>[];
};

/** One term of an order: a column, ascending unless `direction` says otherwise. */
export interface OrderTerm<T extends AnyTableDeclaration> {
  column: keyof RowOf<T> & string;
  direction?: 'asc' | 'desc';
}

/** What `find` takes. */
export interface FindOptions<T extends AnyTableDeclaration> {
  where?: TableWhere<T>;
  /**
   * The order (non-null, non-JSON columns); the primary key, ascending, always follows as the
   * tie-break, so pages are stable. Default: the primary key.
   */
  orderBy?: readonly OrderTerm<T>[];
  /** Rows per page, 1-1000. @default 50 */
  limit?: number;
  /** The `nextCursor` of the previous page, from a `find` with the same `orderBy`. */
  cursor?: string;
}

/** Options of `TableRepository.get`. */
export interface GetOptions {
  /**
   * Inside a transaction, lock the row until the transaction ends (`FOR UPDATE` on MySQL, `FOR
   * NO KEY UPDATE` on PostgreSQL), so what is read stays true until the transaction writes on
   * it: a read-modify-write that cannot interleave with another writer's. Storages that run
   * write transactions one at a time (SQLite, memory) only read, as does a call outside a
   * transaction.
   */
  lock?: boolean;
}

/** What `update` takes besides the key and the changes. */
export interface UpdateOptions<T extends AnyTableDeclaration> {
  /** Apply only if the version column still holds this value (optimistic concurrency). */
  ifVersion?: number;
  /** Apply only if the stored row matches this filter too. */
  where?: TableWhere<T>;
}

/** One change of `updateMany`: the row's key, the columns to change, and `update`'s options. */
export interface TableUpdate<T extends AnyTableDeclaration> {
  readonly key: KeyOf<T>;
  readonly changes: PatchOf<T>;
  readonly options?: UpdateOptions<T>;
}

/** The outcome of a conditional write: whether it applied, and the row as stored afterwards. */
export interface UpdateResult<T extends AnyTableDeclaration> {
  /** False when no row has the key, or its version or condition did not match. */
  applied: boolean;
  /** The row after the update when it applied, otherwise the row as it is (null if none). */
  row: RowOf<T> | null;
}
