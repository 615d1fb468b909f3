import { ConflictError, isRapportError, type Page } from '@rapport/core';
import {
  type AnyTableDeclaration,
  type ColumnSpec,
  type FindOptions,
  type InsertOf,
  type KeyOf,
  type PatchOf,
  type RowOf,
  TableErrorCode,
  type TableRepository,
  type TableWhere,
  type UpdateOptions,
  type UpdateResult,
} from '@rapport/core/plugin';
import {
  checkFind,
  checkInsertRow,
  checkKey,
  checkPatch,
  checkRowList,
  checkUpdateOptions,
  checkWhere,
  encodeTableCursor,
  IssueList,
  type TableBinding,
  type TableRow,
} from '@rapport/core/storage';
import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import { type ArrayColumn, unnestRows, unnestSelect } from '../array-rows.js';
import { TableCells } from '../encryption/table-cells.js';
import { atomically, chunksFor, type SqlContext } from '../repositories/sql-context.js';
import { wrapDriverError } from '../storage-errors.js';
import { compileAfter, compilePredicate } from './compile-predicate.js';
import { fromDb, toDb } from './table-column-types.js';

// biome-ignore lint/suspicious/noExplicitAny: plugin tables are not in the Kysely schema type.
type AnyDb = Kysely<any>;
type DbRow = Record<string, unknown>;

const ARRAY_TYPES: Record<string, ArrayColumn<DbRow>['type']> = {
  text: 'text',
  integer: 'bigint',
  timestamp: 'bigint',
  number: 'float8',
  boolean: 'boolean',
  json: 'text',
};

/** The rows of one plugin table for one tenant in SQL. */
export class SqlTableRepository<T extends AnyTableDeclaration> implements TableRepository<T> {
  readonly declaration: T;
  private readonly table: string;
  private readonly key: readonly string[];
  private readonly rejectsNul: boolean;
  /** The encrypted cells, when the storage encrypts and the table has personal columns. */
  private readonly cells: TableCells | undefined;

  constructor(
    private readonly ctx: SqlContext,
    private readonly binding: TableBinding,
  ) {
    this.declaration = binding.declaration as T;
    this.table = binding.physicalName;
    this.key = binding.declaration.primaryKey as readonly string[];
    this.rejectsNul = ctx.dialect.rejectsNul;
    this.cells = TableCells.of(ctx, binding);
  }

  private get db(): AnyDb {
    return this.ctx.db as AnyDb;
  }

  async insert(row: InsertOf<T>): Promise<RowOf<T>> {
    const checked = this.checkedRow(row);
    return this.run('insert', async () => {
      const insert = this.db.insertInto(this.table).values(this.toDbRow(checked));
      if (this.ctx.dialect.supportsReturning) {
        // DO NOTHING keeps a PostgreSQL transaction usable after a taken key.
        const stored = await insert
          .onConflict((conflict) => conflict.doNothing())
          .returning('tenant_id')
          .execute();
        if (stored.length === 0) throw this.conflict();
      } else await insert.execute();
      return checked as RowOf<T>;
    });
  }

  async insertMany(rows: readonly InsertOf<T>[]): Promise<void> {
    const issues = new IssueList();
    const checked = checkRowList(this.declaration.name, rows).map((row, index) =>
      checkInsertRow(this.binding, row, this.rejectsNul, issues, [index], false),
    );
    issues.throwIfAny();
    if (checked.length === 0) return;
    const native = this.ctx.native?.insertRows?.bind(this.ctx.native);
    if (native) {
      // SQLite: one cached prepared statement run per row costs less than parsing multi-row
      // statements; it runs on the same connection, so in the same transaction. Rows go
      // straight to value arrays: on this path the allocations are what costs.
      const entries = Object.entries(this.binding.specs);
      const columns = ['tenant_id', ...entries.map(([name]) => this.binding.columns[name] as string)];
      const values = checked.map((row) => {
        const out: unknown[] = [this.ctx.tenantId];
        for (const [name, spec] of entries) out.push(this.cell(row, name, spec));
        return out;
      });
      await this.run('insert many', () => atomically(this.ctx, async () => native(this.table, columns, values)));
      return;
    }
    const dbRows = checked.map((row) => this.toDbRow(row));
    await this.run('insert many', () =>
      atomically(this.ctx, async (db) => {
        if (this.ctx.dialect.arrayParameters) {
          const columns: ArrayColumn<DbRow>[] = Object.keys(dbRows[0] as DbRow).map((name) => ({
            name,
            type: name === 'tenant_id' ? 'text' : (ARRAY_TYPES[this.specOfPhysical(name).kind] as ArrayColumn<DbRow>['type']),
            value: (row) => row[name],
          }));
          for (const chunk of chunksFor(dbRows, 1, this.ctx.dialect, 20_000)) {
            await sql`insert into ${sql.id(this.table)} (${sql.join(columns.map((column) => sql.id(column.name)))})
              select ${unnestSelect(columns, 'v')} from ${unnestRows(chunk, columns, 'v')}`.execute(db);
          }
          return;
        }
        const width = Object.keys(dbRows[0] as DbRow).length;
        for (const chunk of chunksFor(dbRows, width, this.ctx.dialect, 500))
          await (db as AnyDb).insertInto(this.table).values(chunk).execute();
      }),
    );
  }

  async get(key: KeyOf<T>): Promise<RowOf<T> | null> {
    const checked = checkKey(this.binding, key, this.rejectsNul);
    return this.run('get', async () => {
      const row = await this.db.selectFrom(this.table).selectAll().where(this.keyCondition(checked)).executeTakeFirst();
      return row ? (this.fromDbRow(row) as RowOf<T>) : null;
    });
  }

  async find(options: FindOptions<T> = {}): Promise<Page<RowOf<T>>> {
    const query = checkFind(this.binding, options, this.rejectsNul);
    this.cells?.assertQueryable(query.where, query.order);
    return this.run('find', async () => {
      let select = this.db
        .selectFrom(this.table)
        .selectAll()
        .where('tenant_id', '=', this.ctx.tenantId)
        .where(compilePredicate(this.binding, this.ctx.dialect, query.where));
      if (query.after) select = select.where(compileAfter(this.binding, this.ctx.dialect, query.order, query.after));
      for (const step of query.order) select = select.orderBy(sql.ref(this.binding.columns[step.column] as string), step.direction);
      const rows = await select.limit(query.limit + 1).execute();
      const items = rows.slice(0, query.limit).map((row) => this.fromDbRow(row));
      const last = items.at(-1);
      return { items: items as RowOf<T>[], nextCursor: rows.length > query.limit && last ? encodeTableCursor(query.order, last) : null };
    });
  }

  async count(where?: TableWhere<T>): Promise<number> {
    const predicate = checkWhere(this.binding, where, this.rejectsNul);
    this.cells?.assertQueryable(predicate);
    return this.run('count', async () => {
      const row = await this.db
        .selectFrom(this.table)
        .select((eb) => eb.fn.countAll().as('n'))
        .where('tenant_id', '=', this.ctx.tenantId)
        .where(compilePredicate(this.binding, this.ctx.dialect, predicate))
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    });
  }

  async update(key: KeyOf<T>, changes: PatchOf<T>, options?: UpdateOptions<T>): Promise<UpdateResult<T>> {
    const checkedKey = checkKey(this.binding, key, this.rejectsNul);
    const patch = checkPatch(this.binding, changes, this.rejectsNul);
    const condition = checkUpdateOptions(this.binding, options, this.rejectsNul);
    this.cells?.assertQueryable(condition.where ?? undefined);
    return this.run('update', () =>
      atomically(this.ctx, async (db) => {
        let update = (db as AnyDb)
          .updateTable(this.table)
          .set(this.setClause(patch, undefined, checkedKey))
          .where(this.keyCondition(checkedKey));
        const version = this.declaration.version as string | undefined;
        if (condition.ifVersion !== null && version !== undefined)
          update = update.where(sql.ref(this.binding.columns[version] as string), '=', condition.ifVersion);
        if (condition.where) update = update.where(compilePredicate(this.binding, this.ctx.dialect, condition.where));
        let applied: boolean;
        if (this.ctx.dialect.supportsReturning) {
          const rows = await update.returningAll().execute();
          if (rows[0]) return { applied: true, row: this.fromDbRow(rows[0]) as RowOf<T> };
          applied = false;
        } else {
          // mysql2 reports matched (found) rows, so an update to equal values still counts.
          applied = Number((await update.executeTakeFirst()).numUpdatedRows) > 0;
        }
        const row = await (db as AnyDb).selectFrom(this.table).selectAll().where(this.keyCondition(checkedKey)).executeTakeFirst();
        return { applied, row: row ? (this.fromDbRow(row) as RowOf<T>) : null };
      }),
    );
  }

  async upsert(row: InsertOf<T>): Promise<RowOf<T>> {
    const checked = this.checkedRow(row);
    const given = Object.keys(row as object).filter(
      (name) => (row as Record<string, unknown>)[name] !== undefined && !this.key.includes(name) && name !== this.declaration.version,
    );
    const patch = Object.fromEntries(given.map((name) => [name, checked[name]]));
    const values = this.toDbRow(checked);
    const keyOnly = Object.fromEntries(this.key.map((name) => [name, checked[name]]));
    return this.run('upsert', () =>
      atomically(this.ctx, async (db) => {
        const trx = db as AnyDb;
        if (this.ctx.dialect.upsertStyle === 'on-conflict') {
          const set = this.setClause(patch, (physical) => sql.ref(`excluded.${physical}`));
          const rows = await trx
            .insertInto(this.table)
            .values(values)
            .onConflict((conflict) =>
              conflict.columns(['tenant_id', ...this.key.map((name) => this.binding.columns[name] as string)]).doUpdateSet(set),
            )
            .returningAll()
            .execute();
          return this.fromDbRow(rows[0] as DbRow) as RowOf<T>;
        }
        if ((this.declaration.unique ?? []).length === 0) {
          // Only the primary key can clash, so ON DUPLICATE KEY means "this row exists".
          await trx
            .insertInto(this.table)
            .values(values)
            .onDuplicateKeyUpdate(this.setClause(patch, (physical) => sql`values(${sql.ref(physical)})`))
            .execute();
        } else {
          try {
            await trx.insertInto(this.table).values(values).execute();
          } catch (error) {
            if (!this.ctx.dialect.isUniqueViolation(error)) throw error;
            const result = await trx
              .updateTable(this.table)
              .set(this.setClause(patch, undefined, keyOnly))
              .where(this.keyCondition(keyOnly))
              .executeTakeFirst();
            // No row has the key: another unique constraint clashed.
            if (Number(result.numUpdatedRows) === 0) throw this.conflict(error);
          }
        }
        const stored = await trx.selectFrom(this.table).selectAll().where(this.keyCondition(keyOnly)).executeTakeFirst();
        return this.fromDbRow(stored as DbRow) as RowOf<T>;
      }),
    );
  }

  async delete(key: KeyOf<T>): Promise<boolean> {
    const checked = checkKey(this.binding, key, this.rejectsNul);
    return this.run('delete', async () => {
      const result = await this.db.deleteFrom(this.table).where(this.keyCondition(checked)).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  /** Re-points the customer reference columns holding `fromId` to `toId` (merges); the version is left alone. */
  async reassignCustomer(fromId: string, toId: string): Promise<number> {
    const columns = Object.entries(this.binding.specs)
      .filter(([, spec]) => spec.customerRef)
      .map(([name]) => this.binding.columns[name] as string);
    let moved = 0;
    for (const physical of columns) {
      moved += await this.run('reassign customer', async () => {
        const result = await this.db
          .updateTable(this.table)
          .set({ [physical]: toId })
          .where('tenant_id', '=', this.ctx.tenantId)
          .where(physical, '=', fromId)
          .executeTakeFirst();
        return Number(result.numUpdatedRows);
      });
    }
    return moved;
  }

  private checkedRow(row: unknown): TableRow {
    const issues = new IssueList();
    const checked = checkInsertRow(this.binding, row, this.rejectsNul, issues);
    issues.throwIfAny();
    return checked;
  }

  /** SET for the changed columns, the version counting up; never empty (a no-op key set stands in). */
  private setClause(patch: TableRow, value?: (physical: string) => Expression<unknown>, key: TableRow = {}): Record<string, unknown> {
    const set: Record<string, unknown> = {};
    for (const [name, given] of Object.entries(patch)) {
      const physical = this.binding.columns[name] as string;
      set[physical] = value ? value(physical) : this.cell({ ...key, [name]: given }, name, this.binding.specs[name] as ColumnSpec);
    }
    const version = this.declaration.version as string | undefined;
    if (version !== undefined) {
      const physical = this.binding.columns[version] as string;
      set[physical] = sql`${sql.ref(`${this.table}.${physical}`)} + 1`;
    }
    if (Object.keys(set).length === 0) {
      const first = this.binding.columns[this.key[0] as string] as string;
      set[first] = sql.ref(`${this.table}.${first}`);
    }
    return set;
  }

  private keyCondition(key: TableRow): Expression<SqlBool> {
    const parts = [
      sql<SqlBool>`${sql.ref('tenant_id')} = ${this.ctx.tenantId}`,
      ...this.key.map(
        (name) =>
          sql<SqlBool>`${sql.ref(this.binding.columns[name] as string)} = ${toDb(this.ctx.dialect, this.binding.specs[name] as ColumnSpec, key[name])}`,
      ),
    ];
    return sql<SqlBool>`(${sql.join(parts, sql.raw(' and '))})`;
  }

  private toDbRow(row: TableRow): DbRow {
    const out: DbRow = { tenant_id: this.ctx.tenantId };
    for (const [name, spec] of Object.entries(this.binding.specs)) out[this.binding.columns[name] as string] = this.cell(row, name, spec);
    return out;
  }

  /** Column `name` of `row` as the driver binds it (encrypted when it is an encrypted cell; `row` holds the key). */
  private cell(row: TableRow, name: string, spec: ColumnSpec): unknown {
    const value = toDb(this.ctx.dialect, spec, row[name]);
    return this.cells ? this.cells.seal(row, name, value) : value;
  }

  private fromDbRow(row: DbRow): TableRow {
    const out: TableRow = {};
    const read = (name: string, spec: ColumnSpec) => fromDb(spec, row[this.binding.columns[name] as string]);
    if (!this.cells) {
      for (const [name, spec] of Object.entries(this.binding.specs)) out[name] = read(name, spec);
      return out;
    }
    // Keys first: they are what each encrypted cell is bound to.
    for (const name of this.key) out[name] = read(name, this.binding.specs[name] as ColumnSpec);
    for (const [name, spec] of Object.entries(this.binding.specs))
      if (!(name in out)) out[name] = fromDb(spec, this.cells.open(out, name, row[this.binding.columns[name] as string]));
    return out;
  }

  private specOfPhysical(physical: string): ColumnSpec {
    const name = Object.keys(this.binding.columns).find((column) => this.binding.columns[column] === physical) as string;
    return this.binding.specs[name] as ColumnSpec;
  }

  private conflict(cause?: unknown): ConflictError {
    return new ConflictError(
      TableErrorCode.UniqueViolation,
      `${this.declaration.name}: another row has the same primary key or unique columns`,
      { table: this.declaration.name },
      cause,
    );
  }

  /** Runs a statement: a unique violation is a `ConflictError`, other driver errors are wrapped. */
  private async run<R>(operation: string, work: () => Promise<R>): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (isRapportError(error)) throw error;
        if (this.ctx.dialect.isUniqueViolation(error)) throw this.conflict(error);
        // A deadlock (InnoDB under racing upserts) outside a transaction is retried here; in
        // one, the caller's transaction has been rolled back and must be retried as a whole.
        if (!this.ctx.inTransaction && attempt < 5 && this.ctx.dialect.isRetryableConflict(error)) continue;
        throw wrapDriverError(error, this.ctx.dialect, `${this.declaration.name} ${operation}`);
      }
    }
  }
}
