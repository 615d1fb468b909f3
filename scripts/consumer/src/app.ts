// An app as a user writes it, against the packed packages: one import per audience and one per
// storage driver. Type-checked only (see scripts/check-packages.mjs); never run.
import 'reflect-metadata';
import { type Customer, createCrm, isRapportError, memoryStorage } from '@rapport/core';
import { definePlugin, EVENT_BUS, type PluginContext, PluginError } from '@rapport/core/plugin';
import type { Storage, TenantStore } from '@rapport/core/storage';
import { type SqlStorage, sqliteDialect } from '@rapport/storage-sql';
import { mysql } from '@rapport/storage-sql/mysql';
import { postgres } from '@rapport/storage-sql/postgres';
import { type SqliteOptions, sqlite } from '@rapport/storage-sql/sqlite';
import { Pool } from 'pg';

const greeter = () =>
  definePlugin({
    name: 'greeter',
    register(context: PluginContext) {
      if (!context.container.isRegistered(EVENT_BUS)) throw new PluginError('GREETER_NO_BUS', 'greeter', 'no event bus');
    },
  });

const options: SqliteOptions = { filename: ':memory:' };
const embedded: SqlStorage = sqlite(options);
const servers: Promise<SqlStorage>[] = [
  postgres({ pool: new Pool({ connectionString: 'postgres://localhost/test' }) }),
  mysql({ uri: 'mysql://root@127.0.0.1:3306/test' }),
];
const storages: Storage[] = [embedded, memoryStorage()];

export async function main(): Promise<Customer | undefined> {
  const crm = await createCrm({ storage: storages[0], plugins: [greeter()] });
  try {
    const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: 'a@example.com' }] });
    return customer;
  } catch (error) {
    if (isRapportError(error)) return undefined;
    throw error;
  } finally {
    await crm.close();
  }
}

export type Store = TenantStore;
export const dialect = sqliteDialect.name;
export { servers };
