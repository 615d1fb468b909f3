import { type Customer, SegmentConditionSchema } from '@rapport/core';
import { type EvaluationSubject, evaluateCondition } from '@rapport/core/storage';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { aCustomer } from '../fixtures/builders.js';
import { POPULATION_NOW, seedPopulation } from '../fixtures/population.js';
import { allPages, type ConformanceContext } from './context.js';
import { randomTraits, segmentConditionArbitrary } from './segment-arbitraries.js';

/**
 * Property: for random segment conditions, the storage selects exactly the customers that
 * the in-memory reference evaluator selects from the same data.
 */
export function segmentEquivalenceSuite(ctx: ConformanceContext, runs: number): void {
  describe(`${ctx.name}: segment evaluation equals the reference evaluator`, () => {
    const tenant = `eqv-${Math.random().toString(36).slice(2, 10)}`;
    const store = () => ctx.storage().forTenant(tenant);
    let subjects: EvaluationSubject[] = [];

    async function readSubject(customer: Customer): Promise<EvaluationSubject> {
      const interactions = await allPages((cursor) => store().interactions.timeline(customer.id, { limit: 500, cursor }));
      const consents = await store().consents.history(customer.id);
      return { customer, interactions, consents };
    }

    beforeAll(async () => {
      await seedPopulation(store(), tenant);
      const extra = fc.sample(randomTraits, { seed: 20261129, numRuns: 14 });
      for (const [index, traits] of extra.entries()) {
        await store().customers.insert(
          aCustomer(tenant, {
            id: `${tenant}-r${String(index).padStart(2, '0')}`,
            traits,
            tags: index % 3 === 0 ? ['r-tag'] : [],
            lifecycleStage: index % 2 ? 'lead' : null,
          }),
        );
      }
      const customers = await allPages((cursor) => store().customers.list({ limit: 100, cursor }));
      subjects = await Promise.all(customers.map(readSubject));
    });

    it(`agrees on ${runs} random conditions`, async () => {
      await fc.assert(
        fc.asyncProperty(segmentConditionArbitrary, async (input) => {
          const condition = SegmentConditionSchema.parse(input);
          const expected = subjects
            .filter((subject) => evaluateCondition(condition, subject, POPULATION_NOW))
            .map((subject) => subject.customer.id)
            .sort();
          const actual = await allPages((cursor) => store().segments.members(condition, POPULATION_NOW, { limit: 50, cursor }));
          expect(actual).toEqual(expected);
        }),
        { numRuns: runs, seed: Number(process.env.RAPPORT_FC_SEED ?? 1129), endOnFailure: true },
      );
    });
  });
}
