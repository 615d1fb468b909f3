import { ConflictError, CoreErrorCode, isRapportError, RapportError, UnavailableError } from '@rapport/core';
import type { SqlDialect } from './dialect/sql-dialect.js';

/** Error codes raised by `@rapport/storage-sql`. */
export const StorageErrorCode = {
  Unavailable: 'STORAGE_UNAVAILABLE',
  Conflict: 'STORAGE_CONFLICT',
  Failed: 'STORAGE_QUERY_FAILED',
  MigrationFailed: 'STORAGE_MIGRATION_FAILED',
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
