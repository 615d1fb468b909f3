import type { Scalar } from '../model/segment-definition.js';

/**
 * Orders strings by Unicode code point, the order SQL gives with a binary collation
 * (`COLLATE "C"`, `utf8mb4_bin`, SQLite's BINARY). JavaScript's `<` orders by UTF-16 code
 * unit, which differs for characters beyond the Basic Multilingual Plane.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const [x, y] = [a.charCodeAt(index), b.charCodeAt(index)];
    if (x === y) continue;
    // A surrogate is half of a character above U+FFFF: after every character of one unit.
    const [sx, sy] = [x >= 0xd800 && x <= 0xdfff, y >= 0xd800 && y <= 0xdfff];
    if (sx !== sy) return sx ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
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
