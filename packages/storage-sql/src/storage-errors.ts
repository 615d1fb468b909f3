import { ConflictError, CoreErrorCode, isRapportError, RapportError, UnavailableError } from '@rapport/core';
import { defineErrorCodes, type ErrorCodeEntries, errorDetails } from '@rapport/core/plugin';
import type { SqlDialect } from './dialect/sql-dialect.js';

/** The codes `@rapport/storage-sql` declares, with their kinds and details types. */
const storageSqlErrorCodes = {
  /** `pluginTableSql` was given a tenant store that is not an `@rapport/storage-sql` one. */
  NotSql: { code: 'STORAGE_NOT_SQL', kind: 'invalid_input', details: errorDetails() },
  Unavailable: { code: 'STORAGE_UNAVAILABLE', kind: 'unavailable', details: errorDetails<{ operation: string }>() },
  Failed: { code: 'STORAGE_QUERY_FAILED', kind: 'internal', details: errorDetails<{ operation: string }>() },
  MigrationFailed: {
    code: 'STORAGE_MIGRATION_FAILED',
    kind: 'unavailable',
    details: errorDetails<{ namespace: string; migration: string }>(),
  },
  /** Re-encryption was asked of a storage opened without the `encryption` option. */
  NotEncrypted: { code: 'STORAGE_NOT_ENCRYPTED', kind: 'invalid_input', details: errorDetails() },
} as const;

declare module '@rapport/core' {
  /** `@rapport/storage-sql`'s codes in the error-code registry. */
  interface RapportErrorCodes extends ErrorCodeEntries<typeof storageSqlErrorCodes> {}
}

/**
 * Error codes raised by `@rapport/storage-sql`. `Conflict` and `UnsupportedValue` are core's
 * codes (core retries on the one and names the field for the other, whatever the storage).
 */
export const StorageErrorCode = {
  ...defineErrorCodes('@rapport/storage-sql', storageSqlErrorCodes),
  Conflict: CoreErrorCode.StorageConflict,
  UnsupportedValue: CoreErrorCode.UnsupportedValue,
} as const;

/**
 * Turns a driver error into a Rapport error: a lost or refused connection is `unavailable`,
 * a deadlock or serialization failure is a retryable `conflict`, anything else `internal`.
 * The driver error is kept as `cause`; Rapport errors pass through.
 */
export function wrapDriverError(error: unknown, dialect: SqlDialect, operation: string): RapportError {
  if (isRapportError(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && /driver has already been destroyed/.test(error.message)) {
    return new UnavailableError(StorageErrorCode.Unavailable, `${operation} failed: the ${dialect.name} storage was closed`, error, {
      operation,
    });
  }
  if (dialect.isConnectionError(error)) {
    return new UnavailableError(StorageErrorCode.Unavailable, `${dialect.name} is unavailable during ${operation}: ${reason}`, error, {
      operation,
    });
  }
  if (dialect.isRetryableConflict(error)) {
    return new ConflictError(StorageErrorCode.Conflict, `${operation} collided with a concurrent change; retry it`, { operation }, error);
  }
  return new RapportError({
    code: StorageErrorCode.Failed,
    kind: 'internal',
    message: `${operation} failed on ${dialect.name}: ${reason}`,
    details: { operation },
    cause: error,
  });
}
