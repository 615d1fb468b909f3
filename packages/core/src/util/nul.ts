import type { Storage } from '../contracts/storage.js';
import { CoreErrorCode } from '../errors/codes.js';
import { ValidationError } from '../errors/error-classes.js';

/** Where in `value` a string (or an object key) holds NUL (U+0000), or null if nowhere. */
function findNul(value: unknown, path: (string | number)[] = []): (string | number)[] | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findNul(item, [...path, index]);
      if (found) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) return [...path, key];
      const found = findNul(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

/**
 * Rejects input the storage cannot hold, before anything is written: a NUL character where
 * the storage says so, as `STORAGE_UNSUPPORTED_VALUE` naming the field.
 */
export function assertStorable(storage: Storage, value: unknown, path: (string | number)[] = []): void {
  const found = storage.capabilities.rejectsNul ? findNul(value, path) : null;
  if (found) {
    throw new ValidationError(CoreErrorCode.UnsupportedValue, [
      { path: found, message: 'contains a NUL character (U+0000), which this storage cannot hold' },
    ]);
  }
}
