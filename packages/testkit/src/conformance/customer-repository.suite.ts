import { type Identity, isRapportError } from '@rapport/core';
import type { MetricsDelta } from '@rapport/core/storage';
import { describe, expect, it } from 'vitest';
import { aCustomer } from '../fixtures/builders.js';
import { allPages, type ConformanceContext } from './context.js';

const email = (value: string): Identity => ({ type: 'email', namespace: '', value });
const external = (namespace: string, value: string): Identity => ({ type: 'external', namespace, value });

/** Customers and identities: every method of `CustomerRepository`. */
export function customerRepositorySuite(ctx: ConformanceContext): void {
  describe(`${ctx.name}: customers`, () => {
    it('inserts and reads back a customer with identities, traits, tags and metrics', async () => {
      const store = ctx.freshTenant();
      const customer = aCustomer(store.tenantId, {
        identities: [email('a@x.io'), external('wechat', 'wx-1')],
        traits: { name: 'Ada', nested: { deep: [1, 'two', null] }, unicode: '蔡🐉' },
        tags: ['vip', 'beta'],
        lifecycleStage: 'lead',
        createdAt: new Date('2026-03-01T10:00:00.123Z'),
        updatedAt: new Date('2026-03-02T10:00:00.456Z'),
      });
      await store.customers.insert(customer);
      const read = await store.customers.get(customer.id);
      expect(read).not.toBeNull();
      expect(read?.traits).toEqual(customer.traits);
      expect([...(read?.tags ?? [])].sort()).toEqual(['beta', 'vip']);
      expect(read?.identities).toHaveLength(2);
      expect(read?.identities).toEqual(expect.arrayContaining(customer.identities));
      expect(read?.lifecycleStage).toBe('lead');
      expect(read?.createdAt.toISOString()).toBe('2026-03-01T10:00:00.123Z');
      expect(read?.updatedAt.toISOString()).toBe('2026-03-02T10:00:00.456Z');
      expect(read?.version).toBe(1);
      expect(read?.metrics).toEqual(customer.metrics);
      expect(read?.tenantId).toBe(store.tenantId);
    });

    it('returns null for an unknown id and skips unknown ids in getMany', async () => {
      const store = ctx.freshTenant();
      const customer = aCustomer(store.tenantId);
      await store.customers.insert(customer);
      expect(await store.customers.get('no-such-id')).toBeNull();
      const many = await store.customers.getMany([customer.id, 'no-such-id', customer.id]);
      expect(many.map((found) => found.id)).toEqual([customer.id]);
    });

    it('keeps identities unique per tenant: a second owner is rejected with IDENTITY_TAKEN and nothing is written', async () => {
      const store = ctx.freshTenant();
      const first = aCustomer(store.tenantId, { identities: [email('same@x.io')] });
      await store.customers.insert(first);
      const second = aCustomer(store.tenantId, { identities: [email('other@x.io'), email('same@x.io')] });
      const error = await store.customers.insert(second).catch((caught: unknown) => caught);
      expect(isRapportError(error, 'IDENTITY_TAKEN')).toBe(true);
      expect(await store.customers.get(second.id)).toBeNull();
      expect(await store.customers.findByIdentity(email('other@x.io'))).toBeNull();
    });

    it('treats the same value in different namespaces or types as different identities', async () => {
      const store = ctx.freshTenant();
      const a = aCustomer(store.tenantId, { identities: [external('pos', '42')] });
      const b = aCustomer(store.tenantId, { identities: [external('shopify', '42')] });
      await store.customers.insert(a);
      await store.customers.insert(b);
      expect((await store.customers.findByIdentity(external('pos', '42')))?.id).toBe(a.id);
      expect((await store.customers.findByIdentity(external('shopify', '42')))?.id).toBe(b.id);
      expect(await store.customers.findByIdentity(external('wechat', '42'))).toBeNull();
    });

    it('finds the owners of several identities at once', async () => {
      const store = ctx.freshTenant();
      const a = aCustomer(store.tenantId, { identities: [email('a@o.io')] });
      const b = aCustomer(store.tenantId, { identities: [email('b@o.io')] });
      await store.customers.insert(a);
      await store.customers.insert(b);
      const owners = await store.customers.findOwners([email('a@o.io'), email('nobody@o.io'), email('b@o.io')]);
      const byValue = Object.fromEntries(owners.map((owner) => [owner.identity.value, owner.customerId]));
      expect(byValue).toEqual({ 'a@o.io': a.id, 'b@o.io': b.id });
    });

    it('updates profile fields only when the version matches', async () => {
      const store = ctx.freshTenant();
      const customer = aCustomer(store.tenantId, { traits: { a: 1 }, tags: ['x'] });
      await store.customers.insert(customer);
      const next = {
        ...customer,
        traits: { a: 2, b: 'new' },
        tags: ['y', 'z'],
        lifecycleStage: 'customer',
        version: 2,
        updatedAt: new Date('2026-02-01T00:00:00Z'),
      };
      expect(await store.customers.update(next, 1)).toBe(true);
      expect(await store.customers.update({ ...next, traits: { lost: true }, version: 2 }, 1)).toBe(false);
      const read = await store.customers.get(customer.id);
      expect(read?.traits).toEqual({ a: 2, b: 'new' });
      expect([...(read?.tags ?? [])].sort()).toEqual(['y', 'z']);
      expect(read?.lifecycleStage).toBe('customer');
      expect(read?.version).toBe(2);
      expect(read?.updatedAt.toISOString()).toBe('2026-02-01T00:00:00.000Z');
    });

    it('adds and removes identities, refusing one owned by another customer', async () => {
      const store = ctx.freshTenant();
      const a = aCustomer(store.tenantId, { identities: [email('a@i.io')] });
      const b = aCustomer(store.tenantId, { identities: [email('b@i.io')] });
      await store.customers.insert(a);
      await store.customers.insert(b);
      await store.customers.addIdentity(a.id, external('pos', 'card-1'));
      await store.customers.addIdentity(a.id, external('pos', 'card-1'));
      const error = await store.customers.addIdentity(a.id, email('b@i.io')).catch((caught: unknown) => caught);
      expect(isRapportError(error, 'IDENTITY_TAKEN')).toBe(true);
      expect((await store.customers.get(a.id))?.identities).toHaveLength(2);
      expect((await store.customers.findByIdentity(external('pos', 'card-1')))?.id).toBe(a.id);
      expect(await store.customers.removeIdentity(a.id, external('pos', 'card-1'))).toBe(true);
      expect(await store.customers.removeIdentity(a.id, external('pos', 'card-1'))).toBe(false);
      expect(await store.customers.findByIdentity(external('pos', 'card-1'))).toBeNull();
      await store.customers.addIdentity(b.id, external('pos', 'card-1'));
      expect((await store.customers.findByIdentity(external('pos', 'card-1')))?.id).toBe(b.id);
    });

    it('applies metric deltas as min / max / sum', async () => {
      const store = ctx.freshTenant();
      const customer = aCustomer(store.tenantId);
      await store.customers.insert(customer);
      const d = (iso: string) => new Date(iso);
      const first: MetricsDelta = {
        firstSeenAt: d('2026-02-10T00:00:00Z'),
        lastSeenAt: d('2026-02-20T00:00:00Z'),
        lastPurchaseAt: d('2026-02-15T00:00:00Z'),
        purchaseCount: 2,
        totalSpend: 10.1,
        interactionCount: 3,
        lastSeenByChannel: { web: d('2026-02-20T00:00:00Z') },
      };
      const second: MetricsDelta = {
        firstSeenAt: d('2026-02-01T00:00:00Z'),
        lastSeenAt: d('2026-02-11T00:00:00Z'),
        lastPurchaseAt: null,
        purchaseCount: 0,
        totalSpend: 0.2,
        interactionCount: 1,
        lastSeenByChannel: { web: d('2026-02-11T00:00:00Z'), pos: d('2026-02-05T00:00:00Z') },
      };
      const other = aCustomer(store.tenantId);
      await store.customers.insert(other);
      await store.customers.applyMetrics([
        { customerId: customer.id, delta: first },
        { customerId: other.id, delta: { ...first, purchaseCount: 7 } },
        { customerId: 'not-a-customer', delta: first },
      ]);
      await store.customers.applyMetrics([{ customerId: customer.id, delta: second }]);
      await store.customers.applyMetrics([
        {
          customerId: customer.id,
          delta: {
            ...second,
            firstSeenAt: null,
            lastSeenAt: null,
            totalSpend: 0,
            interactionCount: 1,
            lastSeenByChannel: {},
          },
        },
      ]);
      const metrics = (await store.customers.get(customer.id))?.metrics;
      expect(metrics?.firstSeenAt?.toISOString()).toBe('2026-02-01T00:00:00.000Z');
      expect(metrics?.lastSeenAt?.toISOString()).toBe('2026-02-20T00:00:00.000Z');
      expect(metrics?.lastPurchaseAt?.toISOString()).toBe('2026-02-15T00:00:00.000Z');
      expect(metrics?.purchaseCount).toBe(2);
      expect(metrics?.totalSpend).toBeCloseTo(10.3, 6);
      expect(metrics?.interactionCount).toBe(5);
      expect(metrics?.lastSeenByChannel.web?.toISOString()).toBe('2026-02-20T00:00:00.000Z');
      expect(metrics?.lastSeenByChannel.pos?.toISOString()).toBe('2026-02-05T00:00:00.000Z');
      expect((await store.customers.get(other.id))?.metrics.purchaseCount).toBe(7);
      await store.customers.replaceMetrics(customer.id, { ...(metrics as NonNullable<typeof metrics>), purchaseCount: 9 });
      expect((await store.customers.get(customer.id))?.metrics.purchaseCount).toBe(9);
    });

    it('moves identities and follows merge chains to the live customer', async () => {
      const store = ctx.freshTenant();
      const a = aCustomer(store.tenantId, { identities: [email('a@m.io')] });
      const b = aCustomer(store.tenantId, { identities: [email('b@m.io')] });
      const c = aCustomer(store.tenantId, { identities: [email('c@m.io')] });
      for (const customer of [a, b, c]) await store.customers.insert(customer);
      await store.customers.moveIdentities(a.id, b.id);
      await store.customers.markMerged(a.id, b.id, new Date('2026-04-01T00:00:00Z'));
      expect(await store.customers.get(a.id)).toBeNull();
      expect(await store.customers.resolveId(a.id)).toBe(b.id);
      expect((await store.customers.findByIdentity(email('a@m.io')))?.id).toBe(b.id);
      await store.customers.moveIdentities(b.id, c.id);
      await store.customers.markMerged(b.id, c.id, new Date('2026-04-02T00:00:00Z'));
      expect(await store.customers.resolveId(a.id)).toBe(c.id);
      expect(await store.customers.resolveId(b.id)).toBe(c.id);
      expect(await store.customers.resolveId(c.id)).toBe(c.id);
      expect(await store.customers.resolveId('unknown')).toBeNull();
      expect(Object.fromEntries(await store.customers.resolveIds([a.id, b.id, c.id, 'unknown']))).toEqual({
        [a.id]: c.id,
        [b.id]: c.id,
        [c.id]: c.id,
      });
      const survivor = await store.customers.get(c.id);
      expect(survivor?.identities.map((identity) => identity.value).sort()).toEqual(['a@m.io', 'b@m.io', 'c@m.io']);
      const listed = await allPages((cursor) => store.customers.list({ limit: 10, cursor }));
      expect(listed.map((customer) => customer.id)).toEqual([c.id]);
    });

    it('lists live customers in id order with filters and cursor pagination', async () => {
      const store = ctx.freshTenant();
      const ids = ['k-01', 'k-02', 'k-03', 'k-04', 'k-05'].map((suffix) => `${store.tenantId}-${suffix}`);
      for (const [index, id] of ids.entries()) {
        await store.customers.insert(
          aCustomer(store.tenantId, {
            id,
            tags: index % 2 === 0 ? ['even'] : [],
            lifecycleStage: index < 2 ? 'lead' : 'customer',
            createdAt: new Date(Date.UTC(2026, 0, 1 + index)),
            updatedAt: new Date(Date.UTC(2026, 1, 1 + index)),
          }),
        );
      }
      const pages = [];
      let cursor: string | undefined;
      do {
        const page = await store.customers.list({ limit: 2, cursor });
        pages.push(page.items.map((customer) => customer.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(pages).toEqual([ids.slice(0, 2), ids.slice(2, 4), ids.slice(4)]);
      const byTag = await store.customers.list({ limit: 50, tag: 'even' });
      expect(byTag.items.map((customer) => customer.id)).toEqual([ids[0], ids[2], ids[4]]);
      expect(byTag.nextCursor).toBeNull();
      const byStage = await store.customers.list({ limit: 50, lifecycleStage: 'lead' });
      expect(byStage.items.map((customer) => customer.id)).toEqual(ids.slice(0, 2));
      const byCreated = await store.customers.list({
        limit: 50,
        createdAfter: new Date(Date.UTC(2026, 0, 2)),
        createdBefore: new Date(Date.UTC(2026, 0, 5)),
      });
      expect(byCreated.items.map((customer) => customer.id)).toEqual(ids.slice(2, 4));
      const byUpdated = await store.customers.list({ limit: 50, updatedSince: new Date(Date.UTC(2026, 1, 4)) });
      expect(byUpdated.items.map((customer) => customer.id)).toEqual(ids.slice(3));
    });
  });
}
