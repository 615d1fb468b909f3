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
        noticeVersion: 'v3',
        proof: { ip: '203.0.113.9', form: 'signup' },
        occurredAt: new Date('2026-05-01T00:00:00Z'),
        recordedAt: new Date('2026-05-01T00:00:01Z'),
      });
      const analytics = aConsentRecord(store.tenantId, customer.id, { purpose: 'analytics', occurredAt: new Date('2026-05-03T00:00:00Z') });
      await store.consents.append(later);
      await store.consents.append(earlier);
      await store.consents.append(analytics);
      const history = await store.consents.history(customer.id);
      expect(history.map((record) => record.id)).toEqual([earlier.id, later.id, analytics.id]);
      expect(history[0]).toEqual({ ...earlier, tenantId: store.tenantId });
      const marketing = await store.consents.history(customer.id, { purpose: 'marketing' });
      expect(marketing.map((record) => record.id)).toEqual([earlier.id, later.id]);
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
