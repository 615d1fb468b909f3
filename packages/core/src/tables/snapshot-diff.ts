import { RapportError } from '../errors/rapport-error.js';
import type { TableBinding, TableSnapshot } from './table-binding.js';
import { TableErrorCode } from './table-error-codes.js';

/** What a derived migration adds to an existing table. */
export interface TableChanges {
  /** Columns to add: nullable ones, or ones with a default that fills the existing rows. */
  addedColumns: string[];
  addedUnique: string[][];
  addedIndexes: string[][];
}

const listKey = (list: readonly string[]) => list.join(',');

/**
 * Compares the recorded snapshot of a table with its declaration now. Only additions are
 * derived (a column that is nullable or has a default, a unique constraint, an index); any
 * other change fails with `TABLE_MIGRATION_REQUIRED` naming the table and the column, since a
 * declared change adds a migration and never edits one: such a change needs an explicit
 * migration (a `migrations` set of the plugin) and a new table name or version.
 */
export function diffTableSnapshots(binding: TableBinding, recorded: TableSnapshot): TableChanges {
  const table = binding.physicalName;
  const declared = binding.snapshot;
  const refuse = (column: string, reason: string): never => {
    throw new RapportError({
      code: TableErrorCode.MigrationRequired,
      kind: 'internal',
      message: `[${binding.plugin}] table ${binding.declaration.name} (${table}): ${column} ${reason}; a derived migration only adds — write an explicit migration for this change`,
      details: { plugin: binding.plugin, table: binding.declaration.name, column },
    });
  };
  for (const [column, was] of Object.entries(recorded.columns)) {
    const now = declared.columns[column];
    if (!now) refuse(column, 'was removed');
    else if (now.kind !== was.kind) refuse(column, `changed type from ${was.kind} to ${now.kind}`);
    else if (now.nullable !== was.nullable) refuse(column, now.nullable ? 'became nullable' : 'became non-null');
    else if (now.maxLength !== was.maxLength) refuse(column, `changed maxLength from ${was.maxLength} to ${now.maxLength}`);
  }
  if (listKey(recorded.primaryKey) !== listKey(declared.primaryKey))
    refuse('primaryKey', `changed from (${recorded.primaryKey}) to (${declared.primaryKey})`);
  const addedColumns = Object.keys(declared.columns).filter((column) => !recorded.columns[column]);
  for (const column of addedColumns) {
    const spec = binding.specs[column];
    if (spec && !spec.nullable && !spec.hasDefault)
      refuse(column, 'was added as a non-null column without a default, which the existing rows cannot get');
  }
  const added = (was: string[][], now: string[][], what: string): string[][] => {
    const before = new Set(was.map(listKey));
    const after = new Set(now.map(listKey));
    for (const list of was) if (!after.has(listKey(list))) refuse(`${what} (${list})`, 'was removed');
    return now.filter((list) => !before.has(listKey(list)));
  };
  return {
    addedColumns,
    addedUnique: added(recorded.unique, declared.unique, 'unique'),
    addedIndexes: added(recorded.indexes, declared.indexes, 'index'),
  };
}
