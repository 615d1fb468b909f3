import type { IdGenerator } from '@rapport/core';

/**
 * Predictable ids (`prefix-000001`, `prefix-000002`, …) that sort in creation order, like
 * the UUIDv7 ids Rapport makes by default.
 */
export function sequentialIds(prefix = 'id'): IdGenerator {
  let counter = 0;
  return { next: () => `${prefix}-${String(++counter).padStart(6, '0')}` };
}
