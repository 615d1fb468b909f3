import { compareCodePoints } from '../segments/compare.js';

/**
 * Orders two primary keys column by column: Dates by their time, numbers by value, text by
 * code point (as PostgreSQL's `collate "C"` key indexes and UTF-8 bytes order it, not by
 * UTF-16 unit as `<` does: the two disagree between U+E000–U+FFFF and characters above
 * U+FFFF). Every locker of a table's rows takes them in this order, so none waits on another
 * in a cycle.
 */
export function compareKeys(
  primaryKey: readonly string[],
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, unknown>>,
): number {
  for (const name of primaryKey) {
    const order = compareKeyParts(a[name], b[name]);
    if (order !== 0) return order;
  }
  return 0;
}

function compareKeyParts(left: unknown, right: unknown): number {
  const [x, y] = [left instanceof Date ? left.getTime() : left, right instanceof Date ? right.getTime() : right];
  if (typeof x === 'string' && typeof y === 'string') return compareCodePoints(x, y);
  if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : x > y ? 1 : 0;
  // Ill-typed parts (a bad key the write itself will refuse) only need some fixed order.
  const [p, q] = [String(x), String(y)];
  return p < q ? -1 : p > q ? 1 : 0;
}
