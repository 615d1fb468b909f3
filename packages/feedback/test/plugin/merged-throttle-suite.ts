import { defineStorageSuite } from '@rapport/testkit';
import { describe, expect, it } from 'vitest';
import { feedbackCrm, person } from './setup.js';

/** Survey throttling across a merge: the person is one, whichever of their ids a send names. */
export const feedbackMergedThrottleSuite = defineStorageSuite({
  name: 'feedback-merged-throttle',
  define: (ctx) =>
    describe(`${ctx.name}: survey throttling across a merge`, () => {
      it('throttles a send naming a merged-away id after one to the survivor, and the other way round', async () => {
        const crm = await feedbackCrm(ctx.storage());
        const [survivor, retired] = [await person(crm), await person(crm)];
        await crm.customers.merge(survivor.id, retired.id);
        expect((await crm.feedback.surveys.send({ customerId: survivor.id, surveyId: 'nps', channel: 'email' })).status).toBe('sent');
        const second = await crm.feedback.surveys.send({ customerId: retired.id, surveyId: 'nps', channel: 'sms' });
        expect(second).toMatchObject({ status: 'skipped', reason: 'throttled' });

        const [other, gone] = [await person(crm), await person(crm)];
        await crm.customers.merge(other.id, gone.id);
        expect((await crm.feedback.surveys.send({ customerId: gone.id, surveyId: 'nps', channel: 'email' })).status).toBe('sent');
        expect(await crm.feedback.surveys.send({ customerId: other.id, surveyId: 'nps', channel: 'sms' })).toMatchObject({
          status: 'skipped',
          reason: 'throttled',
        });
        await crm.close();
      });
    }),
});
