import { CoreErrorCode } from '../errors/codes.js';
import { ValidationError } from '../errors/error-classes.js';
import { decodeCursor, encodeCursor } from '../model/page.js';
import type { ColumnSpec } from './column.js';
import type { TableBinding } from './table-binding.js';
import { TableErrorCode } from './table-error-codes.js';
import { copyValue, IssueList, type TableRow, valueProblem } from './table-values.js';

/** A comparison operator of a where. */
export type CompareOp = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte';

/** A checked where, as storages compile or evaluate it. */
export type Predicate =
  | { kind: 'and' | 'or'; items: Predicate[] }
  | { kind: 'compare'; column: string; op: CompareOp; value: unknown }
  | { kind: 'in'; column: string; values: unknown[] }
  | { kind: 'null'; column: string; isNull: boolean };

/** One checked order term. */
export interface OrderStep {
  column: string;
  direction: 'asc' | 'desc';
}

/** A checked `find`: the predicate, the full order (key tie-break included), the limit and where the page starts. */
export interface TableQuery {
  where: Predicate;
  order: OrderStep[];
  limit: number;
  /** The order values of the row the page starts after, from the cursor. */
  after: unknown[] | null;
}

const OPERATORS = new Set(['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte', 'isNull']);
const RANGE_KINDS = new Set(['text', 'integer', 'number', 'timestamp']);
const MAX_DEPTH = 16;
const MAX_IN = 1000;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Date) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Checks a where against the declaration: declared columns only, operators the column's
 * kind allows, values of the column's type. Throws one `ValidationError` (`TABLE_INVALID_QUERY`)
 * naming `where.…` paths under the table.
 */
export function checkWhere(binding: TableBinding, where: unknown, rejectsNul: boolean): Predicate {
  const issues = new IssueList();
  const table = binding.declaration.name;
  const walk = (node: unknown, path: (string | number)[], depth: number): Predicate => {
    const all: Predicate = { kind: 'and', items: [] };
    if (node === undefined) return all;
    if (!isPlainObject(node)) {
      issues.add([table, ...path], 'must be an object of column conditions', TableErrorCode.InvalidQuery);
      return all;
    }
    if (depth > MAX_DEPTH) {
      issues.add([table, ...path], `nests deeper than ${MAX_DEPTH} levels`, TableErrorCode.InvalidQuery);
      return all;
    }
    for (const [key, condition] of Object.entries(node)) {
      if (condition === undefined) continue;
      if (key === 'and' || key === 'or') {
        if (!Array.isArray(condition)) {
          issues.add([table, ...path, key], 'must be a list of wheres', TableErrorCode.InvalidQuery);
          continue;
        }
        all.items.push({ kind: key, items: condition.map((item, index) => walk(item, [...path, key, index], depth + 1)) });
        continue;
      }
      const spec = binding.specs[key];
      if (!spec) {
        issues.add([table, ...path, key], `is not a column of ${table}`, TableErrorCode.InvalidQuery);
        continue;
      }
      all.items.push(...columnPredicates(spec, key, condition, [...path, key]));
    }
    return all;
  };
  const columnPredicates = (spec: ColumnSpec, column: string, condition: unknown, path: (string | number)[]): Predicate[] => {
    const value = (op: string, given: unknown): boolean => {
      const found = valueProblem(spec, given, rejectsNul, true);
      if (found)
        issues.add(
          [table, ...path, op],
          found.message,
          found.code === TableErrorCode.InvalidValue ? TableErrorCode.InvalidQuery : found.code,
        );
      return found === null;
    };
    if (!isPlainObject(condition)) {
      if (condition === null) return [{ kind: 'null', column, isNull: true }];
      return value('eq', condition) ? [{ kind: 'compare', column, op: 'eq', value: copyValue(condition) }] : [];
    }
    const out: Predicate[] = [];
    for (const [op, given] of Object.entries(condition)) {
      if (given === undefined) continue;
      if (!OPERATORS.has(op)) {
        issues.add([table, ...path, op], 'is not an operator (eq, neq, in, gt, gte, lt, lte, isNull)', TableErrorCode.InvalidQuery);
        continue;
      }
      if (op === 'isNull') {
        if (typeof given !== 'boolean') issues.add([table, ...path, op], 'must be a boolean', TableErrorCode.InvalidQuery);
        else out.push({ kind: 'null', column, isNull: given });
        continue;
      }
      if (spec.kind === 'json') {
        issues.add([table, ...path, op], 'JSON columns can only be filtered with isNull', TableErrorCode.InvalidQuery);
        continue;
      }
      if (op === 'in') {
        if (!Array.isArray(given) || given.length > MAX_IN) {
          issues.add([table, ...path, op], `must be a list of at most ${MAX_IN} values`, TableErrorCode.InvalidQuery);
          continue;
        }
        const values = given.filter((item, index) => item !== null && value(`${op}[${index}]`, item)).map(copyValue);
        given.forEach((item, index) => {
          if (item === null) issues.add([table, ...path, op, index], 'cannot be null (use isNull)', TableErrorCode.InvalidQuery);
        });
        out.push({ kind: 'in', column, values });
        continue;
      }
      if (op === 'eq' && given === null) {
        out.push({ kind: 'null', column, isNull: true });
        continue;
      }
      if (op !== 'eq' && op !== 'neq' && !RANGE_KINDS.has(spec.kind)) {
        issues.add([table, ...path, op], `cannot compare a ${spec.kind} column by range`, TableErrorCode.InvalidQuery);
        continue;
      }
      if (given === null) {
        issues.add([table, ...path, op], 'cannot be null (use isNull)', TableErrorCode.InvalidQuery);
        continue;
      }
      if (value(op, given)) out.push({ kind: 'compare', column, op: op as CompareOp, value: copyValue(given) });
    }
    return out;
  };
  const predicate = walk(where, ['where'], 0);
  issues.throwIfAny();
  return predicate;
}

/** Checks `orderBy` and appends the primary key (ascending) as the tie-break. */
export function checkOrder(binding: TableBinding, orderBy: unknown): OrderStep[] {
  const table = binding.declaration.name;
  const issues = new IssueList();
  const steps: OrderStep[] = [];
  if (orderBy !== undefined && !Array.isArray(orderBy))
    issues.add([table, 'orderBy'], 'must be a list of { column, direction }', TableErrorCode.InvalidQuery);
  (Array.isArray(orderBy) ? orderBy : []).forEach((term: unknown, index) => {
    const path = [table, 'orderBy', index];
    const { column, direction = 'asc' } = (isPlainObject(term) ? term : {}) as { column?: unknown; direction?: unknown };
    const spec = typeof column === 'string' ? binding.specs[column] : undefined;
    if (typeof column !== 'string' || !spec)
      issues.add([...path, 'column'], `${String(column)} is not a column of ${table}`, TableErrorCode.InvalidQuery);
    else if (spec.nullable || spec.kind === 'json')
      issues.add([...path, 'column'], `${column} is nullable or JSON, which cannot be ordered by`, TableErrorCode.InvalidQuery);
    else if (steps.some((step) => step.column === column))
      issues.add([...path, 'column'], `${column} is ordered by twice`, TableErrorCode.InvalidQuery);
    if (direction !== 'asc' && direction !== 'desc') issues.add([...path, 'direction'], 'must be asc or desc', TableErrorCode.InvalidQuery);
    else if (typeof column === 'string' && spec) steps.push({ column, direction });
  });
  issues.throwIfAny();
  for (const column of binding.declaration.primaryKey as readonly string[])
    if (!steps.some((step) => step.column === column)) steps.push({ column, direction: 'asc' });
  return steps;
}

/** Checks a whole `find`. */
export function checkFind(binding: TableBinding, options: unknown, rejectsNul: boolean): TableQuery {
  const table = binding.declaration.name;
  const given = (options ?? {}) as { where?: unknown; orderBy?: unknown; limit?: unknown; cursor?: unknown };
  if (!isPlainObject(given))
    throw new ValidationError(TableErrorCode.InvalidQuery, [{ path: [table], message: 'find options must be an object' }]);
  const limit = given.limit ?? 50;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new ValidationError(TableErrorCode.InvalidQuery, [{ path: [table, 'limit'], message: 'must be an integer from 1 to 1000' }]);
  const where = checkWhere(binding, given.where, rejectsNul);
  const order = checkOrder(binding, given.orderBy);
  const after = given.cursor === undefined ? null : decodeTableCursor(binding, order, given.cursor, rejectsNul);
  return { where, order, limit, after };
}

const orderSignature = (order: readonly OrderStep[]) => order.map((step) => `${step.column}:${step.direction}`).join(',');

/** The cursor after `row` in `order`: its order values (times as epoch ms) and the order itself. */
export function encodeTableCursor(order: readonly OrderStep[], row: TableRow): string {
  const values = order.map((step) => {
    const value = row[step.column];
    return value instanceof Date ? value.getTime() : value;
  });
  return encodeCursor({ o: orderSignature(order), v: JSON.stringify(values) });
}

function decodeTableCursor(binding: TableBinding, order: readonly OrderStep[], cursor: unknown, rejectsNul: boolean): unknown[] {
  const invalid = () =>
    new ValidationError(CoreErrorCode.InvalidCursor, [
      { path: [binding.declaration.name, 'cursor'], message: 'is not a cursor returned by this find (with the same orderBy)' },
    ]);
  if (typeof cursor !== 'string') throw invalid();
  const position = decodeCursor(cursor, 'cursor');
  if (position.o !== orderSignature(order) || typeof position.v !== 'string') throw invalid();
  let values: unknown;
  try {
    values = JSON.parse(position.v);
  } catch {
    throw invalid();
  }
  if (!Array.isArray(values) || values.length !== order.length) throw invalid();
  return order.map((step, index) => {
    const spec = binding.specs[step.column] as ColumnSpec;
    const raw = values[index];
    const value = spec.kind === 'timestamp' && typeof raw === 'number' ? new Date(raw) : raw;
    if (valueProblem(spec, value, rejectsNul, true) !== null || value === null) throw invalid();
    return value;
  });
}
