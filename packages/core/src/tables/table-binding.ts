import { PluginError } from '../errors/error-classes.js';
import { COLUMN_KINDS, type ColumnSpec, TEXT_MAX_LENGTH_LIMIT } from './column.js';
import type { AnyTableDeclaration } from './define-table.js';
import { physicalColumnName, physicalTableName, pluginSlug } from './physical-names.js';
import { TableErrorCode } from './table-error-codes.js';
import { valueProblem } from './table-values.js';

/**
 * A declaration as a storage receives it from `createCrm`: checked, bound to its plugin, with
 * its physical names and a normalised snapshot (what a migration compares).
 */
export interface TableBinding {
  readonly plugin: string;
  readonly declaration: AnyTableDeclaration;
  /** See `physicalTableName`. */
  readonly physicalName: string;
  /** Column name → its {@link ColumnSpec}. */
  readonly specs: Readonly<Record<string, ColumnSpec>>;
  /** Column name → physical column name (snake_case). */
  readonly columns: Readonly<Record<string, string>>;
  readonly snapshot: TableSnapshot;
}

/** The storage-relevant shape of a declaration, normalised (sorted lists) and JSON-safe. */
export interface TableSnapshot {
  columns: Record<string, { kind: string; nullable: boolean; maxLength: number | null }>;
  primaryKey: string[];
  unique: string[][];
  indexes: string[][];
}

const TABLE_NAME = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
const COLUMN_NAME = /^[a-z][a-zA-Z0-9]*$/;
const RESERVED = new Set(['tenantId', 'and', 'or']);
/** Longest physical table name, so that `<name>_u_<8 hex>` index names fit PostgreSQL's 63. */
const MAX_PHYSICAL = 50;
/** InnoDB's widest index key, and what the tenant column (varchar(128), utf8mb4) takes of it. */
const MAX_KEY_BYTES = 3072;
const TENANT_KEY_BYTES = 512;
const MAX_COLUMNS = 200;

/**
 * Checks a plugin's table declarations and binds them to the plugin. Any problem fails with
 * a `PluginError` (`TABLE_INVALID_DECLARATION`, kind `invalid_input`) naming the plugin, the
 * table and the field.
 */
export function bindPluginTables(plugin: string, declarations: readonly AnyTableDeclaration[]): TableBinding[] {
  const fail = (table: string, field: string, reason: string): never => {
    throw new PluginError(
      TableErrorCode.InvalidDeclaration,
      plugin,
      `table ${table}: ${field} ${reason}`,
      { table, field },
      undefined,
      'invalid_input',
    );
  };
  if (!Array.isArray(declarations)) fail('(tables)', 'tables', 'must be an array of defineTable(…) declarations');
  if (!pluginSlug(plugin)) fail('(tables)', 'name', 'must contain a letter or digit to name its tables after');
  const seen = new Set<string>();
  return declarations.map((declaration, index) => {
    const name = typeof declaration?.name === 'string' ? declaration.name : `#${index}`;
    if (!TABLE_NAME.test(name) || name.length > 40)
      fail(name, 'name', 'must be 1-40 characters: lower-case letters, digits and single underscores, starting with a letter');
    if (seen.has(name)) fail(name, 'name', 'is declared twice by this plugin');
    seen.add(name);
    const physicalName = physicalTableName(plugin, name);
    if (physicalName.length > MAX_PHYSICAL)
      fail(name, 'name', `makes the physical name ${physicalName} longer than ${MAX_PHYSICAL} characters`);
    const columns = declaration.columns as Record<string, unknown> | undefined;
    if (typeof columns !== 'object' || columns === null || Object.keys(columns).length === 0)
      fail(name, 'columns', 'must declare at least one column');
    if (Object.keys(columns as object).length > MAX_COLUMNS) fail(name, 'columns', `may hold at most ${MAX_COLUMNS} columns`);
    const specs: Record<string, ColumnSpec> = {};
    for (const [columnName, value] of Object.entries(columns as Record<string, unknown>)) {
      const field = `columns.${columnName}`;
      if (!COLUMN_NAME.test(columnName) || columnName.length > 48)
        fail(name, field, 'must be a camelCase name of 1-48 letters and digits, starting with a lower-case letter');
      if (RESERVED.has(columnName)) fail(name, field, 'is reserved (the tenant column, or a where keyword)');
      const spec = (value as { spec?: ColumnSpec } | null)?.spec;
      if (!spec || !COLUMN_KINDS.includes(spec.kind))
        fail(
          name,
          field,
          `has an unknown type "${String(spec?.kind)}" (use column.text(), .integer(), .number(), .boolean(), .timestamp() or .json())`,
        );
      const checked = spec as ColumnSpec;
      if (
        checked.kind === 'text' &&
        (!Number.isSafeInteger(checked.maxLength) || (checked.maxLength ?? 0) < 1 || (checked.maxLength ?? 0) > TEXT_MAX_LENGTH_LIMIT)
      )
        fail(name, `${field}.maxLength`, `must be an integer from 1 to ${TEXT_MAX_LENGTH_LIMIT}`);
      if (checked.customerRef && checked.kind !== 'text') fail(name, field, 'is a customer reference, which must be a text column');
      if (checked.hasDefault) {
        const found = valueProblem(checked, checked.defaultValue, false);
        if (found) fail(name, `${field}.default`, found.message);
      }
      specs[columnName] = checked;
    }
    const keyList = (value: unknown, field: string): string[] => {
      if (!Array.isArray(value) || value.length === 0) return fail(name, field, 'must list at least one column');
      const list = value as unknown[];
      list.forEach((column) => {
        if (typeof column !== 'string' || !Object.hasOwn(specs, column))
          fail(name, field, `names an undeclared column "${String(column)}"`);
        if (specs[column as string]?.kind === 'json') fail(name, field, `cannot include the JSON column "${String(column)}"`);
      });
      if (new Set(list).size !== list.length) fail(name, field, 'lists a column twice');
      const bytes = TENANT_KEY_BYTES + list.reduce<number>((sum, column) => sum + (specs[column as string]?.maxLength ?? 2) * 4, 0);
      if (bytes > MAX_KEY_BYTES)
        fail(
          name,
          field,
          `is ${bytes} bytes wide with the tenant column; keys hold at most ${MAX_KEY_BYTES} on MySQL/MariaDB (lower the text columns' maxLength)`,
        );
      return list as string[];
    };
    const primaryKey = keyList(declaration.primaryKey, 'primaryKey');
    for (const column of primaryKey) if (specs[column]?.nullable) fail(name, 'primaryKey', `includes the nullable column "${column}"`);
    const listOfLists = (value: unknown, field: string): string[][] => {
      if (value === undefined) return [];
      if (!Array.isArray(value)) return fail(name, field, 'must be a list of column lists');
      return (value as unknown[]).map((entry, position) => keyList(entry, `${field}[${position}]`));
    };
    const unique = listOfLists(declaration.unique, 'unique');
    const indexes = listOfLists(declaration.indexes, 'indexes');
    if (declaration.version !== undefined) {
      const version = specs[declaration.version as string];
      if (!version) fail(name, 'version', `names an undeclared column "${String(declaration.version)}"`);
      if (version?.kind !== 'integer' || version.nullable) fail(name, 'version', 'must be a non-null integer column');
      if (primaryKey.includes(declaration.version as string)) fail(name, 'version', 'cannot be part of the primary key');
    }
    const sortLists = (lists: string[][]) => lists.map((list) => [...list]).sort((a, b) => (a.join(',') < b.join(',') ? -1 : 1));
    const snapshot: TableSnapshot = {
      columns: Object.fromEntries(
        Object.keys(specs)
          .sort()
          .map((column) => {
            const spec = specs[column] as ColumnSpec;
            return [column, { kind: spec.kind, nullable: spec.nullable, maxLength: spec.maxLength }];
          }),
      ),
      primaryKey: [...primaryKey],
      unique: sortLists(unique),
      indexes: sortLists(indexes),
    };
    return {
      plugin,
      declaration,
      physicalName,
      specs,
      columns: Object.fromEntries(Object.keys(specs).map((column) => [column, physicalColumnName(column)])),
      snapshot,
    };
  });
}

/**
 * Binds the tables of every plugin and refuses two tables with one physical name (plugins
 * whose names reduce to the same text, see `physicalTableName`).
 */
export function bindAllTables(plugins: readonly { name: string; tables?: readonly AnyTableDeclaration[] | undefined }[]): TableBinding[] {
  const bindings: TableBinding[] = [];
  const owners = new Map<string, string>();
  for (const plugin of plugins) {
    for (const binding of bindPluginTables(plugin.name, plugin.tables ?? [])) {
      const owner = owners.get(binding.physicalName);
      if (owner !== undefined) {
        throw new PluginError(
          TableErrorCode.InvalidDeclaration,
          plugin.name,
          `table ${binding.declaration.name}: name gives the physical name ${binding.physicalName}, which plugin ${owner} already uses`,
          { table: binding.declaration.name, field: 'name' },
          undefined,
          'invalid_input',
        );
      }
      owners.set(binding.physicalName, plugin.name);
      bindings.push(binding);
    }
  }
  return bindings;
}
