import { defineErrorCodes, type ErrorCodeEntries, errorDetails } from '../errors/define-error-codes.js';
import type { ValidationDetails } from '../errors/error-classes.js';

/** The plugin-table codes with their kinds and details types. */
const tableErrorCodes = {
  /** A table declaration is malformed (`PluginError`, names the plugin, the table and the field). */
  InvalidDeclaration: {
    code: 'TABLE_INVALID_DECLARATION',
    kind: 'invalid_input',
    details: errorDetails<{ plugin: string } & Record<string, unknown>>(),
  },
  /** A repository was asked for a table no plugin declared to this storage. */
  NotRegistered: { code: 'TABLE_NOT_REGISTERED', kind: 'invalid_input', details: errorDetails<Record<string, unknown>>() },
  /** A value does not fit its column, or names no column (`ValidationError`, path `[table, column]`). */
  InvalidValue: { code: 'TABLE_INVALID_VALUE', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
  /** A where, order, key or cursor is malformed or names an undeclared column (`ValidationError`). */
  InvalidQuery: { code: 'TABLE_INVALID_QUERY', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
  /** A write would give two rows the same primary key or unique columns (`ConflictError`). */
  UniqueViolation: { code: 'TABLE_UNIQUE_VIOLATION', kind: 'conflict', details: errorDetails<Record<string, unknown>>() },
  /**
   * The declaration changed in a way no derived migration may apply (a column removed or
   * retyped, a key changed, a non-null column without a default added): write an explicit migration.
   */
  MigrationRequired: { code: 'TABLE_MIGRATION_REQUIRED', kind: 'internal', details: errorDetails<Record<string, unknown>>() },
} as const;

/** Plugin tables' entries in the error-code registry (`RapportErrorCodes`), keyed by code. */
export type TableErrorCodeEntries = ErrorCodeEntries<typeof tableErrorCodes>;

/**
 * The stable error codes of plugin tables (`TableErrorCode.UniqueViolation` is
 * `'TABLE_UNIQUE_VIOLATION'`), registered with core's.
 */
export const TableErrorCode = defineErrorCodes('@rapport/core', tableErrorCodes);

/** One of the codes in {@link TableErrorCode}. */
export type TableErrorCode = (typeof TableErrorCode)[keyof typeof TableErrorCode];
