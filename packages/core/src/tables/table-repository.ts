import type { Page } from '../model/page.js';
import type { AnyTableDeclaration } from './define-table.js';
import type {
  FindOptions,
  GetOptions,
  InsertOf,
  KeyOf,
  PatchOf,
  RowOf,
  TableUpdate,
  TableWhere,
  UpdateOptions,
  UpdateResult,
} from './table-types.js';

/**
 * The rows of one plugin table for one tenant, from `TenantStore.table(declaration)`. Every
 * read and write is scoped to the tenant; obtained from the store a transaction passes to its
 * work, it joins that transaction. Values are checked against the declared columns before
 * anything is written: a bad one is a `ValidationError` naming `table.column` and the reason.
 */
export interface TableRepository<T extends AnyTableDeclaration> {
  /** The declaration the repository serves. */
  readonly declaration: T;
  /** Stores a row and returns it with defaults filled in. A taken key is a `ConflictError` (`TABLE_UNIQUE_VIOLATION`). */
  insert(row: InsertOf<T>): Promise<RowOf<T>>;
  /**
   * Stores rows all at once or none: one bad row fails the call naming its index, one taken
   * key (or two rows of the call sharing one) fails it with `TABLE_UNIQUE_VIOLATION`.
   */
  insertMany(rows: readonly InsertOf<T>[]): Promise<void>;
  /** The row with this primary key, or null; with `lock`, locked until the transaction ends. */
  get(key: KeyOf<T>, options?: GetOptions): Promise<RowOf<T> | null>;
  /** Rows matching `where`, in `orderBy` order, one page at a time. */
  find(options?: FindOptions<T>): Promise<Page<RowOf<T>>>;
  /** How many rows match `where`. */
  count(where?: TableWhere<T>): Promise<number>;
  /**
   * Changes the row with this key, if it exists and matches `options` (its version, a
   * condition). Adds one to the version column when the table has one.
   */
  update(key: KeyOf<T>, changes: PatchOf<T>, options?: UpdateOptions<T>): Promise<UpdateResult<T>>;
  /**
   * Applies each change as `update` would (its own values and condition), all or none, and
   * returns one result per change in order. Where the dialect returns changed rows
   * (PostgreSQL, SQLite) changes of the same columns are one statement, so a worker marking
   * a batch of rows pays one round trip, not one a row. A bad change fails the call naming its
   * index; one key twice is an error.
   */
  updateMany(updates: readonly TableUpdate<T>[]): Promise<UpdateResult<T>[]>;
  /**
   * Inserts the row, or, when its primary key is taken, overwrites the row's other columns
   * with the given ones (adding one to the version). Concurrent upserts of one key leave one
   * row. Another unique column clashing is a `ConflictError`.
   */
  upsert(row: InsertOf<T>): Promise<RowOf<T>>;
  /** Deletes the row with this key; false if there was none. */
  delete(key: KeyOf<T>): Promise<boolean>;
}
