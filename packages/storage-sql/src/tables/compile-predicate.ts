import type { ColumnSpec } from '@rapport/core/plugin';
import type { OrderStep, Predicate, TableBinding } from '@rapport/core/storage';
import { type Expression, type SqlBool, sql } from 'kysely';
import type { SqlDialect } from '../dialect/sql-dialect.js';
import { toDb } from './table-column-types.js';

const OPERATORS = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;
const TRUE = sql<SqlBool>`(1 = 1)`;
const FALSE = sql<SqlBool>`(1 = 0)`;

/** What stands for a predicate's value in SQL: by default the value bound as a parameter. */
export type BindValue = (column: string, value: unknown) => Expression<unknown>;

/**
 * Compiles a checked where to SQL; values are always bound (or, with `bindValue`, stand for
 * bound values elsewhere in the statement), columns come from the declaration.
 */
export function compilePredicate(
  binding: TableBinding,
  dialect: SqlDialect,
  predicate: Predicate,
  bindValue?: BindValue,
): Expression<SqlBool> {
  const ref = (column: string) => sql.ref(binding.columns[column] as string);
  const bind: BindValue = bindValue ?? ((column, value) => sql.val(toDb(dialect, binding.specs[column] as ColumnSpec, value)));
  switch (predicate.kind) {
    case 'and':
    case 'or': {
      if (predicate.items.length === 0) return predicate.kind === 'and' ? TRUE : FALSE;
      const parts = predicate.items.map((item) => compilePredicate(binding, dialect, item, bind));
      return sql<SqlBool>`(${sql.join(parts, sql.raw(predicate.kind === 'and' ? ' and ' : ' or '))})`;
    }
    case 'null':
      return predicate.isNull ? sql<SqlBool>`${ref(predicate.column)} is null` : sql<SqlBool>`${ref(predicate.column)} is not null`;
    case 'in':
      if (predicate.values.length === 0) return FALSE;
      return sql<SqlBool>`${ref(predicate.column)} in (${sql.join(predicate.values.map((value) => bind(predicate.column, value)))})`;
    case 'compare':
      return sql<SqlBool>`${ref(predicate.column)} ${sql.raw(OPERATORS[predicate.op])} ${bind(predicate.column, predicate.value)}`;
  }
}

/** The keyset condition of a page: rows after `after` in `order`. */
export function compileAfter(
  binding: TableBinding,
  dialect: SqlDialect,
  order: readonly OrderStep[],
  after: readonly unknown[],
): Expression<SqlBool> {
  const ref = (column: string) => sql.ref(binding.columns[column] as string);
  const bind = (index: number) => sql.val(toDb(dialect, binding.specs[order[index]?.column as string] as ColumnSpec, after[index]));
  const branches = order.map((step, index) => {
    const equal = order.slice(0, index).map((earlier, position) => sql<SqlBool>`${ref(earlier.column)} = ${bind(position)}`);
    const beyond = sql<SqlBool>`${ref(step.column)} ${sql.raw(step.direction === 'asc' ? '>' : '<')} ${bind(index)}`;
    return sql<SqlBool>`(${sql.join([...equal, beyond], sql.raw(' and '))})`;
  });
  return sql<SqlBool>`(${sql.join(branches, sql.raw(' or '))})`;
}
