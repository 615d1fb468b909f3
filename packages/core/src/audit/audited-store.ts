import type { InsertStatus, MetricsIncrement, TenantStore } from '../contracts/storage.js';
import { ValidationError } from '../errors/error-classes.js';
import type { ConsentRecord } from '../model/consent.js';
import type { Customer } from '../model/customer.js';
import type { Interaction } from '../model/interaction.js';
import type { Column } from '../tables/column.js';
import type { AnyTableDeclaration } from '../tables/define-table.js';
import type { TableRepository } from '../tables/table-repository.js';
import { compareKeys } from '../util/key-order.js';

/** The store an audited store wraps, for code that needs the storage's own object (the SQL escape hatch). */
export const INNER_STORE: unique symbol = Symbol.for('rapport:inner-store');

/** The storage's own store behind `store`, which may be an audited one. */
export function innerStore(store: TenantStore): TenantStore {
  let current = store as TenantStore & { [INNER_STORE]?: TenantStore };
  while (current[INNER_STORE]) current = current[INNER_STORE];
  return current;
}

/** The customers (or `null`: a write to no customer, a segment's definition) a transaction wrote to. */
export type WrittenSubjects = Set<string | null>;

/** What a write method's arguments and result say about whom it wrote to. */
type SubjectsOf = (args: readonly unknown[], result: unknown) => (string | null)[];

const both = (args: readonly unknown[]): string[] => [args[0] as string, args[1] as string];
const first = (args: readonly unknown[]): string[] => [args[0] as string];

/**
 * Every write of the store contract, with the customers it writes to. Reads, job writes and
 * derived data (segment memberships) are not operations of their own and are left out.
 */
const WRITES: Readonly<Record<string, Readonly<Record<string, SubjectsOf>>>> = {
  customers: {
    insert: (args) => [(args[0] as Customer).id],
    // A lost update (false) wrote nothing; the service retries it.
    update: (args, result) => (result === true ? [(args[0] as Customer).id] : []),
    addIdentity: first,
    removeIdentity: (args, result) => (result === true ? [args[0] as string] : []),
    moveIdentities: both,
    applyMetrics: (args) => (args[0] as MetricsIncrement[]).map((entry) => entry.customerId),
    replaceMetrics: first,
    markMerged: both,
  },
  interactions: {
    insertMany: (args, result) =>
      (args[0] as Interaction[]).filter((_, index) => (result as InsertStatus[])[index] === 'stored').map((item) => item.customerId),
    reassignCustomer: both,
  },
  consents: { append: (args) => [(args[0] as ConsentRecord).customerId], reassignCustomer: both },
  segments: { insert: () => [null], update: () => [null], remove: (_args, result) => (result === true ? [null] : []) },
};

const TABLE_WRITES = ['insert', 'insertMany', 'update', 'updateMany', 'upsert', 'delete'] as const;

/** How an audited store flushes what a transaction wrote (see {@link auditedStore}). */
export interface AuditedStoreParts {
  /** Runs before a transaction begins (the chain head must exist outside it). */
  prepare(store: TenantStore): Promise<void>;
  /** Writes the entries of what the transaction wrote, as its last statements. */
  flush(tx: TenantStore, written: WrittenSubjects): Promise<void>;
}

type Method = (...args: unknown[]) => Promise<unknown>;
type Record_ = Record<string, Method>;

/**
 * A tenant store whose every write lands in a transaction that ends by writing the audit
 * entries of what it wrote — one entry per customer written to — so the entries commit with
 * the operation or roll back with it. A write made outside a transaction gets one of its own.
 * Services are unchanged: they see a store.
 */
export function auditedStore(inner: TenantStore, parts: AuditedStoreParts): TenantStore {
  return wrap(inner, parts, undefined);
}

/** `written` is set when `inner` is a transaction's store: writes are noted there, flushed when it ends. */
function wrap(inner: TenantStore, parts: AuditedStoreParts, written: WrittenSubjects | undefined): TenantStore {
  const repositories = new Map<string, unknown>();
  // A write outside a transaction: one of its own, ending with its entries.
  const record = async <T>(run: (tx: TenantStore) => Promise<T>): Promise<T> => {
    await parts.prepare(inner);
    return inner.transaction(async (tx) => {
      const subjects: WrittenSubjects = new Set();
      const result = await run(wrap(tx, parts, subjects));
      await parts.flush(tx, subjects);
      return result;
    });
  };
  const note = (subjects: readonly (string | null)[]): void => {
    for (const subject of subjects) written?.add(subject);
  };
  const audited = (
    call: () => Promise<unknown>,
    subjectsOf: (result: unknown) => (string | null)[],
    again: (tx: TenantStore) => Promise<unknown>,
  ) =>
    written
      ? call().then((result) => {
          note(subjectsOf(result));
          return result;
        })
      : record(again);
  const repository = (name: string, writes: Readonly<Record<string, SubjectsOf>>): unknown =>
    new Proxy((inner as unknown as Record<string, Record_>)[name] as Record_, {
      get(repo, method: string) {
        const original = repo[method];
        if (typeof original !== 'function') return original;
        const subjectsOf = Object.hasOwn(writes, method) ? writes[method] : undefined;
        if (!subjectsOf) return original.bind(repo);
        return (...args: unknown[]) =>
          audited(
            () => original.apply(repo, args),
            (result) => subjectsOf(args, result),
            (tx) => ((tx as unknown as Record<string, Record_>)[name] as Record_)[method]?.(...args) as Promise<unknown>,
          );
      },
    });
  const store: TenantStore = new Proxy(inner, {
    get(target, key) {
      if (key === INNER_STORE) return inner;
      if (typeof key === 'string' && Object.hasOwn(WRITES, key)) {
        if (!repositories.has(key)) repositories.set(key, repository(key, WRITES[key] as Readonly<Record<string, SubjectsOf>>));
        return repositories.get(key);
      }
      if (key === 'transaction') {
        return <T>(work: (tx: TenantStore) => Promise<T>): Promise<T> => (written ? work(store) : record(work));
      }
      if (key === 'table') {
        return (declaration: AnyTableDeclaration) => {
          const table = target.table(declaration);
          return auditedTable(table, (method, args) => {
            // The customers the rows belonged to before the write, inside its transaction.
            let before: (string | null)[] = [];
            return audited(
              async () => {
                before = await ownersBefore(table, method, args);
                return (table as unknown as Record_)[method]?.(...args) as Promise<unknown>;
              },
              (result) => tableSubjects(table.declaration, method, args, result, before),
              (tx) => (tx.table(declaration) as unknown as Record_)[method]?.(...args) as Promise<unknown>,
            );
          });
        };
      }
      if (key === 'reassignTableRows') {
        return (fromId: string, toId: string) =>
          audited(
            () => target.reassignTableRows(fromId, toId),
            () => [fromId, toId],
            (tx) => tx.reassignTableRows(fromId, toId),
          );
      }
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return store;
}

type TableRow = Record<string, unknown>;
type Applied = { applied: boolean; row: TableRow | null };

/** The table's customer-reference column, if it has one. */
function customerRefColumn(declaration: AnyTableDeclaration): string | undefined {
  return Object.entries(declaration.columns as Record<string, Column<unknown>>).find(([, column]) => column.spec.customerRef)?.[0];
}

/**
 * The customers a plugin-table write names: its rows' customer reference, when the table has
 * one and the row gives it — the row as it is afterwards for `update` and `updateMany`, the
 * row given for inserts and upserts (a delete's is read before it, see {@link ownersBefore}).
 */
function tableSubjects(
  declaration: AnyTableDeclaration,
  method: string,
  args: unknown[],
  result: unknown,
  before: readonly (string | null)[],
): (string | null)[] {
  // A conditional update that did not apply, or a delete of nothing, wrote nothing.
  if (result === false || (typeof result === 'object' && result !== null && (result as { applied?: unknown }).applied === false)) return [];
  const refColumn = customerRefColumn(declaration);
  const changed = Array.isArray(result)
    ? (result as Applied[]).filter((entry) => entry.applied).map((entry) => entry.row)
    : typeof result === 'object' && result !== null && (result as Partial<Applied>).applied === true
      ? [(result as Applied).row]
      : null;
  if (changed?.length === 0) return [];
  // A delete's key names nobody: its customer is the one its row had, read before it.
  const given = method === 'delete' ? [] : Array.isArray(args[0]) ? (args[0] as TableRow[]) : [args[0] as TableRow];
  const after = (changed ?? given).map((row) => (refColumn && typeof row?.[refColumn] === 'string' ? (row[refColumn] as string) : null));
  const subjects = [...after, ...wroteBefore(method, result, before)];
  // Something was written: at least one entry, naming nobody when no row names a customer.
  return subjects.length > 0 ? subjects : [null];
}

/**
 * Where a write can take rows from a customer (a delete, or a change or upsert that sets the
 * customer reference), the customers those rows belong to before it, one per write in order
 * (null: not read, or no row). Read only for tables with a customer reference, so a row moved
 * from Ada to Bob is audited for both, and a deleted row for its customer. Each row is read
 * with a lock, inside the write's transaction: a concurrent move of the same row then waits,
 * or is waited for, and the owner read is the one this write takes the row from. An
 * `updateMany` that moves any row reads every row of the call, in key order as the write
 * itself locks them, so two such calls cannot deadlock on each other's reads.
 */
async function ownersBefore(table: TableRepository<AnyTableDeclaration>, method: string, args: unknown[]): Promise<(string | null)[]> {
  const refColumn = customerRefColumn(table.declaration);
  if (!refColumn) return [];
  const primaryKey = table.declaration.primaryKey as readonly string[];
  const keyOf = (row: TableRow) => Object.fromEntries(primaryKey.map((name) => [name, row[name]]));
  const ownerOf = async (key: TableRow) => {
    // A bad key is the write's to report (naming its own field and position), not this read's.
    const row = (await table.get(key as never, { lock: true }).catch((error: unknown) => {
      if (error instanceof ValidationError) return null;
      throw error;
    })) as TableRow | null;
    return typeof row?.[refColumn] === 'string' ? (row[refColumn] as string) : null;
  };
  const moves = (changes: unknown) => typeof changes === 'object' && changes !== null && Object.hasOwn(changes, refColumn);
  if (method === 'delete') return [await ownerOf(args[0] as TableRow)];
  if (method === 'update') return moves(args[1]) ? [await ownerOf(args[0] as TableRow)] : [];
  if (method === 'upsert') return [await ownerOf(keyOf(args[0] as TableRow))];
  if (method !== 'updateMany' || !Array.isArray(args[0])) return [];
  const updates = args[0] as ({ key?: TableRow; changes?: unknown } | null)[];
  if (!updates.some((update) => moves(update?.changes))) return [];
  const owners: (string | null)[] = new Array(updates.length).fill(null);
  const keyAt = (index: number): TableRow =>
    typeof updates[index]?.key === 'object' && updates[index]?.key !== null ? (updates[index]?.key as TableRow) : {};
  const order = updates.map((_, index) => index).sort((a, b) => compareKeys(primaryKey, keyAt(a), keyAt(b)));
  for (const index of order) {
    const update = updates[index];
    const owner = update?.key ? await ownerOf(update.key) : null;
    if (moves(update?.changes)) owners[index] = owner;
  }
  return owners;
}

/** The before-owners of the writes that applied (see {@link ownersBefore}). */
function wroteBefore(method: string, result: unknown, before: readonly (string | null)[]): string[] {
  const applied =
    method === 'updateMany' && Array.isArray(result)
      ? (result as Applied[]).map((entry) => entry.applied)
      : [result === true || (typeof result === 'object' && result !== null && (result as Partial<Applied>).applied !== false)];
  return before.filter((owner, index): owner is string => owner !== null && applied[index] === true);
}

/** A plugin table's repository whose writes go through `write`. */
function auditedTable<T extends AnyTableDeclaration>(
  repo: TableRepository<T>,
  write: (method: string, args: unknown[]) => Promise<unknown>,
): TableRepository<T> {
  return new Proxy(repo, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      if (typeof key !== 'string' || !(TABLE_WRITES as readonly string[]).includes(key)) return value.bind(target);
      return (...args: unknown[]) => write(key, args);
    },
  });
}
