// Loaded by plain Node through import: resolves @rapport/feedback to dist/index.js.
import { createCrm, memoryStorage } from '@rapport/core';
import {
  addWorkingMinutes,
  createResponseLinkToken,
  defineBusinessCalendar,
  feedback,
  npsScore,
  verifyResponseLinkToken,
} from '@rapport/feedback';

const now = new Date('2026-03-27T16:00:00Z');
const calendar = defineBusinessCalendar({
  timeZone: 'Europe/London',
  weeklyHours: { monday: [{ start: '09:00', end: '17:00' }], friday: [{ start: '09:00', end: '17:00' }] },
});
const secret = 'smoke-test-secret-of-at-least-32-bytes';
const token = await createResponseLinkToken({ secret, linkId: 'l1', customerId: 'c1', surveyId: 's1', surveyVersion: 1, now });
const claims = await verifyResponseLinkToken(token, secret, now);
// The plugin from the build: a response stored and scored (registered without decorator metadata).
const crm = await createCrm({ storage: memoryStorage(), plugins: [feedback({ links: { secret }, consentPurpose: false })] });
await crm.feedback.surveys.define({ id: 's1', title: 'T', questions: [{ id: 'nps', kind: 'nps', text: 'Recommend?' }] });
const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: 'ada@example.com' }] });
await crm.feedback.surveys.respond({ customerId: customer.id, surveyId: 's1', answers: { nps: 10 } });
const [point] = await crm.feedback.scores({
  kind: 'nps',
  period: 'month',
  from: new Date(Date.now() - 86_400_000),
  to: new Date(Date.now() + 86_400_000),
});
await crm.close();
console.log(
  JSON.stringify({
    pluginNps: point.value.score,
    nps: npsScore([10, 9, 6]).score,
    due: addWorkingMinutes(calendar, now, 120).toISOString(),
    customer: claims.customerId,
  }),
);
