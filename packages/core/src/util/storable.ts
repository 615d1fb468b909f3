import type { Storage } from '../contracts/storage.js';
import { CoreErrorCode } from '../errors/codes.js';
import { ValidationError, type ValidationIssue } from '../errors/error-classes.js';

/**
 * How deep objects and arrays may nest in a JSON field (traits, interaction properties,
 * consent proof), the field itself counting as the first level: `{ a: { b: 1 } }` is two.
 * MariaDB refuses JSON deeper than 32 levels and SQLite's JSON functions stop at 1,000;
 * 20 leaves room for the storage's own wrapping.
 */
export const MAX_JSON_DEPTH = 20;

/** Largest JSON field (traits, interaction properties, consent proof), in characters of its JSON text. */
export const MAX_JSON_SIZE = 65_536;

/** Most entries (keys of an object, items of an array) any input value may hold. */
export const MAX_ENTRIES = 10_000;

/** How deep any argument may nest outside JSON fields (segment conditions, filters). */
export const MAX_INPUT_DEPTH = 64;

/** Top-level fields of an input that are stored as JSON and get the JSON limits. */
const JSON_FIELDS = new Set(['traits', 'properties', 'proof']);
/** Issues reported at most per call; the walk stops there. */
const MAX_ISSUES = 20;

/** Where a value sits in the input: keys and array indexes, e.g. `['traits', 'address', 0]`. */
export type StorablePath = (string | number)[];
type Path = StorablePath;

/** A JSON field being walked: where it is, and its running size. */
interface JsonField {
  path: Path;
  size: number;
  reported: boolean;
}

/** What one walk shares: the options, the path to the current value (a stack), the issues. */
interface Walk {
  readonly prefix: Path;
  readonly keys: Path;
  readonly issues: ValidationIssue[];
  readonly rejectsNul: boolean;
  readonly maxDepth: number;
}

/** Options of {@link storableIssues}. */
export interface StorableOptions {
  /** Reject NUL (U+0000) in strings and keys (PostgreSQL cannot store it). */
  rejectsNul?: boolean;
  /** Treat the value itself as a JSON field (otherwise only its `traits`, `properties`, `proof`). */
  json?: boolean;
  /** Nesting bound outside JSON fields. Default {@link MAX_INPUT_DEPTH}. */
  maxDepth?: number;
}

/**
 * Every reason `value` cannot be stored losslessly, each with its path: ill-formed strings
 * (lone UTF-16 surrogates) in keys or values, NUL where the storage refuses it, `__proto__`
 * keys (JavaScript objects drop them), non-finite numbers, BigInt, functions, symbols,
 * invalid dates, and nesting or size beyond the documented limits; inside JSON fields also
 * `undefined` in arrays, dates and other non-plain objects. The walk stops at the depth
 * limit, so no input can exhaust the stack.
 */
export function storableIssues(value: unknown, path: Path = [], options: StorableOptions = {}): ValidationIssue[] {
  const walk: Walk = {
    prefix: path,
    keys: [],
    issues: [],
    rejectsNul: options.rejectsNul === true,
    maxDepth: Math.min(options.maxDepth ?? MAX_INPUT_DEPTH, MAX_INPUT_DEPTH),
  };
  visit(walk, value, 0, options.json ? { path, size: 0, reported: false } : null, true);
  return walk.issues;
}

function visit(walk: Walk, value: unknown, depth: number, json: JsonField | null, isRoot: boolean): void {
  if (walk.issues.length >= MAX_ISSUES) return;
  if (json) {
    json.size += sizeOf(value);
    if (json.size > MAX_JSON_SIZE && !json.reported) {
      json.reported = true;
      walk.issues.push({ path: json.path, message: `is larger than ${MAX_JSON_SIZE} characters of JSON` });
    }
  }
  const leafIssue = leafProblem(value, json !== null, walk.rejectsNul);
  if (leafIssue) {
    report(walk, leafIssue);
    return;
  }
  if (typeof value !== 'object' || value === null || value instanceof Date) return;
  const level = depth + 1;
  const limit = json ? MAX_JSON_DEPTH : walk.maxDepth;
  if (level > limit) {
    report(walk, `nests deeper than ${limit} levels of objects and arrays`);
    return;
  }
  const { keys } = walk;
  if (Array.isArray(value)) {
    if (value.length > MAX_ENTRIES) {
      report(walk, `holds ${value.length} entries; at most ${MAX_ENTRIES}`);
      return;
    }
    for (let index = 0; index < value.length; index++) {
      keys.push(index);
      visit(walk, value[index], level, json, false);
      keys.pop();
    }
    return;
  }
  // Own enumerable string keys, `__proto__` included (JSON.parse makes it an own key).
  const names = Object.keys(value);
  if (names.length > MAX_ENTRIES) {
    report(walk, `holds ${names.length} entries; at most ${MAX_ENTRIES}`);
    return;
  }
  for (const name of names) {
    keys.push(name);
    const keyIssue = keyProblem(name, walk.rejectsNul);
    const item = (value as Record<string, unknown>)[name];
    if (keyIssue) report(walk, keyIssue);
    else if (item !== undefined) {
      const field = json === null && isRoot && JSON_FIELDS.has(name);
      if (field) visit(walk, item, 0, { path: [...walk.prefix, ...keys], size: 0, reported: false }, false);
      else visit(walk, item, level, json, false);
    }
    keys.pop();
  }
}

function report(walk: Walk, message: string): void {
  walk.issues.push({ path: [...walk.prefix, ...walk.keys], message });
}

/**
 * Rejects input the storage cannot hold losslessly, before anything is written, with a
 * `ValidationError` naming each bad field (see {@link storableIssues}); a NUL character
 * alone gives the code `STORAGE_UNSUPPORTED_VALUE`, anything else `INVALID_INPUT`.
 */
export function assertStorable(storage: Storage, value: unknown, path: Path = [], options: Omit<StorableOptions, 'rejectsNul'> = {}): void {
  const issues = storableIssues(value, path, { ...options, rejectsNul: storage.capabilities.rejectsNul === true });
  if (issues.length === 0) return;
  const onlyNul = issues.every((issue) => issue.message.includes(NUL_MESSAGE));
  throw new ValidationError(onlyNul ? CoreErrorCode.UnsupportedValue : CoreErrorCode.InvalidInput, issues);
}

/**
 * Checks an id argument: a non-empty, well-formed string without NUL (no stored id has one),
 * or a `ValidationError` naming `field`.
 */
export function assertId(id: unknown, field = 'id'): asserts id is string {
  const problem =
    typeof id !== 'string' || id.length === 0
      ? 'must be a non-empty string'
      : id.length > 256
        ? 'is longer than 256 characters'
        : !isWellFormed(id)
          ? ILL_FORMED_MESSAGE
          : id.includes('\u0000')
            ? 'contains a NUL character (U+0000)'
            : null;
  if (problem) throw new ValidationError(CoreErrorCode.InvalidInput, [{ path: [field], message: problem }]);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `text` is well-formed Unicode: no lone UTF-16 surrogate (`String.prototype.isWellFormed`). */
export function isWellFormed(text: string): boolean {
  const native = (text as { isWellFormed?: () => boolean }).isWellFormed;
  return native ? native.call(text) : !LONE_SURROGATE.test(text);
}

const NUL_MESSAGE = 'contains a NUL character (U+0000)';
const ILL_FORMED_MESSAGE = 'is not well-formed Unicode (it holds a lone UTF-16 surrogate)';

function leafProblem(value: unknown, inJson: boolean, rejectsNul: boolean): string | null {
  switch (typeof value) {
    case 'string':
      if (!isWellFormed(value)) return ILL_FORMED_MESSAGE;
      if (rejectsNul && value.includes('\u0000')) return `${NUL_MESSAGE}, which this storage cannot hold`;
      return null;
    case 'number':
      return Number.isFinite(value) ? null : `must be a finite number, not ${value}`;
    case 'bigint':
      return 'is a BigInt, which JSON cannot hold; pass a number or a string';
    case 'function':
    case 'symbol':
      return `is a ${typeof value}, which cannot be stored`;
    case 'undefined':
      return inJson ? 'is undefined inside an array; use null' : null;
    case 'object':
      if (value === null || Array.isArray(value)) return null;
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) return 'is an invalid Date';
        return inJson ? 'is a Date, which JSON stores as text; pass date.toISOString()' : null;
      }
      if (inJson && !isPlainObject(value)) return 'is not a plain object (a class instance, Map, Set, …), which JSON cannot hold';
      return null;
    default:
      return null;
  }
}

function keyProblem(key: string, rejectsNul: boolean): string | null {
  if (key === '__proto__') return 'is the key "__proto__", which JavaScript objects cannot hold as data';
  if (!isWellFormed(key)) return `the key ${ILL_FORMED_MESSAGE}`;
  if (rejectsNul && key.includes('\u0000')) return `the key ${NUL_MESSAGE}, which this storage cannot hold`;
  return null;
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Characters the value adds to its JSON text, not counting nested values (approximate for numbers). */
function sizeOf(value: unknown): number {
  if (typeof value === 'string') return value.length + 2;
  if (typeof value === 'number') return 24;
  if (Array.isArray(value)) return 2 + value.length;
  if (typeof value === 'object' && value !== null) {
    let size = 2;
    for (const key of Object.keys(value)) size += key.length + 4;
    return size;
  }
  return 5;
}
