import { isRapportError, type RapportErrorCode } from '@rapport/core';
import { StorageErrorCode } from '@rapport/storage-sql';
import { describe, expectTypeOf, it } from 'vitest';

describe('storage-sql error codes in the registry', () => {
  it('adds its codes to RapportErrorCode by declaration merging, with their details', () => {
    expectTypeOf<'STORAGE_UNAVAILABLE'>().toExtend<RapportErrorCode>();
    expectTypeOf<'STORAGE_MIGRATION_FAILED'>().toExtend<RapportErrorCode>();
    expectTypeOf(StorageErrorCode.Conflict).toEqualTypeOf<'STORAGE_CONFLICT'>();
    const error: unknown = undefined;
    if (isRapportError(error, StorageErrorCode.MigrationFailed)) {
      expectTypeOf(error.details).toEqualTypeOf<{ namespace: string; migration: string }>();
      expectTypeOf(error.kind).toEqualTypeOf<'unavailable'>();
    }
    // @ts-expect-error: not a storage-sql code
    isRapportError(error, 'STORAGE_UNAVAILABLEE');
  });
});
