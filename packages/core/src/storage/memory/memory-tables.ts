import { ConflictError } from '../../errors/error-classes.js';
import type { Page } from '../../model/page.js';
import type { AnyTableDeclaration } from '../../tables/define-table.js';
import { type CheckedUpdate, checkGetOptions, checkRowList, checkUpdate, checkUpdateList } from '../../tables/repository-input.js';
import { compareRows, isAfter, matchesPredicate } from '../../tables/row-matching.js';
import type { TableBinding } from '../../tables/table-binding.js';
import { TableErrorCode } from '../../tables/table-error-codes.js';
import { checkFind, checkWhere, encodeTableCursor } from '../../tables/table-query.js';
import type { TableRepository } from '../../tables/table-repository.js';
import type {
  FindOptions,
  GetOptions,
  InsertOf,
  KeyOf,
  PatchOf,
  RowOf,
  TableUpdate,
  TableWhere,
  UpdateOptions,
  UpdateResult,
} from '../../tables/table-types.js';
import { checkInsertRow, checkKey, copyValue, IssueList, keyOf, type TableRow } from '../../tables/table-values.js';
import type { MemoryContext, MemoryState } from './memory-state.js';

const copyRow = (row: TableRow): TableRow => Object.fromEntries(Object.entries(row).map(([name, value]) => [name, copyValue(value)]));
const encodeValue = (value: unknown) => (value instanceof Date ? value.getTime() : value);

/** The rows of one plugin table for one tenant, in memory; same rules as the SQL storages. */
export class MemoryTableRepository<T extends AnyTableDeclaration> implements TableRepository<T> {
  readonly declaration: T;

  constructor(
    private readonly ctx: MemoryContext,
    private readonly binding: TableBinding,
  ) {
    this.declaration = binding.declaration as T;
  }

  async insert(row: InsertOf<T>): Promise<RowOf<T>> {
    const issues = new IssueList();
    const checked = checkInsertRow(this.binding, row, false, issues);
    issues.throwIfAny();
    return this.ctx.exec((state) => {
      this.assertFree(state, [checked]);
      this.rows(state).set(this.rowKey(checked), copyRow(checked));
      return copyRow(checked) as RowOf<T>;
    });
  }

  async insertMany(rows: readonly InsertOf<T>[]): Promise<void> {
    const issues = new IssueList();
    const checked = checkRowList(this.binding.declaration.name, rows).map((row, index) =>
      checkInsertRow(this.binding, row, false, issues, [index]),
    );
    issues.throwIfAny();
    await this.ctx.exec((state) => {
      this.assertFree(state, checked);
      const table = this.rows(state);
      for (const row of checked) table.set(this.rowKey(row), copyRow(row));
    });
  }

  async get(key: KeyOf<T>, options?: GetOptions): Promise<RowOf<T> | null> {
    const checked = checkKey(this.binding, key, false);
    // Memory runs one write transaction at a time: a lock has nothing to add to the read.
    checkGetOptions(this.binding, options);
    return this.ctx.exec((state) => {
      const row = this.rows(state).get(this.rowKey(checked));
      return row ? (copyRow(row) as RowOf<T>) : null;
    });
  }

  async find(options: FindOptions<T> = {}): Promise<Page<RowOf<T>>> {
    const query = checkFind(this.binding, options, false);
    return this.ctx.exec((state) => {
      const matching = this.tenantRows(state)
        .filter((row) => matchesPredicate(this.binding, query.where, row))
        .filter((row) => query.after === null || isAfter(this.binding, query.order, row, query.after))
        .sort((a, b) => compareRows(this.binding, query.order, a, b));
      const items = matching.slice(0, query.limit).map((row) => copyRow(row) as RowOf<T>);
      const last = items.at(-1);
      return { items, nextCursor: matching.length > query.limit && last ? encodeTableCursor(query.order, last as TableRow) : null };
    });
  }

  async count(where?: TableWhere<T>): Promise<number> {
    const predicate = checkWhere(this.binding, where, false);
    return this.ctx.exec((state) => this.tenantRows(state).filter((row) => matchesPredicate(this.binding, predicate, row)).length);
  }

  async update(key: KeyOf<T>, changes: PatchOf<T>, options?: UpdateOptions<T>): Promise<UpdateResult<T>> {
    const checked = checkUpdate(this.binding, key, changes, options, false);
    return (await this.apply([checked]))[0] as UpdateResult<T>;
  }

  async updateMany(updates: readonly TableUpdate<T>[]): Promise<UpdateResult<T>[]> {
    return this.apply(checkUpdateList(this.binding, updates, false));
  }

  /** Applies checked updates all or none, each only if its row matches its version and condition. */
  private apply(checked: readonly CheckedUpdate[]): Promise<UpdateResult<T>[]> {
    const version = this.binding.declaration.version as string | undefined;
    return this.ctx.exec((state) => {
      const table = this.rows(state);
      const changed: { before: TableRow; after: TableRow }[] = [];
      const results = checked.map(({ key, patch, condition }): UpdateResult<T> => {
        const stored = table.get(this.rowKey(key));
        if (!stored) return { applied: false, row: null };
        const versionMatches = condition.ifVersion === null || (version !== undefined && stored[version] === condition.ifVersion);
        if (!versionMatches || (condition.where && !matchesPredicate(this.binding, condition.where, stored)))
          return { applied: false, row: copyRow(stored) as RowOf<T> };
        const next = this.patched(stored, patch);
        changed.push({ before: stored, after: next });
        return { applied: true, row: copyRow(next) as RowOf<T> };
      });
      // All or none: every change is checked before any is stored.
      this.assertFreeInTurn(state, changed);
      for (const { after } of changed) table.set(this.rowKey(after), after);
      return results;
    });
  }

  async upsert(row: InsertOf<T>): Promise<RowOf<T>> {
    const issues = new IssueList();
    const checked = checkInsertRow(this.binding, row, false, issues);
    issues.throwIfAny();
    const given = new Set(Object.keys(row as object).filter((name) => (row as Record<string, unknown>)[name] !== undefined));
    const key = this.binding.declaration.primaryKey as readonly string[];
    return this.ctx.exec((state) => {
      const table = this.rows(state);
      const stored = table.get(this.rowKey(checked));
      if (!stored) {
        this.assertFree(state, [checked]);
        table.set(this.rowKey(checked), copyRow(checked));
        return copyRow(checked) as RowOf<T>;
      }
      const patch = Object.fromEntries(
        Object.entries(checked).filter(([name]) => given.has(name) && !key.includes(name) && name !== this.binding.declaration.version),
      );
      const next = this.patched(stored, patch);
      this.assertFree(state, [next], this.rowKey(stored));
      table.set(this.rowKey(next), next);
      return copyRow(next) as RowOf<T>;
    });
  }

  async delete(key: KeyOf<T>): Promise<boolean> {
    const checked = checkKey(this.binding, key, false);
    return this.ctx.exec((state) => this.rows(state).delete(this.rowKey(checked)));
  }

  /** Re-points the customer reference columns holding `fromId` to `toId` (merges); the version is left alone. */
  reassignCustomer(fromId: string, toId: string): Promise<number> {
    const columns = Object.entries(this.binding.specs)
      .filter(([, spec]) => spec.customerRef)
      .map(([name]) => name);
    if (columns.length === 0) return Promise.resolve(0);
    return this.ctx.exec((state) => {
      const table = this.rows(state);
      const moving = this.tenantRows(state).filter((row) => columns.some((column) => row[column] === fromId));
      const next = moving.map((row) => {
        const copy = copyRow(row);
        for (const column of columns) if (copy[column] === fromId) copy[column] = toId;
        return copy;
      });
      const keys = new Set(moving.map((row) => this.rowKey(row)));
      const others = new Map([...table].filter(([key]) => !keys.has(key)));
      this.assertFree({ ...state, tables: new Map([[this.binding.physicalName, others]]) }, next);
      // The reference may be part of the key: drop the old keys before writing the new ones.
      for (const key of keys) table.delete(key);
      for (const row of next) table.set(this.rowKey(row), row);
      return next.length;
    });
  }

  private patched(stored: TableRow, patch: TableRow): TableRow {
    const next = { ...copyRow(stored), ...copyRow(patch) };
    const version = this.binding.declaration.version as string | undefined;
    if (version !== undefined) next[version] = (stored[version] as number) + 1;
    return next;
  }

  private rows(state: MemoryState): Map<string, TableRow> {
    let table = state.tables.get(this.binding.physicalName);
    if (!table) {
      table = new Map();
      state.tables.set(this.binding.physicalName, table);
    }
    return table;
  }

  private tenantRows(state: MemoryState): TableRow[] {
    const prefix = `${this.ctx.tenantId}\u0000`;
    return [...this.rows(state).entries()].filter(([key]) => key.startsWith(prefix)).map(([, row]) => row);
  }

  private rowKey(row: TableRow): string {
    return `${this.ctx.tenantId}\u0000${JSON.stringify(Object.values(keyOf(this.binding, row)).map(encodeValue))}`;
  }

  /**
   * Refuses changes whose unique columns another row holds at the moment the change applies,
   * the changes applying in turn as SQL checks an UPDATE row by row: two rows swapping a
   * unique value clash, as they do on every SQL storage.
   */
  private assertFreeInTurn(state: MemoryState, changes: readonly { before: TableRow; after: TableRow }[]): void {
    if (changes.length === 0) return;
    const constraints = (this.binding.declaration.unique ?? []) as readonly (readonly string[])[];
    const rows = this.tenantRows(state);
    for (const columns of constraints) {
      const signature = (row: TableRow): string | null =>
        columns.some((column) => row[column] === null) ? null : JSON.stringify(columns.map((column) => encodeValue(row[column])));
      const holder = new Map<string, string>();
      for (const row of rows) {
        const value = signature(row);
        if (value !== null) holder.set(value, this.rowKey(row));
      }
      for (const { before, after } of changes) {
        const key = this.rowKey(after);
        const [old, next] = [signature(before), signature(after)];
        if (next !== null && holder.has(next) && holder.get(next) !== key) {
          throw new ConflictError(
            TableErrorCode.UniqueViolation,
            `${this.binding.declaration.name}: another row has the same ${columns.join(', ')}`,
            {
              table: this.binding.declaration.name,
              columns: [...columns],
            },
          );
        }
        if (old !== null && holder.get(old) === key) holder.delete(old);
        if (next !== null) holder.set(next, key);
      }
    }
  }

  /**
   * Refuses rows whose key or unique columns another row of the tenant (or an earlier row of
   * `rows`) holds; `replacing` is the key of the row being rewritten. A null never clashes, as in SQL.
   */
  private assertFree(state: MemoryState, rows: readonly TableRow[], replacing?: string | ReadonlySet<string>): void {
    const constraints = [
      this.binding.declaration.primaryKey as readonly string[],
      ...((this.binding.declaration.unique ?? []) as readonly (readonly string[])[]),
    ];
    const replaced = typeof replacing === 'string' ? new Set([replacing]) : (replacing ?? new Set<string>());
    const existing = this.tenantRows(state).filter((row) => !replaced.has(this.rowKey(row)));
    for (const columns of constraints) {
      const signature = (row: TableRow): string | null =>
        columns.some((column) => row[column] === null) ? null : JSON.stringify(columns.map((column) => encodeValue(row[column])));
      const taken = new Set<string>();
      for (const row of existing) {
        const value = signature(row);
        if (value !== null) taken.add(value);
      }
      for (const row of rows) {
        const value = signature(row);
        if (value === null) continue;
        if (taken.has(value)) {
          throw new ConflictError(
            TableErrorCode.UniqueViolation,
            `${this.binding.declaration.name}: another row has the same ${columns.join(', ')}`,
            {
              table: this.binding.declaration.name,
              columns: [...columns],
            },
          );
        }
        taken.add(value);
      }
    }
  }
}
