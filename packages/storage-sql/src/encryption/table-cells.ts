import { ValidationError, type ValidationIssue } from '@rapport/core';
import type { ColumnSpec } from '@rapport/core/plugin';
import {
  EncryptionErrorCode,
  type FieldLocation,
  type OrderStep,
  type Predicate,
  type TableBinding,
  type TableRow,
} from '@rapport/core/storage';
import type { SqlContext } from '../repositories/sql-context.js';
import { fromDb, isIndexed } from '../tables/table-column-types.js';
import type { StorageEncryption } from './storage-encryption.js';

/**
 * The encrypted cells of one plugin table: its personal `text` and `json` columns that are in
 * no key or index (a key or indexed column must compare in SQL, so it stays plaintext; so do
 * numbers, booleans and times, whose column types cannot hold a ciphertext). Each cell is
 * bound to its table, column and the row's primary key.
 */
export class TableCells {
  private constructor(
    private readonly encryption: StorageEncryption,
    private readonly tenantId: string,
    private readonly binding: TableBinding,
    /** Logical names of the encrypted columns. */
    readonly columns: ReadonlySet<string>,
  ) {}

  /** The cells of `binding` for the context's tenant, or undefined when none is encrypted. */
  static of(ctx: SqlContext, binding: TableBinding): TableCells | undefined {
    if (!ctx.encryption) return undefined;
    const columns = Object.entries(binding.specs)
      .filter(
        ([name, spec]) => spec.personal && !spec.customerRef && (spec.kind === 'text' || spec.kind === 'json') && !isIndexed(binding, name),
      )
      .map(([name]) => name);
    return columns.length > 0 ? new TableCells(ctx.encryption, ctx.tenantId, binding, new Set(columns)) : undefined;
  }

  /** The driver value of column `name` of `row` as stored: encrypted when it is an encrypted cell. */
  seal(row: TableRow, name: string, driverValue: unknown): unknown {
    if (!this.columns.has(name) || driverValue === null || driverValue === undefined) return driverValue;
    return this.encryption.sealCell(this.location(row, name), String(driverValue));
  }

  /** A value read from column `name` → the driver value before encryption. `keyRow` holds the row's key. */
  open(keyRow: TableRow, name: string, stored: unknown): unknown {
    if (!this.columns.has(name) || stored === null || stored === undefined) return stored;
    return this.encryption.openCell(this.location(keyRow, name), String(stored));
  }

  /** Refuses a where or order that compares an encrypted column (`is null` still works). */
  assertQueryable(predicate: Predicate | undefined, order: readonly OrderStep[] = []): void {
    const issues: ValidationIssue[] = [];
    const table = this.binding.declaration.name;
    const refuse = (column: string, what: string) =>
      issues.push({ path: [table, column], message: `column "${column}" is encrypted at rest, so it cannot be ${what}` });
    const walk = (node: Predicate): void => {
      if (node.kind === 'and' || node.kind === 'or') node.items.forEach(walk);
      else if ((node.kind === 'compare' || node.kind === 'in') && this.columns.has(node.column)) refuse(node.column, 'compared');
    };
    if (predicate) walk(predicate);
    for (const step of order) if (this.columns.has(step.column)) refuse(step.column, 'ordered by');
    if (issues.length > 0) throw new ValidationError(EncryptionErrorCode.FieldNotQueryable, issues);
  }

  /**
   * For the re-encryption job: the cells of a stored row (physical names) that are plaintext or
   * under an old key, re-encrypted under the primary key; empty when the row is current.
   */
  reseal(stored: Record<string, unknown>): Record<string, string> {
    const keyRow: TableRow = {};
    for (const name of this.binding.declaration.primaryKey as readonly string[])
      keyRow[name] = fromDb(this.binding.specs[name] as ColumnSpec, stored[this.binding.columns[name] as string]);
    const changes: Record<string, string> = {};
    const cipher = this.encryption.fields;
    for (const name of this.columns) {
      const physical = this.binding.columns[name] as string;
      const value = stored[physical];
      if (value === null || value === undefined || !cipher.isStale(String(value))) continue;
      changes[physical] = this.encryption.sealCell(this.location(keyRow, name), this.open(keyRow, name, value) as string);
    }
    return changes;
  }

  private location(row: TableRow, name: string): FieldLocation {
    const key = (this.binding.declaration.primaryKey as readonly string[]).map((column) => {
      const value = row[column];
      return value instanceof Date ? value.getTime() : value;
    });
    return {
      tenantId: this.tenantId,
      table: this.binding.physicalName,
      column: this.binding.columns[name] as string,
      rowId: JSON.stringify(key),
    };
  }
}
