import { isRapportError } from '@rapport/core';
import type { OutboundMessage, SendOptions, SendResult } from '@rapport/core/plugin';
import { type ConformanceContext, createTestCrm, defineStorageSuite, sequentialIds } from '@rapport/testkit';
import { describe, expect, it } from 'vitest';
import { VERDICT_MAX_AGE_MS } from '../src/dispatch/batch-dispatch.js';
import { messaging, signUnsubscribeToken } from '../src/index.js';
import { channelsPlugin, RecordingChannel } from './recording-channel.js';

const SECRET = 'unsubscribe-secret-0123456789abcdef';

/** A channel whose first send runs `onFirst` (an unsubscribe arriving) and holds every send until it has committed. */
class UnsubscribeMidBatchChannel extends RecordingChannel {
  onFirst: (() => Promise<void>) | null = null;
  private gate: Promise<void> | null = null;

  override async send(message: OutboundMessage, options: SendOptions): Promise<SendResult> {
    const first = this.onFirst;
    this.onFirst = null;
    if (first) this.gate = first();
    await this.gate;
    return super.send(message, options);
  }
}
/** A channel whose every send takes `delayMs`; the first one runs `onFirst` before it. */
class SlowChannel extends RecordingChannel {
  onFirst: (() => Promise<void>) | null = null;

  constructor(
    id: string,
    addresses: ConstructorParameters<typeof RecordingChannel>[1],
    private readonly delayMs: number,
  ) {
    super(id, addresses);
  }

  override async send(message: OutboundMessage, options: SendOptions): Promise<SendResult> {
    const first = this.onFirst;
    this.onFirst = null;
    if (first) await first();
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    return super.send(message, options);
  }
}
const OPTIONS = { url: 'https://shop.example/unsubscribe', secret: SECRET };

/** One-click unsubscribe against merges, erasures and other tenants, on every storage. */
export const unsubscribeHostileSuite = defineStorageSuite({
  name: 'messaging-unsubscribe-hostile',
  define: (ctx: ConformanceContext) =>
    describe(`${ctx.name}: unsubscribe links under attack`, () => {
      const tenantName = (what: string) => `${what}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
      const makeCrm = (tenant: string, ids = sequentialIds('c')) =>
        createTestCrm({
          storage: ctx.storage(),
          tenant,
          ids,
          plugins: [channelsPlugin(new RecordingChannel('email', ['email'])), messaging({ channels: ['email'], unsubscribe: OPTIONS })],
        });
      type TestCrm = Awaited<ReturnType<typeof makeCrm>>;
      const subscriber = async (crm: TestCrm, address: string) => {
        const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: address }] });
        await crm.consent.grant({ customerId: customer.id, purpose: 'marketing', channel: 'email', source: 'signup' });
        return customer.id;
      };
      const tokenFor = (crm: TestCrm, customerId: string, messageId = 'm-1') =>
        signUnsubscribeToken({ tenantId: crm.tenantId, customerId, purpose: 'marketing', channel: 'email', messageId }, SECRET);
      const allowed = async (crm: TestCrm, customerId: string) =>
        (await crm.consent.check({ customerId, purpose: 'marketing', channel: 'email' })).allowed;

      it("withdraws the survivor's consent when the link names a customer merged away since", async () => {
        const crm = await makeCrm(tenantName('merged'));
        const retired = await subscriber(crm, 'old@example.com');
        const survivor = await subscriber(crm, 'new@example.com');
        await crm.customers.merge(survivor, retired);
        const outcome = await crm.messages.unsubscribe(tokenFor(crm, retired));
        expect(outcome.withdrawn).toBe(true);
        expect(await allowed(crm, survivor)).toBe(false);
        expect((await crm.messages.unsubscribe(tokenFor(crm, retired))).withdrawn).toBe(false);
        await crm.close();
      });

      it('lands the withdrawal on the survivor when the click races the merge (10 rounds)', async () => {
        const crm = await makeCrm(tenantName('merge-race'));
        for (let round = 0; round < 10; round++) {
          const retired = await subscriber(crm, `old${round}@example.com`);
          const survivor = await subscriber(crm, `new${round}@example.com`);
          const [outcome] = await Promise.all([crm.messages.unsubscribe(tokenFor(crm, retired)), crm.customers.merge(survivor, retired)]);
          expect(outcome.withdrawn, `round ${round}`).toBe(true);
          expect(await allowed(crm, survivor), `round ${round}`).toBe(false);
          const withdrawals = (await crm.consent.history(survivor)).filter((record) => record.status === 'withdrawn');
          expect(withdrawals, `round ${round}`).toHaveLength(1);
        }
        await crm.close();
      });

      it('leaves nothing behind when the click races an erasure (10 rounds)', async () => {
        const crm = await makeCrm(tenantName('erase-race'));
        const store = crm.storage.forTenant(crm.tenantId);
        for (let round = 0; round < 10; round++) {
          const customerId = await subscriber(crm, `gone${round}@example.com`);
          const [outcome] = await Promise.all([
            crm.messages.unsubscribe(tokenFor(crm, customerId)),
            crm.privacy.erase(customerId, { mode: 'delete' }),
          ]);
          expect(typeof outcome.withdrawn, `round ${round}`).toBe('boolean');
          expect(await store.consents.history(customerId), `round ${round}`).toEqual([]);
          expect(await crm.privacy.isSuppressed({ type: 'email', value: `gone${round}@example.com` })).toBe(true);
        }
        await crm.close();
      });

      it("refuses a link signed for another tenant, even where that tenant's ids repeat here", async () => {
        const mine = await makeCrm(tenantName('tenant-a'));
        const theirs = await makeCrm(tenantName('tenant-b'));
        const ours = await subscriber(mine, 'same@example.com');
        const other = await subscriber(theirs, 'same@example.com');
        expect(other).toBe(ours); // sequential ids: the same id in both tenants
        const caught = await theirs.messages.unsubscribe(tokenFor(mine, ours)).catch((error: unknown) => error);
        expect(isRapportError(caught, 'MESSAGING_UNSUBSCRIBE_INVALID')).toBe(true);
        expect(await allowed(theirs, other)).toBe(true);
        expect((await mine.messages.unsubscribe(tokenFor(mine, ours))).withdrawn).toBe(true);
        await mine.close();
        await theirs.close();
      });

      it('blocks a later message of a dispatch batch once a withdrawal has committed before it starts (batches of 100, 40 sends)', async () => {
        const email = new UnsubscribeMidBatchChannel('email', ['email']);
        const crm = await createTestCrm({
          storage: ctx.storage(),
          tenant: tenantName('mid-batch'),
          plugins: [channelsPlugin(email), messaging({ channels: ['email'] })],
        });
        const customers: string[] = [];
        for (let n = 0; n < 40; n++) customers.push(await subscriber(crm as unknown as TestCrm, `mid${n}@example.com`));
        for (const customerId of customers)
          await crm.messages.send({ customerId, purpose: 'marketing', channel: 'email', content: { text: 'news' } });
        const late = customers.at(-1) as string;
        // The first send of the batch waits for the unsubscribe; every other send waits for it too.
        email.onFirst = async () => {
          await crm.consent.withdraw({ customerId: late, purpose: 'marketing', channel: 'email', source: 'unsubscribe' });
        };
        expect(await crm.workers({ batchSize: 100 }).drain()).toBe(40);
        const message = (await crm.messages.list({ customerId: late })).items[0];
        expect(message).toMatchObject({ status: 'blocked', reason: 'consent: withdrawn' });
        expect(email.calls.some((call) => call.idempotencyKey === message?.id)).toBe(false);
        expect(email.calls).toHaveLength(39);
        await crm.close();
      });

      it('blocks the later sends of a batch when another process withdraws: verdicts older than VERDICT_MAX_AGE_MS are read again', async () => {
        const tenant = tenantName('other-process');
        // Every send takes longer than a verdict may live, so each round of sends is decided anew.
        const email = new SlowChannel('email', ['email'], VERDICT_MAX_AGE_MS + 20);
        const crm = await createTestCrm({
          storage: ctx.storage(),
          tenant,
          plugins: [channelsPlugin(email), messaging({ channels: ['email'] })],
        });
        // Another Crm on the same database: its consent events never reach this one's bus.
        const elsewhere = await createTestCrm({
          storage: ctx.storage(),
          tenant,
          clock: crm.clock,
          ids: sequentialIds('elsewhere'),
          plugins: [channelsPlugin(new RecordingChannel('email', ['email'])), messaging({ channels: ['email'] })],
        });
        const customers: string[] = [];
        for (let n = 0; n < 40; n++) customers.push(await subscriber(crm as unknown as TestCrm, `far${n}@example.com`));
        for (const customerId of customers)
          await crm.messages.send({ customerId, purpose: 'marketing', channel: 'email', content: { text: 'news' } });
        const late = customers.at(-1) as string;
        let withdrawn = false;
        email.onFirst = async () => {
          crm.clock.advance({ seconds: 1 }); // the withdrawal comes after the grants
          await elsewhere.consent.withdraw({ customerId: late, purpose: 'marketing', channel: 'email', source: 'unsubscribe' });
          withdrawn = true;
        };
        expect(await crm.workers({ batchSize: 100 }).drain()).toBe(40);
        expect(withdrawn).toBe(true);
        const message = (await crm.messages.list({ customerId: late })).items[0];
        expect(message).toMatchObject({ status: 'blocked', reason: 'consent: withdrawn' });
        expect(email.calls.some((call) => call.idempotencyKey === message?.id)).toBe(false);
        expect(email.calls).toHaveLength(39);
        await elsewhere.close();
        await crm.close();
      });
    }),
});
