import { createCrm, isRapportError, type Storage, UnavailableError } from '@rapport/core';
import type { TenantStore } from '@rapport/core/plugin';
import { describe, expect, it } from 'vitest';
import { dialectTargets } from './dialect-targets.js';

const targets = await dialectTargets();

/**
 * The storage as it is, except that inside a transaction writing interactions fails, as a
 * full disk or a lost server would: what the batch wrote before that point must roll back.
 */
function failingInteractionWrites(storage: Storage): Storage {
  const failing = (store: TenantStore): TenantStore['interactions'] =>
    Object.assign(Object.create(store.interactions) as TenantStore['interactions'], {
      insertMany: async () => {
        throw new UnavailableError('STORAGE_UNAVAILABLE', 'the disk went away');
      },
    });
  const wrap = (store: TenantStore, inTransaction: boolean): TenantStore => ({
    tenantId: store.tenantId,
    customers: store.customers,
    interactions: inTransaction ? failing(store) : store.interactions,
    consents: store.consents,
    segments: store.segments,
    jobs: store.jobs,
    profiles: store.profiles,
    table: (declaration) => store.table(declaration),
    reassignTableRows: (fromId, toId) => store.reassignTableRows(fromId, toId),
    ...(store.privacy ? { privacy: store.privacy } : {}),
    transaction: (work) => store.transaction((tx) => work(wrap(tx, true))),
  });
  return {
    name: storage.name,
    kind: storage.kind,
    capabilities: storage.capabilities,
    migrate: (extensions, tables) => storage.migrate(extensions, tables),
    forTenant: (tenantId) => wrap(storage.forTenant(tenantId), false),
    jobs: storage.jobs,
    close: () => storage.close(),
  };
}

describe.each(targets.map((target) => [target.name, target] as const))('recordMany on %s', (_name, target) => {
  it('leaves no customer behind for unknown identities when its transaction fails', async () => {
    const database = await target.fresh();
    const storage = await database.open();
    try {
      const crm = await createCrm({ storage: failingInteractionWrites(storage), tenant: 't' });
      const created: string[] = [];
      crm.events.on('customer.created', ({ customer }) => void created.push(customer.id));
      const known = await crm.customers.create({ identities: [{ type: 'email', value: 'known@x.io' }] });
      const error = await crm.interactions
        .recordMany([
          { identity: { type: 'email', value: 'ghost@x.io' }, channel: 'web', type: 'page_view' },
          { customerId: known.id, channel: 'web', type: 'purchase', properties: { amount: 5 } },
        ])
        .catch((caught: unknown) => caught);
      expect(isRapportError(error, 'STORAGE_UNAVAILABLE'), String(error)).toBe(true);
      expect(await crm.customers.find({ type: 'email', value: 'ghost@x.io' })).toBeNull();
      expect(created).toEqual([known.id]);
      expect((await crm.customers.get(known.id)).metrics.interactionCount).toBe(0);
      await crm.close();
    } finally {
      await storage.close().catch(() => undefined);
      await database.cleanup();
    }
  });
});
