import type { AnyColumn } from './column.js';

/** The columns of a table, by name (camelCase; stored snake_case). */
export type TableColumns = Readonly<Record<string, AnyColumn>>;

/** Names of columns of `C`, as strings. */
export type ColumnName<C extends TableColumns> = keyof C & string;

/** What {@link defineTable} takes besides the name. */
export interface TableSpec<
  C extends TableColumns,
  PK extends readonly ColumnName<C>[],
  V extends ColumnName<C> | undefined = ColumnName<C> | undefined,
> {
  /** The columns by name: camelCase letters and digits, starting with a lower-case letter. */
  readonly columns: C;
  /** Columns that identify a row within a tenant (the tenant is always part of the key). */
  readonly primaryKey: PK;
  /** Sets of columns whose values no two rows of a tenant share. */
  readonly unique?: readonly (readonly ColumnName<C>[])[];
  /** Sets of columns to index for `find`, `count` and ordering (the tenant column is always first). */
  readonly indexes?: readonly (readonly ColumnName<C>[])[];
  /**
   * A non-null integer column that counts changes: every update adds one to it, and
   * `update(key, changes, { ifVersion })` applies only while it still holds the expected value.
   */
  readonly version?: V;
}

/**
 * A plugin table as declared: its name within the plugin and its {@link TableSpec}. The
 * storage's physical table is named after the plugin too (see `physicalTableName`), so two
 * plugins may both declare a `tickets` table.
 */
export interface TableDeclaration<
  C extends TableColumns = TableColumns,
  PK extends readonly ColumnName<C>[] = readonly ColumnName<C>[],
  V extends ColumnName<C> | undefined = ColumnName<C> | undefined,
> extends TableSpec<C, PK, V> {
  /** The table's name within its plugin: lower-case letters, digits and single underscores. */
  readonly name: string;
}

/** Any table declaration, whatever its columns. */
// biome-ignore lint/suspicious/noExplicitAny: declarations vary in their columns and keys.
export type AnyTableDeclaration = TableDeclaration<any, any, any>;

/**
 * Declares a plugin table. Pure: the declaration is checked when `createCrm` receives the
 * plugin (in its `tables`), which fails naming the plugin, the table and the field.
 *
 * @example
 * ```ts
 * const tickets = defineTable('tickets', {
 *   columns: {
 *     id: column.text(),
 *     customerId: column.text().customerRef(),
 *     subject: column.text().personal(),
 *     priority: column.integer(),
 *     openedAt: column.timestamp(),
 *     meta: column.json().nullable(),
 *     version: column.integer().default(1),
 *   },
 *   primaryKey: ['id'],
 *   indexes: [['customerId', 'openedAt']],
 *   version: 'version',
 * });
 * ```
 */
export function defineTable<
  const C extends TableColumns,
  const PK extends readonly ColumnName<C>[],
  const V extends ColumnName<C> | undefined = undefined,
>(name: string, spec: TableSpec<C, PK, V>): TableDeclaration<C, PK, V> {
  return { name, ...spec };
}
