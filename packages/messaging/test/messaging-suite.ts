import { isRapportError } from '@rapport/core';
import { type ConformanceContext, createTestCrm, defineStorageSuite } from '@rapport/testkit';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type MessageEvent, type MessagingOptions, messaging } from '../src/index.js';
import { channelsPlugin, RecordingChannel } from './recording-channel.js';

const EVENTS = ['message.queued', 'message.sent', 'message.blocked', 'message.vetoed', 'message.dead', 'message.deferred'] as const;

/** The sending hub on one storage: routing, consent and caps at send time, quiet hours, retries, hooks. */
export const messagingSuite = defineStorageSuite({
  name: 'messaging-send',
  define: (ctx: ConformanceContext) =>
    describe(`${ctx.name}: the messaging hub`, () => {
      const setUp = async (options: MessagingOptions = {}, hooks = {}) => {
        const email = new RecordingChannel('email', ['email']);
        const sms = new RecordingChannel('sms', ['phone']);
        const crm = await createTestCrm({
          storage: ctx.storage(),
          plugins: [channelsPlugin(email, sms), messaging({ channels: ['email', 'sms'], ...options })],
          hooks,
          record: EVENTS,
        });
        let made = 0;
        const customer = async (traits: Record<string, unknown> = {}, phone = true) =>
          (
            await crm.customers.upsert({
              identities: [
                { type: 'email', value: `c${++made}@example.com` },
                // A valid UK mobile range, one number per customer.
                ...(phone ? [{ type: 'phone' as const, value: `+447400123${String(made).padStart(3, '0')}` }] : []),
              ],
              traits,
            })
          ).customer;
        const grant = (customerId: string, channel = '*') =>
          crm.consent.grant({ customerId, purpose: 'marketing', channel, source: 'test' });
        return { crm, email, sms, customer, grant };
      };
      const text = { text: 'Hello' };

      it('routes to the explicit channel, else the preferred one, else the next with an address and consent; the reasons say why', async () => {
        const { crm, customer, grant } = await setUp();
        const ada = await customer({ preferredChannel: 'sms' });
        await grant(ada.id);
        expect((await crm.messages.send({ customerId: ada.id, purpose: 'marketing', channel: 'email', content: text })).reasons).toEqual([
          'email: chosen (explicit)',
        ]);
        const preferred = await crm.messages.send({ customerId: ada.id, purpose: 'marketing', content: text });
        expect(preferred.channel).toBe('sms');
        expect(preferred.reasons).toEqual(['sms: chosen (preferred)']);
        const noPhone = await customer({ preferredChannel: 'sms' }, false);
        await grant(noPhone.id);
        const fallback = await crm.messages.send({ customerId: noPhone.id, purpose: 'marketing', content: text });
        expect(fallback.channel).toBe('email');
        expect(fallback.reasons).toEqual(['sms: no phone address', 'email: chosen (next in order)']);
        // Consent on SMS only: routing skips e-mail for it.
        const smsOnly = await customer();
        await grant(smsOnly.id, 'sms');
        const consented = await crm.messages.send({ customerId: smsOnly.id, purpose: 'marketing', content: text });
        expect(consented).toMatchObject({ channel: 'sms', reasons: ['email: no consent (no-consent)', 'sms: chosen (next in order)'] });
        await crm.close();
      });

      it('refuses a send with no address on the channel, and bad input, with typed errors naming the field', async () => {
        const { crm, customer } = await setUp();
        const noPhone = await customer({}, false);
        const noAddress = await crm.messages
          .send({ customerId: noPhone.id, purpose: 'transactional', channel: 'sms', content: text })
          .catch((e: unknown) => e);
        expect(isRapportError(noAddress, 'MESSAGING_NO_ADDRESS')).toBe(true);
        expect((noAddress as { details: { reasons: string[]; field: string } }).details).toMatchObject({
          field: 'channel',
          reasons: ['sms: no phone address'],
        });
        const cases: [unknown, string, string][] = [
          [{ customerId: noPhone.id, purpose: 'marketing', channel: 'fax', content: text }, 'MESSAGING_UNKNOWN_CHANNEL', 'channel'],
          [{ customerId: noPhone.id, purpose: 'lottery', content: text }, 'MESSAGING_UNKNOWN_PURPOSE', 'purpose'],
          [{ customerId: noPhone.id, purpose: 'marketing' }, 'MESSAGING_INVALID_INPUT', 'content'],
          [{ customerId: noPhone.id, purpose: 'marketing', content: text, sendAt: 'soon' }, 'MESSAGING_INVALID_INPUT', 'sendAt'],
          [{ customerId: noPhone.id, purpose: 'marketing', template: { key: 'welcome' } }, 'MESSAGING_NO_RENDERER', 'template'],
        ];
        for (const [input, code, field] of cases) {
          const error = await crm.messages.send(input as never).catch((e: unknown) => e);
          expect(isRapportError(error, code as never), `${code} for ${JSON.stringify(input)}`).toBe(true);
          expect((error as { details: { issues: { path: unknown[] }[] } }).details.issues[0]?.path).toEqual([field]);
        }
        const unknown = await crm.messages.send({ customerId: 'nobody', purpose: 'marketing', content: text }).catch((e: unknown) => e);
        expect(isRapportError(unknown, 'CUSTOMER_NOT_FOUND')).toBe(true);
        const options = await createTestCrm({
          storage: ctx.storage(),
          plugins: [messaging({ caps: [{ purposes: ['marketing'], max: 0, withinDays: 7 }] })],
        }).catch((e: unknown) => e);
        expect(isRapportError(options, 'PLUGIN_INVALID_OPTIONS')).toBe(true);
        expect((options as Error).message).toMatch(/^\[@rapport\/messaging\] invalid options — caps\.0\.max: /);
        expect(await crm.messages.list({ limit: 100 })).toMatchObject({ items: [] });
        await crm.close();
      });

      it('keeps the good sends of a batch and reports the rejected ones, naming their index', async () => {
        const { crm, customer } = await setUp();
        const ada = await customer();
        const outcomes = await crm.messages.sendMany([
          { customerId: ada.id, purpose: 'transactional', content: text },
          { customerId: ada.id, purpose: 'nope', content: text },
          { customerId: ada.id, purpose: 'transactional', content: text, idempotencyKey: 'order-1' },
          { customerId: ada.id, purpose: 'transactional', content: text, idempotencyKey: 'order-1' },
        ]);
        expect(outcomes.map((outcome) => outcome.outcome)).toEqual(['queued', 'rejected', 'queued', 'queued']);
        const rejected = outcomes[1] as unknown as { error: { details: { issues: { path: unknown[] }[] } } };
        expect(rejected.error.details.issues[0]?.path).toEqual([1, 'purpose']);
        expect(outcomes[3]).toMatchObject({ existing: true, messageId: (outcomes[2] as { messageId: string }).messageId });
        expect((await crm.messages.list({ customerId: ada.id })).items).toHaveLength(2);
        await crm.workers().drain();
        const sent = (await crm.messages.list({ customerId: ada.id })).items.map((message) => message.status);
        expect(sent).toEqual(['sent', 'sent']);
        await crm.close();
      });

      it('stores one message for concurrent sends with one idempotency key (10 rounds of 6)', async () => {
        const { crm, customer } = await setUp();
        const ada = await customer();
        for (let round = 0; round < 10; round++) {
          const results = await Promise.all(
            Array.from({ length: 6 }, () =>
              crm.messages.send({
                customerId: ada.id,
                purpose: 'transactional',
                channel: 'email',
                content: text,
                idempotencyKey: `order-${round}`,
              }),
            ),
          );
          expect(new Set(results.map((result) => result.messageId)).size).toBe(1);
          expect(results.filter((result) => !result.existing)).toHaveLength(1);
        }
        expect((await crm.messages.list({ customerId: ada.id, limit: 100 })).items).toHaveLength(10);
        await crm.workers().drain(); // nothing left for the next test's workers on a shared storage
        await crm.close();
      });

      it('checks consent at send time: a withdrawal after queueing blocks the send, with the reason', async () => {
        const { crm, email, customer, grant } = await setUp();
        const ada = await customer();
        await grant(ada.id, 'email');
        const { messageId } = await crm.messages.send({ customerId: ada.id, purpose: 'marketing', channel: 'email', content: text });
        await crm.consent.withdraw({ customerId: ada.id, purpose: 'marketing', channel: 'email', source: 'preference-centre' });
        await crm.workers().drain();
        expect(email.calls.filter((call) => call.idempotencyKey === messageId)).toEqual([]);
        expect(await crm.messages.get(messageId)).toMatchObject({ status: 'blocked', reason: 'consent: withdrawn' });
        const timeline = (await crm.interactions.timeline(ada.id, { types: ['message.queued', 'message.blocked'] })).items;
        expect(timeline.map((item) => item.type).sort()).toEqual(['message.blocked', 'message.queued']);
        const blocked = crm.recordedOf('message.blocked');
        expectTypeOf(blocked[0]).toEqualTypeOf<MessageEvent | undefined>();
        expect(blocked.map((event) => event.messageId)).toEqual([messageId]);
        await crm.close();
      });

      it('sends a transactional message without marketing consent, and never to an erased customer', async () => {
        const { crm, email, customer } = await setUp();
        const ada = await customer();
        const { messageId } = await crm.messages.send({ customerId: ada.id, purpose: 'transactional', channel: 'email', content: text });
        const marketing = await crm.messages.send({
          customerId: ada.id,
          purpose: 'marketing',
          channel: 'email',
          content: text,
          transactional: true,
        });
        const plain = await crm.messages.send({ customerId: ada.id, purpose: 'marketing', channel: 'email', content: text });
        await crm.workers().drain();
        expect((await crm.messages.get(messageId)).status).toBe('sent');
        expect((await crm.messages.get(marketing.messageId)).status).toBe('sent');
        expect(await crm.messages.get(plain.messageId)).toMatchObject({ status: 'blocked', reason: 'consent: no-consent' });
        expect(email.calls.map((call) => call.idempotencyKey).sort()).toEqual([messageId, marketing.messageId].sort());
        expect(
          crm
            .recordedOf('message.sent')
            .map((event) => event.providerMessageId)
            .sort(),
        ).toEqual([`email-${messageId}`, `email-${marketing.messageId}`].sort());
        await crm.close();
      });

      it('a guard added for suppressions blocks transactional messages too', async () => {
        const suppressed = new Set<string>();
        const { crm, email, customer } = await setUp({
          guards: [
            {
              name: 'suppression',
              transactional: true,
              check: async (send) => (suppressed.has(send.customerId) ? { allowed: false, reason: 'suppressed' } : { allowed: true }),
            },
          ],
        });
        const ada = await customer();
        const { messageId } = await crm.messages.send({ customerId: ada.id, purpose: 'transactional', channel: 'email', content: text });
        suppressed.add(ada.id);
        await crm.workers().drain();
        expect(email.calls.filter((call) => call.idempotencyKey === messageId)).toEqual([]);
        expect(await crm.messages.get(messageId)).toMatchObject({ status: 'blocked', reason: 'suppressed' });
        await crm.close();
      });

      it('caps marketing across channels (2 in 7 days): the third is refused with the reason, and allowed again after the window', async () => {
        const { crm, customer, grant } = await setUp({ caps: [{ purposes: ['marketing'], max: 2, withinDays: 7 }] });
        const ada = await customer();
        await grant(ada.id);
        await crm.messages.send({ customerId: ada.id, purpose: 'marketing', channel: 'email', content: text });
        await crm.messages.send({ customerId: ada.id, purpose: 'marketing', channel: 'sms', content: text });
        const capped = await crm.messages
          .send({ customerId: ada.id, purpose: 'marketing', channel: 'email', content: text })
          .catch((e: unknown) => e);
        expect(isRapportError(capped, 'MESSAGING_CAPPED')).toBe(true);
        expect((capped as { details: { reasons: string[] } }).details.reasons[0]).toMatch(
          /^cap: at most 2 marketing message\(s\) in 7 day\(s\) on every channel; 2 already$/,
        );
        // Transactional messages are not in a marketing cap.
        await crm.messages.send({ customerId: ada.id, purpose: 'transactional', channel: 'email', content: text });
        await crm.workers().drain();
        crm.clock.advance({ days: 7, seconds: 1 });
        await crm.messages.send({ customerId: ada.id, purpose: 'marketing', channel: 'email', content: text });
        expect((await crm.messages.list({ customerId: ada.id })).items).toHaveLength(4);
        await crm.workers().drain(); // nothing left for the next test's workers on a shared storage
        await crm.close();
      });

      it('never exceeds a cap of 3 under 8 concurrent sends to one customer (15 rounds)', async () => {
        const { crm, customer, grant } = await setUp({ caps: [{ purposes: ['marketing'], max: 3, withinDays: 7 }] });
        for (let round = 0; round < 15; round++) {
          const ada = await customer();
          await grant(ada.id);
          const results = await Promise.allSettled(
            Array.from({ length: 8 }, (_, n) =>
              crm.messages.send({ customerId: ada.id, purpose: 'marketing', channel: n % 2 ? 'sms' : 'email', content: text }),
            ),
          );
          const refused = results
            .filter((result) => result.status === 'rejected')
            .map((result) => (result as PromiseRejectedResult).reason);
          expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(3);
          expect(refused.every((error) => isRapportError(error, 'MESSAGING_CAPPED'))).toBe(true);
          expect((await crm.messages.list({ customerId: ada.id })).items).toHaveLength(3);
        }
        await crm.close();
      });

      it('defers a send inside quiet hours to their end in the customer’s time zone, across a DST change, and never drops it', async () => {
        const { crm, email, customer } = await setUp({ quietHours: { start: '21:00', end: '08:00' }, defaultTimezone: 'Europe/Paris' });
        const london = await customer({ timezone: 'Europe/London' });
        const shanghai = await customer({ timezone: 'Asia/Shanghai' });
        const nowhere = await customer();
        // Saturday 28 March 2026, 22:30 UTC: London leaves GMT for BST at 01:00 UTC that night.
        crm.clock.set('2026-03-28T22:30:00Z');
        const send = (customerId: string) =>
          crm.messages.send({ customerId, purpose: 'transactional', transactional: false, channel: 'email', content: text });
        const inLondon = await send(london.id);
        expect(inLondon).toMatchObject({ status: 'deferred', sendAt: new Date('2026-03-29T07:00:00Z') }); // 08:00 BST
        // 06:30 in Shanghai: quiet until 08:00 CST, the same day.
        const inShanghai = await send(shanghai.id);
        expect(inShanghai.sendAt).toEqual(new Date('2026-03-29T00:00:00Z'));
        // No zone: the default, Paris (23:30 CET → 08:00 CEST).
        const inParis = await send(nowhere.id);
        expect(inParis.sendAt).toEqual(new Date('2026-03-29T06:00:00Z'));
        // The workers run every tenant's due jobs on a shared storage: count this test's messages only.
        const sentSoFar = async () => {
          await crm.workers().drain();
          return (await crm.messages.list()).items
            .filter((message) => message.status === 'sent')
            .map((message) => message.id)
            .sort();
        };
        expect(await sentSoFar()).toEqual([]);
        crm.clock.set('2026-03-29T00:00:00Z');
        expect(await sentSoFar()).toEqual([inShanghai.messageId]);
        crm.clock.set('2026-03-29T06:59:59Z');
        expect(await sentSoFar()).toEqual([inShanghai.messageId, inParis.messageId].sort());
        crm.clock.set('2026-03-29T07:00:00Z');
        expect(await sentSoFar()).toHaveLength(3);
        // Autumn: 24 October 22:30 UTC is 23:30 BST; 08:00 on the 25th is GMT again.
        crm.clock.set('2026-10-24T22:30:00Z');
        const autumn = await send(london.id);
        expect(autumn.sendAt).toEqual(new Date('2026-10-25T08:00:00Z'));
        crm.clock.set('2026-10-25T07:59:00Z');
        expect(await sentSoFar()).toHaveLength(3);
        crm.clock.set('2026-10-25T08:00:00Z');
        expect(await sentSoFar()).toContain(autumn.messageId);
        // Outside quiet hours: at once.
        crm.clock.set('2026-10-25T12:00:00Z');
        expect(await send(london.id)).toMatchObject({ status: 'queued', sendAt: new Date('2026-10-25T12:00:00Z') });
        expect(await sentSoFar()).toHaveLength(5);
        const called = new Set(email.calls.map((call) => call.idempotencyKey));
        expect((await crm.messages.list()).items.every((message) => called.has(message.id))).toBe(true);
        expect(crm.recordedOf('message.deferred')).toHaveLength(4);
        await crm.close();
      });

      it('defers again at dispatch when a message comes due inside quiet hours', async () => {
        const { crm, email, customer } = await setUp({ quietHours: { start: '21:00', end: '08:00' } });
        const ada = await customer({ timezone: 'UTC' });
        crm.clock.set('2026-06-01T20:00:00Z');
        const { messageId } = await crm.messages.send({
          customerId: ada.id,
          purpose: 'transactional',
          transactional: false,
          channel: 'email',
          content: text,
          sendAt: '2026-06-01T20:59:00Z',
        });
        crm.clock.set('2026-06-01T21:30:00Z');
        await crm.workers().drain();
        expect(await crm.messages.get(messageId)).toMatchObject({ status: 'deferred', sendAt: new Date('2026-06-02T08:00:00Z') });
        expect(email.calls).toEqual([]);
        crm.clock.set('2026-06-02T08:00:00Z');
        await crm.workers().drain();
        expect((await crm.messages.get(messageId)).status).toBe('sent');
        await crm.close();
      });

      it('retries transient failures with backoff and a throttle after its Retry-After, with one idempotency key', async () => {
        const { crm, email, customer } = await setUp({ backoffMs: 10_000 });
        const ada = await customer();
        email.answer(
          { status: 'failed', errorClass: 'transient', reason: 'timeout' },
          { status: 'failed', errorClass: 'throttled', reason: 'slow down', retryAfterMs: 60_000 },
        );
        const { messageId } = await crm.messages.send({ customerId: ada.id, purpose: 'transactional', channel: 'email', content: text });
        const workers = crm.workers();
        const jobRunAt = async () => (await crm.jobs.get((await crm.messages.get(messageId)).jobId as string)).runAt.getTime();
        const start = crm.clock.now().getTime();
        await workers.drain();
        // Equal jitter: between half and all of the 10 s base.
        const retryAt = (await jobRunAt()) - start;
        expect(retryAt).toBeGreaterThanOrEqual(5_000);
        expect(retryAt).toBeLessThanOrEqual(10_000);
        expect(await crm.messages.get(messageId)).toMatchObject({
          status: 'queued',
          attempts: 1,
          error: { code: 'SEND_TRANSIENT', reason: 'timeout' },
        });
        crm.clock.advance({ ms: retryAt });
        await workers.drain();
        const throttledAt = crm.clock.now().getTime();
        expect((await jobRunAt()) - throttledAt).toBe(60_000);
        crm.clock.advance({ seconds: 59 });
        expect(await workers.drain()).toBe(0);
        crm.clock.advance({ seconds: 1 });
        await workers.drain();
        expect(await crm.messages.get(messageId)).toMatchObject({ status: 'sent', attempts: 3, error: null });
        expect(email.calls.map((call) => call.idempotencyKey)).toEqual([messageId, messageId, messageId]);
        await crm.close();
      });

      it('dead-letters after the last attempt, lists it, and replays it', async () => {
        const { crm, email, customer } = await setUp({ maxAttempts: 3, backoffMs: 1_000 });
        const ada = await customer();
        const down = { status: 'failed', errorClass: 'transient', reason: '503 from provider', providerCode: '503' } as const;
        email.answer(down, down, down);
        const { messageId } = await crm.messages.send({ customerId: ada.id, purpose: 'transactional', channel: 'email', content: text });
        for (let attempt = 0; attempt < 3; attempt++) {
          await crm.workers().drain();
          crm.clock.advance({ hours: 1 });
        }
        expect(await crm.messages.get(messageId)).toMatchObject({ status: 'dead', attempts: 3, error: { providerCode: '503' } });
        expect((await crm.messages.deadLetters()).items.map((message) => message.id)).toEqual([messageId]);
        expect((await crm.jobs.deadLetters()).items).toHaveLength(1);
        expect(crm.recordedOf('message.dead')).toHaveLength(1);
        expect(await crm.messages.replay(messageId)).toBe(true);
        expect(await crm.messages.replay(messageId).catch((e: unknown) => e)).toSatisfy((e: unknown) =>
          isRapportError(e, 'MESSAGING_NOT_REPLAYABLE'),
        );
        await crm.workers().drain();
        expect(await crm.messages.get(messageId)).toMatchObject({ status: 'sent', attempts: 1 });
        expect(email.effects()).toEqual(new Set([messageId]));
        expect(email.calls).toHaveLength(4);
        await crm.close();
      });

      it('fails a permanent failure at once, without retrying', async () => {
        const { crm, email, customer } = await setUp();
        const ada = await customer();
        email.answer({ status: 'failed', errorClass: 'permanent', reason: 'mailbox does not exist', providerCode: '550' });
        const { messageId } = await crm.messages.send({ customerId: ada.id, purpose: 'transactional', channel: 'email', content: text });
        await crm.workers().drain();
        crm.clock.advance({ days: 1 });
        await crm.workers().drain();
        expect(await crm.messages.get(messageId)).toMatchObject({
          status: 'failed',
          error: { code: 'SEND_PERMANENT', providerCode: '550' },
        });
        expect(email.calls).toHaveLength(1);
        await crm.close();
      });

      it('lets a beforeSend hook rewrite the message or veto it (the message ends vetoed with the reason)', async () => {
        const hooks = {
          'message.beforeSend': (message: { text?: string }, context: { veto: (reason: string) => never; purpose: string }) => {
            if (message.text === 'veto me') context.veto('not on a Sunday');
            return { ...message, text: `${message.text} (${context.purpose})` };
          },
        };
        const { crm, email, customer } = await setUp({}, hooks);
        const ada = await customer();
        const ok = await crm.messages.send({ customerId: ada.id, purpose: 'transactional', channel: 'email', content: text });
        const vetoed = await crm.messages.send({
          customerId: ada.id,
          purpose: 'transactional',
          channel: 'email',
          content: { text: 'veto me' },
        });
        await crm.workers().drain();
        expect(email.calls.map((call) => call.message.text)).toEqual(['Hello (transactional)']);
        expect(await crm.messages.get(vetoed.messageId)).toMatchObject({ status: 'vetoed', reason: 'not on a Sunday' });
        expect((await crm.messages.get(ok.messageId)).status).toBe('sent');
        expect(crm.recordedOf('message.vetoed').map((event) => event.reason)).toEqual(['not on a Sunday']);
        await crm.close();
      });

      it('renders a template at send time and records its version; a missing variable fails the send with the error recorded', async () => {
        const renderer = {
          render: async (request: { template: string; channel: string; variables: Readonly<Record<string, unknown>> }) => {
            if (request.variables.orderId === undefined) throw new Error('missing variable "orderId" in order-shipped');
            return {
              content: { text: `Order ${String(request.variables.orderId)} for ${String(request.variables.firstName)}` },
              template: request.template,
              version: 3,
              locale: 'en',
            };
          },
        };
        const { crm, email, customer } = await setUp({ renderer });
        const ada = await customer({ firstName: 'Ada' });
        const ok = await crm.messages.send({
          customerId: ada.id,
          purpose: 'transactional',
          channel: 'email',
          template: { key: 'order-shipped', variables: { orderId: 'A-1' } },
        });
        const missing = await crm.messages.send({
          customerId: ada.id,
          purpose: 'transactional',
          channel: 'email',
          template: { key: 'order-shipped', variables: {} },
        });
        await crm.workers().drain();
        expect(email.calls.map((call) => call.message.text)).toEqual(['Order A-1 for Ada']);
        expect(await crm.messages.get(ok.messageId)).toMatchObject({
          status: 'sent',
          templateKey: 'order-shipped',
          templateVersion: 3,
          templateLocale: 'en',
        });
        expect(await crm.messages.get(missing.messageId)).toMatchObject({
          status: 'failed',
          error: { code: 'MESSAGING_TEMPLATE_RENDER_FAILED', reason: 'missing variable "orderId" in order-shipped' },
        });
        await crm.close();
      });

      it('commits a send with the caller’s transaction or not at all (the outbox)', async () => {
        const { crm, email, customer } = await setUp();
        const ada = await customer();
        const store = crm.storage.forTenant(crm.tenantId);
        await expect(
          store.transaction(async (tx) => {
            await crm.messages.send({ customerId: ada.id, purpose: 'transactional', channel: 'email', content: text }, { in: tx });
            throw new Error('the order failed');
          }),
        ).rejects.toThrow('the order failed');
        expect((await crm.messages.list()).items).toEqual([]);
        expect((await crm.jobs.list()).items).toEqual([]);
        const { messageId } = await store.transaction((tx) =>
          crm.messages.send({ customerId: ada.id, purpose: 'transactional', channel: 'email', content: text }, { in: tx }),
        );
        expect(crm.recordedOf('message.queued')).toEqual([]);
        await crm.workers().drain();
        expect(crm.recordedOf('message.queued').map((event) => event.messageId)).toEqual([messageId]);
        expect(email.effects()).toEqual(new Set([messageId]));
        await crm.close();
      });

      it('applies receipts once: status, timeline, events; a complaint withdraws consent', async () => {
        const { crm, customer, grant } = await setUp();
        const ada = await customer();
        await grant(ada.id, 'email');
        const { messageId } = await crm.messages.send({ customerId: ada.id, purpose: 'marketing', channel: 'email', content: text });
        await crm.workers().drain();
        const providerMessageId = `email-${messageId}`;
        const { receiptRequest } = await import('./recording-channel.js');
        const delivered = receiptRequest([{ providerMessageId, status: 'delivered' }]);
        expect(await crm.messages.handleReceipt('email', delivered)).toEqual([
          { providerMessageId, status: 'delivered', outcome: 'recorded', messageId },
        ]);
        expect((await crm.messages.handleReceipt('email', delivered))[0]?.outcome).toBe('repeated');
        expect(
          (await crm.messages.handleReceipt('email', receiptRequest([{ providerMessageId: 'other', status: 'opened' }])))[0]?.outcome,
        ).toBe('unknown-message');
        await crm.messages.handleReceipt('email', receiptRequest([{ providerMessageId, status: 'complained' }]));
        expect((await crm.messages.get(messageId)).status).toBe('complained');
        expect((await crm.interactions.timeline(ada.id, { types: ['message.delivered'] })).items).toHaveLength(1);
        expect((await crm.consent.decide({ customerId: ada.id, purpose: 'marketing', channel: 'email' })).reason).toBe('withdrawn');
        const unknown = await crm.messages.handleReceipt('fax', delivered).catch((e: unknown) => e);
        expect(isRapportError(unknown, 'MESSAGING_UNKNOWN_CHANNEL')).toBe(true);
        await crm.close();
      });
    }),
});
