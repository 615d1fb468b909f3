import { isRapportError, type ValidationError } from '@rapport/core';
import { type ConformanceContext, defineStorageSuite } from '@rapport/testkit';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { responsesTable, surveySendsTable, ticketsTable } from '../../src/index.js';
import { failure, feedbackCrm, npsSurvey, person } from './setup.js';

/** Surveys on one storage: versions, sends with throttling and consent, responses by link and API, the timeline. */
export const feedbackSurveysSuite = defineStorageSuite({
  name: 'feedback-surveys',
  define: (ctx: ConformanceContext) =>
    describe(`${ctx.name}: feedback surveys`, () => {
      it('versions surveys; a response records the version it answered', async () => {
        const crm = await feedbackCrm(ctx.storage());
        const v2 = await crm.feedback.surveys.define({ ...npsSurvey, title: 'How did we do? (v2)' });
        expect(v2.version).toBe(2);
        const error = await failure(crm.feedback.surveys.define({ ...npsSurvey, version: 2 }));
        expect(isRapportError(error, 'FEEDBACK_SURVEY_VERSION_EXISTS')).toBe(true);
        const ada = await person(crm);
        const old = await crm.feedback.surveys.respond({ customerId: ada.id, surveyId: 'nps', surveyVersion: 1, answers: { nps: 9 } });
        const latest = await crm.feedback.surveys.respond({ customerId: ada.id, surveyId: 'nps', answers: { nps: 10 } });
        expect([old.response.surveyVersion, latest.response.surveyVersion]).toEqual([1, 2]);
        expect((await crm.feedback.surveys.get('nps', 1)).title).toBe('How did we do?');
        await crm.close();
      });

      it('puts every response on the timeline as survey.answered with its scores, and tells it as a typed event', async () => {
        const crm = await feedbackCrm(ctx.storage(), { followUp: false });
        const ada = await person(crm);
        const { response } = await crm.feedback.surveys.respond({
          customerId: ada.id,
          surveyId: 'nps',
          channel: 'pos',
          store: 'store-1',
          answers: { nps: 4, why: 'slow checkout' },
        });
        expect(response.scores).toEqual({ nps: 4 });
        await crm.workers().drain();
        const answered = (await crm.interactions.timeline(ada.id, { types: ['survey.answered'] })).items;
        expect(answered).toHaveLength(1);
        expect(answered[0]?.channel).toBe('pos');
        expect(answered[0]?.properties).toMatchObject({ responseId: response.id, surveyId: 'nps', nps: 4 });
        const events = crm.recordedOf('feedback.response.recorded');
        expectTypeOf(events[0]?.scores.nps).toEqualTypeOf<number | undefined>();
        expect(events.map((event) => event.responseId)).toEqual([response.id]);
        await crm.close();
      });

      it('refuses a score outside its scale and an unknown question, naming each, and writes nothing', async () => {
        const crm = await feedbackCrm(ctx.storage());
        const ada = await person(crm);
        const error = (await failure(
          crm.feedback.surveys.respond({ customerId: ada.id, surveyId: 'nps', answers: { nps: 11, colour: 'blue' } }),
        )) as ValidationError;
        expect(isRapportError(error, 'FEEDBACK_INVALID_ANSWERS')).toBe(true);
        expect(error.issues.map((issue) => issue.path)).toEqual([
          ['answers', 'colour'],
          ['answers', 'nps'],
        ]);
        expect(error.issues[1]?.message).toMatch(/outside the scale 0–10/);
        const missing = await failure(crm.feedback.surveys.respond({ customerId: ada.id, surveyId: 'nope', answers: { nps: 1 } }));
        expect(isRapportError(missing, 'FEEDBACK_SURVEY_NOT_FOUND')).toBe(true);
        const store = crm.storage.forTenant(crm.tenantId);
        expect(await store.table(responsesTable).count({})).toBe(0);
        expect(await store.table(ticketsTable).count({})).toBe(0); // a detractor score, refused: no follow-up either
        expect((await crm.jobs.list({ limit: 10 })).items).toEqual([]);
        await crm.close();
      });

      it('answers through a signed link once, editable within the window, then refused as used; an expired or forged link is refused', async () => {
        const crm = await feedbackCrm(ctx.storage(), {
          links: { secret: 'a-test-secret-of-at-least-32-bytes!!', editableForMinutes: 60 },
          followUp: false,
        });
        const ada = await person(crm);
        const sent = await crm.feedback.surveys.send({ customerId: ada.id, surveyId: 'nps', channel: 'email' });
        if (sent.status !== 'sent') throw new Error('expected a send');
        const first = await crm.feedback.surveys.respondByLink({ token: sent.token, answers: { nps: 6 } });
        crm.clock.advance({ minutes: 30 });
        const edit = await crm.feedback.surveys.respondByLink({ token: sent.token, answers: { nps: 8, why: 'fixed' } });
        expect(edit).toMatchObject({ edited: true, response: { id: first.response.id, scores: { nps: 8 } } });
        crm.clock.advance({ minutes: 31 });
        const used = await failure(crm.feedback.surveys.respondByLink({ token: sent.token, answers: { nps: 10 } }));
        expect(isRapportError(used, 'FEEDBACK_LINK_USED')).toBe(true);
        expect((await crm.feedback.surveys.response(first.response.id)).scores).toEqual({ nps: 8 });
        // The signature's first character: every bit of it counts (a last base64url character may carry padding bits only).
        const signatureAt = sent.token.lastIndexOf('.') + 1;
        const flipped = sent.token[signatureAt] === 'A' ? 'B' : 'A';
        const tampered = `${sent.token.slice(0, signatureAt)}${flipped}${sent.token.slice(signatureAt + 1)}`;
        const forged = await failure(crm.feedback.surveys.respondByLink({ token: tampered, answers: { nps: 1 } }));
        expect(isRapportError(forged, 'FEEDBACK_LINK_INVALID')).toBe(true);
        const later = await crm.feedback.surveys.send({ customerId: (await person(crm)).id, surveyId: 'nps', channel: 'sms' });
        if (later.status !== 'sent') throw new Error('expected a send');
        crm.clock.advance({ days: 31 });
        const expired = await failure(crm.feedback.surveys.respondByLink({ token: later.token, answers: { nps: 1 } }));
        expect(isRapportError(expired, 'FEEDBACK_LINK_EXPIRED')).toBe(true);
        expect(await crm.storage.forTenant(crm.tenantId).table(responsesTable).count({})).toBe(1);
        await crm.close();
      });

      it('stores one response per link when four submits race (10 rounds)', async () => {
        const crm = await feedbackCrm(ctx.storage(), {
          links: { secret: 'a-test-secret-of-at-least-32-bytes!!', editableForMinutes: 0 },
          followUp: false,
        });
        for (let round = 0; round < 10; round++) {
          const customer = await person(crm);
          const sent = await crm.feedback.surveys.send({ customerId: customer.id, surveyId: 'nps', channel: 'email' });
          if (sent.status !== 'sent') throw new Error('expected a send');
          const results = await Promise.allSettled(
            [3, 5, 7, 9].map((nps) => crm.feedback.surveys.respondByLink({ token: sent.token, answers: { nps } })),
          );
          expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
          for (const result of results) {
            if (result.status === 'rejected') expect(isRapportError(result.reason, 'FEEDBACK_LINK_USED')).toBe(true);
          }
          expect(await crm.storage.forTenant(crm.tenantId).table(responsesTable).count({ linkId: sent.sendId })).toBe(1);
        }
        expect(crm.recordedOf('feedback.response.recorded')).toHaveLength(10);
        await crm.close();
      });

      it('throttles a person across channels: of four racing sends one goes out (15 rounds), the rest are skipped with the reason', async () => {
        const crm = await feedbackCrm(ctx.storage());
        const sends = crm.storage.forTenant(crm.tenantId).table(surveySendsTable);
        for (let round = 0; round < 15; round++) {
          const customer = await person(crm);
          const outcomes = await Promise.all(
            ['email', 'sms', 'pos', 'in-app'].map((channel) =>
              crm.feedback.surveys.send({ customerId: customer.id, surveyId: 'nps', channel }),
            ),
          );
          expect(outcomes.filter((outcome) => outcome.status === 'sent')).toHaveLength(1);
          expect(outcomes.filter((outcome) => outcome.status === 'skipped' && outcome.reason === 'throttled')).toHaveLength(3);
          expect(await sends.count({ customerId: customer.id, status: 'sent' })).toBe(1);
          expect(await sends.count({ customerId: customer.id, status: 'skipped', reason: 'throttled' })).toBe(3);
        }
        // The window ends 30 days after the send: a day before, still throttled; after, a send goes out.
        const ada = await person(crm);
        expect((await crm.feedback.surveys.send({ customerId: ada.id, surveyId: 'nps', channel: 'email' })).status).toBe('sent');
        crm.clock.advance({ days: 29 });
        const early = await crm.feedback.surveys.send({ customerId: ada.id, surveyId: 'nps', channel: 'sms' });
        expect(early.status === 'skipped' && early.reason === 'throttled' && early.throttle.nextAllowedAt.toISOString()).toBe(
          '2026-07-01T00:00:00.000Z',
        );
        crm.clock.advance({ days: 1, minutes: 1 });
        expect((await crm.feedback.surveys.send({ customerId: ada.id, surveyId: 'nps', channel: 'sms' })).status).toBe('sent');
        expect(crm.recordedOf('feedback.survey.skipped').filter((event) => event.reason === 'throttled')).toHaveLength(46);
        await crm.close();
      });

      it('skips a send the customer has not consented to, with the reason, and sends once they have', async () => {
        const crm = await feedbackCrm(ctx.storage(), { consentPurpose: 'feedback' });
        const ada = await person(crm);
        const skipped = await crm.feedback.surveys.send({ customerId: ada.id, surveyId: 'nps', channel: 'email' });
        expect(skipped).toMatchObject({ status: 'skipped', reason: 'not-consented' });
        await crm.consent.grant({ customerId: ada.id, purpose: 'feedback', channel: 'email', source: 'signup' });
        expect((await crm.feedback.surveys.send({ customerId: ada.id, surveyId: 'nps', channel: 'email' })).status).toBe('sent');
        const sends = crm.storage.forTenant(crm.tenantId).table(surveySendsTable);
        expect(await sends.count({ customerId: ada.id, status: 'skipped', reason: 'not-consented' })).toBe(1);
        await crm.close();
      });

      it('sends a survey after a purchase, after the delay, through a durable job; a second purchase is throttled', async () => {
        const crm = await feedbackCrm(ctx.storage(), {
          triggers: [{ on: { interaction: 'purchase' }, surveyId: 'nps', channel: 'email', delayMinutes: 120 }],
        });
        const ada = await person(crm);
        await crm.interactions.record({ customerId: ada.id, channel: 'pos', type: 'purchase', idempotencyKey: 'r1' });
        await crm.interactions.record({ customerId: ada.id, channel: 'pos', type: 'purchase', idempotencyKey: 'r1' }); // a duplicate: one send
        await crm.workers().drain();
        expect(crm.recordedOf('feedback.survey.sent')).toEqual([]); // not yet due
        crm.clock.advance({ minutes: 120 });
        await crm.workers().drain();
        expect(crm.recordedOf('feedback.survey.sent').map((event) => event.customerId)).toEqual([ada.id]);
        await crm.interactions.record({ customerId: ada.id, channel: 'web', type: 'purchase', idempotencyKey: 'r2' });
        crm.clock.advance({ minutes: 120 });
        await crm.workers().drain();
        expect(crm.recordedOf('feedback.survey.skipped').map((event) => event.reason)).toEqual(['throttled']);
        await crm.close();
      });

      it('anonymises free text and keeps the scores', async () => {
        const crm = await feedbackCrm(ctx.storage(), { followUp: false });
        const ada = await person(crm);
        const { response } = await crm.feedback.surveys.respond({
          customerId: ada.id,
          surveyId: 'nps',
          answers: { nps: 7, why: 'my address is …' },
        });
        expect(await crm.feedback.surveys.anonymise({ customerId: ada.id })).toBe(1);
        const after = await crm.feedback.surveys.response(response.id);
        expect(after.scores).toEqual({ nps: 7 });
        expect(after.answers).toEqual([{ questionId: 'nps', kind: 'nps', value: 7 }]);
        expect(after.anonymisedAt).not.toBeNull();
        expect(await crm.feedback.surveys.anonymise({ responseId: response.id })).toBe(0);
        await crm.close();
      });

      it('declares free text, subjects and ticket bodies personal, and customer references for merges', () => {
        expect(responsesTable.columns.answers.spec.personal).toBe(true);
        expect(ticketsTable.columns.subject.spec.personal).toBe(true);
        expect(responsesTable.columns.customerId.spec.customerRef).toBe(true);
      });
    }),
});
