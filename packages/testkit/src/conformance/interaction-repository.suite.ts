import { describe, expect, it } from 'vitest';
import { aCustomer, anInteraction } from '../fixtures/builders.js';
import { allPages, type ConformanceContext } from './context.js';

/** The interaction log: every method of `InteractionRepository`. */
export function interactionRepositorySuite(ctx: ConformanceContext): void {
  describe(`${ctx.name}: interactions`, () => {
    it('stores interactions with all fields and reads them back newest first', async () => {
      const store = ctx.freshTenant();
      const customer = aCustomer(store.tenantId);
      await store.customers.insert(customer);
      const older = anInteraction(store.tenantId, customer.id, {
        type: 'purchase',
        channel: 'pos',
        direction: 'inbound',
        occurredAt: new Date('2026-03-01T09:00:00.001Z'),
        recordedAt: new Date('2026-03-01T09:00:05.000Z'),
        properties: { amount: 12.5, items: [{ sku: 'A-1', qty: 2 }], note: '蔡 "quoted" \\ back' },
        source: 'store-42',
        idempotencyKey: `${store.tenantId}-order-1`,
      });
      const newer = anInteraction(store.tenantId, customer.id, {
        type: 'email.sent',
        channel: 'email',
        direction: 'outbound',
        occurredAt: new Date('2026-03-02T09:00:00Z'),
      });
      expect(await store.interactions.insertMany([older, newer])).toEqual(['stored', 'stored']);
      const page = await store.interactions.timeline(customer.id, { limit: 10 });
      expect(page.items.map((item) => item.id)).toEqual([newer.id, older.id]);
      expect(page.items[1]).toEqual({ ...older, tenantId: store.tenantId });
      expect(page.nextCursor).toBeNull();
    });

    it('stores an idempotency key once, also when it repeats inside one batch', async () => {
      const store = ctx.freshTenant();
      const customer = aCustomer(store.tenantId);
      await store.customers.insert(customer);
      const key = 'evt-1';
      const first = anInteraction(store.tenantId, customer.id, { idempotencyKey: key });
      expect(await store.interactions.insertMany([first])).toEqual(['stored']);
      const again = anInteraction(store.tenantId, customer.id, { idempotencyKey: key });
      const other = anInteraction(store.tenantId, customer.id, { idempotencyKey: 'evt-2' });
      const otherRepeat = anInteraction(store.tenantId, customer.id, { idempotencyKey: 'evt-2' });
      const noKey = anInteraction(store.tenantId, customer.id);
      expect(await store.interactions.insertMany([again, other, otherRepeat, noKey])).toEqual([
        'duplicate',
        'stored',
        'duplicate',
        'stored',
      ]);
      const all = await allPages((cursor) => store.interactions.timeline(customer.id, { limit: 2, cursor }));
      expect(all.map((item) => item.id).sort()).toEqual([first.id, other.id, noKey.id].sort());
    });

    it('filters the timeline by type, channel and time, and pages with ties on time', async () => {
      const store = ctx.freshTenant();
      const customer = aCustomer(store.tenantId);
      await store.customers.insert(customer);
      const at = (day: number) => new Date(Date.UTC(2026, 2, day));
      const items = [
        anInteraction(store.tenantId, customer.id, { id: `${store.tenantId}-a`, type: 'purchase', channel: 'web', occurredAt: at(1) }),
        anInteraction(store.tenantId, customer.id, { id: `${store.tenantId}-b`, type: 'page_view', channel: 'web', occurredAt: at(2) }),
        anInteraction(store.tenantId, customer.id, { id: `${store.tenantId}-c`, type: 'purchase', channel: 'pos', occurredAt: at(2) }),
        anInteraction(store.tenantId, customer.id, { id: `${store.tenantId}-d`, type: 'purchase', channel: 'web', occurredAt: at(2) }),
        anInteraction(store.tenantId, customer.id, { id: `${store.tenantId}-e`, type: 'complaint', channel: 'email', occurredAt: at(5) }),
      ];
      await store.interactions.insertMany(items);
      const ids = (list: { id: string }[]) => list.map((item) => item.id.slice(store.tenantId.length + 1));
      const everything = await allPages((cursor) => store.interactions.timeline(customer.id, { limit: 2, cursor }));
      expect(ids(everything)).toEqual(['e', 'd', 'c', 'b', 'a']);
      const purchases = await store.interactions.timeline(customer.id, { limit: 10, types: ['purchase'] });
      expect(ids(purchases.items)).toEqual(['d', 'c', 'a']);
      const web = await store.interactions.timeline(customer.id, { limit: 10, channels: ['web', 'email'] });
      expect(ids(web.items)).toEqual(['e', 'd', 'b', 'a']);
      const window = await store.interactions.timeline(customer.id, { limit: 10, since: at(2), until: at(5) });
      expect(ids(window.items)).toEqual(['d', 'c', 'b']);
    });

    it("reassigns a customer's interactions to another customer", async () => {
      const store = ctx.freshTenant();
      const from = aCustomer(store.tenantId);
      const to = aCustomer(store.tenantId);
      await store.customers.insert(from);
      await store.customers.insert(to);
      await store.interactions.insertMany([
        anInteraction(store.tenantId, from.id),
        anInteraction(store.tenantId, from.id),
        anInteraction(store.tenantId, to.id),
      ]);
      expect(await store.interactions.reassignCustomer(from.id, to.id)).toBe(2);
      expect((await store.interactions.timeline(from.id, { limit: 10 })).items).toHaveLength(0);
      expect((await store.interactions.timeline(to.id, { limit: 10 })).items).toHaveLength(3);
    });
  });
}
