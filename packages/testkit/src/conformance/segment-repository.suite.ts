import { isRapportError, type SegmentCondition, SegmentConditionSchema } from '@rapport/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { aCustomer, aSegment } from '../fixtures/builders.js';
import { type Persona, POPULATION_NOW, type SeededPopulation, seedPopulation } from '../fixtures/population.js';
import { allPages, type ConformanceContext } from './context.js';
import { DSL_CASES } from './segment-dsl-cases.js';

const vip: SegmentCondition = { kind: 'tag', op: 'has', value: 'vip' };

/** Segment definitions, every DSL operator, membership refresh. */
export function segmentRepositorySuite(ctx: ConformanceContext): void {
  describe(`${ctx.name}: segments`, () => {
    it('inserts, reads, lists, updates and removes definitions; a taken key is SEGMENT_EXISTS', async () => {
      const store = ctx.freshTenant();
      const b = aSegment(store.tenantId, vip, { key: 'b-vips', name: 'VIPs', description: 'tagged vip' });
      const a = aSegment(store.tenantId, { kind: 'lifecycle', op: 'eq', value: 'lead' }, { key: 'a-leads' });
      await store.segments.insert(b);
      await store.segments.insert(a);
      expect(await store.segments.get('b-vips')).toEqual({ ...b, tenantId: store.tenantId });
      expect((await store.segments.list()).map((segment) => segment.key)).toEqual(['a-leads', 'b-vips']);
      const error = await store.segments.insert(aSegment(store.tenantId, vip, { key: 'b-vips' })).catch((caught: unknown) => caught);
      expect(isRapportError(error, 'SEGMENT_EXISTS')).toBe(true);
      const changed: SegmentCondition = { kind: 'tag', op: 'lacks', value: 'vip' };
      await store.segments.update({ ...b, name: 'Not VIPs', condition: changed, updatedAt: new Date('2026-07-01T00:00:00Z') });
      const read = await store.segments.get('b-vips');
      expect(read?.name).toBe('Not VIPs');
      expect(read?.condition).toEqual(changed);
      expect(read?.createdAt.toISOString()).toBe(b.createdAt.toISOString());
      expect(read?.updatedAt.toISOString()).toBe('2026-07-01T00:00:00.000Z');
      expect(await store.segments.remove('b-vips')).toBe(true);
      expect(await store.segments.remove('b-vips')).toBe(false);
      expect(await store.segments.get('b-vips')).toBeNull();
    });

    describe('every DSL operator selects the expected customers', () => {
      let seeded: SeededPopulation;
      const store = () => ctx.storage().forTenant(tenant);
      const tenant = `dsl-${Math.random().toString(36).slice(2, 10)}`;
      beforeAll(async () => {
        seeded = await seedPopulation(store(), tenant);
      });
      for (const testCase of DSL_CASES) {
        it(`${testCase.name}`, async () => {
          const condition = SegmentConditionSchema.parse(testCase.condition);
          const expected = [...testCase.expected].sort();
          const members = await allPages((cursor) => store().segments.members(condition, POPULATION_NOW, { limit: 2, cursor }));
          expect(members.map((id) => seeded.personaOf(id)).sort()).toEqual(expected);
          expect(await store().segments.count(condition, POPULATION_NOW)).toBe(expected.length);
          const persona: Persona = expected[0] ?? 'ada';
          expect(await store().segments.matches(seeded.ids[persona], condition, POPULATION_NOW)).toBe(expected.includes(persona));
        });
      }
    });

    it('refreshes memberships and reports who entered and exited', async () => {
      const store = ctx.freshTenant();
      const a = aCustomer(store.tenantId, { id: `${store.tenantId}-a`, tags: ['vip'] });
      const b = aCustomer(store.tenantId, { id: `${store.tenantId}-b` });
      await store.customers.insert(a);
      await store.customers.insert(b);
      const segment = aSegment(store.tenantId, vip, { key: 'vips' });
      await store.segments.insert(segment);
      const t1 = new Date('2026-05-01T00:00:00Z');
      expect(await store.segments.refresh(segment, t1)).toEqual({ entered: [a.id], exited: [] });
      expect(await store.segments.refresh(segment, t1)).toEqual({ entered: [], exited: [] });
      await store.customers.update({ ...a, tags: [], version: 2 }, 1);
      await store.customers.update({ ...b, tags: ['vip'], version: 2 }, 1);
      const t2 = new Date('2026-05-02T00:00:00Z');
      expect(await store.segments.refresh(segment, t2)).toEqual({ entered: [b.id], exited: [a.id] });
      const memberships = await store.segments.membershipsOf(b.id);
      expect(memberships.map((membership) => [membership.segmentKey, membership.enteredAt.toISOString()])).toEqual([
        ['vips', t2.toISOString()],
      ]);
      expect(await store.segments.membershipsOf(a.id)).toEqual([]);
    });

    it('refreshes one customer against several segments and clears memberships', async () => {
      const store = ctx.freshTenant();
      const customer = aCustomer(store.tenantId, { tags: ['vip'], lifecycleStage: 'lead' });
      await store.customers.insert(customer);
      const vips = aSegment(store.tenantId, vip, { key: 'vips' });
      const leads = aSegment(store.tenantId, { kind: 'lifecycle', op: 'eq', value: 'lead' }, { key: 'leads' });
      const churned = aSegment(store.tenantId, { kind: 'lifecycle', op: 'eq', value: 'churned' }, { key: 'churned' });
      for (const segment of [vips, leads, churned]) await store.segments.insert(segment);
      const now = new Date('2026-05-01T00:00:00Z');
      const first = await store.segments.refreshCustomer(customer.id, [vips, leads, churned], now);
      expect([...first.entered].sort()).toEqual(['leads', 'vips']);
      expect(first.exited).toEqual([]);
      await store.customers.update({ ...customer, lifecycleStage: 'churned', version: 2 }, 1);
      const second = await store.segments.refreshCustomer(customer.id, [vips, leads, churned], now);
      expect(second).toEqual({ entered: ['churned'], exited: ['leads'] });
      expect((await store.segments.membershipsOf(customer.id)).map((membership) => membership.segmentKey)).toEqual(['churned', 'vips']);
      await store.segments.clearMemberships(customer.id);
      expect(await store.segments.membershipsOf(customer.id)).toEqual([]);
    });

    it('leaves merged-away customers out of evaluation', async () => {
      const store = ctx.freshTenant();
      const survivor = aCustomer(store.tenantId, { tags: ['vip'] });
      const merged = aCustomer(store.tenantId, { tags: ['vip'] });
      await store.customers.insert(survivor);
      await store.customers.insert(merged);
      await store.customers.markMerged(merged.id, survivor.id, new Date('2026-05-01T00:00:00Z'));
      expect(await store.segments.count(vip, POPULATION_NOW)).toBe(1);
      expect(await store.segments.matches(merged.id, vip, POPULATION_NOW)).toBe(false);
    });
  });
}
