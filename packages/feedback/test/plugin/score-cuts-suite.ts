import { isRapportError } from '@rapport/core';
import { type ConformanceContext, defineStorageSuite } from '@rapport/testkit';
import { describe, expect, it } from 'vitest';
import { npsFromCounts, proportionScore, surveySendsTable } from '../../src/index.js';
import { type FeedbackTestCrm, failure, feedbackCrm } from './setup.js';

const JUNE = new Date('2026-06-01T00:00:00Z');
const AUGUST = new Date('2026-08-01T00:00:00Z');

/** A, B in `vip`; B, C in `at-risk`; D in neither (segments on tags). */
async function people(crm: FeedbackTestCrm) {
  const make = async (name: string, tags: string[]) =>
    (await crm.customers.upsert({ identities: [{ type: 'email', value: `${name}-${crypto.randomUUID()}@example.com` }], tags })).customer;
  const people = {
    a: await make('a', ['vip']),
    b: await make('b', ['vip', 'at-risk']),
    c: await make('c', ['at-risk']),
    d: await make('d', []),
  };
  await crm.segments.define({ key: 'vip', name: 'VIP', condition: { kind: 'tag', op: 'has', value: 'vip' } });
  await crm.segments.define({ key: 'at-risk', name: 'At risk', condition: { kind: 'tag', op: 'has', value: 'at-risk' } });
  return people;
}

/** What a point says, for hand-computed comparison. */
const brief = (points: { period: string; dimensions: Record<string, string | null>; value: { n: number; score: number | null } }[]) =>
  points.map((point) => [
    point.period,
    point.dimensions,
    point.value.n,
    point.value.score === null ? null : Math.round(point.value.score * 100) / 100,
  ]);

/** Scores by segment membership (evaluated at query time) and response-rate series, on one storage, against hand-computed values. */
export const feedbackScoreCutsSuite = defineStorageSuite({
  name: 'feedback-score-cuts',
  define: (ctx: ConformanceContext) =>
    describe(`${ctx.name}: feedback scores by segment and response rates`, () => {
      it('cuts NPS by segment membership now (a response counts in each segment its customer is in), unlike the response-time label', async () => {
        const crm = await feedbackCrm(ctx.storage(), { followUp: false });
        const { a, b, c, d } = await people(crm);
        const answer = async (customerId: string, nps: number, channel: string, segment?: string) => {
          crm.clock.advance({ hours: 1 });
          await crm.feedback.surveys.respond({ customerId, surveyId: 'nps', channel, answers: { nps }, ...(segment ? { segment } : {}) });
        };
        // June: A 10 (labelled "gold" when answered), B 9, B 3, C 6, D 10.
        await answer(a.id, 10, 'email', 'gold');
        await answer(b.id, 9, 'pos');
        await answer(b.id, 3, 'email');
        await answer(c.id, 6, 'email');
        await answer(d.id, 10, 'email');
        // July: A 0, C 8, C 9.
        crm.clock.set(new Date('2026-07-10T00:00:00Z'));
        await answer(a.id, 0, 'email');
        await answer(c.id, 8, 'sms');
        await answer(c.id, 9, 'sms');
        const query = {
          kind: 'nps' as const,
          period: 'month' as const,
          from: JUNE,
          to: AUGUST,
          by: ['segment' as const],
          segments: ['vip', 'at-risk'],
        };
        const bySegment = await crm.feedback.scores(query);
        // June vip: 10, 9, 3 → 2 promoters, 1 detractor of 3 → 33.33; June at-risk: 9, 3, 6 → 1 − 2 of 3 → −33.33;
        // July vip: 0 → −100; July at-risk: 8, 9 → 1 promoter of 2 → 50. D is in no segment: in no point.
        expect(brief(bySegment)).toEqual([
          ['2026-06-01', { segment: 'at-risk' }, 3, -33.33],
          ['2026-06-01', { segment: 'vip' }, 3, 33.33],
          ['2026-07-01', { segment: 'at-risk' }, 2, 50],
          ['2026-07-01', { segment: 'vip' }, 1, -100],
        ]);
        expect(bySegment[1]?.value).toEqual(npsFromCounts({ promoters: 2, passives: 0, detractors: 1 }));
        // With channel: June vip e-mail 10, 3 → 0; June vip pos 9 → 100.
        const withChannel = await crm.feedback.scores({ ...query, by: ['segment', 'channel'], to: new Date('2026-07-01T00:00:00Z') });
        expect(brief(withChannel)).toEqual([
          ['2026-06-01', { segment: 'at-risk', channel: 'email' }, 2, -100],
          ['2026-06-01', { segment: 'at-risk', channel: 'pos' }, 1, 100],
          ['2026-06-01', { segment: 'vip', channel: 'email' }, 2, 0],
          ['2026-06-01', { segment: 'vip', channel: 'pos' }, 1, 100],
        ]);
        // A leaves vip: membership is read at query time, so her answers leave the vip points.
        await crm.customers.untag(a.id, 'vip');
        expect(brief(await crm.feedback.scores({ ...query, segments: ['vip'] }))).toEqual([['2026-06-01', { segment: 'vip' }, 2, 0]]);
        // The response-time label is its own dimension: June gold 10 → 100; June unlabelled 9, 3, 6, 10 → 0; July 0, 8, 9 → 0.
        expect(brief(await crm.feedback.scores({ kind: 'nps', period: 'month', from: JUNE, to: AUGUST, by: ['responseSegment'] }))).toEqual(
          [
            ['2026-06-01', { responseSegment: 'gold' }, 1, 100],
            ['2026-06-01', { responseSegment: null }, 4, 0],
            ['2026-07-01', { responseSegment: null }, 3, 0],
          ],
        );
        // Bad input names the field.
        const missing = await failure(crm.feedback.scores({ kind: 'nps', period: 'month', from: JUNE, to: AUGUST, by: ['segment'] }));
        expect(isRapportError(missing, 'FEEDBACK_INVALID_INPUT')).toBe(true);
        expect((missing as { details: { issues: { path: unknown[] }[] } }).details.issues.map((issue) => issue.path)).toEqual([
          ['query', 'segments'],
        ]);
        const unknown = await failure(crm.feedback.scores({ ...query, segments: ['vip', 'nobody'] }));
        expect((unknown as { details: { issues: { path: unknown[] }[] } }).details.issues[0]?.path).toEqual(['query', 'segments', 1]);
        await crm.close();
      });

      it('gives response rates per period of sending by channel, survey and segment, with Wilson intervals (hand-computed)', async () => {
        // No throttle window: every send goes out.
        const crm = await feedbackCrm(ctx.storage(), { followUp: false, throttle: { windowDays: 0, maxPerWindow: 1 } });
        const { a, b, c, d } = await people(crm);
        const send = async (customerId: string, surveyId: string, channel: string, answer: boolean) => {
          crm.clock.advance({ hours: 1 });
          const sent = await crm.feedback.surveys.send({ customerId, surveyId, channel });
          if (sent.status !== 'sent') throw new Error('expected a send');
          return async () => {
            if (answer)
              await crm.feedback.surveys.respondByLink({ token: sent.token, answers: surveyId === 'nps' ? { nps: 8 } : { csat: 4 } });
          };
        };
        // June: A nps e-mail ✓, A csat sms ✗, B nps e-mail ✓, C nps sms ✓, D nps e-mail ✗ (and a skipped send, which does not count).
        const june = [
          await send(a.id, 'nps', 'email', true),
          await send(a.id, 'csat', 'sms', false),
          await send(b.id, 'nps', 'email', true),
          await send(c.id, 'nps', 'sms', true),
          await send(d.id, 'nps', 'email', false),
        ];
        await crm.storage.forTenant(crm.tenantId).table(surveySendsTable).insert({
          id: 'skipped-1',
          customerId: d.id,
          surveyId: 'nps',
          surveyVersion: 1,
          channel: 'email',
          status: 'skipped',
          reason: 'throttled',
          sentAt: crm.clock.now(),
        });
        for (const respond of june) await respond();
        // July: A nps e-mail ✗, C csat e-mail ✓ — answered in August, still counted in July, its send's period.
        crm.clock.set(new Date('2026-07-20T00:00:00Z'));
        await send(a.id, 'nps', 'email', false);
        const late = await send(c.id, 'csat', 'email', true);
        crm.clock.set(new Date('2026-08-05T00:00:00Z'));
        await late();
        const range = { period: 'month', from: JUNE, to: AUGUST } as const;
        expect(brief(await crm.feedback.responseRates(range))).toEqual([
          ['2026-06-01', {}, 5, 60],
          ['2026-07-01', {}, 2, 50],
        ]);
        const byChannel = await crm.feedback.responseRates({ ...range, by: ['channel'] });
        expect(brief(byChannel)).toEqual([
          ['2026-06-01', { channel: 'email' }, 3, 66.67],
          ['2026-06-01', { channel: 'sms' }, 2, 50],
          ['2026-07-01', { channel: 'email' }, 2, 50],
        ]);
        expect(byChannel[0]?.value).toEqual(proportionScore(2, 3));
        expect(byChannel[0]?.value.interval).toMatchObject({ confidence: 0.95 });
        expect(brief(await crm.feedback.responseRates({ ...range, by: ['survey'] }))).toEqual([
          ['2026-06-01', { survey: 'csat' }, 1, 0],
          ['2026-06-01', { survey: 'nps' }, 4, 75],
          ['2026-07-01', { survey: 'csat' }, 1, 100],
          ['2026-07-01', { survey: 'nps' }, 1, 0],
        ]);
        // vip = A, B; at-risk = B, C.
        expect(brief(await crm.feedback.responseRates({ ...range, by: ['segment'], segments: ['vip', 'at-risk'] }))).toEqual([
          ['2026-06-01', { segment: 'at-risk' }, 2, 100],
          ['2026-06-01', { segment: 'vip' }, 3, 66.67],
          ['2026-07-01', { segment: 'at-risk' }, 1, 100],
          ['2026-07-01', { segment: 'vip' }, 1, 0],
        ]);
        expect(brief(await crm.feedback.responseRates({ ...range, surveyId: 'csat' }))).toEqual([
          ['2026-06-01', {}, 1, 0],
          ['2026-07-01', {}, 1, 100],
        ]);
        const bad = await failure(crm.feedback.responseRates({ ...range, by: ['store' as 'channel'] }));
        expect(isRapportError(bad, 'FEEDBACK_INVALID_INPUT')).toBe(true);
        await crm.close();
      });
    }),
});
