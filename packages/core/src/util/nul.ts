import type { Storage } from '../contracts/storage.js';
import { CoreErrorCode } from '../errors/codes.js';
import { ValidationError } from '../errors/error-classes.js';

/** Where in `value` a string (or an object key) holds NUL (U+0000), or null if nowhere. */
export function findNul(value: unknown, path: (string | number)[] = []): (string | number)[] | null {
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

/** Throws `STORAGE_UNSUPPORTED_VALUE` naming the field when `value` holds a NUL character anywhere. */
export function rejectNul(value: unknown, path: (string | number)[] = []): void {
  const found = findNul(value, path);
  if (found) {
    throw new ValidationError(CoreErrorCode.UnsupportedValue, [
      { path: found, message: 'contains a NUL character (U+0000), which this storage cannot hold' },
    ]);
  }
}

/** Rejects input the storage cannot hold, before anything is written: NUL where it says so. */
export function assertStorable(storage: Storage, value: unknown, path: (string | number)[] = []): void {
  if (storage.capabilities.rejectsNul) rejectNul(value, path);
}
