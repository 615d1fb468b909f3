import { isRapportError } from '@rapport/core';
import { type ConformanceContext, defineStorageSuite } from '@rapport/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { surveySendsTable } from '../../src/index.js';
import { HttpSink } from './http-sink.js';
import { chatter, hubFeedbackCrm, LINK_URL, tokenIn } from './messaging-setup.js';
import { failure, feedbackCrm, person } from './setup.js';

/** Surveys and ticket replies through `crm.messages`, out of a webhook channel to a real local HTTP server. */
export const feedbackMessagingSuite = defineStorageSuite({
  name: 'feedback-messaging',
  define: (ctx: ConformanceContext) =>
    describe(`${ctx.name}: feedback through the messaging hub`, () => {
      const sink = new HttpSink();
      beforeAll(() => sink.start());
      afterAll(() => sink.stop());

      it('a survey send queues its template through the hub; the channel posts the link, and answering through it records the response', async () => {
        const crm = await hubFeedbackCrm(ctx.storage(), sink);
        const { customer, handle } = await chatter(crm, true);
        const sent = await crm.feedback.surveys.send({ customerId: customer.id, surveyId: 'nps', channel: 'chat' });
        if (sent.status !== 'sent') throw new Error(`expected a send, got ${JSON.stringify(sent)}`);
        const link = LINK_URL.replace('{token}', encodeURIComponent(sent.token));
        expect(sent).toMatchObject({ link, message: { status: 'queued', channel: 'chat', template: 'survey-nps' } });
        expect(crm.recordedOf('feedback.survey.sent')).toMatchObject([{ sendId: sent.sendId, link, messageId: sent.message?.messageId }]);
        expect(sink.to(handle)).toEqual([]); // queued, not yet dispatched
        await crm.workers().drain();
        const posted = sink.to(handle);
        expect(posted).toHaveLength(1);
        expect(posted[0]?.data.text).toBe(`Would you recommend us? Tell us: ${link}`);
        expect(await crm.messages.get(sent.message?.messageId ?? '')).toMatchObject({
          status: 'sent',
          purpose: 'feedback',
          templateKey: 'survey-nps',
          customerId: customer.id,
        });
        const answered = await crm.feedback.surveys.respondByLink({ token: tokenIn(posted[0]?.data.text), answers: { nps: 10 } });
        expect(answered.response).toMatchObject({ linkId: sent.sendId, customerId: customer.id, scores: { nps: 10 } });
        await crm.close();
      });

      it('an event trigger (a purchase) sends through the hub after its delay; the second purchase is throttled and sends nothing', async () => {
        const crm = await hubFeedbackCrm(ctx.storage(), sink, {
          feedback: { triggers: [{ on: { interaction: 'purchase' }, surveyId: 'nps', channel: 'chat', delayMinutes: 120 }] },
        });
        const { customer, handle } = await chatter(crm, true);
        await crm.interactions.record({ customerId: customer.id, channel: 'pos', type: 'purchase', idempotencyKey: `p1-${customer.id}` });
        await crm.workers().drain();
        expect(sink.to(handle)).toEqual([]); // not yet due
        crm.clock.advance({ minutes: 120 });
        await crm.workers().drain();
        const [sent] = crm.recordedOf('feedback.survey.sent');
        expect(sink.to(handle).map((event) => event.data.text)).toEqual([`Would you recommend us? Tell us: ${sent?.link}`]);
        expect(sent?.messageId).toEqual(expect.any(String));
        await crm.interactions.record({ customerId: customer.id, channel: 'web', type: 'purchase', idempotencyKey: `p2-${customer.id}` });
        crm.clock.advance({ minutes: 120 });
        await crm.workers().drain();
        expect(crm.recordedOf('feedback.survey.skipped').map((event) => event.reason)).toEqual(['throttled']);
        expect(sink.to(handle)).toHaveLength(1);
        expect((await crm.messages.list({ customerId: customer.id })).items).toHaveLength(1);
        await crm.close();
      });

      it('consent: no feedback consent skips the send before the hub; consent withdrawn after queueing is blocked by the hub at send time', async () => {
        const crm = await hubFeedbackCrm(ctx.storage(), sink);
        const stranger = await chatter(crm, false);
        const skipped = await crm.feedback.surveys.send({ customerId: stranger.customer.id, surveyId: 'nps', channel: 'chat' });
        expect(skipped).toMatchObject({ status: 'skipped', reason: 'not-consented' });
        expect((await crm.messages.list({ customerId: stranger.customer.id })).items).toEqual([]);

        const ada = await chatter(crm, true);
        const sent = await crm.feedback.surveys.send({ customerId: ada.customer.id, surveyId: 'nps', channel: 'chat' });
        expect(sent).toMatchObject({ status: 'sent', message: { status: 'queued' } });
        crm.clock.advance({ minutes: 1 });
        await crm.consent.withdraw({ customerId: ada.customer.id, purpose: 'feedback', channel: 'chat', source: 'preference-centre' });
        await crm.workers().drain();
        const messageId = sent.status === 'sent' ? (sent.message?.messageId ?? '') : '';
        expect(await crm.messages.get(messageId)).toMatchObject({ status: 'blocked', reason: expect.stringContaining('consent') });
        expect(sink.to(ada.handle)).toEqual([]);
        expect(sink.to(stranger.handle)).toEqual([]);
        await crm.close();
      });

      it('a send the hub refuses (no address on the channel) is skipped with the hub reasons and does not use up the throttle', async () => {
        const crm = await hubFeedbackCrm(ctx.storage(), sink);
        const ada = await person(crm as never); // e-mail only: the chat channel cannot reach her
        await crm.consent.grant({ customerId: ada.id, purpose: 'feedback', channel: 'chat', source: 'signup' });
        const refused = await crm.feedback.surveys.send({ customerId: ada.id, surveyId: 'nps', channel: 'chat' });
        expect(refused).toMatchObject({
          status: 'skipped',
          reason: 'refused',
          refusal: { code: 'MESSAGING_NO_ADDRESS', reasons: [expect.stringContaining('chat: no external address')] },
        });
        expect(crm.recordedOf('feedback.survey.skipped')).toMatchObject([{ customerId: ada.id, reason: 'refused' }]);
        const rows = await crm.storage
          .forTenant(crm.tenantId)
          .table(surveySendsTable)
          .find({ where: { customerId: ada.id } });
        expect(rows.items.map((row) => [row.status, row.reason])).toEqual([['skipped', 'refused']]);
        expect((await crm.messages.list({ customerId: ada.id })).items).toEqual([]);
        // Reachable now: the refused send did not count against the one-per-30-days throttle.
        const handle = `u-${ada.id}`;
        await crm.customers.addIdentity(ada.id, { type: 'external', namespace: 'chat', value: handle });
        expect(await crm.feedback.surveys.send({ customerId: ada.id, surveyId: 'nps', channel: 'chat' })).toMatchObject({ status: 'sent' });
        await crm.workers().drain();
        expect(sink.to(handle)).toHaveLength(1);
        await crm.close();
      });

      it('quiet hours: the hub defers the survey message, the send reports it, and the channel gets it when they end', async () => {
        // TEST_EPOCH is midnight UTC: inside 21:00–08:00.
        const crm = await hubFeedbackCrm(ctx.storage(), sink, { messaging: { quietHours: { start: '21:00', end: '08:00' } } });
        const { customer, handle } = await chatter(crm, true);
        const sent = await crm.feedback.surveys.send({ customerId: customer.id, surveyId: 'nps', channel: 'chat' });
        expect(sent).toMatchObject({ status: 'sent', message: { status: 'deferred', sendAt: new Date('2026-06-01T08:00:00Z') } });
        await crm.workers().drain();
        expect(sink.to(handle)).toEqual([]);
        crm.clock.advance({ hours: 8, minutes: 1 });
        await crm.workers().drain();
        expect(sink.to(handle)).toHaveLength(1);
        await crm.close();
      });

      it('a survey with no template on the channel, or a Crm without the hub, stays a link told in the event', async () => {
        const crm = await hubFeedbackCrm(ctx.storage(), sink);
        const { customer, handle } = await chatter(crm, true);
        await crm.consent.grant({ customerId: customer.id, purpose: 'feedback', channel: 'email', source: 'signup' });
        const csat = await crm.feedback.surveys.send({ customerId: customer.id, surveyId: 'csat', channel: 'email' }); // csat names only chat
        expect(csat).toMatchObject({ status: 'sent', message: null, link: expect.stringContaining('https://shop.example/survey/') });
        await crm.workers().drain();
        expect(sink.to(handle)).toEqual([]);
        expect((await crm.messages.list({ customerId: customer.id })).items).toEqual([]);
        await crm.close();

        const plain = await feedbackCrm(ctx.storage(), { messages: { linkUrl: LINK_URL, surveyTemplates: { nps: 'survey-nps' } } });
        const bob = await person(plain);
        expect(await plain.feedback.surveys.send({ customerId: bob.id, surveyId: 'nps', channel: 'chat' })).toMatchObject({
          status: 'sent',
          message: null,
        });
        const ticket = await plain.feedback.tickets.open({ customerId: bob.id, subject: 'Help' });
        const error = await failure(plain.feedback.tickets.reply(ticket.id, { from: 'agent', body: 'Hi', send: true }));
        expect(isRapportError(error, 'FEEDBACK_INVALID_INPUT')).toBe(true);
        expect((error as { details: { issues: { path: unknown[] }[] } }).details.issues[0]?.path).toEqual(['send']);
        expect(await plain.feedback.tickets.history(ticket.id)).toHaveLength(1); // nothing written
        await plain.close();
      });

      it('an agent reply sent to the customer goes out on the conversation channel as a transactional message and continues the conversation', async () => {
        const crm = await hubFeedbackCrm(ctx.storage(), sink);
        const { customer, handle } = await chatter(crm, false); // no consent at all: a reply is transactional
        const opened = await crm.conversations.recordOutboundNow({
          messageId: `chat-${customer.id}`,
          customerId: customer.id,
          channel: 'chat',
          text: 'Your order shipped',
        });
        const ticket = await crm.feedback.tickets.open({
          customerId: customer.id,
          subject: 'Parcel missing',
          source: 'chat',
          conversationId: opened.conversationId,
          body: 'It never came',
        });
        await crm.feedback.tickets.reply(ticket.id, { from: 'agent', body: 'We are sending another one today.', send: true });
        await crm.feedback.tickets.note(ticket.id, { body: 'internal: courier lost it' });
        await crm.workers().drain();
        const posted = sink.to(handle);
        expect(posted).toHaveLength(1); // the note stays internal
        expect(posted[0]?.data).toMatchObject({ text: 'We are sending another one today.', subject: 'Re: Parcel missing' });
        expect(posted[0]?.data.threading?.conversationId).toEqual(expect.any(String));
        const reply = (await crm.feedback.tickets.history(ticket.id)).find((event) => event.kind === 'reply');
        const delivery = reply?.data?.delivery as { messageId: string };
        expect(reply?.data).toMatchObject({
          channel: 'chat',
          delivery: { status: 'queued', channel: 'chat', conversationId: opened.conversationId },
        });
        expect(await crm.messages.get(delivery.messageId)).toMatchObject({
          status: 'sent',
          transactional: true,
          conversationId: opened.conversationId,
        });
        const thread = await crm.conversations.get(opened.conversationId);
        expect(thread.messages.map((message) => [message.direction, message.text])).toEqual([
          ['outbound', 'Your order shipped'],
          ['outbound', 'We are sending another one today.'],
        ]);
        // A ticket from the API (its source no channel): the hub routes the reply.
        const other = await crm.feedback.tickets.open({ customerId: customer.id, subject: 'Invoice' });
        await crm.feedback.tickets.reply(other.id, { from: 'agent', body: 'Attached.', send: true });
        await crm.workers().drain();
        expect(sink.to(handle).map((event) => event.data.text)).toEqual(['We are sending another one today.', 'Attached.']);
        await crm.close();
      });

      it('closes the loop through the channel: resolving a ticket sends the CSAT survey message, answered through its link', async () => {
        const crm = await hubFeedbackCrm(ctx.storage(), sink, { feedback: { resolvedSurvey: { surveyId: 'csat', channel: 'chat' } } });
        const { customer, handle } = await chatter(crm, true);
        const ticket = await crm.feedback.tickets.open({ customerId: customer.id, subject: 'Broken kettle', source: 'chat' });
        await crm.feedback.tickets.reply(ticket.id, { from: 'agent', body: 'Swapped!', send: true });
        await crm.feedback.tickets.setStatus(ticket.id, 'resolved');
        await crm.workers().drain();
        const texts = sink.to(handle).map((event) => event.data.text ?? '');
        expect(texts).toHaveLength(2);
        expect(texts[0]).toBe('Swapped!');
        expect(texts[1]).toMatch(new RegExp(`^How did we do on ${ticket.id}\\? https://shop\\.example/survey/`));
        const { response } = await crm.feedback.surveys.respondByLink({ token: tokenIn(texts[1]), answers: { csat: 4 } });
        expect(response).toMatchObject({ ticketId: ticket.id, customerId: customer.id, scores: { csat: { score: 4, scale: 5 } } });
        await crm.close();
      });

      it('concurrent sent replies on one ticket each queue exactly one message, for many rounds', async () => {
        const crm = await hubFeedbackCrm(ctx.storage(), sink);
        const { customer, handle } = await chatter(crm, false);
        for (let round = 0; round < 5; round++) {
          const ticket = await crm.feedback.tickets.open({ customerId: customer.id, subject: `Round ${round}`, source: 'chat' });
          const bodies = [0, 1, 2].map((n) => `round ${round} reply ${n}`);
          await Promise.all(bodies.map((body) => crm.feedback.tickets.reply(ticket.id, { from: 'agent', body, send: true })));
          const replies = (await crm.feedback.tickets.history(ticket.id)).filter((event) => event.kind === 'reply');
          expect(replies.map((event) => event.body).sort()).toEqual(bodies);
          const ids = replies.map((event) => (event.data?.delivery as { messageId?: string } | undefined)?.messageId ?? '');
          expect(new Set(ids).size).toBe(3);
          for (const id of ids) expect(await crm.messages.get(id)).toMatchObject({ customerId: customer.id, transactional: true });
        }
        expect((await crm.messages.list({ customerId: customer.id })).items).toHaveLength(15); // none left behind by a lost race
        await crm.workers().drain();
        const texts = sink.to(handle).map((event) => event.data.text ?? '');
        expect(texts.sort()).toEqual([0, 1, 2, 3, 4].flatMap((round) => [0, 1, 2].map((n) => `round ${round} reply ${n}`)).sort());
        await crm.close();
      });

      it('concurrent survey sends to one person on the hub queue one message, for many rounds', async () => {
        const crm = await hubFeedbackCrm(ctx.storage(), sink);
        for (let round = 0; round < 8; round++) {
          const { customer, handle } = await chatter(crm, true);
          const outcomes = await Promise.all(
            Array.from({ length: 4 }, () => crm.feedback.surveys.send({ customerId: customer.id, surveyId: 'nps', channel: 'chat' })),
          );
          expect(outcomes.filter((outcome) => outcome.status === 'sent')).toHaveLength(1);
          expect(outcomes.filter((outcome) => outcome.status === 'skipped' && outcome.reason === 'throttled')).toHaveLength(3);
          expect((await crm.messages.list({ customerId: customer.id })).items).toHaveLength(1);
          await crm.workers().drain();
          expect(sink.to(handle)).toHaveLength(1);
        }
        await crm.close();
      });
    }),
});
