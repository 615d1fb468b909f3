import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCrm } from '@rapport/core';
import { column, definePlugin, defineTable, type TenantContext } from '@rapport/core/plugin';
import { type KeySet, staticKeyProvider } from '@rapport/core/storage';
import { type DialectName, type EncryptionOptions, reencryption, type SqlStorage } from '@rapport/storage-sql';
import { mysql } from '@rapport/storage-sql/mysql';
import { postgres } from '@rapport/storage-sql/postgres';
import { sqlite } from '@rapport/storage-sql/sqlite';
import { z } from 'zod';
import { createTestDatabase, selected } from '../servers.js';

/** Three data keys, as base64 (children get them on the command line). */
export const KEYS = {
  k1: randomBytes(32).toString('base64'),
  k2: randomBytes(32).toString('base64'),
  k3: randomBytes(32).toString('base64'),
};
export type KeyId = keyof typeof KEYS;

/** A key set of the given ids, the first primary. */
export function keySet(ids: readonly KeyId[], keys: Record<string, string> = KEYS): KeySet {
  return { primaryKeyId: ids[0] as string, keys: ids.map((id) => ({ id, key: Buffer.from(keys[id] as string, 'base64') })) };
}

/** A plugin table with personal columns: a text and a JSON one encrypted, an indexed one and a number plain. */
export const notesTable = defineTable('notes', {
  columns: {
    id: column.text({ maxLength: 64 }),
    customerId: column.text({ maxLength: 64 }).customerRef(),
    body: column.text({ maxLength: 2000 }).personal(),
    contact: column.json<{ phone: string; street: string }>().personal().nullable(),
    label: column.text({ maxLength: 64 }),
    visits: column.integer().default(0),
  },
  primaryKey: ['id'],
  indexes: [['customerId']],
});

/** `crm.notes`: the tenant's notes table repository. */
export const notesPlugin = definePlugin({
  name: 'test-notes',
  tables: [notesTable],
  api: { notes: (tenant: TenantContext) => tenant.store.table(notesTable) },
});

/** The app's traits: `loyaltyNotes` is personal (configured on the storage), `plan` is not. */
export const traitsSchema = z.object({ loyaltyNotes: z.string().optional(), plan: z.string().optional(), phone: z.string().optional() });

/** The encryption option for a key set. */
export function encryptionWith(ids: readonly KeyId[], keys?: Record<string, string>): EncryptionOptions {
  return { keys: staticKeyProvider(keySet(ids, keys)), personalTraits: ['loyaltyNotes'] };
}

/** One database of a dialect, opened as often as a test needs, with whatever keys. */
export interface EncryptedDatabase {
  name: DialectName;
  location: string;
  open(encryption?: EncryptionOptions, poolSize?: number): Promise<SqlStorage>;
  cleanup(): Promise<void>;
}

/** Opens a storage of `target` at `location`. */
export async function openStorage(
  target: DialectName,
  location: string,
  encryption?: EncryptionOptions,
  poolSize = 8,
): Promise<SqlStorage> {
  if (target === 'sqlite') return sqlite({ filename: location, ...(encryption ? { encryption } : {}) });
  if (target === 'postgres') return postgres({ connectionString: location, max: poolSize, ...(encryption ? { encryption } : {}) });
  return mysql({ uri: location, connectionLimit: poolSize, ...(encryption ? { encryption } : {}) });
}

/** A Crm over `storage` with the notes plugin, the re-encryption plugin and the test traits. */
export function crmOn(storage: SqlStorage, tenant = 'acme') {
  return createCrm({ storage, tenant, plugins: [notesPlugin, reencryption()], schema: { traits: traitsSchema } });
}

/** The dialects to test: SQLite (a file) always, the servers when they answer. */
export async function encryptedDatabases(): Promise<{ name: DialectName; fresh: () => Promise<EncryptedDatabase> }[]> {
  const out: { name: DialectName; fresh: () => Promise<EncryptedDatabase> }[] = [];
  if (selected('sqlite'))
    out.push({
      name: 'sqlite',
      fresh: async () => {
        const dir = mkdtempSync(join(tmpdir(), 'rapport-enc-'));
        const location = join(dir, 'crm.db');
        return {
          name: 'sqlite',
          location,
          open: (encryption) => openStorage('sqlite', location, encryption),
          cleanup: async () => rmSync(dir, { recursive: true, force: true }),
        };
      },
    });
  for (const name of ['postgres', 'mysql'] as const) {
    if (!selected(name)) continue;
    const probe = await createTestDatabase(name);
    if (!('url' in probe)) continue;
    await probe.drop();
    out.push({
      name,
      fresh: async () => {
        const database = await createTestDatabase(name);
        if (!('url' in database)) throw new Error(database.skip);
        return {
          name,
          location: database.url,
          open: (encryption, poolSize) => openStorage(name, database.url, encryption, poolSize),
          cleanup: database.drop,
        };
      },
    });
  }
  return out;
}
