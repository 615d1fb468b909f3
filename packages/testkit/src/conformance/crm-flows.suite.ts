import { isRapportError } from '@rapport/core';
import { describe, expect, it } from 'vitest';
import type { ConformanceContext } from './context.js';
import { crmFor } from './crm-for.js';

/** End-to-end flows through `createCrm` that a storage must support. */
export function crmFlowsSuite(ctx: ConformanceContext): void {
  describe(`${ctx.name}: Crm flows`, () => {
    it('upserts the same person from two channels, typed two ways, into one customer', async () => {
      const { crm } = await crmFor(ctx);
      const web = await crm.customers.upsert({ identities: [{ type: 'email', value: ' Ada@Example.COM ' }], traits: { name: 'Ada' } });
      const shop = await crm.customers.upsert({
        identities: [
          { type: 'email', value: 'ada@example.com' },
          { type: 'phone', value: '07400 123456' },
        ],
        traits: { locale: 'en-GB' },
      });
      const byPhone = await crm.customers.upsert({ identities: [{ type: 'phone', value: '+44 7400 123456' }] });
      expect(web.created).toBe(true);
      expect(shop.created).toBe(false);
      expect(byPhone.created).toBe(false);
      expect(shop.customer.id).toBe(web.customer.id);
      expect(byPhone.customer.id).toBe(web.customer.id);
      expect(byPhone.customer.traits).toEqual({ name: 'Ada', locale: 'en-GB' });
      expect(byPhone.customer.identities.map((identity) => identity.value).sort()).toEqual(['+447400123456', 'ada@example.com']);
    });

    it('gives one customer for parallel upserts of one new identity', async () => {
      const { crm } = await crmFor(ctx);
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, index) =>
          crm.customers.upsert({ identities: [{ type: 'email', value: 'race@example.com' }], tags: [`t${index}`] }),
        ),
      );
      const ids = new Set(results.map((result) => result.customer.id));
      expect(ids.size).toBe(1);
      expect(results.filter((result) => result.created)).toHaveLength(1);
      const stored = await crm.customers.get([...ids][0] as string);
      expect([...stored.tags].sort()).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6', 't7']);
    });

    it('merges two customers: identities, tags, interactions and consents move; the old id resolves', async () => {
      const { crm, events } = await crmFor(ctx);
      const a = await crm.customers.create({
        identities: [{ type: 'email', value: 'a@merge.io' }],
        traits: { name: 'Ada', locale: 'en-GB' },
        tags: ['web'],
      });
      const b = await crm.customers.create({
        identities: [{ type: 'external', namespace: 'pos', value: 'card-9' }],
        traits: { name: 'A. Lovelace', timezone: 'Europe/London' },
        tags: ['store'],
        lifecycleStage: 'customer',
      });
      await crm.interactions.recordMany([
        { customerId: a.id, channel: 'web', type: 'purchase', properties: { amount: 10 }, occurredAt: new Date('2026-05-01T00:00:00Z') },
        { customerId: b.id, channel: 'pos', type: 'purchase', properties: { amount: 32.5 }, occurredAt: new Date('2026-04-01T00:00:00Z') },
      ]);
      await crm.consent.grant({ customerId: b.id, purpose: 'marketing', channel: 'email', source: 'store' });
      const merged = await crm.customers.merge(a.id, b.id);
      expect(merged.id).toBe(a.id);
      expect(merged.traits).toEqual({ name: 'Ada', locale: 'en-GB', timezone: 'Europe/London' });
      expect([...merged.tags].sort()).toEqual(['store', 'web']);
      expect(merged.lifecycleStage).toBe('customer');
      expect(merged.identities.map((identity) => identity.value).sort()).toEqual(['a@merge.io', 'card-9']);
      expect(merged.metrics.purchaseCount).toBe(2);
      expect(merged.metrics.totalSpend).toBeCloseTo(42.5, 6);
      expect(merged.metrics.firstSeenAt?.toISOString()).toBe('2026-04-01T00:00:00.000Z');
      expect((await crm.customers.get(b.id)).id).toBe(a.id);
      expect((await crm.customers.find({ type: 'external', namespace: 'pos', value: 'card-9' }))?.id).toBe(a.id);
      expect((await crm.interactions.timeline(a.id)).items).toHaveLength(2);
      expect((await crm.consent.check({ customerId: a.id, purpose: 'marketing', channel: 'email' })).status).toBe('granted');
      expect((await crm.customers.list()).items.map((customer) => customer.id)).toEqual([a.id]);
      expect(events.filter((event) => event.name === 'customer.merged')).toHaveLength(1);
    });

    it('records a batch by id onto live and merged-away customers, rejecting only an unknown id; metrics counted once', async () => {
      const { crm } = await crmFor(ctx);
      const create = (name: string) => crm.customers.create({ identities: [{ type: 'email', value: `${name}@batch-ids.io` }] });
      const [a, b, c] = [await create('a'), await create('b'), await create('c')];
      const merged = await crm.customers.merge(a.id, b.id);
      const purchase = (customerId: string, amount: number) => ({ customerId, channel: 'web', type: 'purchase', properties: { amount } });
      // All live: one lock answers who they are. Then one merged away and one unknown among them.
      const live = await crm.interactions.recordMany([purchase(merged.id, 1), purchase(c.id, 2)]);
      expect(live.stored).toBe(2);
      const mixed = await crm.interactions.recordMany([purchase(b.id, 4), purchase('no-such-customer', 8), purchase(c.id, 16)]);
      expect(mixed.outcomes.map((outcome) => outcome.status)).toEqual(['stored', 'rejected', 'stored']);
      expect(mixed.outcomes[1]?.status === 'rejected' && mixed.outcomes[1].error.code).toBe('CUSTOMER_NOT_FOUND');
      expect(mixed.outcomes[0]?.status === 'stored' && mixed.outcomes[0].interaction.customerId).toBe(merged.id);
      expect((await crm.customers.get(merged.id)).metrics).toMatchObject({ purchaseCount: 2, totalSpend: 5 });
      expect((await crm.customers.get(c.id)).metrics).toMatchObject({ purchaseCount: 2, totalSpend: 18 });
      expect((await crm.interactions.timeline(merged.id)).items).toHaveLength(2);
    });

    it('runs two opposite parallel merges one after the other: both succeed, one merge is done', async () => {
      const { crm, events } = await crmFor(ctx);
      const a = await crm.customers.create({ identities: [{ type: 'email', value: 'p1@merge.io' }] });
      const b = await crm.customers.create({ identities: [{ type: 'email', value: 'p2@merge.io' }] });
      const [first, second] = await Promise.all([crm.customers.merge(a.id, b.id), crm.customers.merge(b.id, a.id)]);
      // The later of the two finds both ids standing for one customer already: nothing to do.
      expect(second.id).toBe(first.id);
      const live = await crm.customers.list();
      expect(live.items.map((customer) => customer.id)).toEqual([first.id]);
      expect(live.items[0]?.identities).toHaveLength(2);
      await new Promise((resolve) => setImmediate(resolve));
      expect(events.filter((event) => event.name === 'customer.merged')).toHaveLength(1);
      // Merging one id with itself is still a mistake.
      const self = await crm.customers.merge(a.id, a.id).catch((error: unknown) => error);
      expect(isRapportError(self, 'CUSTOMER_MERGE_SELF')).toBe(true);
    });

    it('records a batch: good items stored, duplicates and bad items reported, metrics from stored only', async () => {
      const { crm, events } = await crmFor(ctx);
      const customer = await crm.customers.create({ identities: [{ type: 'email', value: 'batch@x.io' }] });
      const result = await crm.interactions.recordMany([
        { customerId: customer.id, channel: 'web', type: 'purchase', properties: { amount: 20 }, idempotencyKey: 'order-1' },
        { customerId: customer.id, channel: 'web', type: 'purchase', properties: { amount: 20 }, idempotencyKey: 'order-1' },
        { customerId: customer.id, channel: 'web', type: 'purchase', properties: { amount: 'twenty' } },
        { customerId: 'missing-customer', channel: 'web', type: 'page_view' },
        { identity: { type: 'email', value: 'not-an-email' }, channel: 'web', type: 'page_view' },
        { identity: { type: 'email', value: 'NEW@x.io' }, channel: 'pos', type: 'purchase', properties: { amount: 5 } },
        { customerId: customer.id, channel: 'Bad Channel!', type: 'page_view' },
      ]);
      expect(result.outcomes.map((outcome) => outcome.status)).toEqual([
        'stored',
        'duplicate',
        'rejected',
        'rejected',
        'rejected',
        'stored',
        'rejected',
      ]);
      expect([result.stored, result.duplicates, result.rejected]).toEqual([2, 1, 4]);
      const reasons = result.outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.error] : []));
      expect(reasons.map((error) => error.code)).toEqual(['INVALID_INPUT', 'CUSTOMER_NOT_FOUND', 'INVALID_INPUT', 'INVALID_INPUT']);
      expect(reasons[0]?.message).toContain('properties.amount');
      expect(reasons[2]?.message).toContain('identity.value');
      expect(reasons[3]?.message).toContain('channel');
      const stored = await crm.customers.get(customer.id);
      expect(stored.metrics.purchaseCount).toBe(1);
      expect(stored.metrics.totalSpend).toBe(20);
      const created = await crm.customers.find({ type: 'email', value: 'new@x.io' });
      expect(created?.metrics.totalSpend).toBe(5);
      expect(events.filter((event) => event.name === 'interaction.recorded')).toHaveLength(2);
      const again = await crm.interactions.record({
        customerId: customer.id,
        channel: 'web',
        type: 'purchase',
        properties: { amount: 20 },
        idempotencyKey: 'order-1',
      });
      expect(again.status).toBe('duplicate');
      expect((await crm.customers.get(customer.id)).metrics.purchaseCount).toBe(1);
    });

    it('keeps the rest of a batch when one item holds a NUL character the storage cannot hold', async () => {
      const { crm } = await crmFor(ctx);
      const customer = await crm.customers.create({ identities: [{ type: 'email', value: 'nul@x.io' }] });
      const result = await crm.interactions.recordMany([
        { customerId: customer.id, channel: 'web', type: 'page_view', properties: { page: 1 } },
        { customerId: customer.id, channel: 'web', type: 'page_view', properties: { note: { text: 'a\u0000b' } } },
        { customerId: customer.id, channel: 'web', type: 'page_view', properties: { page: 3 } },
      ]);
      expect(result.outcomes[0]?.status).toBe('stored');
      expect(result.outcomes[2]?.status).toBe('stored');
      const timeline = await crm.interactions.timeline(customer.id);
      if (ctx.storage().capabilities.rejectsNul) {
        const outcome = result.outcomes[1];
        expect(outcome?.status).toBe('rejected');
        if (outcome?.status !== 'rejected') return;
        expect(outcome.error.code).toBe('STORAGE_UNSUPPORTED_VALUE');
        expect(outcome.error.message).toContain('properties.note.text');
        expect(timeline.items.map((item) => item.properties)).toEqual([{ page: 3 }, { page: 1 }]);
      } else {
        expect(result.outcomes[1]?.status).toBe('stored');
        expect(timeline.items.map((item) => item.properties)).toContainEqual({ note: { text: 'a\u0000b' } });
      }
      expect((await crm.customers.get(customer.id)).metrics.interactionCount).toBe(result.stored);
    });

    it('gives one customer when parallel batches name one new identity', async () => {
      const { crm, events } = await crmFor(ctx);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, index) =>
          crm.interactions.recordMany([
            { identity: { type: 'email', value: 'newcomer@x.io' }, channel: 'web', type: 'page_view', idempotencyKey: `view-${index}` },
            { identity: { type: 'email', value: `other-${index}@x.io` }, channel: 'web', type: 'page_view' },
          ]),
        ),
      );
      expect(results.map((result) => result.stored)).toEqual([2, 2, 2, 2, 2, 2]);
      const newcomer = await crm.customers.find({ type: 'email', value: 'newcomer@x.io' });
      expect(newcomer?.metrics.interactionCount).toBe(6);
      const owners = new Set(
        results.map((result) => (result.outcomes[0]?.status === 'stored' ? result.outcomes[0].interaction.customerId : '')),
      );
      expect([...owners]).toEqual([newcomer?.id]);
      const created = events.filter((event) => event.name === 'customer.created');
      expect(created).toHaveLength(7);
    });

    it('rejects a stale expectedVersion with CUSTOMER_VERSION_CONFLICT and keeps the newer data', async () => {
      const { crm } = await crmFor(ctx);
      const customer = await crm.customers.create({ traits: { name: 'V1' } });
      await crm.customers.update(customer.id, { traits: { name: 'V2' }, expectedVersion: 1 });
      const error = await crm.customers
        .update(customer.id, { traits: { name: 'stale' }, expectedVersion: 1 })
        .catch((caught: unknown) => caught);
      expect(isRapportError(error, 'CUSTOMER_VERSION_CONFLICT')).toBe(true);
      const read = await crm.customers.get(customer.id);
      expect(read.traits).toEqual({ name: 'V2' });
      expect(read.version).toBe(2);
    });

    it('refreshes segments with enter and exit events as time passes', async () => {
      const { crm, clock, events } = await crmFor(ctx);
      const customer = await crm.customers.create({ identities: [{ type: 'email', value: 'seg@x.io' }] });
      await crm.interactions.record({ customerId: customer.id, channel: 'web', type: 'purchase', properties: { amount: 100 } });
      await crm.segments.define({
        key: 'recent-buyers',
        name: 'Recent buyers',
        condition: { kind: 'events', types: ['purchase'], withinDays: 30, count: { op: 'gte', value: 1 } },
      });
      expect(await crm.segments.refresh()).toEqual({ 'recent-buyers': { entered: [customer.id], exited: [] } });
      expect((await crm.profile(customer.id)).segments.map((segment) => segment.key)).toEqual(['recent-buyers']);
      clock.advance({ days: 31 });
      expect(await crm.segments.refresh('recent-buyers')).toEqual({ 'recent-buyers': { entered: [], exited: [customer.id] } });
      expect(events.filter((event) => event.name.startsWith('segment.')).map((event) => event.name)).toEqual([
        'segment.entered',
        'segment.exited',
      ]);
      expect((await crm.profile(customer.id)).segments).toEqual([]);
    });
  });
}
