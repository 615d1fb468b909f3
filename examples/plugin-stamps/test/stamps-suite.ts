import { isRapportError } from '@rapport/core';
import { type ConformanceContext, createTestCrm, defineStorageSuite } from '@rapport/testkit';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { stamps } from '../src/stamps-plugin.js';

/** The stamp plugin on one storage: its table, hook, job and API together. */
export const stampsSuite = defineStorageSuite({
  name: 'acme-stamps',
  define: (ctx: ConformanceContext) =>
    describe(`${ctx.name}: the stamps plugin`, () => {
      const setUp = async (options: Parameters<typeof stamps>[0] = { perReward: 3 }, hooks = {}) => {
        const crm = await createTestCrm({ storage: ctx.storage(), plugins: [stamps(options)], hooks, record: ['stamps.rewarded'] });
        const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: 'ada@example.com' }] });
        const buy = (key: string) =>
          crm.interactions.record({ customerId: customer.id, channel: 'pos', type: 'purchase', idempotencyKey: key });
        return { crm, customer, buy };
      };

      it('earns one stamp per purchase, in the purchase’s transaction, and none for a repeat or another type', async () => {
        const { crm, customer, buy } = await setUp();
        await buy('r1');
        await buy('r1'); // the same receipt again: a duplicate, no second stamp
        await buy('r2');
        await crm.interactions.record({ customerId: customer.id, channel: 'web', type: 'page.viewed' });
        expect(await crm.stamps.balance(customer.id)).toBe(2);
        await crm.close();
      });

      it('writes no stamp when the purchase is refused after the hook ran', async () => {
        const veto = {
          'interaction.beforeRecord': (_input: unknown, { veto }: { veto: (reason: string) => never }) => veto('till closed'),
        };
        const { crm, customer, buy } = await setUp({ perReward: 3 }, veto);
        const error = await buy('r1').catch((caught: unknown) => caught);
        expect(isRapportError(error, 'HOOK_VETOED')).toBe(true);
        expect(await crm.stamps.balance(customer.id)).toBe(0);
        expect((await crm.interactions.timeline(customer.id)).items).toEqual([]);
        await crm.close();
      });

      it('keeps the stamps of the purchases a batch stores, and none of the one a later hook refuses', async () => {
        const refuse = {
          'interaction.beforeRecord': (input: { idempotencyKey: string | null }, { veto }: { veto: (reason: string) => never }) =>
            input.idempotencyKey === 'r2' ? veto('voided receipt') : undefined,
        };
        const { crm, customer } = await setUp({ perReward: 3 }, refuse);
        const purchase = (key: string) => ({ customerId: customer.id, channel: 'pos', type: 'purchase', idempotencyKey: key });
        const result = await crm.interactions.recordMany([purchase('r1'), purchase('r2'), purchase('r3')]);
        expect(result.outcomes.map((outcome) => outcome.status)).toEqual(['stored', 'rejected', 'stored']);
        expect(await crm.stamps.balance(customer.id)).toBe(2);
        await crm.close();
      });

      it('spends stamps on a reward and issues it once through a job, with a typed event', async () => {
        const { crm, customer, buy } = await setUp();
        for (const key of ['r1', 'r2']) await buy(key);
        expect(await crm.stamps.redeem(customer.id)).toBeNull(); // 2 of 3
        await buy('r3');
        const reward = await crm.stamps.redeem(customer.id);
        expect(reward).not.toBeNull();
        expect(await crm.stamps.balance(customer.id)).toBe(0);
        expect(await crm.workers().drain()).toBe(1);
        const [job] = (await crm.jobs.list({ limit: 10 })).items;
        expect(job?.status).toBe('succeeded');
        // Run again (at least once): the job id is the idempotency key, so still one reward.
        if (job) await crm.jobs.replay(job.id);
        await crm.workers().drain();
        const issued = (await crm.interactions.timeline(customer.id, { types: ['reward.issued'] })).items;
        expect(issued.map((item) => item.properties.rewardId)).toEqual([reward?.rewardId]);
        const events = crm.recordedOf('stamps.rewarded');
        expectTypeOf(events[0]?.rewardId).toEqualTypeOf<string | undefined>();
        expect(events.map((event) => event.rewardId)).toContain(reward?.rewardId);
        await crm.close();
      });

      it('lets exactly one of two concurrent redeems spend the same stamps (20 rounds)', async () => {
        const { crm, customer, buy } = await setUp();
        for (let round = 0; round < 20; round++) {
          for (let n = 0; n < 3; n++) await buy(`round-${round}-${n}`);
          const results = await Promise.all([crm.stamps.redeem(customer.id), crm.stamps.redeem(customer.id)]);
          expect(results.filter((result) => result !== null)).toHaveLength(1);
          expect(await crm.stamps.balance(customer.id)).toBe(0);
        }
        expect(await crm.workers().drain()).toBe(20);
        expect((await crm.interactions.timeline(customer.id, { types: ['reward.issued'], limit: 100 })).items).toHaveLength(20);
        await crm.close();
      });

      it("keeps each tenant's stamps apart, and moves a merged customer's stamps to the survivor", async () => {
        const { crm, customer, buy } = await setUp();
        await buy('r1');
        const other = crm.forTenant(`${crm.tenantId}-b`);
        expect(await other.stamps.balance(customer.id)).toBe(0);
        const { customer: twin } = await crm.customers.upsert({ identities: [{ type: 'email', value: 'ada.twin@example.com' }] });
        await crm.interactions.record({ customerId: twin.id, channel: 'pos', type: 'purchase', idempotencyKey: 'r2' });
        await crm.customers.merge(customer.id, twin.id);
        expect(await crm.stamps.balance(customer.id)).toBe(2);
        await crm.close();
      });

      it('refuses bad options at createCrm, naming the plugin and the field', async () => {
        const error = await createTestCrm({ storage: ctx.storage(), plugins: [stamps({ perReward: 0 })] }).catch(
          (caught: unknown) => caught,
        );
        expect(isRapportError(error, 'PLUGIN_INVALID_OPTIONS')).toBe(true);
        expect((error as Error).message).toMatch(/^\[acme-stamps\] invalid options — perReward: /);
      });
    }),
});
