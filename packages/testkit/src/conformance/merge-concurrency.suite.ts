import { type Crm, createCrm, type IdentityInput, type RecordInteractionInput } from '@rapport/core';
import { describe, expect, it } from 'vitest';
import { uniqueId } from '../fixtures/builders.js';
import type { ConformanceContext } from './context.js';

/** What a group of customers must look like once every concurrent call of a round is done. */
interface GroupExpectation {
  /** Every id the round created; exactly one must be live afterwards, the rest merged into it. */
  ids: string[];
  /** Identities that must all belong to that one live customer. */
  identities: IdentityInput[];
  /** Interactions stored in the round (each a purchase of `amount`). */
  interactions: number;
  amount: number;
}

/**
 * Checks the invariants of a merged group: one survivor, every other id resolving to it and
 * holding nothing (no interaction, identity or live row left on a merged-away id), metrics
 * equal to what the stored interactions imply, each identity owned once, by the survivor.
 */
async function expectOneConsistentCustomer(ctx: ConformanceContext, crm: Crm, expected: GroupExpectation): Promise<void> {
  const store = ctx.storage().forTenant(crm.tenantId);
  const resolved = await Promise.all(expected.ids.map((id) => crm.customers.get(id)));
  const survivor = resolved[0];
  if (!survivor) throw new Error('no survivor');
  expect(new Set(resolved.map((customer) => customer.id))).toEqual(new Set([survivor.id]));
  expect(expected.ids).toContain(survivor.id);
  for (const id of expected.ids) {
    const raw = await store.customers.get(id);
    if (id === survivor.id) expect(raw?.id).toBe(id);
    else expect(raw, `merged-away ${id} is still live`).toBeNull();
    const timeline = await store.interactions.timeline(id, { limit: 1000 });
    expect(timeline.items.length, `interactions on ${id === survivor.id ? 'the survivor' : `merged-away ${id}`}`).toBe(
      id === survivor.id ? expected.interactions : 0,
    );
  }
  expect(survivor.metrics.interactionCount).toBe(expected.interactions);
  expect(survivor.metrics.purchaseCount).toBe(expected.interactions);
  expect(survivor.metrics.totalSpend).toBeCloseTo(expected.interactions * expected.amount, 6);
  for (const identity of expected.identities) {
    const owner = await crm.customers.find(identity);
    expect(owner?.id, `owner of ${identity.value}`).toBe(survivor.id);
  }
  expect(survivor.identities).toHaveLength(expected.identities.length);
}

/** Purchases for one customer, each with its own idempotency key. */
function purchases(target: { customerId: string } | { identity: IdentityInput }, count: number, amount: number): RecordInteractionInput[] {
  return Array.from({ length: count }, () => ({
    ...target,
    channel: 'web',
    type: 'purchase',
    properties: { amount },
    idempotencyKey: uniqueId('k'),
  }));
}

/** Rounds run this many at a time, on customers of their own: more contention, less waiting. */
const ROUNDS_AT_ONCE = 4;

/** Runs `round(0 … rounds - 1)`, {@link ROUNDS_AT_ONCE} at a time. */
async function inRounds(rounds: number, round: (index: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < rounds; start += ROUNDS_AT_ONCE) {
    const batch = Array.from({ length: Math.min(ROUNDS_AT_ONCE, rounds - start) }, (_, offset) => round(start + offset));
    const results = await Promise.allSettled(batch);
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }
}

/** Runs the calls at once, in a random order, and fails if any of them failed. */
async function allAtOnce(calls: (() => Promise<unknown>)[]): Promise<void> {
  const shuffled = [...calls].sort(() => Math.random() - 0.5);
  const results = await Promise.allSettled(shuffled.map((call) => call()));
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

/**
 * Merges racing with writes to the merged customers, and with each other: each pattern runs
 * `rounds` times, checking afterwards that nothing was lost, counted twice or stranded on a
 * merged-away customer, and that every merge succeeded without a retry by the caller.
 */
export function mergeConcurrencySuite(ctx: ConformanceContext, rounds: number): void {
  const email = (prefix: string, round: number): IdentityInput => ({ type: 'email', value: `${prefix}-${round}@race.io` });
  const crmFor = () => createCrm({ storage: ctx.storage(), tenant: uniqueId('race') });

  describe(`${ctx.name}: merges under concurrency (${rounds} rounds per pattern)`, () => {
    it('merge(a, b) while recording purchases for a and for b loses no interaction and no metric', async () => {
      const crm = await crmFor();
      await inRounds(rounds, async (round) => {
        const a = await crm.customers.create({ identities: [email('a', round)] });
        const b = await crm.customers.create({ identities: [email('b', round)] });
        await crm.interactions.recordMany(purchases({ customerId: b.id }, 2, 5));
        await allAtOnce([
          () => crm.customers.merge(a.id, b.id),
          () => crm.interactions.recordMany(purchases({ customerId: a.id }, 5, 5)),
          () => crm.interactions.recordMany(purchases({ customerId: b.id }, 5, 5)),
        ]);
        await expectOneConsistentCustomer(ctx, crm, {
          ids: [a.id, b.id],
          identities: [email('a', round), email('b', round)],
          interactions: 12,
          amount: 5,
        });
      });
    });

    it('merge(a, b) while upserting and recording by b’s identity strands nothing on b', async () => {
      const crm = await crmFor();
      await inRounds(rounds, async (round) => {
        const a = await crm.customers.create({ identities: [email('a', round)] });
        const b = await crm.customers.create({ identities: [email('b', round)] });
        await allAtOnce([
          () => crm.customers.merge(a.id, b.id),
          () => crm.customers.upsert({ identities: [email('b', round), email('b2', round)], tags: ['upserted'] }),
          () => crm.customers.addIdentity(b.id, { type: 'external', namespace: 'pos', value: `card-${round}` }),
          () => crm.interactions.recordMany(purchases({ identity: email('b', round) }, 3, 2)),
          () => crm.consent.grant({ customerId: b.id, purpose: 'marketing', channel: 'email', source: 'race' }),
        ]);
        await expectOneConsistentCustomer(ctx, crm, {
          ids: [a.id, b.id],
          identities: [
            email('a', round),
            email('b', round),
            email('b2', round),
            { type: 'external', namespace: 'pos', value: `card-${round}` },
          ],
          interactions: 3,
          amount: 2,
        });
        const survivor = await crm.customers.get(a.id);
        expect(survivor.tags).toContain('upserted');
        const store = ctx.storage().forTenant(crm.tenantId);
        expect(await store.consents.history(a.id)).toHaveLength(1);
        expect(await store.consents.history(b.id)).toHaveLength(0);
      });
    });

    it('opposing merges, merge(a, b) and merge(b, a), both succeed and leave one customer', async () => {
      const crm = await crmFor();
      await inRounds(rounds, async (round) => {
        const a = await crm.customers.create({ identities: [email('a', round)] });
        const b = await crm.customers.create({ identities: [email('b', round)] });
        await crm.interactions.recordMany([...purchases({ customerId: a.id }, 1, 3), ...purchases({ customerId: b.id }, 2, 3)]);
        await allAtOnce([() => crm.customers.merge(a.id, b.id), () => crm.customers.merge(b.id, a.id)]);
        await expectOneConsistentCustomer(ctx, crm, {
          ids: [a.id, b.id],
          identities: [email('a', round), email('b', round)],
          interactions: 3,
          amount: 3,
        });
      });
    });

    it('chained merges, merge(a, b) and merge(b, c), both succeed and leave one customer', async () => {
      const crm = await crmFor();
      await inRounds(rounds, async (round) => {
        const group = [];
        for (const prefix of ['a', 'b', 'c']) group.push(await crm.customers.create({ identities: [email(prefix, round)] }));
        const [a, b, c] = group.map((customer) => customer.id) as [string, string, string];
        await crm.interactions.recordMany(group.flatMap((customer) => purchases({ customerId: customer.id }, 2, 1)));
        await allAtOnce([() => crm.customers.merge(a, b), () => crm.customers.merge(b, c)]);
        await expectOneConsistentCustomer(ctx, crm, {
          ids: [a, b, c],
          identities: [email('a', round), email('b', round), email('c', round)],
          interactions: 6,
          amount: 1,
        });
      });
    });
    it('a ring of merges, merge(a, b) ‖ merge(b, c) ‖ merge(c, a), with writes to each, leaves one consistent customer', async () => {
      const crm = await crmFor();
      await inRounds(Math.max(1, Math.floor(rounds / 4)), async (round) => {
        const group = [];
        for (const prefix of ['a', 'b', 'c']) group.push(await crm.customers.create({ identities: [email(prefix, round)] }));
        const [a, b, c] = group.map((customer) => customer.id) as [string, string, string];
        await allAtOnce([
          () => crm.customers.merge(a, b),
          () => crm.customers.merge(b, c),
          () => crm.customers.merge(c, a),
          ...[a, b, c].map((id) => () => crm.interactions.recordMany(purchases({ customerId: id }, 1, 4))),
          () => crm.customers.tag(b, 'vip'),
          () => crm.customers.update(c, { traits: { name: 'C' } }),
        ]);
        await expectOneConsistentCustomer(ctx, crm, {
          ids: [a, b, c],
          identities: [email('a', round), email('b', round), email('c', round)],
          interactions: 3,
          amount: 4,
        });
      });
    });
  });
}
