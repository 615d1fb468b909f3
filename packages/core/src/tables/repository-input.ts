import { ValidationError } from '../errors/error-classes.js';
import type { TableBinding } from './table-binding.js';
import { TableErrorCode } from './table-error-codes.js';
import { checkWhere, type Predicate } from './table-query.js';

/** A checked `update` condition: the expected version and the extra where. */
export interface UpdateCondition {
  ifVersion: number | null;
  where: Predicate | null;
}

/** Checks the options of `update` (shared by every storage). */
export function checkUpdateOptions(binding: TableBinding, options: unknown, rejectsNul: boolean): UpdateCondition {
  const table = binding.declaration.name;
  if (options === undefined) return { ifVersion: null, where: null };
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new ValidationError(TableErrorCode.InvalidQuery, [{ path: [table, 'options'], message: 'must be an object' }]);
  const { ifVersion, where } = options as { ifVersion?: unknown; where?: unknown };
  if (ifVersion !== undefined) {
    if (binding.declaration.version === undefined)
      throw new ValidationError(TableErrorCode.InvalidQuery, [
        { path: [table, 'ifVersion'], message: `${table} declares no version column` },
      ]);
    if (typeof ifVersion !== 'number' || !Number.isSafeInteger(ifVersion))
      throw new ValidationError(TableErrorCode.InvalidQuery, [{ path: [table, 'ifVersion'], message: 'must be a safe integer' }]);
  }
  return {
    ifVersion: (ifVersion as number | undefined) ?? null,
    where: where === undefined ? null : checkWhere(binding, where, rejectsNul),
  };
}

/** Checks the rows of `insertMany`: a list, each row valid; issues name the row index. */
export function checkRowList(table: string, rows: unknown): unknown[] {
  if (!Array.isArray(rows)) throw new ValidationError(TableErrorCode.InvalidValue, [{ path: [table], message: 'rows must be a list' }]);
  return rows;
}
