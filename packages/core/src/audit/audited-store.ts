import type { InsertStatus, MetricsIncrement, TenantStore } from '../contracts/storage.js';
import type { ConsentRecord } from '../model/consent.js';
import type { Customer } from '../model/customer.js';
import type { Interaction } from '../model/interaction.js';
import type { Column } from '../tables/column.js';
import type { AnyTableDeclaration } from '../tables/define-table.js';
import type { TableRepository } from '../tables/table-repository.js';

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
          return auditedTable(table, (method, args) =>
            audited(
              () => (table as unknown as Record_)[method]?.(...args) as Promise<unknown>,
              (result) => tableSubjects(table.declaration, args, result),
              (tx) => (tx.table(declaration) as unknown as Record_)[method]?.(...args) as Promise<unknown>,
            ),
          );
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

/** The customers a plugin-table write names: its rows' customer reference, when the table has one and the row gives it. */
function tableSubjects(declaration: AnyTableDeclaration, args: unknown[], result: unknown): (string | null)[] {
  // A conditional update that did not apply, or a delete of nothing, wrote nothing.
  if (result === false || (typeof result === 'object' && result !== null && (result as { applied?: unknown }).applied === false)) return [];
  const refColumn = Object.entries(declaration.columns as Record<string, Column<unknown>>).find(
    ([, column]) => column.spec.customerRef,
  )?.[0];
  // updateMany: the rows it changed, as they are afterwards.
  const changed = Array.isArray(result)
    ? (result as { applied: boolean; row: Record<string, unknown> | null }[]).filter((entry) => entry.applied).map((entry) => entry.row)
    : null;
  if (changed?.length === 0) return [];
  const rows = changed ?? (Array.isArray(args[0]) ? (args[0] as Record<string, unknown>[]) : [args[0] as Record<string, unknown>]);
  const subjects = rows.map((row) => (refColumn && typeof row?.[refColumn] === 'string' ? (row[refColumn] as string) : null));
  return subjects.length > 0 ? subjects : [null];
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
