import { ValidationError } from '../errors/error-classes.js';
import type { TableBinding } from './table-binding.js';
import { TableErrorCode } from './table-error-codes.js';
import { checkWhere, type Predicate } from './table-query.js';
import { checkKey, checkPatch, type TableRow } from './table-values.js';

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

/** Checks the options of `get` (shared by every storage): `lock` is a boolean when given. */
export function checkGetOptions(binding: TableBinding, options: unknown): { lock: boolean } {
  if (options === undefined) return { lock: false };
  const table = binding.declaration.name;
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new ValidationError(TableErrorCode.InvalidQuery, [{ path: [table, 'options'], message: 'must be an object' }]);
  const { lock } = options as { lock?: unknown };
  if (lock !== undefined && typeof lock !== 'boolean')
    throw new ValidationError(TableErrorCode.InvalidQuery, [{ path: [table, 'lock'], message: 'must be a boolean' }]);
  return { lock: lock === true };
}

/** Checks the rows of `insertMany`: a list, each row valid; issues name the row index. */
export function checkRowList(table: string, rows: unknown): unknown[] {
  if (!Array.isArray(rows)) throw new ValidationError(TableErrorCode.InvalidValue, [{ path: [table], message: 'rows must be a list' }]);
  return rows;
}

/** One checked change of `updateMany`. */
export interface CheckedUpdate {
  key: TableRow;
  patch: TableRow;
  condition: UpdateCondition;
}

/** Checks one `update` (key, changes, options) as every storage checks it; issues name `[table, column]`. */
export function checkUpdate(binding: TableBinding, key: unknown, changes: unknown, options: unknown, rejectsNul: boolean): CheckedUpdate {
  return {
    key: checkKey(binding, key, rejectsNul),
    patch: checkPatch(binding, changes, rejectsNul),
    condition: checkUpdateOptions(binding, options, rejectsNul),
  };
}

/**
 * Checks the changes of `updateMany` (shared by every storage): a list of `{ key, changes,
 * options? }`, each checked as `update` checks it, no key twice (one call is one write per
 * row). Every issue names the change's index.
 */
export function checkUpdateList(binding: TableBinding, updates: unknown, rejectsNul: boolean): CheckedUpdate[] {
  const table = binding.declaration.name;
  if (!Array.isArray(updates))
    throw new ValidationError(TableErrorCode.InvalidQuery, [{ path: [table], message: 'updates must be a list' }]);
  const seen = new Set<string>();
  // Array.from visits holes too (map skips them), so a sparse list is refused at the hole.
  return Array.from(updates as unknown[], (update: unknown, index) => {
    try {
      if (typeof update !== 'object' || update === null || Array.isArray(update))
        throw new ValidationError(TableErrorCode.InvalidQuery, [
          { path: [table], message: 'must be an object { key, changes, options? }' },
        ]);
      const { key, changes, options } = update as { key?: unknown; changes?: unknown; options?: unknown };
      const checked = checkUpdate(binding, key, changes, options, rejectsNul);
      // A Date by its milliseconds: String(date) drops them, so two instants would look alike.
      const id = JSON.stringify(
        (binding.declaration.primaryKey as readonly string[]).map((name) => {
          const part = checked.key[name];
          return part instanceof Date ? part.getTime() : part;
        }),
      );
      if (seen.has(id))
        throw new ValidationError(TableErrorCode.InvalidQuery, [{ path: [table, 'key'], message: 'is given twice in one updateMany' }]);
      seen.add(id);
      return checked;
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      throw new ValidationError(
        error.code,
        error.issues.map((issue) => ({ ...issue, path: [index, ...issue.path] })),
      );
    }
  });
}
