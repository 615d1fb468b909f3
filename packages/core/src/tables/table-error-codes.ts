/**
 * The stable error codes of plugin tables, in the shape of `CoreErrorCode` (a `const` map),
 * so they join the typed error registry.
 */
export const TableErrorCode = {
  /** A table declaration is malformed (`PluginError`, names the plugin, the table and the field). */
  InvalidDeclaration: 'TABLE_INVALID_DECLARATION',
  /** A repository was asked for a table no plugin declared to this storage. */
  NotRegistered: 'TABLE_NOT_REGISTERED',
  /** A value does not fit its column, or names no column (`ValidationError`, path `[table, column]`). */
  InvalidValue: 'TABLE_INVALID_VALUE',
  /** A where, order, key or cursor is malformed or names an undeclared column (`ValidationError`). */
  InvalidQuery: 'TABLE_INVALID_QUERY',
  /** A write would give two rows the same primary key or unique columns (`ConflictError`). */
  UniqueViolation: 'TABLE_UNIQUE_VIOLATION',
  /**
   * The declaration changed in a way no derived migration may apply (a column removed or
   * retyped, a key changed, a non-null column without a default added): write an explicit migration.
   */
  MigrationRequired: 'TABLE_MIGRATION_REQUIRED',
} as const;

/** One of the codes in {@link TableErrorCode}. */
export type TableErrorCode = (typeof TableErrorCode)[keyof typeof TableErrorCode];
