import type { OutboundMessage, SendOptions, SendResult } from '@rapport/core/plugin';
import { type ConformanceContext, createTestCrm, defineStorageSuite, sequentialIds } from '@rapport/testkit';
import { describe, expect, it } from 'vitest';
import { messaging } from '../src/index.js';
import { channelsPlugin, RecordingChannel } from './recording-channel.js';

/** A channel that fails every message whose text is `flaky` transiently, and sends the rest. */
class FlakyChannel extends RecordingChannel {
  flaky = true;

  override async send(message: OutboundMessage, options: SendOptions): Promise<SendResult> {
    const result = await super.send(message, options);
    if (this.flaky && message.text === 'flaky') return { status: 'failed', errorClass: 'transient', reason: 'timeout' };
    return result;
  }
}

const vetoHook = {
  'message.beforeSend': (message: OutboundMessage, context: { veto: (reason: string) => never }) => {
    if (message.text === 'veto me') context.veto('not today');
    return message;
  },
};

/** Dispatch in batches (the dispatch job's batch handler): each message of a batch gets its own outcome. */
export const batchDispatchSuite = defineStorageSuite({
  name: 'messaging-batch-dispatch',
  define: (ctx: ConformanceContext) =>
    describe(`${ctx.name}: dispatch in batches`, () => {
      it('gives each message of one batch its own outcome: consent-blocked, capped, vetoed, transient failure, sent', async () => {
        const tenant = `batch-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
        // The sender queues with no caps; the dispatcher runs with a cap of 1 (tightened meanwhile).
        const sender = await createTestCrm({
          storage: ctx.storage(),
          tenant,
          plugins: [channelsPlugin(new RecordingChannel('email', ['email'])), messaging({ channels: ['email'] })],
        });
        const customer = async (n: number) => {
          const { customer: made } = await sender.customers.upsert({ identities: [{ type: 'email', value: `b${n}@example.com` }] });
          await sender.consent.grant({ customerId: made.id, purpose: 'marketing', channel: 'email', source: 'test' });
          return made.id;
        };
        const [ada, bob, cyd, dan, eve] = [await customer(1), await customer(2), await customer(3), await customer(4), await customer(5)];
        const send = async (customerId: string, text: string) =>
          (await sender.messages.send({ customerId, purpose: 'marketing', channel: 'email', content: { text } })).messageId;
        await send(cyd as string, 'earlier');
        await sender.workers().drain();
        const ids = {
          sent: await send(ada as string, 'hello'),
          consent: await send(bob as string, 'hello'),
          capped: await send(cyd as string, 'hello'),
          vetoed: await send(dan as string, 'veto me'),
          transient: await send(eve as string, 'flaky'),
        };
        await sender.consent.withdraw({ customerId: bob as string, purpose: 'marketing', channel: 'email', source: 'test' });
        await sender.close();

        const email = new FlakyChannel('email', ['email']);
        const crm = await createTestCrm({
          storage: ctx.storage(),
          tenant,
          ids: sequentialIds('d'),
          hooks: vetoHook,
          plugins: [channelsPlugin(email), messaging({ channels: ['email'], caps: [{ purposes: ['marketing'], max: 1, withinDays: 7 }] })],
          record: ['message.sent', 'message.blocked', 'message.vetoed'],
        });
        let recordManyCalls = 0;
        const recordMany = crm.interactions.recordMany.bind(crm.interactions);
        crm.interactions.recordMany = ((...args: Parameters<typeof recordMany>) => {
          recordManyCalls++;
          return recordMany(...args);
        }) as typeof recordMany;
        // One claim of 10 holds all five jobs: one batch.
        expect(await crm.workers({ batchSize: 10 }).drain()).toBe(5);
        expect(recordManyCalls).toBe(1);
        const status = async (id: string) => crm.messages.get(id);
        expect(await status(ids.sent)).toMatchObject({ status: 'sent', attempts: 1 });
        expect(await status(ids.consent)).toMatchObject({ status: 'blocked', reason: 'consent: withdrawn' });
        expect((await status(ids.capped)).status).toBe('blocked');
        expect((await status(ids.capped)).reason).toBe('cap: at most 1 marketing message(s) in 7 day(s) on every channel; 1 already');
        expect(await status(ids.vetoed)).toMatchObject({ status: 'vetoed', reason: 'not today' });
        expect(await status(ids.transient)).toMatchObject({ status: 'queued', attempts: 1, error: { code: 'SEND_TRANSIENT' } });
        expect([...email.effects()].sort()).toEqual([ids.sent, ids.transient].sort());
        expect(crm.recordedOf('message.sent').map((event) => event.messageId)).toEqual([ids.sent]);
        expect(
          crm
            .recordedOf('message.blocked')
            .map((event) => event.messageId)
            .sort(),
        ).toEqual([ids.consent, ids.capped].sort());
        expect(crm.recordedOf('message.vetoed').map((event) => event.messageId)).toEqual([ids.vetoed]);
        // The transient failure comes back after its backoff, with the same idempotency key, and is sent.
        email.flaky = false;
        crm.clock.advance({ hours: 2 });
        expect(await crm.workers().drain()).toBe(1);
        expect(await status(ids.transient)).toMatchObject({ status: 'sent', attempts: 2 });
        expect(email.calls.filter((call) => call.idempotencyKey === ids.transient)).toHaveLength(2);
        const timeline = await crm.interactions.timeline(eve as string, { types: ['message.sent'] });
        expect(timeline.items).toHaveLength(1);
        await crm.close();
      });

      it('decides a batch with each guard once (checkMany), per send without it, and each send as it would alone', async () => {
        const tenant = `guards-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
        const checkManyCalls: number[] = [];
        const checkCalls: string[] = [];
        const refusedByMany = new Set<string>();
        const refusedByOne = new Set<string>();
        const crm = await createTestCrm({
          storage: ctx.storage(),
          tenant,
          plugins: [
            channelsPlugin(new RecordingChannel('email', ['email'])),
            messaging({
              channels: ['email'],
              guards: [
                {
                  name: 'vip-list',
                  transactional: true,
                  check: async () => ({ allowed: false, reason: 'checkMany should have answered' }),
                  checkMany: async (sends) => {
                    checkManyCalls.push(sends.length);
                    return sends.map((send) =>
                      refusedByMany.has(send.customerId) ? { allowed: false, reason: 'not on the list' } : { allowed: true },
                    );
                  },
                },
                {
                  name: 'dnc',
                  transactional: true,
                  check: async (send) => {
                    checkCalls.push(send.customerId);
                    return refusedByOne.has(send.customerId) ? { allowed: false, reason: 'do not contact' } : { allowed: true };
                  },
                },
              ],
            }),
          ],
        });
        const ids: string[] = [];
        for (let n = 0; n < 6; n++) {
          const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: `g${n}@example.com` }] });
          if (n !== 5) await crm.consent.grant({ customerId: customer.id, purpose: 'marketing', channel: 'email', source: 'test' });
          ids.push(customer.id);
        }
        const [granted, listed, dnc, , transactional, noConsent] = ids as [string, string, string, string, string, string];
        refusedByMany.add(listed);
        refusedByOne.add(dnc);
        const messages: string[] = [];
        for (const customerId of ids)
          messages.push(
            (
              await crm.messages.send({
                customerId,
                purpose: customerId === transactional ? 'transactional' : 'marketing',
                channel: 'email',
                content: { text: 'hi' },
              })
            ).messageId,
          );
        const privacy = crm.privacy;
        let suppressedAmongCalls = 0;
        let isSuppressedCalls = 0;
        const among = privacy.suppressedAmong.bind(privacy);
        const one = privacy.isSuppressed.bind(privacy);
        privacy.suppressedAmong = ((identities) => {
          suppressedAmongCalls++;
          return among(identities);
        }) as typeof among;
        privacy.isSuppressed = ((identity) => {
          isSuppressedCalls++;
          return one(identity);
        }) as typeof one;
        expect(await crm.workers({ batchSize: 10 }).drain()).toBe(6);
        expect([suppressedAmongCalls, isSuppressedCalls]).toEqual([1, 0]);
        // Consent refused the customer without it before the app's guards ran.
        expect(checkManyCalls).toEqual([5]);
        expect([...checkCalls].sort()).toEqual(ids.filter((id) => id !== listed && id !== noConsent).sort());
        const outcome = async (index: number) => {
          const message = await crm.messages.get(messages[index] as string);
          return [message.status, message.reason];
        };
        expect(await outcome(ids.indexOf(granted))).toEqual(['sent', null]);
        expect(await outcome(ids.indexOf(listed))).toEqual(['blocked', 'not on the list']);
        expect(await outcome(ids.indexOf(dnc))).toEqual(['blocked', 'do not contact']);
        expect(await outcome(3)).toEqual(['sent', null]);
        expect(await outcome(ids.indexOf(transactional))).toEqual(['sent', null]);
        expect((await outcome(ids.indexOf(noConsent)))[0]).toBe('blocked');
        expect(String((await outcome(ids.indexOf(noConsent)))[1])).toMatch(/^consent: /);
        await crm.close();
      });

      it('never sends on a malformed guard verdict: the attempt fails naming the guard, and nothing is blocked silently', async () => {
        const channel = new RecordingChannel('email', ['email']);
        const crm = await createTestCrm({
          storage: ctx.storage(),
          tenant: `bad-guard-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`,
          plugins: [
            channelsPlugin(channel),
            messaging({
              channels: ['email'],
              guards: [
                {
                  name: 'sloppy',
                  transactional: true,
                  check: async () => ({ allowed: 'yes' }) as never,
                  checkMany: async (sends) => sends.map(() => ({ allowed: false }) as never),
                },
              ],
            }),
          ],
        });
        const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: 'sloppy@example.com' }] });
        const { messageId } = await crm.messages.send({ customerId: customer.id, purpose: 'transactional', content: { text: 'hi' } });
        await crm.workers({ batchSize: 10 }).drain();
        expect(channel.calls).toHaveLength(0);
        const message = await crm.messages.get(messageId);
        expect(message.status).toBe('queued');
        const [job] = (await crm.jobs.list({ status: 'pending' })).items;
        expect(job?.lastError).toMatch(/guard "sloppy" gave a malformed verdict/);
        await crm.close();
      });

      it('sends every message once with 4 worker sets running batches at once (5 rounds of 60 messages)', async () => {
        const email = new RecordingChannel('email', ['email']);
        const crm = await createTestCrm({
          storage: ctx.storage(),
          plugins: [channelsPlugin(email), messaging({ channels: ['email'] })],
        });
        const customers: string[] = [];
        for (let n = 0; n < 6; n++) {
          const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: `r${n}@example.com` }] });
          await crm.consent.grant({ customerId: customer.id, purpose: 'marketing', channel: 'email', source: 'test' });
          customers.push(customer.id);
        }
        for (let round = 0; round < 5; round++) {
          email.calls.length = 0;
          const outcomes = await crm.messages.sendMany(
            Array.from({ length: 60 }, (_, n) => ({
              customerId: customers[n % customers.length] as string,
              purpose: 'marketing',
              channel: 'email',
              content: { text: `round ${round} message ${n}` },
            })),
          );
          const ids = outcomes.map((outcome) => (outcome as { messageId: string }).messageId);
          const fleet = Array.from({ length: 4 }, () => crm.startWorkers({ concurrency: 2, batchSize: 8, pollIntervalMs: 5 }));
          const deadline = Date.now() + 60_000;
          while (email.effects().size < ids.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
          await Promise.all(fleet.map((workers) => workers.stop()));
          // Invariants: every message sent, none asked of the provider twice, one `sent` on the timeline each.
          expect(email.calls).toHaveLength(ids.length);
          expect(email.effects()).toEqual(new Set(ids));
          const rows = await Promise.all(ids.map((id) => crm.messages.get(id)));
          expect(rows.filter((row) => row.status === 'sent')).toHaveLength(ids.length);
          const timeline = await crm.interactions.timeline(customers[0] as string, { types: ['message.sent'], limit: 100 });
          const keys = timeline.items.map((item) => item.properties.messageId);
          expect(new Set(keys).size).toBe(keys.length);
          expect(keys.filter((key) => ids.includes(key as string))).toHaveLength(10);
        }
        await crm.close();
      });
    }),
});
