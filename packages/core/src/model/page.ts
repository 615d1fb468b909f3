import { CoreErrorCode } from '../errors/codes.js';
import { ValidationError } from '../errors/error-classes.js';

/** One page of a cursor-paginated list. */
export interface Page<T> {
  items: T[];
  /** Pass to the next call to get the following page; `null` on the last page. */
  nextCursor: string | null;
}

/** The position a cursor points after, decoded. Storage decides what the fields mean. */
export type CursorPosition = Record<string, string | number>;

/** Encodes a position as an opaque, URL-safe cursor. */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** Decodes a cursor made by {@link encodeCursor}, naming the field if it is not one. */
export function decodeCursor(cursor: string, field = 'cursor'): CursorPosition {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as CursorPosition;
  } catch {
    // fall through to the typed error
  }
  throw new ValidationError(CoreErrorCode.InvalidCursor, [{ path: [field], message: 'is not a cursor returned by this API' }]);
}
