import type { Scalar } from '../model/segment-definition.js';

/**
 * Orders strings by Unicode code point, the order SQL gives with a binary collation
 * (`COLLATE "C"`, `utf8mb4_bin`, SQLite's BINARY). JavaScript's `<` orders by UTF-16 code
 * unit, which differs for characters beyond the Basic Multilingual Plane.
 */
export function compareCodePoints(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  const length = Math.min(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const diff = (left[i]?.codePointAt(0) ?? 0) - (right[i]?.codePointAt(0) ?? 0);
    if (diff !== 0) return diff;
  }
  return left.length - right.length;
}

/**
 * Compares a stored value with a condition's scalar. Values of different JSON types never
 * match (the string "5" is not the number 5), so every storage can give the same answer.
 * Returns null when the types differ.
 */
export function compareScalars(stored: unknown, wanted: Scalar): number | null {
  if (typeof stored !== typeof wanted) return null;
  if (typeof wanted === 'number') return (stored as number) - wanted;
  if (typeof wanted === 'string') return compareCodePoints(stored as string, wanted);
  return stored === wanted ? 0 : 1;
}
