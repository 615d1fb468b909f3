import { CoreErrorCode } from '../errors/codes.js';
import { ValidationError, type ValidationIssue } from '../errors/error-classes.js';
import type { RapportErrorCode } from '../errors/error-code-registry.js';
import { isWellFormed, storableIssues } from '../util/storable.js';
import type { ColumnSpec } from './column.js';
import type { TableBinding } from './table-binding.js';
import { TableErrorCode } from './table-error-codes.js';

/** A row as the storages pass it around: column name → value (`Date` for timestamps). */
export type TableRow = Record<string, unknown>;

/** Why a value cannot be stored in a column, or null when it can. */
export interface ValueProblem {
  message: string;
  /** `STORAGE_UNSUPPORTED_VALUE` when only this storage refuses it (NUL on PostgreSQL). */
  code: RapportErrorCode;
}

const problem = (message: string, code: RapportErrorCode = TableErrorCode.InvalidValue): ValueProblem => ({ message, code });

/**
 * Checks one value against a column. `forQuery` relaxes what only matters when storing (the
 * length limit): a where value may be anything the column could be compared with.
 */
export function valueProblem(spec: ColumnSpec, value: unknown, rejectsNul: boolean, forQuery = false): ValueProblem | null {
  if (value === null || value === undefined) return spec.nullable || forQuery ? null : problem('must not be null');
  switch (spec.kind) {
    case 'text': {
      if (typeof value !== 'string') return problem(`must be a string, got ${describe(value)}`);
      if (!isWellFormed(value)) return problem('is not well-formed UTF-16 (a lone surrogate)');
      if (rejectsNul && value.includes('\u0000'))
        return problem('contains a NUL character (U+0000), which this storage cannot store', CoreErrorCode.UnsupportedValue);
      if (!forQuery && spec.maxLength !== null && value.length > spec.maxLength)
        return problem(`is longer than ${spec.maxLength} characters`);
      return null;
    }
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value) ? null : problem(`must be a safe integer, got ${describe(value)}`);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : problem(`must be a finite number, got ${describe(value)}`);
    case 'boolean':
      return typeof value === 'boolean' ? null : problem(`must be a boolean, got ${describe(value)}`);
    case 'timestamp':
      return value instanceof Date && !Number.isNaN(value.getTime()) ? null : problem(`must be a valid Date, got ${describe(value)}`);
    case 'json': {
      if (forQuery) return problem('JSON columns can only be filtered with isNull');
      const issues = storableIssues(value, [], { json: true });
      return issues.length === 0 ? null : problem(`is not storable JSON: ${issues[0]?.message ?? 'unknown reason'}`);
    }
    default:
      return problem(`has an unknown column type "${String((spec as { kind: unknown }).kind)}"`);
  }
}

function describe(value: unknown): string {
  if (value instanceof Date) return 'an invalid Date';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return String(value);
  return typeof value;
}

/** Collects issues and throws one `ValidationError` for all of them (the first problem's code). */
export class IssueList {
  /** The issues so far (at most 20 are kept). */
  readonly issues: ValidationIssue[] = [];
  private code: RapportErrorCode = TableErrorCode.InvalidValue;

  /** Records an issue; the first one's `code` becomes the error's. */
  add(path: (string | number)[], message: string, code?: RapportErrorCode): void {
    if (this.issues.length === 0 && code) this.code = code;
    if (this.issues.length < 20) this.issues.push({ path, message });
  }

  /** Throws the `ValidationError` of every issue recorded, if there is one. */
  throwIfAny(): void {
    if (this.issues.length > 0) throw new ValidationError(this.code, this.issues);
  }
}

/** A copy of a value, so callers never share a reference with the stored row. */
export function copyValue(value: unknown): unknown {
  // -0 as 0: every SQL storage reads a stored -0 back as 0, so memory keeps it the same way.
  if (value === 0) return 0;
  return value instanceof Date ? new Date(value.getTime()) : value !== null && typeof value === 'object' ? structuredClone(value) : value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Checks a row to insert and completes it: nullable columns left out become null, columns
 * with a default get it. Issues are reported at `[...prefix, table, column]`.
 */
export function checkInsertRow(
  binding: TableBinding,
  row: unknown,
  rejectsNul: boolean,
  issues: IssueList,
  prefix: (string | number)[] = [],
  /** Copy the values (a storage that keeps them, like memory's); SQL storages serialise them anyway. */
  copyValues = true,
): TableRow {
  const table = binding.declaration.name;
  const out: TableRow = {};
  if (!isPlainObject(row)) {
    issues.add([...prefix, table], 'must be an object of column values');
    return out;
  }
  for (const key in row) {
    if (!Object.hasOwn(binding.specs, key)) issues.add([...prefix, table, key], `is not a column of ${table}`);
  }
  for (const [name, spec] of specEntries(binding)) {
    let value = row[name];
    if (value === undefined) {
      if (spec.hasDefault) value = spec.defaultValue;
      else if (spec.nullable) value = null;
      else {
        issues.add([...prefix, table, name], 'is required');
        continue;
      }
    }
    const found = valueProblem(spec, value, rejectsNul);
    if (found) issues.add([...prefix, table, name], found.message, found.code);
    else out[name] = copyValues ? copyValue(value) : value;
  }
  return out;
}

const entriesCache = new WeakMap<TableBinding, [string, ColumnSpec][]>();
/** The binding's columns as entries, made once (inserts of many rows walk them per row). */
function specEntries(binding: TableBinding): [string, ColumnSpec][] {
  let entries = entriesCache.get(binding);
  if (!entries) {
    entries = Object.entries(binding.specs);
    entriesCache.set(binding, entries);
  }
  return entries;
}

/** Checks the changes of an update: declared columns only, never the key or the version. */
export function checkPatch(binding: TableBinding, changes: unknown, rejectsNul: boolean): TableRow {
  const table = binding.declaration.name;
  const issues = new IssueList();
  const out: TableRow = {};
  if (!isPlainObject(changes)) {
    issues.add([table], 'changes must be an object of column values');
    issues.throwIfAny();
  }
  for (const [name, value] of Object.entries(changes as Record<string, unknown>)) {
    const spec = binding.specs[name];
    if (!spec) issues.add([table, name], `is not a column of ${table}`);
    else if (binding.declaration.primaryKey.includes(name)) issues.add([table, name], 'is part of the primary key and cannot be updated');
    else if (binding.declaration.version === name) issues.add([table, name], 'is the version column, which counts updates itself');
    else if (value !== undefined) {
      const found = valueProblem(spec, value, rejectsNul);
      if (found) issues.add([table, name], found.message, found.code);
      else out[name] = copyValue(value);
    }
  }
  issues.throwIfAny();
  return out;
}

/** Checks a primary key: exactly the key columns, each a valid value. */
export function checkKey(binding: TableBinding, key: unknown, rejectsNul: boolean): TableRow {
  const table = binding.declaration.name;
  const issues = new IssueList();
  const out: TableRow = {};
  if (!isPlainObject(key)) {
    issues.add([table], 'the key must be an object of the primary key columns', TableErrorCode.InvalidQuery);
    issues.throwIfAny();
  }
  const given = key as Record<string, unknown>;
  for (const name of Object.keys(given)) {
    if (!binding.declaration.primaryKey.includes(name))
      issues.add([table, name], `is not a primary key column of ${table}`, TableErrorCode.InvalidQuery);
  }
  for (const name of binding.declaration.primaryKey as readonly string[]) {
    const spec = binding.specs[name] as ColumnSpec;
    const found =
      given[name] === undefined || given[name] === null
        ? { message: 'is required in the key', code: TableErrorCode.InvalidQuery }
        : valueProblem(spec, given[name], rejectsNul, true);
    if (found)
      issues.add([table, name], found.message, found.code === TableErrorCode.InvalidValue ? TableErrorCode.InvalidQuery : found.code);
    else out[name] = copyValue(given[name]);
  }
  issues.throwIfAny();
  return out;
}

/** The key columns of a row, in the declared order. */
export function keyOf(binding: TableBinding, row: TableRow): TableRow {
  const key: TableRow = {};
  for (const name of binding.declaration.primaryKey as readonly string[]) key[name] = row[name];
  return key;
}
