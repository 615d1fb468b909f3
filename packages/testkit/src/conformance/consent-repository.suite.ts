import { isRapportError } from '@rapport/core';
import { describe, expect, it } from 'vitest';
import { aConsentRecord, aCustomer } from '../fixtures/builders.js';
import type { ConformanceContext } from './context.js';

/** The consent ledger: every method of `ConsentRepository`. */
export function consentRepositorySuite(ctx: ConformanceContext): void {
  describe(`${ctx.name}: consents`, () => {
    it('appends records and returns the history oldest first, with every field', async () => {
      const store = ctx.freshTenant();
      const customer = aCustomer(store.tenantId);
      await store.customers.insert(customer);
      const later = aConsentRecord(store.tenantId, customer.id, {
        status: 'withdrawn',
        channel: 'email',
        occurredAt: new Date('2026-05-02T00:00:00Z'),
        recordedAt: new Date('2026-05-02T00:00:01Z'),
      });
      const earlier = aConsentRecord(store.tenantId, customer.id, {
        source: 'checkout',
        actor: 'user:7',
        noticeVersion: 'v3',
        proof: { ip: '203.0.113.9', form: 'signup' },
        expiresAt: new Date('2027-05-01T00:00:00Z'),
        occurredAt: new Date('2026-05-01T00:00:00Z'),
        recordedAt: new Date('2026-05-01T00:00:01Z'),
      });
      const analytics = aConsentRecord(store.tenantId, customer.id, {
        purpose: 'analytics',
        status: 'denied',
        occurredAt: new Date('2026-05-03T00:00:00Z'),
      });
      await store.consents.append(later);
      await store.consents.append(earlier);
      await store.consents.append(analytics);
      const history = await store.consents.history(customer.id);
      expect(history.map((record) => record.id)).toEqual([earlier.id, later.id, analytics.id]);
      expect(history[0]).toEqual({ ...earlier, tenantId: store.tenantId });
      expect(history[2]).toEqual(analytics);
      const marketing = await store.consents.history(customer.id, { purpose: 'marketing' });
      expect(marketing.map((record) => record.id)).toEqual([earlier.id, later.id]);
    });

    it('reads several customers\u2019 histories in one call, each as history returns it, and only its tenant\u2019s', async () => {
      const store = ctx.freshTenant();
      const other = ctx.freshTenant();
      const [ada, bob, cyd] = [aCustomer(store.tenantId), aCustomer(store.tenantId), aCustomer(store.tenantId)];
      for (const customer of [ada, bob, cyd]) await store.customers.insert(customer);
      await other.customers.insert(aCustomer(other.tenantId, { id: ada.id }));
      await other.consents.append(aConsentRecord(other.tenantId, ada.id));
      const at = (day: number) => new Date(Date.UTC(2026, 4, day));
      for (const [customer, day, purpose] of [
        [ada, 3, 'marketing'],
        [bob, 1, 'marketing'],
        [ada, 1, 'analytics'],
        [ada, 2, 'marketing'],
        [bob, 4, 'analytics'],
      ] as const)
        await store.consents.append(aConsentRecord(store.tenantId, customer.id, { purpose, occurredAt: at(day), recordedAt: at(day) }));
      const many = await store.consents.historyMany([ada.id, bob.id, cyd.id, 'nobody']);
      expect([...many.keys()]).toEqual([ada.id, bob.id, cyd.id, 'nobody']);
      for (const customer of [ada, bob, cyd]) expect(many.get(customer.id)).toEqual(await store.consents.history(customer.id));
      expect(many.get('nobody')).toEqual([]);
      const marketing = await store.consents.historyMany([ada.id, bob.id], { purpose: 'marketing' });
      expect(marketing.get(ada.id)?.map((record) => record.occurredAt)).toEqual([at(2), at(3)]);
      expect(marketing.get(bob.id)?.map((record) => record.purpose)).toEqual(['marketing']);
      expect(await store.consents.historyMany([])).toEqual(new Map());
    });

    it('is append-only: no method rewrites a record, a stored id or a confirmed request is never overwritten', async () => {
      const store = ctx.freshTenant();
      const customer = aCustomer(store.tenantId);
      await store.customers.insert(customer);
      const pending = aConsentRecord(store.tenantId, customer.id, { status: 'pending', expiresAt: new Date('2027-01-01T00:00:00Z') });
      const confirmed = aConsentRecord(store.tenantId, customer.id, { requestId: pending.id, proof: { tokenId: pending.id } });
      await store.consents.append(pending);
      await store.consents.append(confirmed);
      const clash = async (record: typeof pending) => {
        const error = await store.consents.append(record).then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(isRapportError(error, 'CONSENT_RECORD_EXISTS'), String(error)).toBe(true);
      };
      await clash({ ...pending, status: 'withdrawn', source: 'overwrite' });
      await clash(aConsentRecord(store.tenantId, customer.id, { requestId: pending.id }));
      // Another tenant may hold the same ids: uniqueness is per tenant.
      const other = ctx.freshTenant();
      const stranger = aCustomer(other.tenantId, { id: customer.id });
      await other.customers.insert(stranger);
      await other.consents.append({ ...confirmed, tenantId: other.tenantId });
      expect(await store.consents.history(customer.id)).toEqual([pending, confirmed]);
      // The contract offers appending, reading and merge re-pointing, nothing that edits or deletes.
      const methods = new Set<string>();
      for (let proto = Object.getPrototypeOf(store.consents); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto))
        for (const name of Object.getOwnPropertyNames(proto)) if (name !== 'constructor') methods.add(name);
      expect([...methods].filter((name) => /update|delete|remove|set|clear|edit|replace|upsert/i.test(name))).toEqual([]);
    });

    it('reassigns the ledger of one customer to another', async () => {
      const store = ctx.freshTenant();
      const from = aCustomer(store.tenantId);
      const to = aCustomer(store.tenantId);
      await store.customers.insert(from);
      await store.customers.insert(to);
      await store.consents.append(aConsentRecord(store.tenantId, from.id));
      await store.consents.append(aConsentRecord(store.tenantId, to.id));
      expect(await store.consents.reassignCustomer(from.id, to.id)).toBe(1);
      expect(await store.consents.history(from.id)).toEqual([]);
      expect(await store.consents.history(to.id)).toHaveLength(2);
    });
  });
}
