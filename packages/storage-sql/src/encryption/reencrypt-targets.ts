import type { TableBinding } from '@rapport/core/storage';
import { FieldCipher } from '@rapport/core/storage';
import type { SqlContext } from '../repositories/sql-context.js';
import type { StorageEncryption } from './storage-encryption.js';
import { TableCells } from './table-cells.js';

type DbRow = Record<string, unknown>;

/** One table the re-encryption job walks, in primary-key order. */
export interface ReencryptTarget {
  /** Physical table name. */
  readonly table: string;
  /** Physical key columns besides the tenant, in order. */
  readonly key: readonly string[];
  /** Columns a batch reads: the key, the encrypted values and the guard. */
  readonly select: readonly string[];
  /** The new values of a row holding plaintext or values under an old key; empty when current. */
  reseal(row: DbRow): Record<string, unknown>;
  /**
   * What must still be stored for the update to apply: the values read (or the customer's
   * version). A concurrent write changed them, and wrote its own values under the primary key.
   */
  guard(row: DbRow, changes: Record<string, unknown>): Record<string, unknown>;
}

/** Every encrypted column of the storage, in a fixed order (identities, customers, plugin tables by name). */
export function reencryptTargets(ctx: SqlContext, encryption: StorageEncryption, tables: readonly TableBinding[]): ReencryptTarget[] {
  const tenant = ctx.tenantId;
  const unchanged = (row: DbRow, changes: Record<string, unknown>) =>
    Object.fromEntries(Object.keys(changes).map((column) => [column, row[column]]));
  const identities: ReencryptTarget = {
    table: 'rapport_identities',
    key: ['value_hash'],
    select: ['value_hash', 'value'],
    reseal(row) {
      const hash = String(row.value_hash);
      const value = String(row.value);
      if (!encryption.fields.isStale(value)) return {};
      return { value: encryption.sealIdentity(tenant, hash, encryption.openIdentity(tenant, hash, value)) };
    },
    guard: unchanged,
  };
  const customers: ReencryptTarget = {
    table: 'rapport_customers',
    key: ['id'],
    select: ['id', 'traits', 'version'],
    reseal(row) {
      const id = String(row.id);
      const traits = ctx.dialect.parseJson(row.traits) as Record<string, unknown>;
      const current = (value: unknown) => typeof value === 'string' && FieldCipher.isEnvelope(value) && !encryption.fields.isStale(value);
      const stale = Object.keys(traits).some(
        (name) => encryption.personalTraits.has(name) && traits[name] !== undefined && !current(traits[name]),
      );
      if (!stale) return {};
      const sealed = encryption.sealTraits(tenant, id, encryption.openTraits(tenant, id, traits));
      return { traits: ctx.dialect.jsonParam(sealed, 'traits') };
    },
    // Every write of traits moves the version on; metrics updates leave traits alone.
    guard: (row) => ({ version: row.version }),
  };
  const plugin = [...tables]
    .sort((a, b) => (a.physicalName < b.physicalName ? -1 : 1))
    .flatMap((binding): ReencryptTarget[] => {
      const cells = TableCells.of(ctx, binding);
      if (!cells) return [];
      const key = (binding.declaration.primaryKey as readonly string[]).map((name) => binding.columns[name] as string);
      const values = [...cells.columns].map((name) => binding.columns[name] as string);
      return [{ table: binding.physicalName, key, select: [...key, ...values], reseal: (row) => cells.reseal(row), guard: unchanged }];
    });
  return [identities, customers, ...plugin];
}
