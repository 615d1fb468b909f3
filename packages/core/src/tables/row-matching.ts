import { compareCodePoints } from '../segments/compare.js';
import type { ColumnSpec } from './column.js';
import type { TableBinding } from './table-binding.js';
import type { OrderStep, Predicate } from './table-query.js';
import type { TableRow } from './table-values.js';

/**
 * Compares two non-null values of one column as SQL does with Rapport's settings: text by
 * code point (a binary collation), numbers and times numerically, false before true.
 */
export function compareColumnValues(spec: ColumnSpec, a: unknown, b: unknown): number {
  switch (spec.kind) {
    case 'text':
      return compareCodePoints(a as string, b as string);
    case 'timestamp':
      return (a as Date).getTime() - (b as Date).getTime();
    case 'boolean':
      return Number(a) - Number(b);
    default:
      return (a as number) - (b as number);
  }
}

/** Whether a row matches a checked where, with SQL's rule that a null never compares. */
export function matchesPredicate(binding: TableBinding, predicate: Predicate, row: TableRow): boolean {
  switch (predicate.kind) {
    case 'and':
      return predicate.items.every((item) => matchesPredicate(binding, item, row));
    case 'or':
      return predicate.items.some((item) => matchesPredicate(binding, item, row));
    case 'null':
      return (row[predicate.column] === null) === predicate.isNull;
    case 'in': {
      const value = row[predicate.column];
      const spec = binding.specs[predicate.column] as ColumnSpec;
      return value !== null && predicate.values.some((candidate) => compareColumnValues(spec, value, candidate) === 0);
    }
    case 'compare': {
      const value = row[predicate.column];
      if (value === null) return false;
      const diff = compareColumnValues(binding.specs[predicate.column] as ColumnSpec, value, predicate.value);
      switch (predicate.op) {
        case 'eq':
          return diff === 0;
        case 'neq':
          return diff !== 0;
        case 'gt':
          return diff > 0;
        case 'gte':
          return diff >= 0;
        case 'lt':
          return diff < 0;
        default:
          return diff <= 0;
      }
    }
  }
}

/** Orders rows by checked order steps. */
export function compareRows(binding: TableBinding, order: readonly OrderStep[], a: TableRow, b: TableRow): number {
  for (const step of order) {
    const diff = compareColumnValues(binding.specs[step.column] as ColumnSpec, a[step.column], b[step.column]);
    if (diff !== 0) return step.direction === 'asc' ? diff : -diff;
  }
  return 0;
}

/** Whether `row` comes after the cursor position `after` in `order`. */
export function isAfter(binding: TableBinding, order: readonly OrderStep[], row: TableRow, after: readonly unknown[]): boolean {
  const position: TableRow = {};
  order.forEach((step, index) => {
    position[step.column] = after[index];
  });
  return compareRows(binding, order, row, position) > 0;
}
