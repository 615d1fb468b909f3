import type { Identity, SegmentCondition } from '@rapport/core';
import type { TenantStore } from '@rapport/core/plugin';
import { emptyMetrics } from '@rapport/core/storage';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aConsentRecord, aCustomer, anInteraction, aSegment, uniqueId } from '../fixtures/builders.js';
import { PERSONAS, POPULATION_NOW, seedPopulation } from '../fixtures/population.js';
import { allPages, type ConformanceContext } from './context.js';

/** Everything tenant B holds, read through B's own repositories. */
async function snapshot(store: TenantStore): Promise<unknown> {
  const customers = await allPages((cursor) => store.customers.list({ limit: 100, cursor }));
  const details = [];
  for (const customer of customers) {
    details.push({
      customer,
      timeline: await allPages((cursor) => store.interactions.timeline(customer.id, { limit: 100, cursor })),
      consents: await store.consents.history(customer.id),
      memberships: await store.segments.membershipsOf(customer.id),
    });
  }
  return { details, segments: await store.segments.list() };
}

type Operation = (a: TenantStore, b: { ids: string[]; identities: Identity[]; segmentKey: string; ownId: string }) => Promise<void>;

const vip: SegmentCondition = { kind: 'tag', op: 'has', value: 'vip' };

/** Each operation aims tenant A's repositories at tenant B's ids, identities and keys. */
const OPERATIONS: Record<string, Operation> = {
  get: async (a, b) => {
    for (const id of b.ids) expect(await a.customers.get(id)).toBeNull();
    expect(await a.customers.getMany(b.ids)).toEqual([]);
  },
  resolveId: async (a, b) => {
    for (const id of b.ids) expect(await a.customers.resolveId(id)).toBeNull();
    expect((await a.customers.resolveIds(b.ids)).size).toBe(0);
  },
  findByIdentity: async (a, b) => {
    for (const identity of b.identities) {
      const found = await a.customers.findByIdentity(identity);
      expect(found === null || found.tenantId === a.tenantId).toBe(true);
    }
    for (const owner of await a.customers.findOwners(b.identities)) expect(b.ids).not.toContain(owner.customerId);
  },
  insertSameIdentities: async (a, b) => {
    const identity = b.identities[0] as Identity;
    const owner = await a.customers.findByIdentity(identity);
    if (!owner) await a.customers.insert(aCustomer(a.tenantId, { identities: [identity] }));
  },
  update: async (a, b) => {
    for (const id of b.ids) {
      for (const version of [1, 2, 3]) {
        expect(await a.customers.update(aCustomer(a.tenantId, { id, traits: { hacked: true }, version: version + 1 }), version)).toBe(
          false,
        );
      }
    }
  },
  identities: async (a, b) => {
    for (const id of b.ids) {
      await a.customers.addIdentity(id, { type: 'email', namespace: '', value: `${uniqueId('z')}@evil.io` }).catch(() => undefined);
      for (const identity of b.identities) expect(await a.customers.removeIdentity(id, identity)).toBe(false);
      await a.customers.moveIdentities(id, b.ownId);
    }
  },
  metrics: async (a, b) => {
    for (const id of b.ids) {
      await a.customers.applyMetrics([
        {
          customerId: id,
          delta: {
            firstSeenAt: new Date(0),
            lastSeenAt: new Date(0),
            lastPurchaseAt: new Date(0),
            purchaseCount: 99,
            totalSpend: 99,
            interactionCount: 99,
            lastSeenByChannel: { evil: new Date(0) },
          },
        },
      ]);
      await a.customers.replaceMetrics(id, emptyMetrics());
    }
  },
  merge: async (a, b) => {
    for (const id of b.ids) await a.customers.markMerged(id, b.ownId, POPULATION_NOW);
  },
  interactions: async (a, b) => {
    for (const id of b.ids) {
      expect((await a.interactions.timeline(id, { limit: 10 })).items).toEqual([]);
      expect(await a.interactions.reassignCustomer(id, b.ownId)).toBe(0);
    }
    const statuses = await a.interactions.insertMany([anInteraction(a.tenantId, b.ownId, { idempotencyKey: `${b.ids[0]}-i0` })]);
    expect(['stored', 'duplicate']).toContain(statuses[0]);
  },
  consents: async (a, b) => {
    for (const id of b.ids) {
      expect(await a.consents.history(id)).toEqual([]);
      expect(await a.consents.reassignCustomer(id, b.ownId)).toBe(0);
    }
    await a.consents.append(aConsentRecord(a.tenantId, b.ownId));
  },
  segments: async (a, b) => {
    expect(await a.segments.get(b.segmentKey)).toBeNull();
    expect(await a.segments.remove(b.segmentKey)).toBe(false);
    await a.segments.update(aSegment(a.tenantId, { kind: 'tag', op: 'lacks', value: 'vip' }, { key: b.segmentKey }));
    const members = await a.segments.members(vip, POPULATION_NOW, { limit: 100 });
    for (const id of members.items) expect(b.ids).not.toContain(id);
    for (const id of b.ids) expect(await a.segments.matches(id, vip, POPULATION_NOW)).toBe(false);
    for (const id of b.ids) {
      await a.segments.refreshCustomer(id, [aSegment(a.tenantId, vip, { key: b.segmentKey })], POPULATION_NOW);
      expect(await a.segments.membershipsOf(id)).toEqual([]);
      await a.segments.clearMemberships(id);
    }
  },
  segmentsOwn: async (a, b) => {
    const own = aSegment(a.tenantId, vip, { key: b.segmentKey });
    if (!(await a.segments.get(b.segmentKey))) await a.segments.insert(own);
    const changes = await a.segments.refresh(own, POPULATION_NOW);
    for (const id of [...changes.entered, ...changes.exited]) expect(b.ids).not.toContain(id);
  },
  transaction: async (a, b) => {
    await a
      .transaction(async (tx) => {
        await tx.customers.markMerged(b.ids[0] as string, b.ownId, POPULATION_NOW);
        throw new Error('rollback');
      })
      .catch(() => undefined);
  },
};

/** Property: no repository method under tenant A returns or changes tenant B's data. */
export function tenancySuite(ctx: ConformanceContext, runs: number): void {
  describe(`${ctx.name}: tenant isolation`, () => {
    it('keeps records of two tenants apart when they have the same ids (ids are unique per tenant only)', async () => {
      const [a, b] = [ctx.freshTenant(), ctx.freshTenant()];
      const id = uniqueId('same');
      const interactionId = uniqueId('same-int');
      for (const [store, name] of [
        [a, 'Ada'],
        [b, 'Bo'],
      ] as const) {
        await store.customers.insert(aCustomer(store.tenantId, { id, traits: { name } }));
        await store.interactions.insertMany([anInteraction(store.tenantId, id, { id: interactionId, type: `seen-by-${name}` })]);
      }
      for (const [store, name] of [
        [a, 'Ada'],
        [b, 'Bo'],
      ] as const) {
        expect((await store.customers.get(id))?.traits).toEqual({ name });
        const timeline = await store.interactions.timeline(id, { limit: 10 });
        expect(timeline.items.map((item) => [item.tenantId, item.type])).toEqual([[store.tenantId, `seen-by-${name}`]]);
      }
    });

    it(`no sequence of operations under tenant A reads or changes tenant B (${runs} runs)`, async () => {
      const b = ctx.freshTenant();
      const seeded = await seedPopulation(b, b.tenantId);
      const segmentKey = 'shared-key';
      const segment = aSegment(b.tenantId, vip, { key: segmentKey });
      await b.segments.insert(segment);
      await b.segments.refresh(segment, POPULATION_NOW);
      const bIds = PERSONAS.map((persona) => seeded.ids[persona]);
      const bIdentities = (await b.customers.getMany(bIds)).flatMap((customer) => customer.identities);
      const before = await snapshot(b);
      expect(bIdentities.length).toBeGreaterThan(5);
      await fc.assert(
        fc.asyncProperty(fc.array(fc.constantFrom(...Object.keys(OPERATIONS)), { minLength: 1, maxLength: 6 }), async (names) => {
          const a = ctx.storage().forTenant(uniqueId('ta'));
          const own = aCustomer(a.tenantId, { tags: ['vip'] });
          await a.customers.insert(own);
          for (const name of names) {
            await OPERATIONS[name]?.(a, { ids: bIds, identities: bIdentities, segmentKey, ownId: own.id });
          }
        }),
        { numRuns: runs, seed: 7 },
      );
      expect(await snapshot(b)).toEqual(before);
    });
  });
}
