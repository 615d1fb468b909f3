import { normalizeIdentity, SegmentConditionSchema } from '@rapport/core';
import type { TenantStore } from '@rapport/core/plugin';
import { composeProfileSnapshot, type ProfileRequest, readProfileSnapshot } from '@rapport/core/storage';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { aConsentRecord, aCustomer, anInteraction, aSegment } from '../fixtures/builders.js';
import { PERSONAS, POPULATION_NOW, type SeededPopulation, seedPopulation } from '../fixtures/population.js';
import type { ConformanceContext } from './context.js';
import { segmentConditionArbitrary } from './segment-arbitraries.js';
import { DSL_CASES } from './segment-dsl-cases.js';

/** Values a JSON round trip inside the database could bend: unicode, escapes, numbers, nesting. */
const AWKWARD_PROPERTIES = {
  text: 'quote " backslash \\ tab \t newline \n emoji 🎉 accents éß 中文',
  fraction: 0.1,
  negative: -42.125,
  big: 9_007_199_254_740_991,
  flag: false,
  nothing: null,
  nested: { list: [1, 'two', { three: [true] }], empty: {}, none: [] },
};

/**
 * A storage's {@link ProfileReader} (where it has one) gives exactly what its repositories
 * give, read one by one: the reference is `composeProfileSnapshot`.
 */
export function profileReaderSuite(ctx: ConformanceContext): void {
  describe(`${ctx.name}: profile snapshots`, () => {
    const tenant = `profile-${Math.random().toString(36).slice(2, 10)}`;
    const store = (): TenantStore => ctx.storage().forTenant(tenant);
    const segments = DSL_CASES.map((testCase, index) => ({
      key: `case-${String(index).padStart(3, '0')}`,
      condition: SegmentConditionSchema.parse(testCase.condition),
    }));
    const request = (timelineLimit: number): ProfileRequest => ({ timelineLimit, segments, now: POPULATION_NOW });
    let seeded: SeededPopulation;
    const awkwardId = `${tenant}-awkward`;

    beforeAll(async () => {
      seeded = await seedPopulation(store(), tenant);
      await addAwkwardCustomer(store(), awkwardId);
      // Stored memberships for a few segments, so the snapshot has some to read.
      for (const segment of segments.slice(0, 6)) {
        const stored = aSegment(tenant, segment.condition, { key: segment.key });
        await store().segments.insert(stored);
        await store().segments.refresh(stored, POPULATION_NOW);
      }
    });

    for (const timelineLimit of [0, 2, 50]) {
      it(`matches the repositories for every persona (timeline limit ${timelineLimit})`, async () => {
        for (const id of [...PERSONAS.map((persona) => seeded.ids[persona]), awkwardId]) {
          const reference = await composeProfileSnapshot(store(), id, request(timelineLimit));
          expect(reference).not.toBeNull();
          expect(await readProfileSnapshot(store(), id, request(timelineLimit))).toEqual(reference);
        }
      });
    }

    it('matches the repositories when no segment is defined', async () => {
      const bare: ProfileRequest = { timelineLimit: 5, segments: [], now: POPULATION_NOW };
      for (const id of [...PERSONAS.map((persona) => seeded.ids[persona]), awkwardId]) {
        const reference = await composeProfileSnapshot(store(), id, bare);
        expect(reference?.matches).toEqual([]);
        expect(await readProfileSnapshot(store(), id, bare)).toEqual(reference);
      }
    });

    it('decides random segment lists as the repositories do', async () => {
      const ids = [...PERSONAS.map((persona) => seeded.ids[persona]), awkwardId];
      // Several conditions per list, one repeated: events terms shared between segments.
      const lists = fc.array(segmentConditionArbitrary, { minLength: 1, maxLength: 4 }).map((inputs) => {
        const conditions = inputs.map((input) => SegmentConditionSchema.parse(input));
        return [...conditions, ...conditions.slice(0, 1)].map((condition, index) => ({ key: `r${index}`, condition }));
      });
      await fc.assert(
        fc.asyncProperty(lists, async (list) => {
          const random: ProfileRequest = { timelineLimit: 1, segments: list, now: POPULATION_NOW };
          for (const id of ids) {
            const reference = await composeProfileSnapshot(store(), id, random);
            expect((await readProfileSnapshot(store(), id, random))?.matches).toEqual(reference?.matches);
          }
        }),
        { numRuns: 25, seed: Number(process.env.RAPPORT_FC_SEED ?? 1130), endOnFailure: true },
      );
    });

    it('reads JSON properties, traits and proofs back unchanged', async () => {
      const snapshot = await readProfileSnapshot(store(), awkwardId, request(10));
      expect(snapshot?.timeline.map((interaction) => interaction.properties)).toEqual([AWKWARD_PROPERTIES, { step: 1 }]);
      expect(snapshot?.customer.traits).toEqual({ note: AWKWARD_PROPERTIES.text, prefs: AWKWARD_PROPERTIES.nested });
      expect(snapshot?.consentHistory[0]?.proof).toEqual({ form: 'signup', fields: AWKWARD_PROPERTIES.nested });
      expect(snapshot?.customer.tags).toEqual(['vip', 'ünïcode']);
      expect(Object.keys(snapshot?.customer.metrics.lastSeenByChannel ?? {}).sort()).toEqual(['sms', 'web']);
      expect(snapshot?.matches).toHaveLength(segments.length);
    });

    it('answers null for an unknown id and for a merged-away one', async () => {
      expect(await readProfileSnapshot(store(), `${tenant}-nobody`, request(5))).toBeNull();
      const merged = aCustomer(tenant, { id: `${tenant}-merged` });
      await store().customers.insert(merged);
      await store().customers.markMerged(merged.id, seeded.ids.ada, POPULATION_NOW);
      expect(await readProfileSnapshot(store(), merged.id, request(5))).toBeNull();
    });

    it('reads inside a transaction', async () => {
      const id = seeded.ids.bob;
      const outside = await readProfileSnapshot(store(), id, request(5));
      const inside = await store().transaction((trx) => readProfileSnapshot(trx, id, request(5)));
      expect(inside).toEqual(outside);
    });
  });
}

async function addAwkwardCustomer(store: TenantStore, id: string): Promise<void> {
  const createdAt = new Date(POPULATION_NOW.getTime() - 86_400_000);
  await store.customers.insert(
    aCustomer(store.tenantId, {
      id,
      identities: [
        normalizeIdentity({ type: 'email', value: 'awkward@example.com' }),
        normalizeIdentity({ type: 'phone', value: '+44 20 7946 0958' }),
        normalizeIdentity({ type: 'external', namespace: 'pos', value: 'card-1' }),
      ],
      traits: { note: AWKWARD_PROPERTIES.text, prefs: AWKWARD_PROPERTIES.nested },
      tags: ['vip', 'ünïcode'],
      createdAt,
      updatedAt: createdAt,
      metrics: {
        firstSeenAt: createdAt,
        lastSeenAt: createdAt,
        lastPurchaseAt: null,
        purchaseCount: 0,
        totalSpend: 0,
        interactionCount: 2,
        lastSeenByChannel: { web: createdAt, sms: new Date(createdAt.getTime() + 1000) },
      },
    }),
  );
  await store.interactions.insertMany([
    anInteraction(store.tenantId, id, { id: `${id}-i0`, occurredAt: new Date(createdAt.getTime() + 5000), properties: AWKWARD_PROPERTIES }),
    anInteraction(store.tenantId, id, { id: `${id}-i1`, occurredAt: createdAt, properties: { step: 1 }, idempotencyKey: 'awkward-1' }),
  ]);
  await store.consents.append(
    aConsentRecord(store.tenantId, id, {
      id: `${id}-c0`,
      proof: { form: 'signup', fields: AWKWARD_PROPERTIES.nested },
      noticeVersion: 'v2',
    }),
  );
}
