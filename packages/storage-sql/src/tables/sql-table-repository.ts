import { ConflictError, isRapportError, type Page } from '@rapport/core';
import {
  type AnyTableDeclaration,
  type ColumnSpec,
  type FindOptions,
  type GetOptions,
  type InsertOf,
  type KeyOf,
  type PatchOf,
  type RowOf,
  TableErrorCode,
  type TableRepository,
  type TableUpdate,
  type TableWhere,
  type UpdateOptions,
  type UpdateResult,
} from '@rapport/core/plugin';
import {
  type CheckedUpdate,
  checkFind,
  checkGetOptions,
  checkInsertRow,
  checkKey,
  checkRowList,
  checkUpdate,
  checkUpdateList,
  checkWhere,
  compareKeys,
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
import { predicateShape, predicateValueCount } from './predicate-shape.js';
import { fromDb, toDb } from './table-column-types.js';

// biome-ignore lint/suspicious/noExplicitAny: plugin tables are not in the Kysely schema type.
type AnyDb = Kysely<any>;
type DbRow = Record<string, unknown>;
const encodeKeyPart = (value: unknown) => (value instanceof Date ? value.getTime() : value);

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
  /** Every column's name, physical name and spec, in declaration order: what reading a row walks. */
  private readonly readColumns: readonly { name: string; physical: string; spec: ColumnSpec }[];

  constructor(
    private readonly ctx: SqlContext,
    private readonly binding: TableBinding,
  ) {
    this.declaration = binding.declaration as T;
    this.table = binding.physicalName;
    this.key = binding.declaration.primaryKey as readonly string[];
    this.rejectsNul = ctx.dialect.rejectsNul;
    this.cells = TableCells.of(ctx, binding);
    this.readColumns = Object.entries(binding.specs).map(([name, spec]) => ({ name, physical: binding.columns[name] as string, spec }));
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

  async get(key: KeyOf<T>, options?: GetOptions): Promise<RowOf<T> | null> {
    const checked = checkKey(this.binding, key, this.rejectsNul);
    const lock = checkGetOptions(this.binding, options).lock && this.ctx.inTransaction ? this.ctx.dialect.rowLock : null;
    return this.run('get', async () => {
      const query = this.db.selectFrom(this.table).selectAll().where(this.keyCondition(checked));
      // Outside a transaction a lock would end with the statement: reading is all it can do.
      const locking = lock === 'for update' ? query.forUpdate() : lock === 'for no key update' ? query.forNoKeyUpdate() : query;
      const row = await locking.executeTakeFirst();
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
    const checked = checkUpdate(this.binding, key, changes, options, this.rejectsNul);
    this.cells?.assertQueryable(checked.condition.where ?? undefined);
    // UPDATE … RETURNING is atomic alone; elsewhere the update and its read share a transaction.
    if (this.ctx.dialect.supportsReturning) return this.run('update', () => this.updateOne(this.db, checked));
    return this.run('update', () => atomically(this.ctx, (db) => this.updateOne(db as AnyDb, checked)));
  }

  async updateMany(updates: readonly TableUpdate<T>[]): Promise<UpdateResult<T>[]> {
    const checked = checkUpdateList(this.binding, updates, this.rejectsNul);
    for (const { condition } of checked) this.cells?.assertQueryable(condition.where ?? undefined);
    if (checked.length === 0) return [];
    // Rows are written in key order, whatever the order asked: two calls on overlapping rows
    // then lock them in the same order and cannot deadlock each other (inside a transaction,
    // an audited Crm's, a deadlock is not retried).
    const ordered = [...checked].sort((a, b) => compareKeys(this.key, a.key, b.key));
    // MySQL cannot say which rows an UPDATE changed, and encrypted cells are sealed per row:
    // one statement a change there, in one transaction.
    if (!this.ctx.dialect.supportsReturning || this.cells)
      return this.run('update many', () =>
        atomically(this.ctx, async (db) => {
          const results = new Map<CheckedUpdate, UpdateResult<T>>();
          for (const update of ordered) results.set(update, await this.updateOne(db as AnyDb, update));
          return checked.map((update) => results.get(update) as UpdateResult<T>);
        }),
      );
    const groups = this.sameColumns(ordered);
    // One statement is atomic alone; several share a transaction. The read of rows left
    // unchanged needs none: it reports them as they are.
    const write =
      groups.length === 1
        ? (work: (db: AnyDb) => Promise<UpdateResult<T>[]>) => work(this.db)
        : (work: (db: AnyDb) => Promise<UpdateResult<T>[]>) => atomically(this.ctx, (db) => work(db as AnyDb));
    return this.run('update many', () =>
      write(async (db) => {
        const applied = new Map<string, TableRow>();
        for (const group of groups) for (const row of await this.updateGroup(db as AnyDb, group)) applied.set(this.keyId(row), row);
        const missing = checked.filter((update) => !applied.has(this.keyId(update.key)));
        const current = new Map<string, TableRow>();
        // In chunks: one OR of thousands of keys outgrows SQLite's expression depth (1000) and
        // PostgreSQL's 65,535 parameters.
        for (const chunk of chunksFor(missing, this.key.length + 1, this.ctx.dialect, 500)) {
          const rows = await (db as AnyDb)
            .selectFrom(this.table)
            .selectAll()
            .where((eb) => eb.or(chunk.map((update) => this.keyCondition(update.key))))
            .execute();
          for (const row of rows) {
            const parsed = this.fromDbRow(row);
            current.set(this.keyId(parsed), parsed);
          }
        }
        return checked.map((update): UpdateResult<T> => {
          const id = this.keyId(update.key);
          const row = applied.get(id);
          if (row) return { applied: true, row: row as RowOf<T> };
          return { applied: false, row: (current.get(id) as RowOf<T> | undefined) ?? null };
        });
      }),
    );
  }

  /** One conditional update: the row afterwards when it applied, else the row as it is. */
  private async updateOne(db: AnyDb, { key, patch, condition }: CheckedUpdate): Promise<UpdateResult<T>> {
    let update = db
      .updateTable(this.table)
      .set(this.setClause(patch, undefined, key))
      .where(this.keyCondition(key));
    const matches = this.matchCondition(condition);
    if (matches) update = update.where(matches);
    let applied: boolean;
    if (this.ctx.dialect.supportsReturning) {
      const rows = await update.returningAll().execute();
      if (rows[0]) return { applied: true, row: this.fromDbRow(rows[0]) as RowOf<T> };
      applied = false;
    } else {
      // mysql2 reports matched (found) rows, so an update to equal values still counts.
      applied = Number((await update.executeTakeFirst()).numUpdatedRows) > 0;
    }
    const row = await db.selectFrom(this.table).selectAll().where(this.keyCondition(key)).executeTakeFirst();
    return { applied, row: row ? (this.fromDbRow(row) as RowOf<T>) : null };
  }

  /** The version and `where` of an update as one predicate, or null when it has neither. */
  private matchCondition(condition: CheckedUpdate['condition']): Expression<SqlBool> | null {
    const parts: Expression<SqlBool>[] = [];
    const version = this.declaration.version as string | undefined;
    if (condition.ifVersion !== null && version !== undefined)
      parts.push(sql<SqlBool>`${sql.ref(this.binding.columns[version] as string)} = ${condition.ifVersion}`);
    if (condition.where) parts.push(compilePredicate(this.binding, this.ctx.dialect, condition.where));
    if (parts.length === 0) return null;
    return sql<SqlBool>`(${sql.join(parts, sql.raw(' and '))})`;
  }

  /** Changes grouped by the columns they set, each group cut to a size one statement can bind. */
  private sameColumns(updates: readonly CheckedUpdate[]): CheckedUpdate[][] {
    const groups = new Map<string, CheckedUpdate[]>();
    for (const update of updates) {
      const columns = Object.keys(update.patch).sort().join(',');
      const group = groups.get(columns);
      if (group) group.push(update);
      else groups.set(columns, [update]);
    }
    const perChange = this.key.length * 2 + 1;
    // A condition's values are parameters too (a long `in` list in every change adds up).
    const conditionValues = ({ condition }: CheckedUpdate) =>
      (condition.ifVersion === null ? 0 : 1) + (condition.where ? predicateValueCount(condition.where) : 0);
    return [...groups.values()].flatMap((group) => {
      const conditions = group.reduce((most, update) => Math.max(most, conditionValues(update)), 0);
      const width = perChange + conditions + Object.keys(group[0]?.patch ?? {}).length * (this.key.length + 2) + 4;
      return chunksFor(group, width, this.ctx.dialect, 500);
    });
  }

  /**
   * A group's conditions as one expression over per-row value arrays (`v._ver`, `v._p0`…),
   * when every change has the same version test and a where of the same shape; null when
   * they differ (or a value's column has no array type), `condition` null when none has one.
   */
  private sharedCondition(
    group: readonly CheckedUpdate[],
  ): { arrays: ArrayColumn<CheckedUpdate>[]; condition: Expression<SqlBool> | null } | null {
    const version = this.declaration.version as string | undefined;
    const shapes = group.map(({ condition }) => ({
      versioned: condition.ifVersion !== null && version !== undefined,
      where: condition.where ? predicateShape(condition.where) : null,
    }));
    const first = shapes[0];
    if (!first) return null;
    const same = (shape: (typeof shapes)[number]) => shape.versioned === first.versioned && shape.where?.shape === first.where?.shape;
    if (!shapes.every(same)) return null;
    const arrays: ArrayColumn<CheckedUpdate>[] = [];
    const parts: Expression<SqlBool>[] = [];
    const position = new Map(group.map((update, index) => [update, index]));
    if (first.versioned && version !== undefined) {
      arrays.push({ name: '_ver', type: 'bigint', value: (update) => update.condition.ifVersion });
      parts.push(sql<SqlBool>`${sql.ref(this.binding.columns[version] as string)} = v._ver`);
    }
    const where = group[0]?.condition.where;
    if (first.where && where) {
      for (const [index, slot] of first.where.slots.entries()) {
        const spec = this.binding.specs[slot.column] as ColumnSpec;
        // JSON travels as text: compared with a jsonb column it would not match its type.
        if (spec.kind === 'json' || !ARRAY_TYPES[spec.kind]) return null;
        arrays.push({
          name: `_p${index}`,
          type: ARRAY_TYPES[spec.kind] as ArrayColumn<CheckedUpdate>['type'],
          value: (update) => toDb(this.ctx.dialect, spec, shapes[position.get(update) as number]?.where?.slots[index]?.value),
        });
      }
      let slot = 0;
      parts.push(compilePredicate(this.binding, this.ctx.dialect, where, () => sql.ref(`v._p${slot++}`)));
    }
    return { arrays, condition: parts.length === 0 ? null : sql<SqlBool>`(${sql.join(parts, sql.raw(' and '))})` };
  }

  /**
   * Changes of the same columns in one statement, each row's own condition in the WHERE;
   * returns the rows it changed. PostgreSQL joins the new values as one array per column
   * (`unnest`, planned alike for any number of rows) and picks each row's condition by its
   * position; SQLite ORs each key with its condition and picks each row's value by a CASE on
   * its key.
   */
  private async updateGroup(db: AnyDb, group: readonly CheckedUpdate[]): Promise<TableRow[]> {
    const columns = Object.keys(group[0]?.patch ?? {});
    const keyColumns = this.key.map((name) => this.binding.columns[name] as string);
    const set: Record<string, unknown> = this.setClause({}, undefined);
    if (columns.length > 0 && this.declaration.version === undefined) delete set[keyColumns[0] as string];
    // An encrypted cell is bound to its row's key; without encryption the patch alone will do.
    const rowOf = this.cells ? new Map(group.map((update) => [update, { ...update.key, ...update.patch }])) : null;
    const cell = (update: CheckedUpdate, name: string) =>
      this.cell(rowOf?.get(update) ?? update.patch, name, this.binding.specs[name] as ColumnSpec);
    if (this.ctx.dialect.arrayParameters) {
      const arrayType = (name: string) => ARRAY_TYPES[(this.binding.specs[name] as ColumnSpec).kind] as ArrayColumn<CheckedUpdate>['type'];
      const keyValue = (update: CheckedUpdate, name: string) =>
        toDb(this.ctx.dialect, this.binding.specs[name] as ColumnSpec, update.key[name]);
      const keyValues = this.key.map((name) => group.map((update) => keyValue(update, name)));
      const position = new Map(group.map((update, index) => [update, index]));
      // Conditions that differ only in their values (every message's `status in (…) and
      // jobId = …`) compile once, their values bound per row as arrays; others are picked
      // per row by position.
      const shared = this.sharedCondition(group);
      // `_k0`, `_c0`, `_i`, `_p0`: no physical column starts with `_`, so unqualified column
      // names in the conditions never clash with the value arrays' names.
      const arrays: ArrayColumn<CheckedUpdate>[] = [
        ...(shared ? shared.arrays : [{ name: '_i', type: 'integer' as const, value: (update: CheckedUpdate) => position.get(update) }]),
        ...this.key.map((name, index) => ({
          name: `_k${index}`,
          type: arrayType(name),
          value: (update: CheckedUpdate) => keyValues[index]?.[position.get(update) as number],
        })),
        ...columns.map((name, index) => ({
          name: `_c${index}`,
          type: arrayType(name),
          value: (update: CheckedUpdate) => cell(update, name),
        })),
      ];
      for (const [index, name] of columns.entries()) set[this.binding.columns[name] as string] = sql.ref(`v._c${index}`);
      // The rows are found by key alone: the keys as a top-level `= any(…)` the primary key
      // answers, whatever the conditions say. Conditions are never OR-ed per row: PostgreSQL
      // lifts a test every branch of an OR shares (`status in (…)`) into an index scan, and on
      // a table of many queued rows that scan read them all, each change (measured: 60–90 ms
      // for 100 rows among 10,000 queued).
      const keyMatch = keyColumns.map(
        (physical, index) =>
          sql<SqlBool>`${sql.ref(`${this.table}.${physical}`)} = ${sql.ref(`v._k${index}`)} and ${sql.ref(`${this.table}.${physical}`)} = any(${sql.val(keyValues[index])}::${sql.raw(arrayType(this.key[index] as string))}[])`,
      );
      let statement = db
        .updateTable(this.table)
        .set(set)
        .from(unnestRows(group, arrays, 'v') as never)
        .where(sql<SqlBool>`${sql.ref(`${this.table}.tenant_id`)} = ${this.ctx.tenantId}`)
        .where(sql<SqlBool>`${sql.join(keyMatch, sql.raw(' and '))}`);
      if (shared) {
        if (shared.condition) statement = statement.where(shared.condition);
      } else {
        const arms = group.flatMap((update, index) => {
          const matches = this.matchCondition(update.condition);
          return matches ? [sql`when ${sql.lit(index)} then ${matches}`] : [];
        });
        if (arms.length > 0) statement = statement.where(sql<SqlBool>`(case v._i ${sql.join(arms, sql.raw(' '))} else true end)`);
      }
      const rows = await statement.returningAll(this.table as never).execute();
      return rows.map((row) => this.fromDbRow(row as DbRow));
    }
    const conditions = group.map((update) => {
      const matches = this.matchCondition(update.condition);
      return matches ? sql<SqlBool>`(${this.keyCondition(update.key)} and ${matches})` : this.keyCondition(update.key);
    });
    for (const name of columns) {
      const physical = this.binding.columns[name] as string;
      const arms = group.map((update) => sql`when ${this.keyCondition(update.key)} then ${cell(update, name)}`);
      set[physical] = sql`case ${sql.join(arms, sql.raw(' '))} else ${sql.ref(`${this.table}.${physical}`)} end`;
    }
    const rows = await db
      .updateTable(this.table)
      .set(set)
      .where((eb) => eb.or(conditions))
      .returningAll()
      .execute();
    return rows.map((row) => this.fromDbRow(row));
  }

  /** A key as one string, to match changed rows to the changes asked. */
  private keyId(row: TableRow): string {
    return JSON.stringify(this.key.map((name) => encodeKeyPart(row[name])));
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
    if (!this.cells) {
      for (const { name, physical, spec } of this.readColumns) out[name] = fromDb(spec, row[physical]);
      return out;
    }
    // Keys first: they are what each encrypted cell is bound to.
    for (const name of this.key) out[name] = fromDb(this.binding.specs[name] as ColumnSpec, row[this.binding.columns[name] as string]);
    for (const { name, physical, spec } of this.readColumns)
      if (!(name in out)) out[name] = fromDb(spec, this.cells.open(out, name, row[physical]));
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
