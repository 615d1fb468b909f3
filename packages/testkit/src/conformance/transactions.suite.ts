import { describe, expect, it } from 'vitest';
import { aConsentRecord, aCustomer, anInteraction } from '../fixtures/builders.js';
import type { ConformanceContext } from './context.js';

/** `transaction`: all writes land or none. */
export function transactionsSuite(ctx: ConformanceContext): void {
  describe(`${ctx.name}: transactions`, () => {
    it('commits every write of a successful transaction', async () => {
      const store = ctx.freshTenant();
      const customer = aCustomer(store.tenantId);
      await store.transaction(async (tx) => {
        await tx.customers.insert(customer);
        await tx.interactions.insertMany([anInteraction(store.tenantId, customer.id)]);
        await tx.consents.append(aConsentRecord(store.tenantId, customer.id));
      });
      expect(await store.customers.get(customer.id)).not.toBeNull();
      expect((await store.interactions.timeline(customer.id, { limit: 5 })).items).toHaveLength(1);
      expect(await store.consents.history(customer.id)).toHaveLength(1);
    });

    it('rolls back every write when the work throws, and rethrows the error', async () => {
      const store = ctx.freshTenant();
      const existing = aCustomer(store.tenantId, { traits: { keep: true } });
      await store.customers.insert(existing);
      const added = aCustomer(store.tenantId);
      const failure = new Error('boom');
      const caught = await store
        .transaction(async (tx) => {
          await tx.customers.insert(added);
          await tx.customers.update({ ...existing, traits: { keep: false }, version: 2 }, 1);
          await tx.interactions.insertMany([anInteraction(store.tenantId, existing.id, { idempotencyKey: 'k' })]);
          await tx.consents.append(aConsentRecord(store.tenantId, existing.id));
          await tx.transaction(async (inner) => {
            await inner.customers.addIdentity(existing.id, { type: 'email', namespace: '', value: 'rolled@back.io' });
          });
          throw failure;
        })
        .catch((error: unknown) => error);
      expect(caught).toBe(failure);
      expect(await store.customers.get(added.id)).toBeNull();
      const after = await store.customers.get(existing.id);
      expect(after?.traits).toEqual({ keep: true });
      expect(after?.version).toBe(1);
      expect(after?.identities).toEqual([]);
      expect((await store.interactions.timeline(existing.id, { limit: 5 })).items).toHaveLength(0);
      expect(await store.consents.history(existing.id)).toHaveLength(0);
      expect(await store.interactions.insertMany([anInteraction(store.tenantId, existing.id, { idempotencyKey: 'k' })])).toEqual([
        'stored',
      ]);
    });

    it('returns the value of the work', async () => {
      const store = ctx.freshTenant();
      expect(await store.transaction(async () => 42)).toBe(42);
    });
  });
}
