import type { DuplicateOutcome, RecordOutcome } from '@rapport/core';
import { describe, expect, it } from 'vitest';
import { aCustomer, anInteraction } from '../fixtures/builders.js';
import type { ConformanceContext } from './context.js';
import { crmFor } from './crm-for.js';

function duplicate(outcome: RecordOutcome | undefined): Omit<DuplicateOutcome, 'index'> {
  if (outcome?.status !== 'duplicate') throw new Error(`expected a duplicate, got ${JSON.stringify(outcome)}`);
  const { index: _index, ...rest } = outcome;
  return rest;
}

/** Duplicates tell a retry of one event (natural) from another event claiming its key (conflicting). */
export function idempotencyConflictsSuite(ctx: ConformanceContext): void {
  describe(`${ctx.name}: conflicting duplicates`, () => {
    it('finds stored interactions by idempotency key, in this tenant only', async () => {
      const store = ctx.freshTenant();
      const other = ctx.freshTenant();
      const customer = aCustomer(store.tenantId);
      await store.customers.insert(customer);
      const keyed = anInteraction(store.tenantId, customer.id, { idempotencyKey: 'k-1', properties: { a: { b: [1, 2] } } });
      await store.interactions.insertMany([keyed, anInteraction(store.tenantId, customer.id)]);
      expect(await store.interactions.findByIdempotencyKeys(['k-1', 'k-unknown', 'k-1'])).toEqual([{ ...keyed, tenantId: store.tenantId }]);
      expect(await other.interactions.findByIdempotencyKeys(['k-1'])).toEqual([]);
      expect(await store.interactions.findByIdempotencyKeys([])).toEqual([]);
    });

    it('reports a retry of the same event as a plain duplicate of the stored one', async () => {
      const { crm, clock } = await crmFor(ctx);
      const customer = await crm.customers.create({ identities: [{ type: 'email', value: 'retry@x.io' }] });
      const event = {
        customerId: customer.id,
        channel: 'web',
        type: 'purchase',
        properties: { amount: 20, items: [{ sku: 'A', qty: 1 }], note: 'x' },
        idempotencyKey: 'order-1',
      };
      const first = await crm.interactions.record(event);
      if (first.status !== 'stored') throw new Error('first write was not stored');
      clock.advance({ minutes: 5 }); // a retry later: occurredAt was not given, so it is not compared
      const again = await crm.interactions.record({ ...event, properties: { note: 'x', items: [{ qty: 1, sku: 'A' }], amount: 20 } });
      expect(again).toEqual({
        status: 'duplicate',
        idempotencyKey: 'order-1',
        existing: { id: first.interaction.id, customerId: customer.id },
        conflict: false,
        differences: [],
      });
    });

    it('reports another event under a taken key as a conflicting duplicate naming the fields that differ', async () => {
      const { crm } = await crmFor(ctx);
      const ada = await crm.customers.create({ identities: [{ type: 'email', value: 'ada@x.io' }] });
      const bob = await crm.customers.create({ identities: [{ type: 'email', value: 'bob@x.io' }] });
      const at = new Date('2026-05-01T10:00:00Z');
      const first = await crm.interactions.record({
        customerId: ada.id,
        channel: 'pos',
        type: 'purchase',
        occurredAt: at,
        properties: { amount: 10 },
        source: 'store-1',
        idempotencyKey: 'receipt-7',
      });
      if (first.status !== 'stored') throw new Error('first write was not stored');
      const result = await crm.interactions.recordMany([
        {
          customerId: bob.id,
          channel: 'pos',
          type: 'purchase',
          occurredAt: at,
          properties: { amount: 99 },
          source: 'store-1',
          idempotencyKey: 'receipt-7',
        },
        {
          customerId: ada.id,
          channel: 'web',
          type: 'refund',
          direction: 'outbound',
          occurredAt: new Date('2026-05-02T00:00:00Z'),
          source: null,
          idempotencyKey: 'receipt-7',
        },
      ]);
      expect(result.outcomes.map(duplicate)).toEqual([
        {
          status: 'duplicate',
          idempotencyKey: 'receipt-7',
          existing: { id: first.interaction.id, customerId: ada.id },
          conflict: true,
          differences: ['customerId', 'properties'],
        },
        {
          status: 'duplicate',
          idempotencyKey: 'receipt-7',
          existing: { id: first.interaction.id, customerId: ada.id },
          conflict: true,
          differences: ['channel', 'type', 'direction', 'occurredAt', 'properties', 'source'],
        },
      ]);
      expect(result.duplicates).toBe(2);
      expect((await crm.customers.get(bob.id)).metrics.interactionCount).toBe(0);
      expect((await crm.customers.get(ada.id)).metrics.totalSpend).toBe(10);
    });

    it('compares a repeated key inside one batch with the item stored first', async () => {
      const { crm } = await crmFor(ctx);
      const customer = await crm.customers.create({ identities: [{ type: 'email', value: 'batch@x.io' }] });
      const result = await crm.interactions.recordMany([
        { customerId: customer.id, channel: 'web', type: 'page_view', properties: { page: '/a' }, idempotencyKey: 'view-1' },
        { customerId: customer.id, channel: 'web', type: 'page_view', properties: { page: '/a' }, idempotencyKey: 'view-1' },
        { customerId: customer.id, channel: 'web', type: 'page_view', properties: { page: '/b' }, idempotencyKey: 'view-1' },
      ]);
      const [stored, natural, synthetic] = result.outcomes;
      if (stored?.status !== 'stored') throw new Error('the first item was not stored');
      const existing = { id: stored.interaction.id, customerId: customer.id };
      expect(duplicate(natural)).toEqual({ status: 'duplicate', idempotencyKey: 'view-1', existing, conflict: false, differences: [] });
      expect(duplicate(synthetic)).toEqual({
        status: 'duplicate',
        idempotencyKey: 'view-1',
        existing,
        conflict: true,
        differences: ['properties'],
      });
      expect((await crm.interactions.timeline(customer.id)).items.map((item) => item.properties)).toEqual([{ page: '/a' }]);
    });
  });
}
