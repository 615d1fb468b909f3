import { messageIdFor } from '@rapport/channel-email';
import { isRapportError } from '@rapport/core';
import { type ConformanceContext, createTestCrm, defineStorageSuite } from '@rapport/testkit';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { InboundOutcome } from '../src/conversations/conversation-types.js';
import { conversations } from '../src/conversations/conversations-plugin.js';
import { replyAddress, verifyReplyToken } from '../src/conversations/reply-token.js';
import { bridgeInbound, bridgeRaw, channelPlugins, rawEmail, twilioInbound } from './inbound-fixtures.js';

const SECRET = 'reply-token-secret-0123456789abcdef';
const HOUR = 60 * 60 * 1000;
const ADA = { phone: '+447911123456', email: 'ada@example.com' };
/** Webhook bodies a bridge might post broken: cut-off JSON, and an event without a sender. */
const BAD_BODIES = ['{"type":"message.received","data":{"text":', '{"type":"message.received","data":{"text":"hi"}}'] as const;

/** The outcome of a message that was placed (recorded or a duplicate); a rejection fails the test with its error. */
const recorded = (outcome: InboundOutcome | undefined) => {
  if (!outcome || outcome.status === 'rejected')
    throw new Error(`expected a placed message, got ${outcome ? outcome.error.message : 'nothing'}`);
  return outcome;
};

/** Conversations across channels on one storage: inbound through the real channel parsers. */
export const conversationsSuite = defineStorageSuite({
  name: 'messaging-conversations',
  define: (ctx: ConformanceContext) =>
    describe(`${ctx.name}: conversations`, () => {
      const setUp = async (options: Parameters<typeof conversations>[0] = {}, hooks = {}) => {
        const crm = await createTestCrm({
          storage: ctx.storage(),
          hooks,
          plugins: [...channelPlugins(), conversations({ continueWithinMs: HOUR, replyTokenSecret: SECRET, ...options })],
          record: ['conversation.opened', 'conversation.message', 'conversation.status'],
        });
        const { customer } = await crm.customers.upsert({
          identities: [
            { type: 'phone', value: ADA.phone },
            { type: 'email', value: ADA.email },
          ],
        });
        return { crm, ada: customer };
      };

      it('reads a conversation started by SMS and continued by an e-mail reply (In-Reply-To) as one thread', async () => {
        const { crm, ada } = await setUp();
        const question = await crm.conversations.receive(
          'sms',
          twilioInbound({ From: ADA.phone, Body: 'Where is my order #42?', MessageSid: 'SM1' }),
        );
        const opened = recorded(question.outcomes[0]);
        expect(opened).toMatchObject({ status: 'recorded', customerId: ada.id, channel: 'sms', opened: true });
        // The business answers by e-mail; the e-mail channel's Message-ID for hub message msg-1 threads the reply.
        const ourMessageId = messageIdFor('msg-1', 'shop.example');
        const { threading } = await crm.conversations.threadingFor(opened.conversationId);
        await crm.conversations.recordOutboundNow({
          conversationId: opened.conversationId,
          messageId: 'msg-1',
          customerId: ada.id,
          channel: 'email',
          subject: 'Your order #42',
          text: 'It ships today.',
          threading: { ...threading, messageId: ourMessageId },
        });
        crm.clock.advance({ hours: 5 }); // past the window: only the threading can join the reply
        const reply = rawEmail({
          from: `Ada <${ADA.email}>`,
          messageId: '<reply-1@example.com>',
          inReplyTo: ourMessageId,
          references: [ourMessageId],
          date: crm.clock.now(),
          text: 'Thanks! Could it come by Friday?\n\n> It ships today.',
        });
        const continued = recorded((await crm.conversations.receive('email', reply)).outcomes[0]);
        expect(continued).toMatchObject({ status: 'recorded', conversationId: opened.conversationId, opened: false, channel: 'email' });

        const thread = await crm.conversations.get(opened.conversationId);
        expect(thread.messages.map((m) => [m.position, m.channel, m.direction])).toEqual([
          [1, 'sms', 'inbound'],
          [2, 'email', 'outbound'],
          [3, 'email', 'inbound'],
        ]);
        expect(thread.messages[0]?.text).toBe('Where is my order #42?');
        expect(thread.messages[2]?.externalId).toBe('<reply-1@example.com>');
        expect(thread).toMatchObject({ customerId: ada.id, status: 'open', messageCount: 3, channel: 'sms' });
        expect((await crm.conversations.list(ada.id)).items.map((c) => c.id)).toEqual([opened.conversationId]);
        const timeline = (await crm.interactions.timeline(ada.id, { types: ['message.received'] })).items;
        expect(timeline.map((i) => i.channel).sort()).toEqual(['email', 'sms']);
        expect(crm.recordedOf('conversation.opened')).toHaveLength(1);
        expect(crm.recordedOf('conversation.message').map((e) => e.direction)).toEqual(['inbound', 'outbound', 'inbound']);
        // Without threading, past the window, the next message opens a new conversation.
        crm.clock.advance({ hours: 2 });
        const fresh = await crm.conversations.receive('sms', twilioInbound({ From: ADA.phone, Body: 'New question', MessageSid: 'SM2' }));
        expect(recorded(fresh.outcomes[0]).conversationId).not.toBe(opened.conversationId);
        await crm.close();
      });

      it('continues the latest open conversation within the window across channels, and threads a reply token after it', async () => {
        const { crm, ada } = await setUp();
        const first = recorded(
          (await crm.conversations.receive('sms', twilioInbound({ From: ADA.phone, Body: 'Hi', MessageSid: 'SM1' }))).outcomes[0],
        );
        crm.clock.advance({ minutes: 30 });
        const mail = rawEmail({ from: ADA.email, messageId: '<m2@example.com>', date: crm.clock.now(), text: 'Me again, by e-mail' });
        expect(recorded((await crm.conversations.receive('email', mail)).outcomes[0]).conversationId).toBe(first.conversationId);
        const { replyToken, threading } = await crm.conversations.threadingFor(first.conversationId);
        expect(threading).toMatchObject({ inReplyTo: '<m2@example.com>', references: ['<m2@example.com>'], conversationId: replyToken });
        expect(verifyReplyToken(replyToken ?? '', SECRET)).toBe(first.conversationId);
        crm.clock.advance({ hours: 3 });
        const tokenMail = rawEmail({
          from: ADA.email,
          to: replyAddress('hello@shop.example', replyToken ?? ''),
          messageId: '<m3@example.com>',
          date: crm.clock.now(),
          text: 'Replying to the address you gave',
        });
        expect(recorded((await crm.conversations.receive('email', tokenMail)).outcomes[0]).conversationId).toBe(first.conversationId);
        // A forged token (another signature) threads nothing: a new conversation opens.
        crm.clock.advance({ hours: 3 });
        const forged = `${(replyToken ?? '').slice(0, -4)}AAAA`;
        const forgedMail = rawEmail({
          from: ADA.email,
          to: replyAddress('hello@shop.example', forged),
          messageId: '<m4@example.com>',
          date: crm.clock.now(),
          text: 'x',
        });
        expect(recorded((await crm.conversations.receive('email', forgedMail)).outcomes[0]).conversationId).not.toBe(first.conversationId);
        expect((await crm.conversations.list(ada.id)).items).toHaveLength(2);
        await crm.close();
      });

      it('keeps a social question (webhook bridge thread) and its e-mail follow-up one thread; an explicit id wins', async () => {
        const { crm, ada } = await setUp();
        await crm.customers.addIdentity(ada.id, { type: 'external', namespace: 'wechat', value: 'openid-ada' });
        const from = { type: 'external', namespace: 'wechat', value: 'openid-ada' };
        const post = (id: string, text: string) =>
          crm.conversations.receive('webhook', bridgeInbound(id, crm.clock.now(), { id, from, text, conversationId: 'wx-thread-7' }));
        const asked = recorded((await post('wx-1', 'Do you have this in blue?')).outcomes[0]);
        expect(asked).toMatchObject({ customerId: ada.id, channel: 'webhook', opened: true });
        crm.clock.advance({ minutes: 20 });
        const mail = rawEmail({
          from: ADA.email,
          messageId: '<follow-up@example.com>',
          date: crm.clock.now(),
          text: 'Following up by e-mail',
        });
        expect(recorded((await crm.conversations.receive('email', mail)).outcomes[0]).conversationId).toBe(asked.conversationId);
        crm.clock.advance({ hours: 6 }); // past the window: the bridge's thread id still joins it
        expect(recorded((await post('wx-2', 'Still there?')).outcomes[0]).conversationId).toBe(asked.conversationId);
        const thread = await crm.conversations.get(asked.conversationId);
        expect(thread.messages.map((m) => m.channel)).toEqual(['webhook', 'email', 'webhook']);
        // An explicit conversation id (a support widget's) wins over the window, if it is the sender's.
        crm.clock.advance({ hours: 6 });
        const sms = twilioInbound({ From: ADA.phone, Body: 'About that blue one', MessageSid: 'SM-x' });
        const explicit = recorded((await crm.conversations.receive('sms', sms, { conversationId: asked.conversationId })).outcomes[0]);
        expect(explicit.conversationId).toBe(asked.conversationId);
        const opened = crm.recordedOf('conversation.opened');
        expectTypeOf(opened[0]?.conversationId).toEqualTypeOf<string | undefined>();
        expect(opened.map((event) => event.conversationId)).toEqual([asked.conversationId]);
        await crm.close();
      });

      it('treats a redelivered webhook or e-mail as a no-op: one message, one interaction, one event', async () => {
        const { crm, ada } = await setUp();
        const request = twilioInbound({ From: ADA.phone, Body: 'Hello', MessageSid: 'SM-dup' });
        const first = recorded((await crm.conversations.receive('sms', request)).outcomes[0]);
        const again = recorded((await crm.conversations.receive('sms', request)).outcomes[0]);
        expect(again).toMatchObject({ status: 'duplicate', conversationId: first.conversationId, messageId: first.messageId });
        const mail = rawEmail({ from: ADA.email, messageId: '<once@example.com>', date: crm.clock.now(), text: 'Once' });
        await crm.conversations.receive('email', mail);
        expect(recorded((await crm.conversations.receive('email', mail)).outcomes[0]).status).toBe('duplicate');
        const thread = await crm.conversations.get(first.conversationId);
        expect(thread.messages).toHaveLength(2);
        expect((await crm.interactions.timeline(ada.id)).items).toHaveLength(2);
        expect(crm.recordedOf('conversation.message')).toHaveLength(2);
        await crm.close();
      });

      it('ends concurrent inbound messages of one customer in one conversation with every message once (rounds)', async () => {
        const { crm } = await setUp();
        const rounds = ctx.name === 'memory' ? 20 : 8;
        for (let round = 0; round < rounds; round++) {
          const phone = `+44791112${String(round).padStart(4, '0')}`; // unknown: the first messages race to create the customer too
          const sids = Array.from({ length: 6 }, (_, n) => `SM-${round}-${n}`);
          const requests = [...sids, sids[0] as string, sids[1] as string].map((sid) =>
            crm.conversations.receive('sms', twilioInbound({ From: phone, Body: `message ${sid}`, MessageSid: sid })),
          );
          const results = await Promise.all(requests);
          const outcomes = results.map((result) => recorded(result.outcomes[0]));
          expect(new Set(outcomes.map((o) => o.conversationId)).size).toBe(1);
          expect(outcomes.filter((o) => o.status === 'recorded')).toHaveLength(6);
          const customer = await crm.customers.find({ type: 'phone', value: phone });
          expect(customer?.id).toBe(outcomes[0]?.customerId);
          const list = await crm.conversations.list(customer?.id ?? '');
          expect(list.items).toHaveLength(1);
          const thread = await crm.conversations.get(list.items[0]?.id ?? '');
          expect(thread.messageCount).toBe(6);
          expect(thread.messages.map((m) => m.position)).toEqual([1, 2, 3, 4, 5, 6]);
          expect(thread.messages.map((m) => m.text).sort()).toEqual(sids.map((sid) => `message ${sid}`).sort());
          expect((await crm.interactions.timeline(customer?.id ?? '', { limit: 100 })).items).toHaveLength(6);
        }
        await crm.close();
      });

      it('rejects malformed or badly signed inbound with a typed error, records it for inspection, and keeps going', async () => {
        const { crm, ada } = await setUp({ rawBodyLimit: 40 });
        const empty = { method: 'POST', url: 'https://crm.example/hooks/email', headers: {}, body: new Uint8Array() };
        const noSender = rawEmail({
          from: 'undisclosed-recipients:;',
          messageId: '<x@example.com>',
          date: crm.clock.now(),
          text: 'who am I',
        });
        const forged = twilioInbound({ From: ADA.phone, Body: 'forged', MessageSid: 'SM-forged' }, 'another-auth-token-000000');
        const errors = [];
        for (const [channel, request] of [
          ['email', empty],
          ['email', noSender],
          ['sms', forged],
          ['webhook', bridgeRaw('evt-bad', crm.clock.now(), BAD_BODIES[0])],
          ['webhook', bridgeRaw('evt-nofrom', crm.clock.now(), BAD_BODIES[1])],
        ] as const) {
          errors.push(
            await crm.conversations.receive(channel, request).then(
              () => null,
              (error: unknown) => error,
            ),
          );
        }
        expect(errors.map((error) => isRapportError(error) && error.code)).toEqual([
          'CHANNEL_INBOUND_MALFORMED',
          'CHANNEL_INBOUND_MALFORMED',
          'CHANNEL_SIGNATURE_INVALID',
          'CHANNEL_INBOUND_MALFORMED',
          'CHANNEL_INBOUND_MALFORMED',
        ]);
        expect((errors[1] as { details: { field: string } }).details.field).toBe('From');
        expect((errors[4] as { details: { field: string } }).details.field).toMatch(/from/);
        const failures = (await crm.conversations.failures()).items;
        expect(failures.map((f) => [f.channel, f.code])).toHaveLength(5);
        const webhookBodies = (await crm.conversations.failures({ channel: 'webhook' })).items.map((f) => f.rawBody);
        expect(webhookBodies.sort()).toEqual(BAD_BODIES.map((body) => body.slice(0, 40)).sort());
        expect(new Set(failures.map((f) => f.code))).toEqual(new Set(['CHANNEL_INBOUND_MALFORMED', 'CHANNEL_SIGNATURE_INVALID']));
        const mailFailure = failures.find((f) => f.rawBody.startsWith('From: undisclosed'));
        expect(mailFailure).toMatchObject({
          channel: 'email',
          contentType: 'message/rfc822',
          details: { channel: 'email', field: 'From' },
        });
        expect(mailFailure?.rawBody).toHaveLength(40);
        expect(mailFailure?.bodyBytes).toBeGreaterThan(100);
        expect((await crm.conversations.failures({ channel: 'sms' })).items.map((f) => f.code)).toEqual(['CHANNEL_SIGNATURE_INVALID']);
        // Nothing was placed, and the next good message goes through.
        expect((await crm.conversations.list(ada.id)).items).toEqual([]);
        const good = await crm.conversations.receive('sms', twilioInbound({ From: ADA.phone, Body: 'ok', MessageSid: 'SM-ok' }));
        expect(recorded(good.outcomes[0]).status).toBe('recorded');
        const unknown = await crm.conversations.receive('fax', empty).catch((error: unknown) => error);
        expect(isRapportError(unknown, 'MESSAGING_CHANNEL_NOT_FOUND')).toBe(true);
        await crm.close();
      });

      it('reports a message that fails after parsing as rejected and recorded, and mends it on redelivery', async () => {
        let refuse = true;
        const veto = {
          'interaction.beforeRecord': (_input: unknown, { veto }: { veto: (reason: string) => never }) =>
            refuse ? veto('timeline closed for maintenance') : undefined,
        };
        const { crm, ada } = await setUp({}, veto);
        const request = twilioInbound({ From: ADA.phone, Body: 'Hello?', MessageSid: 'SM-veto' });
        const [outcome] = (await crm.conversations.receive('sms', request)).outcomes;
        expect(outcome?.status).toBe('rejected');
        if (outcome?.status !== 'rejected') return;
        expect(isRapportError(outcome.error, 'HOOK_VETOED')).toBe(true);
        const [failure] = (await crm.conversations.failures()).items;
        expect(failure).toMatchObject({ id: outcome.failureId, channel: 'sms', code: 'HOOK_VETOED' });
        refuse = false;
        const mended = recorded((await crm.conversations.receive('sms', request)).outcomes[0]);
        expect(mended.status).toBe('duplicate'); // placed the first time; the timeline write happens now
        expect((await crm.interactions.timeline(ada.id)).items).toHaveLength(1);
        expect((await crm.conversations.get(mended.conversationId)).messages).toHaveLength(1);
        expect(crm.recordedOf('conversation.message').map((event) => event.messageId)).toEqual([mended.messageId]); // told once
        await crm.close();
      });

      it('withdraws SMS consent on STOP (or 退订) once: the first opt-out confirms, a repeat or a redelivery does not', async () => {
        const { crm, ada } = await setUp();
        await crm.consent.grant({ customerId: ada.id, purpose: 'marketing', channel: 'sms', source: 'checkout' });
        await crm.consent.grant({ customerId: ada.id, purpose: 'marketing', channel: 'email', source: 'checkout' });
        const stop = twilioInbound({ From: ADA.phone, Body: 'STOP', MessageSid: 'SM-stop' });
        const first = recorded((await crm.conversations.receive('sms', stop)).outcomes[0]);
        expect(first.optOut).toEqual({ purposes: ['marketing'], withdrawn: true, confirm: true });
        expect((await crm.consent.check({ customerId: ada.id, purpose: 'marketing', channel: 'sms' })).allowed).toBe(false);
        expect((await crm.consent.check({ customerId: ada.id, purpose: 'marketing', channel: 'email' })).allowed).toBe(true);
        const redelivered = recorded((await crm.conversations.receive('sms', stop)).outcomes[0]);
        expect(redelivered).toMatchObject({ status: 'duplicate', optOut: { withdrawn: false, confirm: false } });
        const again = recorded(
          (await crm.conversations.receive('sms', twilioInbound({ From: ADA.phone, Body: '退订', MessageSid: 'SM-td' }))).outcomes[0],
        );
        expect(again.optOut).toEqual({ purposes: ['marketing'], withdrawn: false, confirm: false });
        const withdrawals = (await crm.consent.history(ada.id)).filter((r) => r.status === 'withdrawn');
        expect(withdrawals.map((r) => [r.purpose, r.channel, r.source])).toEqual([['marketing', 'sms', 'inbound:sms']]);
        await crm.close();
      });

      it('two STOPs arriving at once withdraw once and confirm once (20 rounds)', async () => {
        const { crm, ada } = await setUp();
        const ROUNDS = 20;
        for (let round = 0; round < ROUNDS; round++) {
          await crm.consent.grant({ customerId: ada.id, purpose: 'marketing', channel: 'sms', source: 'checkout' });
          const placed = await Promise.all(
            ['a', 'b'].map(async (side) =>
              recorded(
                (
                  await crm.conversations.receive(
                    'sms',
                    twilioInbound({ From: ADA.phone, Body: 'STOP', MessageSid: `SM-race-${round}-${side}` }),
                  )
                ).outcomes[0],
              ),
            ),
          );
          const outcomes = placed.map((outcome) => outcome.optOut);
          expect(outcomes.filter((optOut) => optOut?.confirm).length, `round ${round}`).toBe(1);
          expect(outcomes.filter((optOut) => optOut?.withdrawn).length, `round ${round}`).toBe(1);
          expect((await crm.consent.check({ customerId: ada.id, purpose: 'marketing', channel: 'sms' })).allowed).toBe(false);
        }
        const withdrawals = (await crm.consent.history(ada.id)).filter((r) => r.status === 'withdrawn');
        expect(withdrawals).toHaveLength(ROUNDS);
        await crm.close();
      });

      it('creates the customer of an unknown sender, and never threads into another customer’s conversation', async () => {
        const { crm, ada } = await setUp();
        const adas = recorded(
          (await crm.conversations.receive('sms', twilioInbound({ From: ADA.phone, Body: 'Hi', MessageSid: 'SM1' }))).outcomes[0],
        );
        await crm.conversations.recordOutboundNow({
          conversationId: adas.conversationId,
          messageId: 'msg-9',
          customerId: ada.id,
          channel: 'email',
          threading: { messageId: '<msg-9@shop.example>' },
        });
        // Someone else replies to a forwarded copy of Ada's mail: a new customer, a conversation of their own.
        const mail = rawEmail({
          from: 'bob@example.org',
          messageId: '<bob-1@example.org>',
          inReplyTo: '<msg-9@shop.example>',
          date: crm.clock.now(),
          text: 'Fwd',
        });
        const bobs = recorded((await crm.conversations.receive('email', mail)).outcomes[0]);
        const bob = await crm.customers.find({ type: 'email', value: 'bob@example.org' });
        expect(bobs).toMatchObject({ customerId: bob?.id, opened: true });
        expect(bobs.conversationId).not.toBe(adas.conversationId);
        expect((await crm.conversations.get(adas.conversationId)).messageCount).toBe(2);
        await crm.close();
      });

      it("keeps each tenant's conversations apart, and moves a merged customer's conversations to the survivor", async () => {
        const { crm, ada } = await setUp();
        const adas = recorded(
          (await crm.conversations.receive('sms', twilioInbound({ From: ADA.phone, Body: 'Hi', MessageSid: 'SM1' }))).outcomes[0],
        );
        const other = crm.forTenant(`${crm.tenantId}-b`);
        const elsewhere = recorded(
          (await other.conversations.receive('sms', twilioInbound({ From: ADA.phone, Body: 'Hi', MessageSid: 'SM1' }))).outcomes[0],
        );
        expect(elsewhere.status).toBe('recorded'); // the same provider id in another tenant is another message
        expect(elsewhere.customerId).not.toBe(ada.id);
        expect(
          await other.conversations
            .get(adas.conversationId)
            .catch((error: unknown) => isRapportError(error, 'MESSAGING_CONVERSATION_NOT_FOUND')),
        ).toBe(true);
        const mail = rawEmail({ from: 'ada.work@example.com', messageId: '<w1@example.com>', date: crm.clock.now(), text: 'From work' });
        const twins = recorded((await crm.conversations.receive('email', mail)).outcomes[0]);
        await crm.customers.merge(ada.id, twins.customerId);
        const merged = await crm.conversations.list(ada.id);
        expect(merged.items.map((c) => c.id).sort()).toEqual([adas.conversationId, twins.conversationId].sort());
        expect((await crm.conversations.get(twins.conversationId)).messages.map((m) => m.customerId)).toEqual([ada.id]);
        // The merged address now finds Ada, and within the window continues her latest conversation.
        const again = rawEmail({ from: 'ada.work@example.com', messageId: '<w2@example.com>', date: crm.clock.now(), text: 'Again' });
        expect(recorded((await crm.conversations.receive('email', again)).outcomes[0])).toMatchObject({
          customerId: ada.id,
          opened: false,
        });
        await crm.close();
      });

      it('moves between open, pending and closed: close, a threaded reply reopens, setStatus, list by status, events', async () => {
        const { crm, ada } = await setUp();
        const mail = rawEmail({ from: ADA.email, messageId: '<q1@example.com>', date: crm.clock.now(), text: 'Question' });
        const { conversationId } = recorded((await crm.conversations.receive('email', mail)).outcomes[0]);
        await crm.conversations.recordOutboundNow({
          conversationId,
          messageId: 'a1',
          customerId: ada.id,
          channel: 'email',
          threading: { messageId: '<a1@shop.example>' },
        });
        expect((await crm.conversations.get(conversationId)).status).toBe('pending'); // answered: awaiting the customer
        expect((await crm.conversations.close(conversationId)).status).toBe('closed');
        expect((await crm.conversations.list(ada.id, { status: 'closed' })).items.map((c) => c.id)).toEqual([conversationId]);
        // A new message without threading does not join a closed conversation, even within the window…
        const other = rawEmail({ from: ADA.email, messageId: '<q2@example.com>', date: crm.clock.now(), text: 'Another thing' });
        const second = recorded((await crm.conversations.receive('email', other)).outcomes[0]);
        expect(second.conversationId).not.toBe(conversationId);
        // …but a reply to it reopens it.
        const reply = rawEmail({
          from: ADA.email,
          messageId: '<q3@example.com>',
          inReplyTo: '<a1@shop.example>',
          date: crm.clock.now(),
          text: 'Not solved',
        });
        expect(recorded((await crm.conversations.receive('email', reply)).outcomes[0]).conversationId).toBe(conversationId);
        expect((await crm.conversations.get(conversationId)).status).toBe('open');
        await crm.conversations.setStatus(conversationId, 'pending');
        expect((await crm.conversations.list(ada.id, { status: 'open' })).items.map((c) => c.id)).toEqual([second.conversationId]);
        expect(crm.recordedOf('conversation.status').map((e) => `${e.from}>${e.to}`)).toEqual([
          'open>pending',
          'pending>closed',
          'closed>open',
          'open>pending',
        ]);
        const bad = await crm.conversations.setStatus(conversationId, 'archived' as 'open').catch((error: unknown) => error);
        expect(isRapportError(bad, 'MESSAGING_CONVERSATION_INVALID_INPUT')).toBe(true);
        const missing = await crm.conversations.get('nope').catch((error: unknown) => error);
        expect(isRapportError(missing, 'MESSAGING_CONVERSATION_NOT_FOUND')).toBe(true);
        await crm.close();
      });
    }),
});
