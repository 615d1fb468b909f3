// Loaded by plain Node through require(): resolves @rapport/feedback to dist/index.cjs (jose is ESM-only: Node ≥ 20.19 requires it).
const {
  addWorkingMinutes,
  createResponseLinkToken,
  defineBusinessCalendar,
  npsScore,
  verifyResponseLinkToken,
} = require('@rapport/feedback');

(async () => {
  const now = new Date('2026-03-27T16:00:00Z');
  const calendar = defineBusinessCalendar({
    timeZone: 'Europe/London',
    weeklyHours: { monday: [{ start: '09:00', end: '17:00' }], friday: [{ start: '09:00', end: '17:00' }] },
  });
  const secret = 'smoke-test-secret-of-at-least-32-bytes';
  const token = await createResponseLinkToken({ secret, linkId: 'l1', customerId: 'c1', surveyId: 's1', surveyVersion: 1, now });
  const claims = await verifyResponseLinkToken(token, secret, now);
  console.log(
    JSON.stringify({
      nps: npsScore([10, 9, 6]).score,
      due: addWorkingMinutes(calendar, now, 120).toISOString(),
      customer: claims.customerId,
    }),
  );
})();
