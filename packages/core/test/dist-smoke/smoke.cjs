// Loaded by plain Node through require(): resolves @rapport/core to dist/index.cjs.
const { createCrm, memoryStorage } = require('@rapport/core');

(async () => {
  const crm = await createCrm({ storage: memoryStorage(), consent: { secret: 'dist-smoke-secret-of-at-least-32-bytes' } });
  const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: 'CJS@Example.com' }] });
  await crm.interactions.record({ customerId: customer.id, channel: 'web', type: 'purchase', properties: { amount: 7 } });
  // Double opt-in signs and checks its token with jose, bundled into the build.
  const request = await crm.consent.requestGrant({ customerId: customer.id, purpose: 'marketing', source: 'smoke' });
  const grant = await crm.consent.confirm(request.token);
  const profile = await crm.profile(customer.id);
  console.log(
    JSON.stringify({
      email: profile.customer.identities[0].value,
      spend: profile.customer.metrics.totalSpend,
      timeline: profile.timeline.length,
      consent:
        grant.requestId === request.record.id && (await crm.consent.check({ customerId: customer.id, purpose: 'marketing' })).allowed,
    }),
  );
})();
