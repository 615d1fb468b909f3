import { isRapportError } from '@rapport/core';
import { type ConformanceContext, defineStorageSuite } from '@rapport/testkit';
import { describe, expect, it } from 'vitest';
import { csatSeries, npsSeries, responsesTable, type ScoredResponse, ticketsTable } from '../../src/index.js';
import { failure, feedbackCrm, person } from './setup.js';

/** The closed loop and score series on one storage. */
export const feedbackClosedLoopSuite = defineStorageSuite({
  name: 'feedback-closed-loop',
  define: (ctx: ConformanceContext) =>
    describe(`${ctx.name}: feedback closed loop and scores`, () => {
      it('closes the loop: a detractor opens a follow-up, its resolution sends a CSAT link, and the report shows the recovery', async () => {
        const crm = await feedbackCrm(ctx.storage(), { resolvedSurvey: { surveyId: 'csat', channel: 'email', delayMinutes: 60 } });
        const ada = await person(crm);
        const detractor = await crm.feedback.surveys.respond({
          customerId: ada.id,
          surveyId: 'nps',
          channel: 'email',
          answers: { nps: 3 },
        });
        expect(detractor.followUpTicketId).not.toBeNull();
        const ticketId = detractor.followUpTicketId as string;
        expect(await crm.feedback.tickets.get(ticketId)).toMatchObject({
          responseId: detractor.response.id,
          priority: 'high',
          category: 'feedback-follow-up',
          source: 'survey',
        });
        crm.clock.advance({ minutes: 90 });
        await crm.feedback.tickets.reply(ticketId, { from: 'agent', body: 'We are sorry — here is what we will do.' });
        await crm.feedback.tickets.setStatus(ticketId, 'resolved');
        await crm.workers().drain();
        expect(crm.recordedOf('feedback.survey.sent')).toEqual([]); // the CSAT waits its hour
        crm.clock.advance({ minutes: 60 });
        await crm.workers().drain();
        const [sent] = crm.recordedOf('feedback.survey.sent');
        expect(sent).toMatchObject({ customerId: ada.id, surveyId: 'csat', ticketId });
        const csat = await crm.feedback.surveys.respondByLink({ token: sent?.token ?? '', answers: { csat: 5 } });
        expect(csat).toMatchObject({ followUpTicketId: null, response: { ticketId, scores: { csat: { score: 5, scale: 5 } } } });
        crm.clock.advance({ days: 40 });
        await crm.feedback.surveys.respond({ customerId: ada.id, surveyId: 'nps', answers: { nps: 9 } });
        const bob = await person(crm);
        const unhappy = await crm.feedback.surveys.respond({ customerId: bob.id, surveyId: 'csat', answers: { csat: 2 } });
        expect(unhappy.followUpTicketId).not.toBeNull();
        const report = await crm.feedback.closedLoopReport({ kind: 'nps' });
        expect(report).toMatchObject({
          flagged: 1,
          ticketsOpened: 1,
          followedUp: 1,
          medianMinutesToFollowUp: 90,
          withNextScore: 1,
          improved: 1,
          recovered: 1,
        });
        await crm.workers().drain();
        const answered = (await crm.interactions.timeline(ada.id, { types: ['survey.answered'] })).items;
        expect(answered.map((item) => item.properties.nps ?? item.properties.csat).sort()).toEqual([3, 5, 9]);
        await crm.close();
      });

      it('opens no follow-up when the closed loop is off, nor for a passive', async () => {
        const off = await feedbackCrm(ctx.storage(), { followUp: false });
        const ada = await person(off);
        expect(
          (await off.feedback.surveys.respond({ customerId: ada.id, surveyId: 'nps', answers: { nps: 0 } })).followUpTicketId,
        ).toBeNull();
        await off.close();
        const on = await feedbackCrm(ctx.storage());
        const bob = await person(on);
        expect(
          (await on.feedback.surveys.respond({ customerId: bob.id, surveyId: 'nps', answers: { nps: 7 } })).followUpTicketId,
        ).toBeNull();
        expect(
          (await on.feedback.surveys.respond({ customerId: bob.id, surveyId: 'nps', answers: { nps: 6 } })).followUpTicketId,
        ).not.toBeNull();
        expect(await on.storage.forTenant(on.tenantId).table(ticketsTable).count({})).toBe(1);
        await on.close();
      });

      it('gives NPS and CSAT series by month and channel equal to the score functions over the same answers', async () => {
        const crm = await feedbackCrm(ctx.storage(), { followUp: false });
        const customers = [await person(crm), await person(crm), await person(crm)];
        const answers: ScoredResponse[] = [];
        const channels = ['email', 'pos', 'sms'];
        for (let n = 0; n < 60; n++) {
          crm.clock.advance({ hours: 37 });
          const channel = channels[n % 3] as string;
          const nps = (n * 7) % 11;
          const csat = 1 + ((n * 3) % 5);
          const customer = customers[n % 3] as { id: string };
          await crm.feedback.surveys.respond({ customerId: customer.id, surveyId: 'nps', channel, answers: { nps } });
          await crm.feedback.surveys.respond({ customerId: customer.id, surveyId: 'csat', channel, answers: { csat } });
          answers.push({ answeredAt: crm.clock.now(), kind: 'nps', score: nps, scale: 10, dimensions: { channel } });
          answers.push({ answeredAt: crm.clock.now(), kind: 'csat', score: csat, scale: 5, dimensions: { channel } });
        }
        const range = { from: new Date('2026-06-01T00:00:00Z'), to: new Date('2026-10-01T00:00:00Z') };
        const nps = await crm.feedback.scores({ kind: 'nps', period: 'month', by: ['channel'], ...range });
        expect(nps).toEqual(npsSeries(answers, { period: 'month', by: ['channel'] }));
        expect(nps.reduce((sum, point) => sum + point.value.n, 0)).toBe(60);
        const csat = await crm.feedback.scores({ kind: 'csat', period: 'week', timeZone: 'Europe/London', ...range });
        expect(csat).toEqual(csatSeries(answers, { period: 'week', timeZone: 'Europe/London' }));
        const june = await crm.feedback.scores({ kind: 'nps', period: 'month', from: range.from, to: new Date('2026-07-01T00:00:00Z') });
        expect(june).toHaveLength(1);
        expect(june[0]?.value.n).toBe(answers.filter((a) => a.kind === 'nps' && a.answeredAt < new Date('2026-07-01T00:00:00Z')).length);
        const bad = await failure(
          crm.feedback.scores({ kind: 'nps', period: 'month', from: range.to, to: range.from, timeZone: 'Mars/Base' }),
        );
        expect(isRapportError(bad, 'FEEDBACK_INVALID_INPUT')).toBe(true);
        await crm.close();
      });

      it('gives series equal to the score functions around DST changes, in every zone and period, empty periods left out', async () => {
        const crm = await feedbackCrm(ctx.storage(), { followUp: false });
        const customer = await person(crm);
        // Answers every 97 minutes over 40 hours around each 2026 change (US 8 Mar and 1 Nov, EU 29 Mar and 25 Oct),
        // so local midnights, the skipped and the repeated hour all fall among them, with empty days in between.
        const changes = ['2026-03-08T07:00:00Z', '2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z', '2026-11-01T06:00:00Z'];
        const answers: ScoredResponse[] = [];
        const rows = [];
        for (const change of changes) {
          for (let minutes = -20 * 60; minutes < 20 * 60; minutes += 97) {
            const answeredAt = new Date(new Date(change).getTime() + minutes * 60_000);
            const n = answers.length;
            const channel = n % 3 === 0 ? 'email' : 'sms';
            const kind = n % 2 === 0 ? 'nps' : 'csat';
            const score = kind === 'nps' ? (n * 7) % 11 : 1 + ((n * 3) % 5);
            answers.push({ answeredAt, kind, score, scale: kind === 'nps' ? 10 : 5, dimensions: { channel } });
            rows.push({
              id: `dst-${n}`,
              customerId: customer.id,
              surveyId: kind,
              surveyVersion: 1,
              channel,
              nps: kind === 'nps' ? score : null,
              csat: kind === 'csat' ? score : null,
              csatScale: kind === 'csat' ? 5 : null,
              answers: [],
              answeredAt,
              updatedAt: answeredAt,
            });
          }
        }
        await crm.storage.forTenant(crm.tenantId).table(responsesTable).insertMany(rows);
        const range = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-11-15T00:00:00Z') };
        for (const timeZone of ['UTC', 'Europe/London', 'America/New_York', 'Australia/Sydney']) {
          for (const period of ['day', 'week', 'month'] as const) {
            for (const by of [[], ['channel']] as 'channel'[][]) {
              const options = { period, timeZone, by };
              expect(await crm.feedback.scores({ kind: 'nps', ...options, ...range })).toEqual(npsSeries(answers, options));
              expect(await crm.feedback.scores({ kind: 'csat', ...options, ...range })).toEqual(csatSeries(answers, options));
            }
          }
        }
        await crm.close();
      });
    }),
});
