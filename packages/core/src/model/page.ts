import { CoreErrorCode } from '../errors/codes.js';
import { ValidationError } from '../errors/error-classes.js';
import { isWellFormed } from '../util/storable.js';

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
  if (typeof cursor !== 'string' || cursor.length > 2048) throw invalidCursor(field);
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as CursorPosition;
  } catch {
    // fall through to the typed error
  }
  throw invalidCursor(field);
}

/** A position after an id (customer lists, segment members). */
export interface IdCursor {
  id: string;
}

/** A position in newest-first time order: after the item at time `t` (epoch ms) with id `id`. */
export interface TimeCursor {
  t: number;
  id: string;
}

/** Decodes an id cursor, or throws `INVALID_CURSOR` when it is not one (a crafted or foreign cursor). */
export function decodeIdCursor(cursor: string, field = 'cursor'): IdCursor {
  const position = decodeCursor(cursor, field);
  if (!isCursorId(position.id)) throw invalidCursor(field);
  return { id: position.id };
}

/** Decodes a time cursor, or throws `INVALID_CURSOR` when it is not one (a crafted or foreign cursor). */
export function decodeTimeCursor(cursor: string, field = 'cursor'): TimeCursor {
  const position = decodeCursor(cursor, field);
  if (!isCursorId(position.id) || typeof position.t !== 'number' || !Number.isSafeInteger(position.t)) throw invalidCursor(field);
  return { t: position.t, id: position.id };
}

function isCursorId(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= 256 && isWellFormed(id) && !id.includes('\u0000');
}

function invalidCursor(field: string): ValidationError {
  return new ValidationError(CoreErrorCode.InvalidCursor, [{ path: [field], message: 'is not a cursor returned by this API' }]);
}
