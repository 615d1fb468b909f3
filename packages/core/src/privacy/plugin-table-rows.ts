import { randomUUID } from 'node:crypto';
import type { TenantStore } from '../contracts/storage.js';
import { isRapportError } from '../errors/rapport-error.js';
import type { Identity } from '../model/identity.js';
import type { ColumnSpec } from '../tables/column.js';
import type { AnyTableDeclaration } from '../tables/define-table.js';
import type { TableBinding } from '../tables/table-binding.js';
import type { TableRepository } from '../tables/table-repository.js';
import type { ErasureMode } from './personal-data-repository.js';

type AnyRow = Record<string, unknown>;
type AnyRepository = TableRepository<AnyTableDeclaration>;

/** The rows of one plugin table that belong to a person. */
export interface PersonRows {
  readonly binding: TableBinding;
  readonly rows: AnyRow[];
}

/**
 * The where clause that finds a person's rows in a declared table: a customer-reference
 * column holding one of their ids, or a personal text column holding one of their identity
 * values. Null when the table declares neither, so nothing of the person can be in it.
 */
function personFilter(binding: TableBinding, customerIds: readonly string[], identities: readonly Identity[]): AnyRow | null {
  const or: AnyRow[] = [];
  for (const [name, spec] of Object.entries(binding.specs)) {
    if (spec.customerRef) or.push({ [name]: { in: [...customerIds] } });
    else if (spec.personal && spec.kind === 'text') {
      const values = [...new Set(identities.map((identity) => identity.value))].filter((value) => value.length <= (spec.maxLength ?? 0));
      if (values.length > 0) or.push({ [name]: { in: values } });
    }
  }
  return or.length > 0 ? { or } : null;
}

/** Whether a row belongs to the person by the same rule as {@link personFilter}, for a scan. */
function belongsToPerson(row: AnyRow, binding: TableBinding, customerIds: readonly string[], identities: readonly Identity[]): boolean {
  const values = new Set(identities.map((identity) => identity.value));
  return Object.entries(binding.specs).some(([name, spec]) => {
    const cell = row[name];
    if (spec.customerRef) return typeof cell === 'string' && customerIds.includes(cell);
    return spec.personal && spec.kind === 'text' && typeof cell === 'string' && values.has(cell);
  });
}

/** Every row of a table matching `where`, page by page. */
async function findAll(repository: AnyRepository, where: AnyRow | undefined): Promise<AnyRow[]> {
  const rows: AnyRow[] = [];
  let cursor: string | undefined;
  do {
    const page = await repository.find({ ...(where ? { where: where as never } : {}), limit: 1000, ...(cursor ? { cursor } : {}) });
    rows.push(...(page.items as AnyRow[]));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return rows;
}

/**
 * Every row of every declared table that belongs to the person, found through the
 * declarations alone. Where the storage encrypts a personal column it cannot compare it in
 * SQL (`ENCRYPTION_FIELD_NOT_QUERYABLE`): that table is scanned and its decrypted rows are
 * matched here instead — slower, never incomplete.
 */
export async function findPersonRows(
  store: TenantStore,
  bindings: readonly TableBinding[],
  customerIds: readonly string[],
  identities: readonly Identity[],
): Promise<PersonRows[]> {
  const found: PersonRows[] = [];
  for (const binding of bindings) {
    const where = personFilter(binding, customerIds, identities);
    if (!where) continue;
    const repository = store.table(binding.declaration) as unknown as AnyRepository;
    const rows = await findAll(repository, where).catch(async (error: unknown) => {
      if (!isRapportError(error, 'ENCRYPTION_FIELD_NOT_QUERYABLE')) throw error;
      return (await findAll(repository, undefined)).filter((row) => belongsToPerson(row, binding, customerIds, identities));
    });
    if (rows.length > 0) found.push({ binding, rows });
  }
  return found;
}

/** A value that keeps a non-null personal column valid without holding anything of the person. */
function neutralValue(spec: ColumnSpec): unknown {
  if (spec.nullable) return null;
  switch (spec.kind) {
    case 'text':
      // Distinct per row, so a unique constraint on the column still holds.
      return `erased-${randomUUID()}`.slice(0, spec.maxLength ?? 255);
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'timestamp':
      return new Date(0);
    default:
      return {};
  }
}

/**
 * Erases the person's rows: `delete` removes them; `anonymize` replaces every personal column
 * with null (or a neutral value where the column is not nullable) and keeps the row, unless a
 * personal column is part of its key, in which case the row is removed. Returns rows touched.
 */
export async function erasePersonRows(store: TenantStore, found: readonly PersonRows[], mode: ErasureMode): Promise<number> {
  let touched = 0;
  for (const { binding, rows } of found) {
    const repository = store.table(binding.declaration) as unknown as AnyRepository;
    const keyColumns = binding.declaration.primaryKey as readonly string[];
    const personal = Object.entries(binding.specs).filter(([, spec]) => spec.personal);
    const mustDelete = mode === 'delete' || personal.some(([name]) => keyColumns.includes(name));
    for (const row of rows) {
      const key = Object.fromEntries(keyColumns.map((column) => [column, row[column]]));
      if (mustDelete) {
        if (await repository.delete(key as never)) touched++;
        continue;
      }
      if (personal.length === 0) continue;
      const changes = Object.fromEntries(personal.map(([name, spec]) => [name, neutralValue(spec)]));
      if ((await repository.update(key as never, changes as never)).applied) touched++;
    }
  }
  return touched;
}
