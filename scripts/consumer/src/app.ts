// An app as a user writes it, against the packed packages: one import per audience and one per
// storage driver. Type-checked only (see scripts/check-packages.mjs); never run.
import 'reflect-metadata';
import { type Customer, createCrm, isRapportError, memoryStorage } from '@rapport/core';
import {
  column,
  defineErrorCodes,
  definePlugin,
  defineTable,
  type ErrorCodeEntries,
  EVENT_BUS,
  errorDetails,
  type PluginContext,
  PluginError,
} from '@rapport/core/plugin';
import type { Storage, TenantStore } from '@rapport/core/storage';
import { type SqlStorage, sqliteDialect } from '@rapport/storage-sql';
import { mysql } from '@rapport/storage-sql/mysql';
import { postgres } from '@rapport/storage-sql/postgres';
import { type SqliteOptions, sqlite } from '@rapport/storage-sql/sqlite';
import { Pool } from 'pg';

// A plugin's own error codes, table, hook, API and event, through the published declarations.
const greeterErrorCodes = {
  NoBus: { code: 'GREETER_NO_BUS', kind: 'internal', details: errorDetails<{ plugin: string }>() },
} as const;
declare module '@rapport/core' {
  interface RapportErrorCodes extends ErrorCodeEntries<typeof greeterErrorCodes> {}
  interface RapportEvents {
    'greeting.sent': { tenantId: string; customerId: string };
  }
}
const GreeterErrorCode = defineErrorCodes('greeter', greeterErrorCodes);
const greetings = defineTable('greetings', {
  columns: { id: column.text(), customerId: column.text().customerRef(), sentAt: column.timestamp() },
  primaryKey: ['id'],
});

const greeter = () =>
  definePlugin({
    name: 'greeter',
    tables: [greetings],
    register(context: PluginContext) {
      if (!context.container.has(EVENT_BUS)) throw new PluginError(GreeterErrorCode.NoBus, 'greeter', 'no event bus');
    },
    hooks: { 'customer.beforeCreate': (input) => input },
    api: {
      greetings: (tenant) => ({
        send: async (customerId: string) => {
          await tenant.store.table(greetings).insert({ id: tenant.ids.next(), customerId, sentAt: tenant.clock.now() });
          tenant.events.emit('greeting.sent', { tenantId: tenant.tenantId, customerId });
        },
      }),
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
    crm.events.on('greeting.sent', (event) => void event.customerId.toUpperCase());
    await crm.greetings.send(customer.id);
    await crm.forTenant('shop-2').greetings.send(customer.id);
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
